"""RIS, BibTeX, MEDLINE (.nbib), CSV and XLSX: our writers read back by independent readers
(rispy, bibtexparser, csv, openpyxl), and our readers on every real export in ../shared/data/refs."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
import rispy  # type: ignore[import-untyped]
from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares import LatexDecodingMiddleware
from openpyxl import load_workbook

from liaison.literature.reference_formats import (
    Author,
    Reference,
    ReferenceFormatError,
    ReferenceType,
    ReferenceWarning,
    read_bibtex,
    read_nbib,
    read_ris,
    write_bibtex,
    write_csv,
    write_ris,
    write_xlsx,
)
from liaison.literature.reference_formats.bibtex import citation_key, decode_latex, split_authors

MUELLER = Reference(
    type=ReferenceType.ARTICLE,
    title="Pembrolizumab & chemotherapy in 50% of NSCLC: a #1 trial_{phase 3} at ~$100",
    authors=(
        Author("Müller", "Hans-Jürgen"),
        Author("Ødegård", "Åse"),
        Author("Nguyễn", "Thị Minh"),
        Author("李", "小龙"),
        Author("O'Brien", "Seán"),
        Author("ESMO Guidelines Committee"),
    ),
    journal="The New England Journal of Medicine",
    abbreviation="N Engl J Med",
    year=2024,
    month=3,
    volume="390",
    issue="11",
    pages="1001-1012",
    doi="10.1056/NEJMoa2400001",
    pmid="38456789",
    pmcid="PMC1234567",
    issn="0028-4793",
    abstract="BACKGROUND: Überraschend. METHODS: We randomised 1,000 patients (α = 0.05).",
    keywords=("lung cancer", "immunotherapy"),
    url="https://www.nejm.org/doi/full/10.1056/NEJMoa2400001",
    language="eng",
    publisher="Massachusetts Medical Society",
    notes="Our key paper",
)
SECOND = Reference(
    title="Oncology outcomes revisited",
    authors=(Author("Müller", "Anna"),),
    journal="Lancet Oncol",
    year=2024,
    pages="e45",
    doi="10.1016/S1470-2045(24)00001-1",
)


def _bytes(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


# --- RIS written, read back by rispy --------------------------------------------------------


def _ris(*references: Reference) -> str:
    out = io.StringIO()
    write_ris(references, out)
    return out.getvalue()


def test_ris_export_reads_back_in_rispy_with_every_field() -> None:
    [entry] = rispy.loads(_ris(MUELLER))

    assert entry["type_of_reference"] == "JOUR"
    assert entry["title"] == MUELLER.title
    assert entry["authors"] == [
        "Müller, Hans-Jürgen",
        "Ødegård, Åse",
        "Nguyễn, Thị Minh",
        "李, 小龙",
        "O'Brien, Seán",
        "ESMO Guidelines Committee",
    ]
    assert entry["secondary_title"] == "The New England Journal of Medicine"
    assert entry["alternate_title1"] == "N Engl J Med"
    assert entry["year"] == "2024"
    assert entry["date"] == "2024/03//"
    assert entry["volume"] == "390"
    assert entry["number"] == "11"
    assert (entry["start_page"], entry["end_page"]) == ("1001", "1012")
    assert entry["doi"] == "10.1056/NEJMoa2400001"
    assert entry["accession_number"] == "38456789"
    assert entry["custom2"] == "PMCID: PMC1234567"
    assert entry["issn"] == "0028-4793"
    assert entry["abstract"] == MUELLER.abstract
    assert entry["keywords"] == ["lung cancer", "immunotherapy"]
    assert entry["urls"] == [MUELLER.url]
    assert entry["language"] == "eng"
    assert entry["publisher"] == "Massachusetts Medical Society"
    assert entry["notes"] == ["Our key paper"]


def test_ris_export_uses_crlf_and_one_line_per_value() -> None:
    text = _ris(Reference(title="Two\nlines", abstract="First paragraph.\n\nSecond."))

    assert "\r\n" in text
    assert "\n" not in text.replace("\r\n", "")
    assert "AB  - First paragraph. Second.\r\n" in text
    assert text.count("ER  - ") == 1


def test_ris_export_reads_back_in_our_reader_unchanged() -> None:
    text = _ris(MUELLER, SECOND)

    assert list(read_ris(_bytes(text), "export.ris")) == [MUELLER, SECOND]


def test_ris_types_map_both_ways() -> None:
    references = [Reference(type=kind, title=kind.value) for kind in ReferenceType]
    text = _ris(*references)

    assert [e["type_of_reference"] for e in rispy.loads(text)] == [
        "JOUR",
        "BOOK",
        "CHAP",
        "CPAPER",
        "THES",
        "RPRT",
        "CASE",
        "PAT",
        "GEN",
    ]
    assert [r.type for r in read_ris(_bytes(text), "types.ris")] == list(ReferenceType)


# --- RIS read: edge cases in small files --------------------------------------------------


def test_ris_reader_takes_bom_crlf_and_ovid_numbers() -> None:
    text = (
        "\ufeff1.\r\nTY  - JOUR\r\nT1  - First\r\nA1  - Smith, John\r\nA1  - Doe, Jane\r\nER  -\r\n"
        "\r\n2.\r\nTY  - JOUR\r\nTI  - Second\r\nER  - \r\n"
    )

    references = list(read_ris(_bytes(text), "ovid.ris"))

    assert [r.title for r in references] == ["First", "Second"]
    assert references[0].authors == (Author("Smith", "John"), Author("Doe", "Jane"))


def test_ris_reader_finds_pmid_and_doi_where_exporters_put_them() -> None:
    text = (
        "TY  - JOUR\nTI  - In AN\nAN  - 31421429\nDO  - https://doi.org/10.1016/J.X.2019.1\nER  - \n"
        "TY  - JOUR\nTI  - In a note\nN1  - PMID: 23162881 PMCID: PMC3553406\nER  - \n"
        "TY  - JOUR\nTI  - In a link\nUR  - https://pubmed.ncbi.nlm.nih.gov/22752652/\n"
        "UR  - https://doi.org/10.1007/s11307-012-0572-0\nER  - \n"
        "TY  - JOUR\nTI  - Not PubMed\nAN  - rayyan-264552525\nDO  - http://dx.doi.org/10.1002/cpp.2398\nER  - \n"
    )

    references = list(read_ris(_bytes(text), "ids.ris"))

    assert [(r.pmid, r.doi) for r in references] == [
        ("31421429", "10.1016/J.X.2019.1"),
        ("23162881", None),
        ("22752652", "10.1007/s11307-012-0572-0"),
        (None, "10.1002/cpp.2398"),
    ]
    assert references[1].pmcid == "PMC3553406"


def test_ris_reader_reports_bad_records_by_line_and_goes_on() -> None:
    text = (
        "TY  - JOUR\nTI  - Good one\nER  - \n"
        "TY  - JOUR\nN1  - nothing to identify the work\nER  - \n"
        "AU  - Orphan, Author\n"
        "TY  - JOUR\nTI  - Truncated\n"
    )
    errors: list[ReferenceFormatError] = []

    references = list(read_ris(_bytes(text), "bad.ris", on_error=errors.append))

    assert [r.title for r in references] == ["Good one"]
    assert [str(e) for e in errors] == [
        "bad.ris, line 4: record has no title (TI or T1), DOI or PMID",
        "bad.ris, line 7: tag AU outside a record (no TY before it)",
        "bad.ris, line 8: record ends without an ER line (truncated file?)",
    ]


def test_ris_reader_raises_on_the_first_bad_record_without_on_error() -> None:
    with pytest.raises(ReferenceFormatError, match=r"^cut\.ris, line 1: record ends without"):
        list(read_ris(_bytes("TY  - JOUR\nTI  - Cut\n"), "cut.ris"))


def test_a_file_that_is_not_ris_is_refused_at_its_first_line() -> None:
    with pytest.raises(ReferenceFormatError, match=r"^notes\.txt, line 2: not a RIS file"):
        list(read_ris(_bytes("\nSome notes about papers\nTY  - JOUR\n"), "notes.txt"))


# --- BibTeX written, read back by bibtexparser ------------------------------------------------


def _bib(*references: Reference) -> str:
    out = io.StringIO()
    write_bibtex(references, out)
    return out.getvalue()


def test_bibtex_export_reads_back_in_bibtexparser_with_every_field() -> None:
    library = parse_string(_bib(MUELLER), append_middleware=[LatexDecodingMiddleware()])

    assert library.failed_blocks == []
    [entry] = library.entries
    fields = {field.key: field.value for field in entry.fields}
    assert entry.entry_type == "article"
    assert entry.key == "mueller2024pembrolizumab"
    assert fields["title"] == MUELLER.title
    assert fields["author"].split(" and ") == [
        "Müller, Hans-Jürgen",
        "Ødegård, Åse",
        "Nguyễn, Thị Minh",
        "李, 小龙",
        "O'Brien, Seán",
        "ESMO Guidelines Committee",
    ]
    assert fields["journal"] == "The New England Journal of Medicine"
    assert fields["shortjournal"] == "N Engl J Med"
    assert fields["year"] == "2024"
    assert fields["month"] == "mar"
    assert fields["volume"] == "390"
    assert fields["number"] == "11"
    assert fields["pages"] == "1001–1012"  # LaTeX's "--" read back as an en dash
    assert fields["doi"] == "10.1056/NEJMoa2400001"
    assert fields["pmid"] == "38456789"
    assert fields["pmcid"] == "PMC1234567"
    assert fields["issn"] == "0028-4793"
    assert fields["abstract"] == MUELLER.abstract
    assert fields["keywords"] == "lung cancer, immunotherapy"
    assert fields["url"] == MUELLER.url
    assert fields["publisher"] == "Massachusetts Medical Society"
    assert fields["note"] == "Our key paper"


def test_bibtex_export_escapes_latex_specials_and_keeps_utf8_letters() -> None:
    text = _bib(MUELLER)

    assert (
        r"title = {Pembrolizumab \& chemotherapy in 50\% of NSCLC: a \#1 "
        r"trial\_\{phase 3\} at \textasciitilde{}\$100}," in text
    )
    assert "author = {Müller, Hans-Jürgen and Ødegård, Åse" in text
    assert "pages = {1001--1012}" in text
    assert "O'Brien, Seán and {ESMO Guidelines Committee}}," in text  # a group stays whole


def test_bibtex_export_reads_back_in_our_reader() -> None:
    references = list(read_bibtex(_bytes(_bib(MUELLER, SECOND)), "export.bib"))

    assert [r.key for r in references] == ["mueller2024pembrolizumab", "mueller2024oncology"]
    assert references == [
        replace(MUELLER, key="mueller2024pembrolizumab"),
        replace(SECOND, key="mueller2024oncology"),
    ]


def test_citation_keys_are_stable_and_unique() -> None:
    same = Reference(title="The oncology of things", authors=(Author("Müller", "A"),), year=2024)
    references = [same, same, same, Reference(title="Anonymous")]

    keys = [entry.key for entry in parse_string(_bib(*references)).entries]

    assert keys == [
        "mueller2024oncology",
        "mueller2024oncologya",
        "mueller2024oncologyb",
        "anonanonymous",
    ]
    assert keys == [entry.key for entry in parse_string(_bib(*references)).entries]
    assert citation_key(Reference(title="Ça va", authors=(Author("Ødegård"),))) == "odegardca"


# --- BibTeX read: edge cases in small files -----------------------------------------------


def test_bibtex_reader_decodes_latex_accents_and_symbols() -> None:
    text = (
        "@string{nejm = {New England Journal of Medicine}}\n"
        '@preamble{"\\newcommand{\\noop}[1]{}"}\n'
        "@comment{jabref-meta: groupstree:}\n"
        "@Article{k1,\n"
        '  Author = {M{\\"u}ller, J{\\"o}rg and {\\O}deg{\\aa}rd, {\\AA}se and {World Health Organization}},\n'
        "  Title = {{\\c C}a va: {\\'e}tude {\\v{c}}esk{\\'a} -- 5\\% of {DNA}},\n"
        "  Journal = nejm,\n"
        "  Year = 2019, Month = sep,\n"
        "  Pages = {12--19},\n"
        "}\n"
    )

    [reference] = read_bibtex(_bytes(text), "latex.bib")

    assert reference.authors == (
        Author("Müller", "Jörg"),
        Author("Ødegård", "Åse"),
        Author("World Health Organization"),
    )
    assert reference.title == "Ça va: étude česká – 5% of DNA"
    assert reference.journal == "New England Journal of Medicine"
    assert (reference.year, reference.month, reference.pages) == (2019, 9, "12-19")


def test_bibtex_reader_honours_an_iso_8859_1_encoding_header() -> None:
    data = (
        b"% This file was created with JabRef 2.10.\n% Encoding: ISO-8859-1\n\n"
        b"@article{k, author = {M\xfcller, Fran\xe7ois}, title = {Caf\xe9 \xe0 la cr\xe8me}}\n"
    )

    [reference] = read_bibtex(io.BytesIO(data), "latin1.bib")

    assert reference.authors == (Author("Müller", "François"),)
    assert reference.title == "Café à la crème"


def test_bibtex_reader_names_the_line_of_bytes_that_break_the_declared_encoding() -> None:
    data = b"% Encoding: UTF-8\n\n@article{k, title = {Caf\xe9}}\n"

    with pytest.raises(ReferenceFormatError, match=r"^bad\.bib, line 3: byte 0xe9 is not utf-8"):
        list(read_bibtex(io.BytesIO(data), "bad.bib"))


def test_bibtex_reader_fills_fields_from_the_crossref_parent() -> None:
    text = (
        "@incollection{child, author = {Doe, Jane}, title = {A chapter}, crossref = {parent}, pages = {1--9}}\n"
        "@book{parent, title = {The Book}, year = {2011}, publisher = {Press}, editor = {Roe, R.}}\n"
    )

    child, parent = read_bibtex(_bytes(text), "crossref.bib")

    assert child.type is ReferenceType.CHAPTER
    assert (child.title, child.journal, child.year, child.publisher) == (
        "A chapter",
        "The Book",
        2011,
        "Press",
    )
    assert (parent.type, parent.title) == (ReferenceType.BOOK, "The Book")


def test_bibtex_reader_keeps_shared_keys_and_orphans_and_reports_the_unreadable() -> None:
    text = (
        "@article{good, title = {Fine}}\n"
        "@article{good, title = {Again}}\n"
        "@article{lost, crossref = {nowhere}, title = {Orphan}}\n"
        "@article{empty, year = {2001}}\n"
    )
    errors: list[ReferenceFormatError] = []

    references = list(read_bibtex(_bytes(text), "bad.bib", on_error=errors.append))

    assert [(r.key, r.title) for r in references] == [
        ("good", "Fine"),
        ("good", "Again"),
        ("lost", "Orphan"),
    ]
    assert [str(e) for e in errors] == [
        "bad.bib, entry 'empty' (line 4): no title, author, journal, DOI or PMID",
    ]


def test_split_authors_handles_both_name_orders_and_particles() -> None:
    assert split_authors("Ludwig van Beethoven and Smith, Jr., John and Plato and others") == (
        Author("van Beethoven", "Ludwig"),
        Author("Smith", "Jr., John"),
        Author("Plato"),
    )
    assert decode_latex(r"Schr{\"o}dinger's {\ss} --- \textit{in vivo}") == (
        "Schrödinger's ß — in vivo"
    )


# --- MEDLINE (.nbib) ----------------------------------------------------------------------


def test_nbib_reader_reads_a_pubmed_record() -> None:
    text = (
        "PMID- 16403221\nTI  - A high level interface to SCOP\n      and ASTRAL.\n"
        "FAU - Casbon, James A\nAU  - Casbon JA\nFAU - Crooks, Gavin E\nDP  - 2006 Jan 10\n"
        "JT  - BMC bioinformatics\nTA  - BMC Bioinformatics\nVI  - 7\nPG  - 10\n"
        "AID - 1471-2105-7-10 [pii]\nAID - 10.1186/1471-2105-7-10 [doi]\nPMC - PMC1373603\n\n"
    )

    [reference] = read_nbib(_bytes(text), "pubmed.nbib")

    assert reference.pmid == "16403221"
    assert reference.title == "A high level interface to SCOP and ASTRAL."
    assert reference.authors == (Author("Casbon", "James A"), Author("Crooks", "Gavin E"))
    assert (reference.year, reference.month) == (2006, 1)
    assert reference.doi == "10.1186/1471-2105-7-10"
    assert reference.pmcid == "PMC1373603"


# --- CSV and XLSX --------------------------------------------------------------------------


def test_csv_export_has_a_header_and_one_row_per_reference() -> None:
    out = io.StringIO(newline="")
    write_csv([MUELLER, Reference(title="=HYPERLINK(1)")], out)

    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))

    assert (
        rows[0]["authors"]
        == "Müller, Hans-Jürgen; Ødegård, Åse; Nguyễn, Thị Minh; 李, 小龙; O'Brien, Seán; ESMO Guidelines Committee"
    )
    assert (rows[0]["pmid"], rows[0]["doi"], rows[0]["year"]) == (
        "38456789",
        "10.1056/NEJMoa2400001",
        "2024",
    )
    assert rows[1]["title"] == "'=HYPERLINK(1)"


def test_xlsx_export_opens_in_openpyxl() -> None:
    out = io.BytesIO()
    write_xlsx([MUELLER, SECOND], out)

    sheet = load_workbook(io.BytesIO(out.getvalue()), read_only=True)["References"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]

    assert rows[0][:3] == ["type", "title", "authors"]
    assert rows[1][1] == MUELLER.title
    assert rows[2][10] == SECOND.doi
    assert len(rows) == 3


# --- every real file ------------------------------------------------------------------------


def _ris_files(shared_data: Path) -> list[Path]:
    return sorted((shared_data / "refs" / "ris").glob("*.ris"))


def _ris_records(path: Path) -> list[list[tuple[str, str]]]:
    """Each record's (tag, value) lines, read with a plain regular expression."""
    text = path.read_bytes().decode("utf-8-sig")
    records: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        match = re.match(r"^([A-Z][A-Z0-9])  - ?(.*)$", line)
        if match is None:
            continue
        if match.group(1) == "TY":
            records.append([])
        if records:
            records[-1].append((match.group(1), match.group(2).strip()))
    return records


@pytest.mark.shared_data
def test_every_real_ris_file_reads_every_record(shared_data: Path) -> None:
    paths = _ris_files(shared_data)
    assert len(paths) == 7
    for path in paths:
        expected = _ris_records(path)
        with path.open("rb") as stream:
            references = list(read_ris(stream, path.name))

        assert len(references) == len(expected), path.name
        for reference, record in zip(references, expected, strict=True):
            tags = dict(reversed(record))  # the first value of each tag
            assert reference.title == " ".join((tags.get("TI") or tags["T1"]).split()), path.name
            authors = [value for tag, value in record if tag in ("AU", "A1")]
            assert [a.display() for a in reference.authors] == [
                " ".join(a.split()) for a in authors
            ]
            if tags.get("DO"):
                assert reference.doi is not None
                assert tags["DO"].lower().endswith(reference.doi.lower())
            if tags.get("PY"):
                assert reference.year == int(tags["PY"][:4])


@pytest.mark.shared_data
def test_real_ris_files_agree_with_rispy(shared_data: Path) -> None:
    for name in ("asreview_baseline.ris", "asreview_baseline_zotero.ris", "asreview_scopus.ris"):
        path = shared_data / "refs" / "ris" / name
        theirs = rispy.loads(path.read_text(encoding="utf-8-sig"))
        with path.open("rb") as stream:
            ours = list(read_ris(stream, name))

        assert len(ours) == len(theirs) == {"asreview_scopus.ris": 6}.get(name, 100)
        for reference, entry in zip(ours, theirs, strict=True):
            assert reference.title == " ".join(entry["title"].split())
            assert [a.display() for a in reference.authors] == entry.get("authors", [])
            assert reference.doi == entry.get("doi")
            assert reference.volume == entry.get("volume")


@pytest.mark.shared_data
def test_real_ris_spot_checks(shared_data: Path) -> None:
    folder = shared_data / "refs" / "ris"

    with (folder / "asreview_baseline.ris").open("rb") as stream:
        lens = list(read_ris(stream, "asreview_baseline.ris"))
    # BOM before the first TY; PMID from the PubMed link in L2, PMCID from another link.
    assert lens[0].title is not None and lens[0].title.startswith("The Value of Radiologic")
    assert lens[0].authors[0] == Author("Blomberg", "Björn A.")
    assert (lens[0].pmid, lens[0].doi) == ("22752652", "10.1007/s11307-012-0572-0")
    assert (lens[0].journal, lens[0].pages, lens[0].issn) == (
        "Molecular imaging and biology",
        "97-105",
        "1860-2002",
    )

    with (folder / "asreview_ovid_psycinfo.ris").open("rb") as stream:
        ovid = list(read_ris(stream, "asreview_ovid_psycinfo.ris"))
    assert ovid[0].title == (
        "The influence of self-criticism on depression symptoms among ambulatory patients "
        "with inflammatory bowel disease."
    )
    assert ovid[0].doi == "10.1002/cpp.2398"  # written there as http://dx.doi.org/...
    assert ovid[0].pages is None  # Ovid's "SP - No", "EP - Specified"
    assert ovid[0].authors[0] == Author("Trindade", "Ines A")

    with (folder / "asreview_scopus.ris").open("rb") as stream:
        scopus = list(read_ris(stream, "asreview_scopus.ris"))
    assert (scopus[0].pmid, scopus[1].pmid) == (None, "31421429")  # Scopus puts it in C2
    assert scopus[0].issn == "0306-4530"  # "03064530 (ISSN)"

    with (folder / "asreview_ris_issue_992.ris").open("rb") as stream:
        rayyan = list(read_ris(stream, "asreview_ris_issue_992.ris"))
    assert {r.type for r in rayyan} == {
        ReferenceType.ARTICLE,
        ReferenceType.CASE,
        ReferenceType.GENERIC,
    }
    assert "23162881" in {r.pmid for r in rayyan}  # from a PubMed link in UR


@pytest.mark.shared_data
def test_the_web_of_science_export_is_not_ris(shared_data: Path) -> None:
    path = shared_data / "refs" / "ris" / "rispy_example_wos.txt"

    with path.open("rb") as stream, pytest.raises(ReferenceFormatError) as caught:
        list(read_ris(stream, path.name))

    assert str(caught.value).startswith("rispy_example_wos.txt, line 1: this is a Web of Science")
    assert "not RIS" in str(caught.value)


_ENTRY = re.compile(
    r"^\s*@(?!comment\b|preamble\b|string\b)([A-Za-z]+)\s*\{\s*([^,\s]+)\s*,", re.I | re.M
)


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("name", "errors"),
    [
        ("bbt_1436-1_zotero_export.bib", []),
        ("bbt_1436-2_jabref_utf8.bib", []),
        ("bbt_1641_jabref-5.1.bib", []),
        ("bbt_1730-3_jabref_iso-8859-1.bib", []),
        ("bbt_1730-5_jabref_iso-8859-1.bib", []),
        ("bbt_3514_bibdesk_crossref.bib", []),
        ("bbt_97_jabref-2.10.bib", []),
    ],
)
def test_every_real_bibtex_file_reads_every_entry(
    shared_data: Path, name: str, errors: list[str]
) -> None:
    path = shared_data / "refs" / "bibtex" / name
    keys = [match.group(2) for match in _ENTRY.finditer(path.read_text(encoding="utf-8"))]
    reported: list[ReferenceFormatError] = []
    warnings: list[ReferenceWarning] = []

    with path.open("rb") as stream:
        references = list(
            read_bibtex(stream, name, on_error=reported.append, on_warning=warnings.append)
        )

    # Every entry is read, in file order, shared keys included.
    assert [r.key or "" for r in references] == keys
    assert [str(error) for error in reported] == errors
    # The only warning of these files: a key JabRef's user gave two entries.
    assert [str(w) for w in warnings] == (
        [
            "bbt_1436-2_jabref_utf8.bib, entry 'Jacobsson_2016' (line 5359): the citation key "
            "'Jacobsson_2016' is also the key of entry 'Jacobsson_2016' (line 5346): both "
            "entries are read"
        ]
        if name == "bbt_1436-2_jabref_utf8.bib"
        else []
    )


@pytest.mark.shared_data
def test_real_bibtex_spot_checks(shared_data: Path) -> None:
    folder = shared_data / "refs" / "bibtex"

    def entries(name: str) -> dict[str, Reference]:
        with (folder / name).open("rb") as stream:
            return {r.key or "": r for r in read_bibtex(stream, name, on_error=lambda e: None)}

    jabref = entries("bbt_1436-2_jabref_utf8.bib")
    # booktitle = {{{DPG Fr{\"u}hjahrstagung}}, {{Berlin}}}
    assert jabref["Belabbes_dpg_2012"].journal == "DPG Frühjahrstagung, Berlin"
    assert jabref["Abou-Ras_2019"].pages == "6127-6139"  # an en dash in the file

    bibdesk = entries("bbt_3514_bibdesk_crossref.bib")
    chapter = bibdesk["Hauck_2011"]  # year and publisher only on its crossref parent
    assert (chapter.year, chapter.publisher) == (2011, "Território das Artes")
    assert chapter.journal is not None and chapter.journal.startswith("Fronteiras da integração")
    assert chapter.title == "Lenguas, fronteras e ideología lingüística en el Paraguay"

    iso = entries("bbt_1730-3_jabref_iso-8859-1.bib")
    assert iso["Chau2020"].doi == "10.3390/electronics9081219"

    jabref_2_10 = entries("bbt_97_jabref-2.10.bib")
    # A thesis with no title is a record all the same (Zotero imports it).
    thesis = jabref_2_10["Noguet_1969_PhDthesis"]
    assert (thesis.type, thesis.title, thesis.authors, thesis.year, thesis.publisher) == (
        ReferenceType.THESIS,
        None,
        (Author("Noguet", "Claude"),),
        1969,
        "University of Strasbourg",
    )
    # A URL is read verbatim ("~" and "&" are no LaTeX), its escapes ("\#") undone.
    assert (
        jabref_2_10["Aggarwal_1997_unpub"].url == "http://people.ccmr.cornell.edu/~dieck/publi.html"
    )
    assert jabref_2_10["Yang_2001"].url == (
        "http://journals.cambridge.org/action/displayAbstract?fromPage=online&aid=95905#"
    )
    # LaTeX's quotes become typographic quotes.
    assert jabref_2_10["Campbell_1968_book_B"].title == (
        "\u201cKinetics of Vaporization of Cuprous Oxide\u201d in Kinetics of Ionic Reactions"
    )
    zotero = entries("bbt_1436-1_zotero_export.bib")
    assert (zotero["yakimov2010comment"].title or "").startswith(
        "Comment on \u201cCarrier Recombination near Threading Dislocations"
    )


@pytest.mark.shared_data
def test_real_nbib_files(shared_data: Path) -> None:
    for path in sorted((shared_data / "refs" / "nbib").glob("*.nbib")):
        text = path.read_text(encoding="utf-8")
        pmids = re.findall(r"^PMID- (\d+)", text, re.M)
        with path.open("rb") as stream:
            references = list(read_nbib(stream, path.name))

        assert [r.pmid for r in references] == pmids
        titles = re.findall(r"^TI  - (.*(?:\n      .*)*)", text, re.M)
        assert [r.title for r in references] == [" ".join(t.split()) for t in titles]
