"""Labelled author-name-disambiguation data, read robustly, and the scores of a resolution.

Two kinds of label file: clusters (one mention per row with a person id: the Song
et al. 2015 PubMed corpus, ``IDX  Pmid  First_Author_Last_Name
First_Author_Initials``) and pairs (two mentions and whether they are one person:
Vishnyakova et al. 2019, ``PMID1;Last_name1;Initials1;First_name1;PMID2;...;Authorship``).
The records are PubMed XML files in a tar archive (or a folder), one per PMID.

Files met in the wild differ from the published ones in small ways: the text
encoding (UTF-8 with or without a byte-order mark, UTF-16, Latin-1), the
delimiter, the header's spelling and case, labels written " YES", "yes", "Y",
"same", a row with a side missing, letters lost to "?" or U+FFFD. Each is read
here; a row that cannot be scored is skipped and counted with its reason.
"""

from __future__ import annotations

import csv
import io
import re
import tarfile
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from liaison.core.errors import LiaisonError
from liaison.experts.resolution.citations import mention_of
from liaison.experts.resolution.mentions import Mention
from liaison.experts.resolution.names import compatible_initials, family_key, given_name
from liaison.literature.pubmed.reader import parse_pubmed
from liaison.literature.pubmed.records import Author, Citation


class GoldStandardError(LiaisonError):
    """A label file or a record archive that cannot be read at all; the message starts
    with the file's name."""

    def __init__(self, reason: str, *, file: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


@dataclass
class Skipped:
    """Rows left out of the scores, by reason (``{"no record for PMID": [12, 40]}``: lines)."""

    rows: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, reason: str, line: int) -> None:
        self.rows[reason].append(line)

    @property
    def count(self) -> int:
        return sum(len(lines) for lines in self.rows.values())

    def as_dict(self) -> dict[str, object]:
        return {
            "count": self.count,
            "reasons": {
                reason: {"rows": len(lines), "lines": lines[:20]}
                for reason, lines in sorted(self.rows.items())
            },
        }


# --- reading text files -----------------------------------------------------------------


def read_text(path: Path) -> str:
    """The text of a label file in whichever encoding it was written."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise GoldStandardError(f"cannot read the file: {error.strerror}", file=str(path)) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise GoldStandardError("cannot decode the text", file=str(path))  # pragma: no cover


def _rows(text: str, path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    lines = text.splitlines()
    header_line = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_line is None:
        raise GoldStandardError("the file is empty", file=str(path))
    sample = lines[header_line]
    delimiter = max(("\t", ";", ","), key=sample.count)
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    rows = list(reader)
    header = rows[header_line]

    def body() -> Iterator[tuple[int, list[str]]]:
        for number, row in enumerate(rows[header_line + 1 :], start=header_line + 2):
            if any(cell.strip() for cell in row):
                yield number, row

    return header, body()


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _column(header: list[str], path: Path, label: str, *options: str, required: bool = True) -> int:
    """The index of the column spelt as one of ``options`` (compared without case,
    spaces or punctuation); a missing required one is named by ``label``."""
    normal = [_norm(name) for name in header]
    for option in options:
        if option in normal:
            return normal.index(option)
    if required:
        raise GoldStandardError(
            f"no {label} column in the header line ({', '.join(header)})", file=str(path)
        )
    return -1


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if 0 <= index < len(row) else ""


def _pmid(text: str) -> int | None:
    text = text.strip().removesuffix(".0")
    return int(text) if text.isdigit() and int(text) > 0 else None


# --- records ----------------------------------------------------------------------------


class Records:
    """The PubMed records of an archive (tar, tar.gz, or a folder of ``<PMID>.xml``), by
    PMID, parsed on first use; a file that is not a PubMed record is remembered as such."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._files: dict[int, bytes] = {}
        self._parsed: dict[int, Citation | str] = {}
        if path.is_dir():
            for file in sorted(path.rglob("*.xml")):
                pmid = _pmid(file.stem)
                if pmid:
                    self._files[pmid] = file.read_bytes()
            return
        try:
            with tarfile.open(path) as archive:
                for member in archive:
                    pmid = _pmid(Path(member.name).stem) if member.isfile() else None
                    extracted = archive.extractfile(member) if pmid else None
                    if pmid and extracted is not None:
                        self._files[pmid] = extracted.read()
        except (OSError, tarfile.TarError) as error:
            raise GoldStandardError(
                f"not a tar archive of PubMed records: {error}", file=str(path)
            ) from None

    def __len__(self) -> int:
        return len(self._files)

    def get(self, pmid: int) -> Citation | str:
        """The record, or why there is none usable."""
        if pmid in self._parsed:
            return self._parsed[pmid]
        data = self._files.get(pmid)
        result: Citation | str
        if data is None:
            result = "no record for the PMID in the archive"
        elif not data.strip():
            result = "the record file is empty"
        else:
            try:
                records = [
                    record
                    for record in parse_pubmed(io.BytesIO(data), name=f"{pmid}.xml")
                    if isinstance(record, Citation)
                ]
            except LiaisonError:
                records = []
            match = next((record for record in records if record.pmid == pmid), None)
            result = match or "the record file is not a PubMed record"
        self._parsed[pmid] = result
        return result


_LOST = re.compile("[?\ufffd]+")


def _family_pattern(written: str) -> re.Pattern[str]:
    """A pattern of the folded family name where lost letters ("Mu?oz", "Mu\ufffdoz") match
    any one or two letters."""
    pieces = [family_key(piece) for piece in _LOST.split(written)]
    return re.compile(".{1,2}".join(re.escape(piece) for piece in pieces))


def find_author(citation: Citation, family: str, initials: str, first: str) -> tuple[int, bool]:
    """The 0-based index of the author a label names, and whether an investigator; -1 when
    none matches. Exact initials first, then compatible ones, then the first initial."""
    pattern = _family_pattern(family)
    wanted = given_name(_LOST.sub("", first), _LOST.sub("", initials)).initials
    for investigator, people in ((False, citation.authors), (True, citation.investigators)):
        named = [
            (index, person)
            for index, person in enumerate(people)
            if person.family and pattern.fullmatch(family_key(person.family))
        ]
        if not named:
            continue
        for strictness in range(3):
            for index, person in named:
                if _initials_match(_initials(person), wanted, strictness):
                    return index, investigator
        if len(named) == 1:
            return named[0][0], investigator
    return -1, False


def _initials_match(found: str, wanted: str, strictness: int) -> bool:
    """0: the same initials; 1: compatible ones ("J" and "JS"); 2: the same first initial."""
    if strictness == 0:
        return found == wanted
    if strictness == 1:
        return compatible_initials(found, wanted)
    return found[:1] == wanted[:1]


def _initials(person: Author) -> str:
    return given_name(person.given or "", person.initials or "").initials


# --- the two kinds of label file --------------------------------------------------------


@dataclass
class ClusterSet:
    mentions: list[Mention]
    gold: dict[str, int]
    block: dict[str, str]
    skipped: Skipped


def read_clusters(labels: Path, records: Records) -> ClusterSet:
    """The labelled mentions of a cluster file: the first author of each row's record."""
    header, rows = _rows(read_text(labels), labels)
    idx = _column(
        header,
        labels,
        "person id (IDX)",
        "idx",
        "id",
        "authorid",
        "uniqueauthorid",
        "person",
        "personid",
        "cluster",
    )
    pmid_at = _column(header, labels, "PMID", "pmid", "pubmedid")
    family_at = _column(
        header,
        labels,
        "family name",
        "firstauthorlastname",
        "lastname",
        "surname",
        "familyname",
        "family",
    )
    initials_at = _column(
        header, labels, "initials", "firstauthorinitials", "initials", required=False
    )
    mentions: list[Mention] = []
    gold: dict[str, int] = {}
    block: dict[str, str] = {}
    skipped = Skipped()
    seen: set[int] = set()
    for line, row in rows:
        pmid = _pmid(_cell(row, pmid_at))
        person = _cell(row, idx)
        if pmid is None:
            skipped.add("no PMID", line)
            continue
        if not person.lstrip("-").isdigit():
            skipped.add("no person id", line)
            continue
        if pmid in seen:
            skipped.add("the PMID is labelled twice", line)
            continue
        citation = records.get(pmid)
        if isinstance(citation, str):
            skipped.add(citation, line)
            continue
        # The corpus labels the first author (AuthorList/Author[1]), whatever its spelling;
        # when that is a group ("Gynecologic Oncology Group"), the person named in the row.
        if citation.authors and citation.authors[0].family:
            index, investigator = 0, False
        else:
            index, investigator = find_author(
                citation, _cell(row, family_at), _cell(row, initials_at), ""
            )
        if index < 0:
            skipped.add("the named author is not in the record", line)
            continue
        seen.add(pmid)
        mention = mention_of(citation, index, investigator=investigator)
        mentions.append(mention)
        gold[mention.key] = int(person)
        block[mention.key] = family_key(_cell(row, family_at) or mention.family)
    return ClusterSet(mentions, gold, block, skipped)


@dataclass
class PairSet:
    mentions: list[Mention]
    pairs: list[tuple[str, str, bool]]
    skipped: Skipped


_YES = frozenset({"yes", "y", "true", "1", "same", "match", "t"})
_NO = frozenset({"no", "n", "false", "0", "different", "nomatch", "f"})


def read_pairs(labels: Path, records: Records) -> PairSet:
    """The labelled pairs of a pair file, each side found in its record by name."""
    header, rows = _rows(read_text(labels), labels)
    sides = []
    for side in ("1", "2"):
        sides.append(
            (
                _column(header, labels, f"PMID{side}", f"pmid{side}"),
                _column(
                    header,
                    labels,
                    f"family name {side}",
                    f"lastname{side}",
                    f"surname{side}",
                    f"familyname{side}",
                ),
                _column(header, labels, "", f"initials{side}", required=False),
                _column(header, labels, "", f"firstname{side}", f"forename{side}", required=False),
            )
        )
    label_at = _column(
        header, labels, "label (Authorship)", "authorship", "label", "same", "match", "sameperson"
    )
    skipped = Skipped()
    found: dict[str, Mention] = {}
    labelled: dict[tuple[str, str], list[tuple[int, bool]]] = defaultdict(list)
    for line, row in rows:
        word = _norm(_cell(row, label_at))
        if word not in _YES and word not in _NO:
            skipped.add("no label" if not word else f"unknown label {word!r}", line)
            continue
        keys: list[str] = []
        for pmid_at, family_at, initials_at, first_at in sides:
            pmid = _pmid(_cell(row, pmid_at))
            if pmid is None:
                keys = []
                skipped.add("a side has no PMID", line)
                break
            citation = records.get(pmid)
            if isinstance(citation, str):
                keys = []
                skipped.add(citation, line)
                break
            index, investigator = find_author(
                citation, _cell(row, family_at), _cell(row, initials_at), _cell(row, first_at)
            )
            if index < 0:
                keys = []
                skipped.add("the named author is not in the record", line)
                break
            mention = mention_of(citation, index, investigator=investigator)
            found.setdefault(mention.key, mention)
            keys.append(mention.key)
        if len(keys) != 2:
            continue
        if keys[0] == keys[1]:
            skipped.add("both sides are the same mention", line)
            continue
        pair = (keys[0], keys[1]) if keys[0] < keys[1] else (keys[1], keys[0])
        labelled[pair].append((line, word in _YES))
    pairs: list[tuple[str, str, bool]] = []
    for (a, b), votes in labelled.items():
        answers = {same for _, same in votes}
        if len(answers) > 1:
            for line, _ in votes:
                skipped.add("the pair is labelled both ways", line)
            continue
        for line, _ in votes[1:]:
            skipped.add("the pair is labelled twice (counted once)", line)
        pairs.append((a, b, votes[0][1]))
    return PairSet(list(found.values()), pairs, skipped)


# --- scores -----------------------------------------------------------------------------


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def pairwise(
    gold: Mapping[str, int], predicted: Mapping[str, int], block: Mapping[str, str]
) -> dict[str, float]:
    """Pairwise precision, recall and F1 over mention pairs inside each block; predicted
    merges across blocks count as false positives."""
    tp = fp = fn = 0
    groups: dict[str, list[str]] = defaultdict(list)
    for mention in gold:
        groups[block[mention]].append(mention)
    for members in groups.values():
        for a, b in combinations(members, 2):
            same, said = gold[a] == gold[b], predicted[a] == predicted[b]
            tp += same and said
            fp += said and not same
            fn += same and not said
    by_person: dict[int, list[str]] = defaultdict(list)
    for mention in gold:
        by_person[predicted[mention]].append(mention)
    for members in by_person.values():
        blocks = Counter(block[m] for m in members)
        total = len(members) * (len(members) - 1) // 2
        inside = sum(n * (n - 1) // 2 for n in blocks.values())
        fp += total - inside
    return _prf(tp, fp, fn)


def bcubed(gold: Mapping[str, int], predicted: Mapping[str, int]) -> dict[str, float]:
    """B-cubed precision, recall and F1 (means over mentions)."""
    gold_sets: dict[int, set[str]] = defaultdict(set)
    predicted_sets: dict[int, set[str]] = defaultdict(set)
    for mention in gold:
        gold_sets[gold[mention]].add(mention)
        predicted_sets[predicted[mention]].add(mention)
    precision = recall = 0.0
    for mention in gold:
        g, p = gold_sets[gold[mention]], predicted_sets[predicted[mention]]
        shared = len(g & p)
        precision += shared / len(p)
        recall += shared / len(g)
    n = max(len(gold), 1)
    precision, recall = precision / n, recall / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def pair_scores(
    pairs: list[tuple[str, str, bool]], predicted: Mapping[str, int]
) -> dict[str, float | int]:
    """Precision, recall and F1 of the "same person" class, and accuracy."""
    tp = fp = fn = tn = 0
    for a, b, same in pairs:
        said = predicted[a] == predicted[b]
        tp += same and said
        fp += said and not same
        fn += same and not said
        tn += not same and not said
    scores: dict[str, float | int] = {"pairs": len(pairs), **_prf(tp, fp, fn)}
    scores["accuracy"] = round((tp + tn) / len(pairs), 4) if pairs else 1.0
    return scores


def initial_baseline(mentions: list[Mention]) -> dict[str, int]:
    """ "Same family name and first initial is one person"."""
    keys: dict[str, int] = {}
    result = {}
    for mention in mentions:
        letter = given_name(mention.given, mention.initials).initials[:1]
        key = f"{family_key(mention.family)} {letter}"
        result[mention.key] = keys.setdefault(key, len(keys))
    return result
