"""A watch that runs on the library reads its query in the library's search language:
the same query finds the same publications in a watch and in the library; a query
it cannot read is refused when the watch is saved, and said by a run."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.core.tests.apiclient import ApiClient
from liaison.literature.selectors import PublicationFilters, publication_queryset
from liaison.literature.tests import search_world
from liaison.surveillance import selectors, services
from liaison.surveillance.models import Alert, Watch, WatchRun
from liaison.surveillance.tests.factories import publication_watch

pytestmark = pytest.mark.django_db

QUERIES = [
    "lecanemab OR evolocumab",
    '"heart failure" OR cardio*',
    "lecanemab NOT review[pt]",
    "(alzheimer disease[mh] OR sabatine[au]) AND 2017:2023[dp]",
    "failure[ti] NOT transplant*",
    "NOT (review[pt] OR 2020:2024[dp])",
]


@pytest.fixture
def library(db: None) -> None:
    search_world.build()


def in_library(user: User, text: str) -> set[int]:
    return set(
        publication_queryset(user, PublicationFilters(q=text)).values_list("pmid", flat=True)
    )


@pytest.mark.parametrize("text", QUERIES)
def test_a_watch_and_the_library_find_the_same_publications(
    library: None, msl: User, text: str
) -> None:
    watched = set(selectors.library_publications(msl, text).values_list("pmid", flat=True))
    assert watched == in_library(msl, text) != set()
    services.run_watch(publication_watch(msl, query=text).pk)
    alerted = set(Alert.objects.filter(recipient=msl).values_list("publication__pmid", flat=True))
    assert alerted == watched


def test_an_or_query_alerts_either_word(library: None, msl: User) -> None:
    run = services.run_watch(publication_watch(msl, query="lecanemab OR evolocumab").pk)
    assert (run.matched, run.alerts_created) == (3, 3)


def test_a_query_it_cannot_read_is_refused_when_saved(msl: User) -> None:
    with pytest.raises(LiaisonError) as caught:
        services.create_watch(
            actor=msl,
            values={"name": "Typo", "kind": "publication", "query": "lecanemab OR (evolocumab"},
        )
    assert caught.value.details == {
        "query": "unbalanced parenthesis at character 14: this '(' is never closed"
    }
    assert not Watch.objects.exists()


def test_the_watch_form_says_it_at_the_field(client: Client, msl: User) -> None:
    client.force_login(msl)
    response = client.post(
        reverse("surveillance:watch-create"),
        {
            "name": "Typo",
            "kind": "publication",
            "mode": "library",
            "query": "lecanemab[xx]",
            "schedule": "daily",
            "active": "on",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "unknown field tag [xx] at character 10; use [ti], [tiab], [au], [mh], [pt]" in page
    assert not Watch.objects.exists()


def test_the_api_says_it_naming_query(msl: User) -> None:
    response = ApiClient(msl).post(
        "/watches", {"name": "Typo", "kind": "publication", "query": "2024:2020[dp]"}
    )
    assert response.status_code == 400
    assert response.json()["details"] == {
        "query": "[dp] at character 1: the range 2024:2020 is reversed (2024 is after 2020); "
        "write 2020:2024"
    }


def test_a_live_watch_keeps_pubmeds_own_syntax(msl: User) -> None:
    watch = services.create_watch(
        actor=msl,
        values={
            "name": "German reviews",
            "kind": "publication",
            "mode": "live",
            "query": "lecanemab AND german[la]",
        },
    )
    assert watch.query == "lecanemab AND german[la]"


def test_a_run_says_why_it_cannot_read_an_old_query(library: None, msl: User) -> None:
    watch = publication_watch(msl, query="lecanemab OR")  # saved before queries were checked
    with pytest.raises(LiaisonError, match="the watch's query cannot be read: OR at character"):
        services.run_watch(watch.pk)
    run = WatchRun.objects.get(watch=watch)
    assert run.error == "the watch's query cannot be read: OR at character 11 has no term after it"
    assert not Alert.objects.exists()
