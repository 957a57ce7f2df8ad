"""The literature's panel of the home page: the user's own latest additions to
"My references", newest first, linked to the library where they matched."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liaison.core.models import User
from liaison.literature.home import SHOWN_REFERENCES, recent_references
from liaison.literature.models import LibraryItem
from liaison.literature.services.references import import_references
from liaison.literature.tests.factories import article, load, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def references(msl: User, admin_user: User, tmp_path: Path) -> list[LibraryItem]:
    load(admin_user, write(tmp_path / "library.xml", article(101, title="Neprilysin trial")))
    ris = "".join(f"TY  - JOUR\nTI  - My reference {n}\nPY  - 2020\nER  - \n" for n in range(1, 8))
    ris += "TY  - JOUR\nTI  - Neprilysin (my copy)\nAN  - 101\nER  - \n"
    path = tmp_path / "mine.ris"
    path.write_text(ris, encoding="utf-8")
    import_references(actor=msl, path=path)
    items = list(LibraryItem.objects.filter(owner=msl).order_by("id"))
    start = timezone.now() - dt.timedelta(days=30)
    for day, item in enumerate(items):  # one a day, the last imported the newest
        LibraryItem.objects.filter(pk=item.pk).update(added_at=start + dt.timedelta(days=day))
    return items


def test_home_lists_my_latest_references_newest_first(
    client: Client, msl: User, references: list[LibraryItem]
) -> None:
    client.force_login(msl)
    page = client.get(reverse("core:home")).content.decode()

    shown = recent_references(msl)
    assert [item.pk for item in shown["items"]] == [
        item.pk for item in reversed(references[-SHOWN_REFERENCES:])
    ]
    assert shown["count"] == 8
    assert '<a href="/literature/101/">Neprilysin (my copy)</a>' in page
    assert "My reference 7" in page and "My reference 3" not in page
    assert f'href="{reverse("literature:library-item-list")}">My references (8)</a>' in page


def test_home_shows_no_one_elses_references(
    client: Client, other_msl: User, references: list[LibraryItem]
) -> None:
    client.force_login(other_msl)
    page = client.get(reverse("core:home")).content.decode()
    assert "My reference" not in page
    assert "You have not added any references yet." in page
