""" "My references": the user's own references selected and deleted (confirmed, audited,
the owner's only) or exported in the library's formats (a reference not linked to a
stored publication from its stored fields), at once or as a download job."""

from __future__ import annotations

import io
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
import rispy  # type: ignore[import-untyped]
from django.test import Client
from django.urls import reverse

from liaison.core.errors import LiaisonError, NotFound
from liaison.core.models import AuditEvent, Job, JobStatus, User
from liaison.literature import basket as baskets
from liaison.literature.models import LibraryItem
from liaison.literature.reference_formats import read_bibtex
from liaison.literature.services.library import delete_library_items, reference_of_item
from liaison.literature.services.references import import_references, reference_json
from liaison.literature.tests.factories import article, load, write

pytestmark = pytest.mark.django_db

CaptureCommits = Callable[..., AbstractContextManager[list[Callable[[], None]]]]
MINE = reverse("literature:library-item-list")
DELETE = reverse("literature:library-item-delete")
EXPORT = reverse("literature:library-item-export")

MY_FILE = (
    "TY  - JOUR\nTI  - Neprilysin inhibition (my copy)\nAN  - 101\nER  - \n"
    "TY  - JOUR\nTI  - A trial we do not hold\nAU  - Doe, Jane\nPY  - 2017\n"
    "T2  - Journal of Elsewhere\nVL  - 4\nSP  - 10\nEP  - 19\nDO  - 10.1000/elsewhere\nER  - \n"
    "TY  - JOUR\nTI  - Another of mine\nPY  - 2015\nER  - \n"
)


@pytest.fixture
def mine(admin_user: User, msl: User, tmp_path: Path) -> list[LibraryItem]:
    load(
        admin_user,
        write(
            tmp_path / "library.xml",
            article(101, title="Neprilysin inhibition in heart failure", year=2019),
        ),
    )
    path = tmp_path / "mine.ris"
    path.write_text(MY_FILE, encoding="utf-8")
    import_references(actor=msl, path=path)
    return list(LibraryItem.objects.filter(owner=msl).order_by("pk"))


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ris_titles(content: bytes) -> list[str]:
    return [entry["title"] for entry in rispy.loads(content.decode("utf-8-sig"))]


def test_the_list_offers_selection_export_basket_and_delete(
    mine: list[LibraryItem], msl: User
) -> None:
    html = client_for(msl).get(MINE).content.decode()

    assert f'<form id="library-selection" method="post" action="{EXPORT}"' in html
    assert html.count('form="library-selection"') == 3
    assert f'formaction="{reverse("literature:basket-add")}">Add selected to basket' in html
    assert f'formaction="{DELETE}">Delete selected…' in html
    assert f'href="{EXPORT}?all=on&amp;format=bibtex">BibTeX</a>' in html


# --- deletion -----------------------------------------------------------------------------------


def test_delete_asks_for_confirmation_first(mine: list[LibraryItem], msl: User) -> None:
    response = client_for(msl).post(DELETE, {"item": [mine[1].pk, mine[2].pk]})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Delete 2 of your references?" in html
    assert "A trial we do not hold" in html and "Another of mine" in html
    assert '<input type="hidden" name="confirm" value="yes">' in html
    assert LibraryItem.objects.filter(owner=msl).count() == 3


def test_confirmed_delete_removes_them_audited_and_out_of_the_basket(
    mine: list[LibraryItem], msl: User
) -> None:
    client = client_for(msl)
    client.post(reverse("literature:basket-add"), {"item": [mine[1].pk, mine[2].pk]})

    response = client.post(DELETE, {"item": [mine[1].pk], "confirm": "yes"}, follow=True)

    assert response.redirect_chain == [(MINE, 302)]
    assert "1 reference deleted." in response.content.decode()
    assert list(LibraryItem.objects.filter(owner=msl).order_by("pk")) == [mine[0], mine[2]]
    event = AuditEvent.objects.get(action="delete")
    assert (event.record_type, event.record_id, event.record_label) == (
        "literature.libraryitem",
        str(mine[1].pk),
        "A trial we do not hold",
    )
    assert (event.actor, event.reason) == (msl, "deleted from My references")
    assert event.changes == {"owner": [msl.pk, None], "source_file": ["mine.ris", None]}
    assert client.session[baskets.SESSION_KEY] == [["item", mine[2].pk]]


def test_no_one_else_deletes_my_references_not_even_an_administrator(
    mine: list[LibraryItem], msl: User, other_msl: User, admin_user: User
) -> None:
    for user in (other_msl, admin_user):
        response = client_for(user).post(DELETE, {"item": [mine[1].pk], "confirm": "yes"})
        assert response.status_code == 404
        with pytest.raises(NotFound, match="1 of the 1 selected references is not in your"):
            delete_library_items(actor=user, item_ids=[mine[1].pk])
    assert LibraryItem.objects.filter(owner=msl).count() == 3
    assert not AuditEvent.objects.filter(action="delete").exists()


def test_a_selection_with_one_reference_not_mine_deletes_nothing(
    mine: list[LibraryItem], msl: User, other_msl: User, tmp_path: Path
) -> None:
    path = tmp_path / "bob.ris"
    path.write_text("TY  - JOUR\nTI  - Bob's\nER  - \n", encoding="utf-8")
    import_references(actor=other_msl, path=path)
    bobs = LibraryItem.objects.get(owner=other_msl)

    with pytest.raises(NotFound, match="nothing was deleted"):
        delete_library_items(actor=msl, item_ids=[mine[0].pk, bobs.pk])

    assert LibraryItem.objects.count() == 4


def test_deleting_nothing_says_what_to_do(mine: list[LibraryItem], msl: User) -> None:
    response = client_for(msl).post(DELETE, {}, follow=True)
    assert "Select at least one reference to delete." in response.content.decode()
    with pytest.raises(LiaisonError, match="select at least one reference"):
        delete_library_items(actor=msl, item_ids=[])


# --- export -------------------------------------------------------------------------------------


def test_export_of_selected_references_writes_unlinked_ones_from_their_stored_fields(
    mine: list[LibraryItem], msl: User
) -> None:
    response = client_for(msl).post(EXPORT, {"item": [mine[1].pk, mine[0].pk], "format": "ris"})

    assert response["Content-Disposition"] == 'attachment; filename="my-references.ris"'
    first, second = rispy.loads(response.content.decode("utf-8-sig"))
    assert first["title"] == "A trial we do not hold"
    assert first["authors"] == ["Doe, Jane"]
    assert (first["secondary_title"], first["year"], first["volume"]) == (
        "Journal of Elsewhere",
        "2017",
        "4",
    )
    assert (first["start_page"], first["end_page"], first["doi"]) == (
        "10",
        "19",
        "10.1000/elsewhere",
    )
    # A reference linked to the library is written from the stored publication.
    assert (second["title"], second["accession_number"]) == (
        "Neprilysin inhibition in heart failure",
        "101",
    )


def test_export_all_of_my_references_newest_first(mine: list[LibraryItem], msl: User) -> None:
    response = client_for(msl).get(EXPORT, {"all": "on", "format": "ris"})
    assert sorted(ris_titles(response.content)) == [
        "A trial we do not hold",
        "Another of mine",
        "Neprilysin inhibition in heart failure",
    ]


def test_export_of_someone_elses_reference_is_not_found(
    mine: list[LibraryItem], other_msl: User
) -> None:
    response = client_for(other_msl).post(EXPORT, {"item": [mine[1].pk], "format": "ris"})
    assert response.status_code == 404
    # "All" is the user's own references: none of alice's.
    everything = client_for(other_msl).get(EXPORT, {"all": "on", "format": "ris"})
    assert everything.status_code == 200 and ris_titles(everything.content) == []


def test_exporting_nothing_says_what_to_do(mine: list[LibraryItem], msl: User) -> None:
    response = client_for(msl).post(EXPORT, {"format": "ris"}, follow=True)
    assert "Select at least one reference to export." in response.content.decode()


def test_a_large_export_of_my_references_runs_as_a_download_job(
    mine: list[LibraryItem],
    msl: User,
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: CaptureCommits,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.LIAISON_EXPORT_SYNC_MAX_ROWS = 2
    client = client_for(msl)

    page = client.get(EXPORT, {"all": "on", "format": "bibtex"}).content.decode()
    assert "3 references are selected: more than the 2 an export writes" in page
    assert '<input type="hidden" name="all" value="on">' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(EXPORT, {"all": "on", "format": "bibtex", "background": "on"})

    job = Job.objects.get()
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.title == "Export 3 references to BibTeX"
    download = client.get(reverse("core:job-download", args=[job.pk]))
    content = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    titles = sorted(
        reference.title or "" for reference in read_bibtex(io.BytesIO(content), "x.bib")
    )
    assert titles == [
        "A trial we do not hold",
        "Another of mine",
        "Neprilysin inhibition in heart failure",
    ]
    assert 'filename="my-references.bib"' in download["Content-Disposition"]
    # Only its owner downloads it.
    assert Client().get(reverse("core:job-download", args=[job.pk])).status_code == 302


def test_a_stored_reference_reads_back_as_it_was_imported(tmp_path: Path, msl: User) -> None:
    bib = (
        "@incollection{k1, author = {Doe, Jane and {World Health Organization}},"
        " title = {On guidelines}, booktitle = {The Book}, year = 2001, month = mar,"
        " pages = {3--9}, publisher = {Press}, keywords = {a, b}, note = {mine}}\n"
    )
    path = tmp_path / "one.bib"
    path.write_text(bib, encoding="utf-8")
    with path.open("rb") as stream:
        [read] = list(read_bibtex(stream, "one.bib"))
    import_references(actor=msl, path=path)
    item = LibraryItem.objects.get(owner=msl)

    assert item.reference == reference_json(read)
    assert reference_of_item(item) == read
