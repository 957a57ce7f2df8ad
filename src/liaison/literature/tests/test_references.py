"""Export of library selections (RIS, BibTeX, CSV, XLSX) and import of a user's own reference files:
the service, the two pages and the API route."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
import rispy  # type: ignore[import-untyped]
from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares import LatexDecodingMiddleware
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from liaison.core import policy
from liaison.core import services as core_services
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import AuditEvent, User
from liaison.literature.models import LibraryItem
from liaison.literature.selectors import PublicationFilters
from liaison.literature.services.references import export_selection, import_references
from liaison.literature.tests.factories import article, load, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(admin_user: User, tmp_path: Path) -> None:
    load(
        admin_user,
        write(
            tmp_path / "library.xml",
            article(
                101,
                title="Neprilysin inhibition in heart failure",
                abstract="Sacubitril lowered mortality.",
                authors=[("Müller", "Jürgen"), ("Ødegård", "Åse"), ("Smith", "Anna")],
                year=2019,
                month="Sep",
            ),
            article(102, title="Lung cancer screening", year=2022, journal="Chest"),
            article(103, title="Gene therapy & 50% response", year=2021),
        ),
    )


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- export ---------------------------------------------------------------------------------


def test_ris_export_of_publications_reads_back_in_rispy(library: None, msl: User) -> None:
    export = export_selection(actor=msl, format="ris", pmids=[101])

    [entry] = rispy.loads(export.content.decode("utf-8-sig"))
    # The values the PubMed XML of the fixture gives.
    assert entry["type_of_reference"] == "JOUR"
    assert entry["title"] == "Neprilysin inhibition in heart failure"
    assert entry["authors"] == ["Müller, Jürgen", "Ødegård, Åse", "Smith, Anna"]
    assert entry["secondary_title"] == "Journal of Tests"
    assert entry["alternate_title1"] == "J Tests"
    assert entry["year"] == "2019"
    assert entry["date"] == "2019/09//"
    assert (entry["volume"], entry["number"]) == ("7", "2")
    assert (entry["start_page"], entry["end_page"]) == ("1", "9")
    assert entry["doi"] == "10.9999/test.101"
    assert entry["accession_number"] == "101"
    assert entry["issn"] == "1111-2222"
    assert entry["abstract"] == "Sacubitril lowered mortality."
    assert entry["urls"] == ["https://pubmed.ncbi.nlm.nih.gov/101/"]
    assert export.filename == "publications.ris"


def test_bibtex_export_of_publications_reads_back_in_bibtexparser(library: None, msl: User) -> None:
    export = export_selection(actor=msl, format="bibtex", pmids=[101, 103])

    library_ = parse_string(
        export.content.decode("utf-8"), append_middleware=[LatexDecodingMiddleware()]
    )
    assert library_.failed_blocks == []
    first, second = library_.entries
    fields = {f.key: f.value for f in first.fields}
    assert first.key == "mueller2019neprilysin"
    assert fields["author"] == "Müller, Jürgen and Ødegård, Åse and Smith, Anna"
    assert fields["title"] == "Neprilysin inhibition in heart failure"
    assert (fields["journal"], fields["year"], fields["month"]) == (
        "Journal of Tests",
        "2019",
        "sep",
    )
    assert (fields["volume"], fields["number"], fields["pages"]) == ("7", "2", "1–9")
    assert (fields["doi"], fields["pmid"]) == ("10.9999/test.101", "101")
    assert {f.key: f.value for f in second.fields}["title"] == "Gene therapy & 50% response"
    assert r"Gene therapy \& 50\% response" in export.content.decode("utf-8")


def test_export_by_filters_writes_only_the_matching_publications(library: None, msl: User) -> None:
    export = export_selection(
        actor=msl,
        format="csv",
        filters=PublicationFilters(date_from=dt.date(2022, 1, 1), sort="date"),
    )

    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [(row["pmid"], row["title"]) for row in rows] == [("102", "Lung cancer screening")]


def test_selection_by_pmid_keeps_the_order_given_and_leaves_out_unknown_ones(
    library: None, msl: User
) -> None:
    export = export_selection(actor=msl, format="xlsx", pmids=[103, 999, 101])

    sheet = load_workbook(io.BytesIO(export.content), read_only=True)["References"]
    pmids = [row[11] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert pmids == ["103", "101"]


def test_an_unknown_export_format_is_refused(library: None, msl: User) -> None:
    with pytest.raises(LiaisonError, match="unknown export format 'doc'"):
        export_selection(actor=msl, format="doc", pmids=[101])


def test_export_page_sends_an_attachment_of_the_filtered_list(library: None, msl: User) -> None:
    response = client_for(msl).get(reverse("literature:export"), {"q": "lung", "format": "ris"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="publications.ris"'
    entries = rispy.loads(response.content.decode("utf-8-sig"))
    assert [e["accession_number"] for e in entries] == ["102"]


def test_export_page_takes_selected_pmids_by_post(library: None, msl: User) -> None:
    response = client_for(msl).post(
        reverse("literature:export"), {"pmid": ["103", "101"], "format": "bibtex"}
    )

    assert response.status_code == 200
    keys = [entry.key for entry in parse_string(response.content.decode()).entries]
    assert keys == ["smith2021gene", "mueller2019neprilysin"]


def test_export_page_refuses_a_pmid_that_is_not_a_number(library: None, msl: User) -> None:
    response = client_for(msl).get(reverse("literature:export"), {"pmid": "12a", "format": "ris"})

    assert response.status_code == 400
    assert "&#x27;12a&#x27; is not a PMID" in response.content.decode()


def test_api_export_answers_a_reference_file(library: None, msl: User) -> None:
    _, secret = core_services.create_api_token(actor=msl, user=msl, name="test")
    client = Client(headers={"Authorization": f"Bearer {secret}"})

    response = client.get("/api/v1/publications/export", {"format": "ris", "pmid": ["101", "102"]})
    bad = client.get("/api/v1/publications/export", {"format": "doc"})

    assert response.status_code == 200
    assert [e["accession_number"] for e in rispy.loads(response.content.decode("utf-8-sig"))] == [
        "101",
        "102",
    ]
    assert bad.status_code == 422
    assert "use one of ris, bibtex, csv, xlsx" in bad.json()["message"]
    # The publication route still takes its PMID.
    assert client.get("/api/v1/publications/101").json()["pmid"] == 101


# --- import ---------------------------------------------------------------------------------

MY_LIBRARY = (
    "TY  - JOUR\r\nTI  - Neprilysin inhibition (my copy)\r\nAN  - 101\r\nER  - \r\n"
    "TY  - JOUR\r\nTI  - Lung cancer screening\r\nDO  - https://doi.org/10.9999/TEST.102\r\nER  - \r\n"
    "TY  - JOUR\r\nTI  - Something we do not hold\r\nDO  - 10.1000/elsewhere\r\nER  - \r\n"
    "TY  - JOUR\r\nN1  - an entry with nothing to identify it\r\nER  - \r\n"
)


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_matches_by_pmid_then_by_doi_and_keeps_the_rest(
    library: None, msl: User, tmp_path: Path
) -> None:
    report = import_references(actor=msl, path=_file(tmp_path, "endnote.ris", MY_LIBRARY))

    assert [(m.pmid, m.matched_by) for m in report.matched] == [(101, "PMID"), (102, "DOI")]
    assert [r.title for r in report.unmatched] == ["Something we do not hold"]
    assert report.errors == ["endnote.ris, line 13: record has no title (TI or T1), DOI or PMID"]
    items = LibraryItem.objects.filter(owner=msl).order_by("id")
    assert [(i.publication.pmid if i.publication else None) for i in items] == [101, 102, None]
    assert items[2].reference["doi"] == "10.1000/elsewhere"
    assert {i.source_file for i in items} == {"endnote.ris"}
    assert AuditEvent.objects.filter(record_type="literature.libraryitem").count() == 3


def test_a_second_import_of_the_same_file_adds_nothing(
    library: None, msl: User, tmp_path: Path
) -> None:
    path = _file(tmp_path, "endnote.ris", MY_LIBRARY)
    import_references(actor=msl, path=path)

    again = import_references(actor=msl, path=path)

    assert (again.added, again.already) == (0, 3)
    assert LibraryItem.objects.filter(owner=msl).count() == 3


def test_a_bibtex_entry_matched_by_doi_is_the_same_item_as_a_ris_one_by_pmid(
    library: None, msl: User, tmp_path: Path
) -> None:
    import_references(actor=msl, path=_file(tmp_path, "a.ris", "TY  - JOUR\nAN  - 101\nER  - \n"))
    bib = "@article{x, title = {Neprilysin}, doi = {10.9999/Test.101}}\n"

    report = import_references(actor=msl, path=_file(tmp_path, "zotero.bib", bib))

    assert [(m.pmid, m.matched_by) for m in report.matched] == [(101, "DOI")]
    assert (report.added, report.already) == (0, 1)


def test_each_user_has_their_own_library(
    library: None, msl: User, other_msl: User, tmp_path: Path
) -> None:
    path = _file(tmp_path, "endnote.ris", MY_LIBRARY)
    import_references(actor=msl, path=path)

    report = import_references(actor=other_msl, path=path)

    assert report.added == 3
    assert policy.scope(other_msl, "view", LibraryItem).count() == 3
    assert not policy.scope(other_msl, "view", LibraryItem).filter(owner=msl).exists()


def test_import_of_a_file_that_is_not_a_reference_file_fails_with_its_reason(
    library: None, msl: User, tmp_path: Path
) -> None:
    wos = _file(tmp_path, "savedrecs.txt", "FN Clarivate Analytics Web of Science\nVR 1.0\n")
    notes = _file(tmp_path, "notes.dat", "Dear colleague,\n")

    with pytest.raises(LiaisonError, match=r"savedrecs\.txt, line 1: this is a Web of Science"):
        import_references(actor=msl, path=wos)
    with pytest.raises(LiaisonError, match=r"notes\.dat: not a reference file"):
        import_references(actor=msl, path=notes)
    assert not LibraryItem.objects.exists()


def test_import_keeps_every_entry_of_a_hand_kept_bibtex_file_and_reports_its_warnings(
    msl: User, tmp_path: Path
) -> None:
    path = Path(__file__).parent / "data" / "bibtex" / "hand_kept.bib"

    report = import_references(actor=msl, path=path)

    assert (report.read, report.errors, report.added) == (4, [], 4)
    assert report.counts()["warnings"] == 4
    assert report.as_json(limit=2)["warnings"] == [
        {
            "file": "hand_kept.bib",
            "entry": "entry 'Smith2001' (line 25)",
            "field": "author",
            "message": "the macro 'SMITH' is defined nowhere in this file: read as empty",
        },
        {
            "file": "hand_kept.bib",
            "entry": "entry 'Smith2001' (line 25)",
            "field": "crossref",
            "message": "its parent entry 'KR2001' is not in this file: the entry is read "
            "without the parent's fields",
        },
    ]
    assert report.summary().endswith("4 added to your library. 4 warnings about what was read.")
    titles = sorted(item.reference["title"] for item in LibraryItem.objects.filter(owner=msl))
    assert titles == [
        "A Truth Maintenance System",
        "Some theses on knowledge representation",
        "The Conniver Reference Manual",
        "\u201cDefault reasoning\u201d revisited",
    ]


def test_untitled_records_of_one_year_are_told_apart_by_their_authors(
    msl: User, tmp_path: Path
) -> None:
    bib = (
        "@phdthesis{a, author = {Noguet, Claude}, school = {Strasbourg}, year = 1969}\n"
        "@phdthesis{b, author = {Aubert, Marie}, school = {Strasbourg}, year = 1969}\n"
    )

    report = import_references(actor=msl, path=_file(tmp_path, "theses.bib", bib))

    assert (report.read, report.added, report.already) == (2, 2, 0)


def test_an_outsider_may_not_import(outsider: User, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        import_references(actor=outsider, path=_file(tmp_path, "a.ris", MY_LIBRARY))


def test_the_library_list_links_its_filtered_export(library: None, msl: User) -> None:
    page = client_for(msl).get(reverse("literature:publication-list"), {"q": "lung"})

    assert 'href="/literature/export/?q=lung&amp;format=ris"' in page.content.decode()
    assert reverse("literature:import-references") in page.content.decode()


def test_a_publication_page_links_its_citation(library: None, msl: User) -> None:
    page = client_for(msl).get(reverse("literature:publication-detail", args=[101]))

    assert 'href="/literature/export/?pmid=101&amp;format=bibtex"' in page.content.decode()


# --- CLI ------------------------------------------------------------------------------------


def test_cli_exports_selected_publications(library: None, msl: User, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("literature", "export", "--as", msl.username, "--pmid", "102", stdout=out)
    call_command(
        "literature",
        "export",
        "--as",
        msl.username,
        "--format",
        "xlsx",
        "--output",
        str(tmp_path / "all.xlsx"),
    )

    assert [e["accession_number"] for e in rispy.loads(out.getvalue())] == ["102"]
    sheet = load_workbook(tmp_path / "all.xlsx", read_only=True)["References"]
    assert sorted(str(row[11]) for row in sheet.iter_rows(min_row=2, values_only=True)) == [
        "101",
        "102",
        "103",
    ]


def test_cli_imports_into_the_users_library(library: None, msl: User, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    readable = MY_LIBRARY.rsplit("TY  - JOUR", 1)[0]  # the last record has nothing to read
    path = _file(tmp_path, "zotero.ris", readable)

    call_command("literature", "import", str(path), "--as", msl.username, stdout=out, stderr=err)

    assert "zotero.ris: 3 read, 2 matched, 1 not in the library, 0 unreadable" in out.getvalue()
    assert err.getvalue() == ""
    assert LibraryItem.objects.filter(owner=msl).count() == 3
    assert set(
        AuditEvent.objects.filter(record_type="literature.libraryitem").values_list(
            "source", flat=True
        )
    ) == {"cli"}


def test_cli_import_exits_non_zero_saying_how_many_records_could_not_be_read(
    library: None, msl: User, tmp_path: Path
) -> None:
    out, err = io.StringIO(), io.StringIO()
    path = _file(tmp_path, "endnote.ris", MY_LIBRARY)

    with pytest.raises(CommandError, match=r"^1 of 4 records could not be read; 3 imported$"):
        call_command(
            "literature", "import", str(path), "--as", msl.username, stdout=out, stderr=err
        )

    assert "endnote.ris: 3 read, 2 matched, 1 not in the library, 1 unreadable" in out.getvalue()
    assert "could not be read: endnote.ris, line 13: record has no title" in err.getvalue()
    assert "endnote.ris: 1 of 4 records could not be read; 3 imported" in err.getvalue()
    # What could be read is imported all the same.
    assert LibraryItem.objects.filter(owner=msl).count() == 3


def test_cli_import_counts_unreadable_records_over_all_files(
    library: None, msl: User, tmp_path: Path
) -> None:
    endnote = _file(tmp_path, "endnote.ris", MY_LIBRARY)
    broken = _file(
        tmp_path,
        "broken.bib",
        "@article{a, title = {Fine}}\n@article{b, year = 2001}\n@article{c, title = {Fine too}}\n",
    )

    with pytest.raises(CommandError, match=r"^2 of 7 records could not be read; 5 imported$"):
        call_command(
            "literature",
            "import",
            str(endnote),
            str(broken),
            "--as",
            msl.username,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


def test_cli_import_lists_warnings_with_file_entry_and_field_and_succeeds(
    library: None, msl: User, tmp_path: Path
) -> None:
    out, err = io.StringIO(), io.StringIO()
    path = _file(
        tmp_path,
        "savedrecs.bib",
        "@article{ WOS:000000000000001,\nTitle = {{A trial}},\n"
        "Author-Email = {{a@example.org}},\nAuthor-Email = {{b@example.org}},\n}\n"
        "@article{,\n  author = SMITH # { and Jones, Anna},\n  title = {Second}\n}\n",
    )

    call_command("literature", "import", str(path), "--as", msl.username, stdout=out, stderr=err)

    assert "savedrecs.bib: 2 read, 0 matched, 2 not in the library" in out.getvalue()
    assert "2 warnings" in out.getvalue()
    assert err.getvalue().splitlines() == [
        "warning: savedrecs.bib, entry 'WOS:000000000000001' (line 1), field 'author-email': "
        "given 2 times: the values are joined",
        "warning: savedrecs.bib, entry 2 (no key, line 6), field 'author': the macro 'SMITH' "
        "is defined nowhere in this file: read as empty",
    ]
    second = LibraryItem.objects.get(owner=msl, reference__title="Second")
    assert second.reference["authors"] == [{"family": "Jones", "given": "Anna"}]


def test_cli_import_of_a_wrong_file_fails_with_a_sentence(msl: User, tmp_path: Path) -> None:
    path = _file(tmp_path, "savedrecs.txt", "FN Clarivate Analytics Web of Science\n")

    with pytest.raises(CommandError, match=r"^1 of 1 file could not be imported$"):
        call_command("literature", "import", str(path), "--as", msl.username, stderr=io.StringIO())


def test_my_references_lists_only_my_imports(
    library: None, msl: User, other_msl: User, tmp_path: Path
) -> None:
    import_references(actor=msl, path=_file(tmp_path, "endnote.ris", MY_LIBRARY))
    import_references(
        actor=other_msl, path=_file(tmp_path, "bob.ris", "TY  - JOUR\nTI  - Bob's paper\nER  - \n")
    )

    mine = client_for(msl).get(reverse("literature:library-item-list")).content.decode()
    theirs = client_for(other_msl).get(reverse("literature:library-item-list")).content.decode()

    assert "3 references imported" in mine
    assert 'href="/literature/102/"' in mine
    assert "Something we do not hold" in mine
    assert "Bob&#x27;s paper" not in mine
    assert "1 reference imported" in theirs
