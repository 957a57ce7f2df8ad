"""The basket: references picked one by one from the library, a publication's page and
"My references", kept in the user's session, exported together in every format of the
library (a large basket as a download job), emptied; plain forms and htmx alike."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
import rispy  # type: ignore[import-untyped]
from bibtexparser.entrypoint import parse_string
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from liaison.core.errors import LiaisonError
from liaison.core.models import Job, JobStatus, User
from liaison.literature import basket as baskets
from liaison.literature.basket import Basket
from liaison.literature.models import LibraryItem
from liaison.literature.services.references import import_references
from liaison.literature.tests.factories import article, load, write

pytestmark = pytest.mark.django_db

CaptureCommits = Callable[..., AbstractContextManager[list[Callable[[], None]]]]
LIST = reverse("literature:publication-list")
BASKET = reverse("literature:basket-detail")
ADD = reverse("literature:basket-add")
REMOVE = reverse("literature:basket-remove")
EXPORT = reverse("literature:basket-export")

MY_FILE = (
    "TY  - JOUR\nTI  - Neprilysin inhibition (my copy)\nAN  - 101\nER  - \n"
    "TY  - BOOK\nTI  - A handbook we do not hold\nAU  - Doe, Jane\nAU  - Roe, Richard\n"
    "PY  - 2018\nPB  - Old Press\nDO  - 10.1000/handbook\nKW  - guidelines\nER  - \n"
)


@pytest.fixture
def library(admin_user: User, tmp_path: Path) -> None:
    load(
        admin_user,
        write(
            tmp_path / "library.xml",
            article(101, title="Neprilysin inhibition in heart failure", year=2019),
            article(102, title="Lung cancer screening", year=2022),
            article(103, title="Gene therapy response", year=2021),
        ),
    )


@pytest.fixture
def my_references(library: None, msl: User, tmp_path: Path) -> dict[str, LibraryItem]:
    path = tmp_path / "mine.ris"
    path.write_text(MY_FILE, encoding="utf-8")
    import_references(actor=msl, path=path)
    items = LibraryItem.objects.filter(owner=msl)
    return {"linked": items.get(publication__pmid=101), "own": items.get(publication=None)}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def entries_of(client: Client) -> list[list[Any]]:
    return list(client.session.get(baskets.SESSION_KEY, []))


def ris_titles(content: bytes) -> list[str]:
    return [entry["title"] for entry in rispy.loads(content.decode("utf-8-sig"))]


# --- filling it -------------------------------------------------------------------------------


def test_a_plain_form_adds_a_publication_from_the_list_and_the_list_says_so(
    library: None, msl: User
) -> None:
    client = client_for(msl)
    before = client.get(LIST).content.decode()
    assert 'Basket (<span id="basket-count">0</span>)' in before
    assert before.count(">Add to basket<") == 3

    response = client.post(ADD, {"pmid": "102", "next": f"{LIST}?q=lung"})

    assert response.status_code == 302 and response["Location"] == f"{LIST}?q=lung"
    assert entries_of(client) == [["pmid", 102]]
    after = client.get(LIST).content.decode()
    assert 'Basket (<span id="basket-count">1</span>)' in after
    assert after.count(">Add to basket<") == 2 and after.count(">Remove from basket<") == 1
    assert 'id="basket-pmid-102" class="button-secondary">Remove from basket' in after


def test_htmx_swaps_the_button_and_updates_the_count_out_of_band(library: None, msl: User) -> None:
    client = client_for(msl)
    client.post(ADD, {"pmid": "101"})

    response = client.post(
        ADD, {"pmid": "103", "title": "Gene therapy response", "next": LIST}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<form")
    assert f'action="{REMOVE}"' in html and ">Remove from basket<" in html
    assert "> “Gene therapy response”</span>" in html
    assert f'name="next" value="{LIST}"' in html
    assert '<span id="basket-count" hx-swap-oob="true">2</span>' in html

    response = client.post(REMOVE, {"pmid": "103", "next": LIST}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert f'action="{ADD}"' in html and ">Add to basket<" in html
    assert '<span id="basket-count" hx-swap-oob="true">1</span>' in html
    assert entries_of(client) == [["pmid", 101]]


def test_a_publications_page_adds_and_removes_it(library: None, msl: User) -> None:
    client = client_for(msl)
    page = reverse("literature:publication-detail", args=[101])
    assert ">Add to basket<" in client.get(page).content.decode()

    client.post(ADD, {"pmid": "101", "next": page})
    html = client.get(page).content.decode()
    assert ">Remove from basket<" in html and 'id="basket-count">1<' in html

    client.post(REMOVE, {"pmid": "101", "next": page})
    assert entries_of(client) == []


def test_my_references_add_per_item_a_linked_one_as_its_publication(
    my_references: dict[str, LibraryItem], msl: User
) -> None:
    client = client_for(msl)
    mine = reverse("literature:library-item-list")
    linked, own = my_references["linked"], my_references["own"]
    page = client.get(mine).content.decode()
    assert 'id="basket-pmid-101"' in page and f'id="basket-item-{own.pk}"' in page

    client.post(ADD, {"item": str(linked.pk), "next": mine})
    client.post(ADD, {"item": str(own.pk), "next": mine})

    assert entries_of(client) == [["pmid", 101], ["item", own.pk]]
    # The library list shows the publication as in the basket.
    assert (
        'id="basket-pmid-101" class="button-secondary">Remove' in client.get(LIST).content.decode()
    )


def test_my_references_add_the_selected_ones_at_once(
    my_references: dict[str, LibraryItem], msl: User
) -> None:
    client = client_for(msl)
    client.post(ADD, {"pmid": "101"})
    items = [str(item.pk) for item in my_references.values()]

    mine = reverse("literature:library-item-list")

    response = client.post(ADD, {"item": items, "next": mine}, follow=True)

    assert response.redirect_chain == [(mine, 302)]
    assert len(entries_of(client)) == 2
    assert "1 reference added to the basket, 1 already in it; it holds 2." in (
        response.content.decode()
    )


def test_someone_elses_reference_or_an_unknown_pmid_is_not_found(
    my_references: dict[str, LibraryItem], other_msl: User, admin_user: User
) -> None:
    own = my_references["own"]
    for user in (other_msl, admin_user):
        client = client_for(user)
        response = client.post(ADD, {"item": str(own.pk)})
        assert response.status_code == 404
        assert f"reference {own.pk} is not in your references" in response.content.decode()
        assert entries_of(client) == []
    response = client_for(other_msl).post(ADD, {"pmid": "999"})
    assert response.status_code == 404
    assert "PMID 999 is not in the library" in response.content.decode()


def test_a_value_that_is_not_a_number_is_refused_naming_it(library: None, msl: User) -> None:
    response = client_for(msl).post(ADD, {"pmid": "12a"})
    assert response.status_code == 400
    assert "PMID &#x27;12a&#x27; is not a number" in response.content.decode()


def test_each_user_has_their_own_basket(library: None, msl: User, other_msl: User) -> None:
    client_for(msl).post(ADD, {"pmid": ["101", "102"]})
    assert 'id="basket-count">0<' in client_for(other_msl).get(LIST).content.decode()


def test_the_basket_holds_at_most_its_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(baskets, "LIMIT", 2)
    basket = Basket({})
    basket.add([("pmid", 1), ("pmid", 2)])
    with pytest.raises(LiaisonError, match="the basket holds at most 2 references"):
        basket.add([("pmid", 3)])
    assert basket.add([("pmid", 2)]) == 0
    assert basket.entries == [("pmid", 1), ("pmid", 2)]


# --- the basket's page, export and emptying ---------------------------------------------------


def test_the_basket_page_lists_it_in_order_with_remove_buttons(
    my_references: dict[str, LibraryItem], msl: User
) -> None:
    client = client_for(msl)
    client.post(ADD, {"pmid": "103"})
    client.post(ADD, {"item": str(my_references["own"].pk)})

    html = client.get(BASKET).content.decode()

    assert "2 references in the basket" in html
    assert html.index("Gene therapy response") < html.index("A handbook we do not hold")
    assert "2018 · from mine.ris" in html
    assert html.count(">Remove<") == 2


def test_the_basket_exports_in_its_order_each_reference_from_where_it_is_kept(
    my_references: dict[str, LibraryItem], msl: User
) -> None:
    client = client_for(msl)
    client.post(ADD, {"pmid": "103"})
    client.post(ADD, {"item": [str(my_references["own"].pk), str(my_references["linked"].pk)]})
    client.post(ADD, {"pmid": "101"})  # already in, as the linked reference

    response = client.get(EXPORT, {"format": "ris"})

    assert response["Content-Disposition"] == 'attachment; filename="basket.ris"'
    entries = rispy.loads(response.content.decode("utf-8-sig"))
    assert [entry["title"] for entry in entries] == [
        "Gene therapy response",
        "A handbook we do not hold",
        # The library's record, not the title of the user's copy.
        "Neprilysin inhibition in heart failure",
    ]
    handbook = entries[1]
    assert handbook["type_of_reference"] == "BOOK"
    assert handbook["authors"] == ["Doe, Jane", "Roe, Richard"]
    assert (handbook["year"], handbook["publisher"], handbook["doi"]) == (
        "2018",
        "Old Press",
        "10.1000/handbook",
    )
    assert handbook["keywords"] == ["guidelines"]


def test_the_basket_exports_in_every_format_of_the_library(
    my_references: dict[str, LibraryItem], msl: User
) -> None:
    client = client_for(msl)
    client.post(ADD, {"pmid": "102", "item": str(my_references["own"].pk)})

    bibtex = client.get(EXPORT, {"format": "bibtex"})
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(EXPORT, {"format": "csv"}).content.decode("utf-8-sig"))
        )
    )
    sheet = load_workbook(
        io.BytesIO(client.get(EXPORT, {"format": "xlsx"}).content), read_only=True
    )["References"]

    titles = {
        {f.key: f.value for f in entry.fields}["title"]
        for entry in parse_string(bibtex.content.decode()).entries
    }
    assert titles == {"Lung cancer screening", "A handbook we do not hold"}
    assert [row["title"] for row in rows] == ["Lung cancer screening", "A handbook we do not hold"]
    assert len(list(sheet.iter_rows(min_row=2, values_only=True))) == 2


def test_an_empty_basket_has_nothing_to_export(library: None, msl: User) -> None:
    response = client_for(msl).get(EXPORT, {"format": "ris"})
    assert response.status_code == 400
    assert "the basket is empty" in response.content.decode()


def test_a_large_basket_is_exported_by_a_download_job(
    library: None,
    msl: User,
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: CaptureCommits,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.LIAISON_EXPORT_SYNC_MAX_ROWS = 2
    client = client_for(msl)
    client.post(ADD, {"pmid": ["103", "101", "102"]})

    page = client.get(EXPORT, {"format": "ris"}).content.decode()
    assert "3 references are selected: more than the 2 an export writes" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(EXPORT, {"format": "ris", "background": "on"})

    job = Job.objects.get()
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert (job.kind, job.message) == ("reference-export", "3 references exported.")
    download = client.get(reverse("core:job-download", args=[job.pk]))
    content = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert ris_titles(content) == [
        "Gene therapy response",
        "Neprilysin inhibition in heart failure",
        "Lung cancer screening",
    ]
    assert 'filename="basket.ris"' in download["Content-Disposition"]


def test_emptying_the_basket(library: None, msl: User) -> None:
    client = client_for(msl)
    client.post(ADD, {"pmid": ["101", "102"]})

    response = client.post(reverse("literature:basket-clear"))

    assert response["Location"] == BASKET
    assert entries_of(client) == []
    assert "The basket is empty." in client.get(BASKET).content.decode()
