"""BibTeX as Web of Science, Mendeley, Zotero (Better BibLaTeX) and people who keep their
library by hand write it: every entry is read, as Zotero and JabRef read them, and
what is read otherwise than written is a warning naming the file, entry and field.

The files in ``data/bibtex/`` are our own, written with the habits of the real
exports (no real record copied): Web of Science's ``@article{ WOS:...,`` with
``{{double braces}}`` and ``Author-Email`` given once per author; Mendeley's header,
``@article{,`` for every entry without a citation key and ``{\\'{i}}`` escapes
(CRLF, as on Windows); Better BibLaTeX's ``\\enquote{}``, ``date`` and a
``crossref`` to a book not exported with it; a hand-kept file's ``@string``
macros, ``#`` concatenation, month macros and macros kept in another file.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from liaison.literature.reference_formats import (
    Author,
    Reference,
    ReferenceFormatError,
    ReferenceType,
    ReferenceWarning,
    read_bibtex,
)
from liaison.literature.reference_formats.bibtex.values import EXPANSION_BUDGET

DATA = Path(__file__).parent / "data" / "bibtex"


def read(
    name: str, text: str | None = None
) -> tuple[list[Reference], list[str], list[ReferenceWarning]]:
    """The references of a fixture (or of ``text``), the errors and the warnings."""
    data = text.encode() if text is not None else (DATA / name).read_bytes()
    errors: list[str] = []
    warnings: list[ReferenceWarning] = []
    references = list(
        read_bibtex(
            io.BytesIO(data),
            name,
            on_error=lambda error: errors.append(str(error)),
            on_warning=warnings.append,
        )
    )
    return references, errors, warnings


# --- repeated fields ------------------------------------------------------------------------


def test_a_web_of_science_entry_with_author_email_twice_is_read_whole() -> None:
    references, errors, warnings = read("wos_savedrecs.bib")

    assert errors == []
    assert [r.key for r in references] == [
        "WOS:000612345600001",
        "WOS:000598765400012",
        "WOS:000701234500033",
    ]
    first = references[0]
    assert first.title == (
        "Semaglutide and kidney outcomes in type 2 diabetes: a [randomised] controlled trial"
    )
    assert first.authors == (
        Author("Jacobsen", "Marte"),
        Author("Østergaard", "Lars"),
        Author("Nguyen", "Thi Minh"),
    )
    assert (first.journal, first.abbreviation) == (
        "LANCET DIABETES & ENDOCRINOLOGY",
        "Lancet Diabetes Endocrinol.",
    )
    # Web of Science braces every value twice: identifiers and dates are read all the same.
    assert (first.year, first.month, first.volume, first.issue, first.pages) == (
        2021,
        4,
        "9",
        "4",
        "212-221",
    )
    assert (first.doi, first.issn) == ("10.5555/wos.2021.0001", "2213-8587")
    assert first.keywords == (
        "semaglutide",
        "diabetic kidney disease",
        "GLP-1 receptor agonist",
    )
    assert [str(warning) for warning in warnings] == [
        "wos_savedrecs.bib, entry 'WOS:000612345600001' (line 2), field 'author-email': "
        "given 2 times: the values are joined",
        "wos_savedrecs.bib, entry 'WOS:000598765400012' (line 44), field 'author-email': "
        "given 3 times: the values are joined",
    ]


def test_a_repeated_single_valued_field_keeps_its_first_value_and_says_so() -> None:
    text = (
        "@article{twice2020,\n"
        "  title = {The first title},\n"
        "  Title = {A second title},\n"
        "  year = 2020,\n"
        "}\n"
    )

    [reference], errors, [warning] = read("twice.bib", text)

    assert errors == []
    assert reference.title == "The first title"
    assert (warning.place, warning.field) == ("entry 'twice2020' (line 1)", "title")
    assert warning.reason == (
        "given 2 times: the first value ('The first title') is read, 'A second title' left out"
    )


def test_repeated_author_and_keyword_fields_are_joined() -> None:
    text = (
        "@article{split2019, title = {Split lists},\n"
        "  author = {Amsel, Ada}, author = {Brandt, Bo and Cole, Cy},\n"
        "  keywords = {statins}, keywords = {PCSK9; adherence}}\n"
    )

    [reference], _, warnings = read("split.bib", text)

    assert reference.authors == (
        Author("Amsel", "Ada"),
        Author("Brandt", "Bo"),
        Author("Cole", "Cy"),
    )
    assert reference.keywords == ("statins", "PCSK9", "adherence")
    assert [(w.field, w.reason) for w in warnings] == [
        ("author", "given 2 times: the values are joined"),
        ("keywords", "given 2 times: the values are joined"),
    ]


# --- citation keys are not identities ------------------------------------------------------


def test_every_mendeley_entry_without_a_key_is_read() -> None:
    references, errors, warnings = read("mendeley_library.bib")

    assert errors == [] and warnings == []
    assert [(r.key, r.title) for r in references] == [
        (
            "Aldana2019",
            "Evolocumab in familial hypercholesterolaemia: the \u201creal world\u201d experience",
        ),
        (None, "Alirocumab and \u2018statin intolerance\u2019: a cohort study"),
        (None, "Inclisiran: o que sabemos?"),
        (None, "ESC/EAS Guidelines for the management of dyslipidaemias"),
    ]
    first, second, third, fourth = references
    assert first.authors == (Author("Aldana", "María"), Author("Ødegård", "Åse"))
    assert (first.pmid, first.doi, first.issn) == (
        "30999901",
        "10.5555/mendeley.2019.1",
        "1933-2874",
    )
    assert first.keywords == ("LDL cholesterol", "PCSK9", "evolocumab")
    assert second.authors == (Author("Brandt", "Tobias"), Author("Müller", "Sabine"))
    assert third.authors == (Author("Costa", "João"),)
    assert (fourth.type, fourth.url) == (
        ReferenceType.GENERIC,
        "https://www.escardio.org/Guidelines",
    )


def test_an_entry_without_a_key_is_named_by_its_position_and_line() -> None:
    text = "@article{,\n  title = {Fine}\n}\n@article{,\n  year = {2001}\n}\n"

    references, errors, _ = read("mendeley.bib", text)

    assert [r.title for r in references] == ["Fine"]
    assert errors == [
        "mendeley.bib, entry 2 (no key, line 4): no title, author, journal, DOI or PMID"
    ]


def test_entries_sharing_a_key_are_all_read_with_a_note() -> None:
    references, _, warnings = read("hand_kept.bib")

    doyles = [r for r in references if r.key == "Doyle1979"]
    assert [r.title for r in doyles] == [
        "A Truth Maintenance System",
        "Some theses on knowledge representation",
    ]
    assert (
        "hand_kept.bib, entry 'Doyle1979' (line 33): the citation key 'Doyle1979' is also "
        "the key of entry 'Doyle1979' (line 16): both entries are read"
    ) in [str(w) for w in warnings]


# --- crossref ------------------------------------------------------------------------------


def test_a_child_whose_crossref_parent_is_not_in_the_file_is_read_with_a_note() -> None:
    references, errors, warnings = read("zotero_betterbiblatex.bib")

    assert errors == []
    chapter = references[1]
    assert (chapter.key, chapter.type, chapter.title, chapter.journal, chapter.pages) == (
        "kingLipidClinicsPractice2018",
        ReferenceType.CHAPTER,
        "Lipid Clinics in Practice",
        "Handbook of Preventive Cardiology",
        "77-96",
    )
    assert [str(w) for w in warnings] == [
        "zotero_betterbiblatex.bib, entry 'kingLipidClinicsPractice2018' (line 20), "
        "field 'crossref': its parent entry 'hallHandbookPreventiveCardiology2018' is not in "
        "this file: the entry is read without the parent's fields"
    ]


def test_a_crossref_to_a_shared_key_takes_the_first_entry_of_that_key() -> None:
    text = (
        "@book{proc, title = {First proceedings}, year = 2001}\n"
        "@book{proc, title = {Second proceedings}, year = 2002}\n"
        "@inproceedings{paper, title = {A paper}, crossref = {proc}}\n"
    )

    *_, paper = read("shared.bib", text)[0]

    assert (paper.journal, paper.year) == ("First proceedings", 2001)


# --- macros and concatenation --------------------------------------------------------------


def test_macro_concatenation_gives_each_author() -> None:
    references, _, _ = read("hand_kept.bib")

    report = references[0]
    assert report.key == "McDermott1972"
    assert report.authors == (Author("McDermott", "Drew"), Author("Sussman", "Gerald J."))
    assert (report.type, report.title, report.publisher) == (
        ReferenceType.REPORT,
        "The Conniver Reference Manual",
        "MIT AI Laboratory",
    )


def test_an_undefined_macro_is_a_warning_and_never_an_author() -> None:
    references, _, warnings = read("hand_kept.bib")

    smith = next(r for r in references if r.key == "Smith2001")
    assert smith.authors == (Author("Jones", "Anna"),)
    second_doyle = references[3]
    assert second_doyle.journal is None
    undefined = [(w.place, w.field, w.reason) for w in warnings if "macro" in w.reason]
    assert undefined == [
        (
            "entry 'Smith2001' (line 25)",
            "author",
            "the macro 'SMITH' is defined nowhere in this file: read as empty",
        ),
        (
            "entry 'Doyle1979' (line 33)",
            "journal",
            "the macro 'cacm' is defined nowhere in this file: read as empty",
        ),
    ]


def test_month_macros_and_macros_of_macros_are_expanded() -> None:
    references, _, _ = read("hand_kept.bib")

    doyle, smith = references[1], references[2]
    assert (doyle.journal, doyle.month, doyle.notes) == (
        "Artificial Intelligence",
        11,
        "Revised as June 1979 memo",
    )
    # @string(kr = "Proceedings of ..., " # nov), used as a booktitle
    assert smith.journal == "Proceedings of the Conference on Knowledge Representation, November"
    assert references[0].month == 5  # month = may


def test_a_value_neither_braced_nor_quoted_is_read_as_written_with_a_warning() -> None:
    text = "@article{loose, title = Loose words here, year = 1999}\n"

    [reference], _, [warning] = read("loose.bib", text)

    assert reference.title == "Loose words here"
    assert warning.field == "title"
    assert "not in braces or quotes" in warning.reason


def test_doubling_macros_stop_at_the_length_of_a_value() -> None:
    lines = ['@string{m0 = "' + "x" * 1000 + '"}']
    lines += [f"@string{{m{n} = m{n - 1} # m{n - 1}}}" for n in range(1, 40)]
    lines.append("@article{bomb, title = {Bomb}, note = m39}")

    [reference], errors, warnings = read("bomb.bib", "\n".join(lines))

    assert errors == []
    assert reference.notes is None  # m39 would be 549 TB of text
    assert str(warnings[0]) == (
        "bomb.bib, @string 'm10' (line 11): its text is 1,024,000 characters long: read as empty"
    )


def test_macros_expand_to_at_most_the_budget_of_a_file() -> None:
    lines = ['@string{m0 = "' + "x" * 499_999 + '"}']
    lines += [f"@string{{copy{n} = m0 # m0}}" for n in range(60)]
    lines.append("@article{bomb, title = {Bomb}, keywords = copy0}")
    lines.append("@article{plain, title = {Plain}}")

    references, errors, warnings = read("bomb.bib", "\n".join(lines))

    assert EXPANSION_BUDGET == 50_000_000  # 50 copies of 999,998 characters
    assert [r.key for r in references] == ["plain"]
    assert errors == [
        "bomb.bib, entry 'bomb' (line 62): the macros of this file expand to more than "
        "50,000,000 characters: not read"
    ]
    assert [w.place for w in warnings][:2] == [
        "@string 'copy50' (line 52)",
        "@string 'copy51' (line 53)",
    ]


# --- quotes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "read_as"),
    [
        ("``Default reasoning'' revisited", "\u201cDefault reasoning\u201d revisited"),
        ("A `bed of nails' on silicon", "A \u2018bed of nails\u2019 on silicon"),
        ("`Schr{\\\"o}dinger's cat' today", "\u2018Schrödinger's cat\u2019 today"),
        ("The \\enquote{real world} experience", "The \u201creal world\u201d experience"),
        ("{\\textquotedblleft}Cholesterol{\\textquotedblright}", "\u201cCholesterol\u201d"),
        ("\\glqq Herz\\grqq{} und Kreislauf", "\u201eHerz\u201c und Kreislauf"),
        ("O'Brien's l'\\'{e}t\\'{e}", "O'Brien's l'été"),
    ],
)
def test_latex_quotes_become_typographic_quotes(written: str, read_as: str) -> None:
    [reference], _, _ = read("quotes.bib", f"@article{{q, title = {{{written}}}}}\n")

    assert reference.title == read_as


def test_the_quotes_of_real_exports_are_typographic() -> None:
    mendeley = read("mendeley_library.bib")[0]
    zotero = read("zotero_betterbiblatex.bib")[0]
    hand = read("hand_kept.bib")[0]

    titles = [r.title or "" for r in (*mendeley, *zotero, *hand)]
    assert not [title for title in titles if "``" in title or "''" in title or "`" in title]
    assert zotero[0].title == (
        "Evolocumab in Familial Hypercholesterolaemia: The \u201cReal World\u201d Experience"
    )
    assert zotero[2].title == "COVID-19 and Lipids: \u201cCholesterol\u201d Revisited"
    assert hand[2].title == "\u201cDefault reasoning\u201d revisited"


# --- entries the parser cannot split -------------------------------------------------------


def test_a_broken_entry_is_named_by_its_line_in_words_and_the_next_is_read() -> None:
    text = "@article{open, title = {Never closed\n\n@article{next, title = {Read}}\n"

    references, errors, _ = read("broken.bib", text)

    assert [r.key for r in references] == ["next"]
    assert errors == [
        "broken.bib, line 1: the entry is not closed (a '}' or '\"' is missing) before the next '@'"
    ]
    assert "failed_block" not in errors[0] and "`" not in errors[0]


def test_without_on_error_the_first_bad_entry_raises() -> None:
    with pytest.raises(ReferenceFormatError, match=r"entry 1 \(no key, line 1\)"):
        list(read_bibtex(io.BytesIO(b"@article{, year = 2001}\n"), "one.bib"))
