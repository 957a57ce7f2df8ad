"""The pre-call brief: what it gathers about an HCP, only what the reader may see
(a colleague's interaction notes never appear to a non-reader), the page, the PDF
read back with pypdf, and WeasyPrint fetching nothing but our static files."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pypdf
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison.core.errors import NotFound
from liaison.core.models import User
from liaison.directory.models import HCP
from liaison.directory.tests import factories as directory
from liaison.engagement import briefs, pdf
from liaison.engagement.tests import factories
from liaison.literature.models import Authorship, Publication
from liaison.surveillance.models import Alert, AlertKind
from liaison.surveillance.tests.factories import publication_watch
from liaison.trials.models import Trial, TrialOfficial

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    """Read per test: a module constant goes stale when a run crosses midnight."""
    return timezone.localdate()


ALICE_OUTCOME = "Agreed to review the subgroup poster"
ALICE_NOTES = "Discussed dosing in renal impairment"
BOB_OUTCOME = "Confidential outcome of Bob"
BOB_NOTES = "Confidential notes of Bob"
RECENT_TITLE = "Elderly patients in the phase 3 trial of Examplimab"
OLD_TITLE = "An old review from long ago"
OPEN_FOLLOW_UP = "Send the elderly subgroup data"
DONE_FOLLOW_UP = "Send the congress slides"
RECENT_TRIAL = "Examplimab in elderly patients"
ALICE_INSIGHT = "Elderly patients stop therapy early because of fatigue"
BOB_INSIGHT = "Payers in California ask for real-world data"


@dataclass
class World:
    hcp: HCP
    publication: Publication


def publication(pmid: int, title: str, published_on: dt.date, hcp: HCP) -> Publication:
    record = Publication.objects.create(
        pmid=pmid, title=title, published_on=published_on, published_year=published_on.year
    )
    Authorship.objects.create(publication=record, position=1, family=hcp.family_name, hcp=hcp)
    return record


@pytest.fixture
def world(msl: User, other_msl: User, field_manager: User) -> World:
    hcp = factories.an_hcp("Hartmann", given_name="Greta", city="Heidelberg")
    directory.affiliation(
        hcp,
        directory.organization("Universitätsklinikum Heidelberg"),
        role="Head of oncology",
        is_primary=True,
    )
    factories.plan(
        msl,
        [(hcp, "1")],
        period_start=today() - dt.timedelta(days=30),
        period_end=today() + dt.timedelta(days=300),
    )
    product = directory.product()
    mine = factories.interaction(
        msl,
        [hcp],
        notes=ALICE_NOTES,
        outcome=ALICE_OUTCOME,
        occurred_at=timezone.now() - dt.timedelta(days=3),
    )
    mine.products.set([product])
    factories.interaction(
        other_msl,
        [hcp],
        notes=BOB_NOTES,
        outcome=BOB_OUTCOME,
        channel="phone",
        occurred_at=timezone.now() - dt.timedelta(days=10),
    )
    factories.follow_up(msl, hcp=hcp, description=OPEN_FOLLOW_UP)
    factories.follow_up(msl, hcp=hcp, description=DONE_FOLLOW_UP, done_at=timezone.now())
    factories.insight(msl, hcp=hcp, statement=ALICE_INSIGHT, interaction=mine)
    factories.insight(other_msl, hcp=hcp, statement=BOB_INSIGHT)
    recent = publication(9100001, RECENT_TITLE, today() - dt.timedelta(days=100), hcp)
    publication(9100002, OLD_TITLE, today() - dt.timedelta(days=1200), hcp)
    trial = Trial.objects.create(
        nct_id="NCT09100001", brief_title=RECENT_TRIAL, start_on=today() - dt.timedelta(days=200)
    )
    TrialOfficial.objects.create(trial=trial, position=1, name="Greta Hartmann", hcp=hcp)
    old_trial = Trial.objects.create(
        nct_id="NCT09100002",
        brief_title="A trial finished long ago",
        start_on=today() - dt.timedelta(days=3000),
        last_update_posted=today() - dt.timedelta(days=2000),
    )
    TrialOfficial.objects.create(trial=old_trial, position=1, name="Greta Hartmann", hcp=hcp)
    for user in (msl, other_msl):
        Alert.objects.create(
            watch=publication_watch(user, name=f"Watch of {user.username}"),
            recipient=user,
            kind=AlertKind.NEW_PUBLICATION,
            publication=recent,
            title=f"Alert for {user.username}: {RECENT_TITLE}",
        )
    return World(hcp=hcp, publication=recent)


def test_the_brief_gathers_what_its_author_may_see(world: World, msl: User) -> None:
    brief = briefs.gather_brief(msl, world.hcp.pk)

    assert [affiliation.role for affiliation in brief.affiliations] == ["Head of oncology"]
    assert brief.tier is not None and brief.tier.tier == "1" and brief.tier.current
    assert [(line.interaction.outcome, line.readable) for line in brief.interactions] == [
        (ALICE_OUTCOME, True),
        (BOB_OUTCOME, False),
    ]
    assert [follow_up.description for follow_up in brief.follow_ups] == [OPEN_FOLLOW_UP]
    assert [insight.statement for insight in brief.insights] == [ALICE_INSIGHT]
    assert [item.title for item in brief.publications] == [RECENT_TITLE]
    assert [trial.brief_title for trial in brief.trials] == [RECENT_TRIAL]
    assert [alert.title for alert in brief.alerts] == [f"Alert for alice: {RECENT_TITLE}"]
    assert [(line.product.name, line.times) for line in brief.products] == [("Oncovirumab", 1)]


def test_a_read_alert_is_no_longer_new(world: World, msl: User) -> None:
    Alert.objects.filter(recipient=msl).update(read_at=timezone.now())
    assert briefs.gather_brief(msl, world.hcp.pk).alerts == []


def test_products_come_from_readable_interactions_only(
    world: World, msl: User, other_msl: User
) -> None:
    product = directory.product("Examplimab")
    bobs = factories.interaction(other_msl, [world.hcp])
    bobs.products.set([product])

    names = [line.product.name for line in briefs.gather_brief(msl, world.hcp.pk).products]

    assert "Examplimab" not in names
    assert "Examplimab" in [
        line.product.name for line in briefs.gather_brief(other_msl, world.hcp.pk).products
    ]


def test_a_colleague_outside_the_team_sees_only_that_it_happened(
    world: World, other_msl: User, msl: User
) -> None:
    brief = briefs.gather_brief(other_msl, world.hcp.pk)

    alices = next(line for line in brief.interactions if line.interaction.msl_id == msl.pk)
    assert not alices.readable
    assert alices.summary.startswith("met by alice on ")
    assert alices.summary.endswith("via In person")
    assert [insight.statement for insight in brief.insights] == [BOB_INSIGHT]
    assert brief.follow_ups == []
    assert brief.tier is None


def test_the_manager_reads_the_teams_interactions_not_others(
    world: World, field_manager: User
) -> None:
    brief = briefs.gather_brief(field_manager, world.hcp.pk)

    assert {line.interaction.outcome: line.readable for line in brief.interactions} == {
        ALICE_OUTCOME: True,
        BOB_OUTCOME: False,
    }
    assert [follow_up.description for follow_up in brief.follow_ups] == [OPEN_FOLLOW_UP]
    assert brief.tier is not None


def test_the_page_never_shows_a_colleagues_notes_to_a_non_reader(
    world: World, client: Client, other_msl: User, medinfo: User
) -> None:
    for user in (other_msl, medinfo):
        client.force_login(user)
        page = client.get(reverse("engagement:hcp-brief", args=[world.hcp.pk])).content.decode()
        assert "Greta Hartmann" in page
        assert ALICE_OUTCOME not in page and ALICE_NOTES not in page
        assert ALICE_INSIGHT not in page and OPEN_FOLLOW_UP not in page
        assert "Met by alice on" in page


def test_the_page_shows_the_author_everything_but_notes(
    world: World, client: Client, msl: User
) -> None:
    client.force_login(msl)
    page = client.get(reverse("engagement:hcp-brief", args=[world.hcp.pk])).content.decode()

    for text in (
        ALICE_OUTCOME,
        OPEN_FOLLOW_UP,
        ALICE_INSIGHT,
        RECENT_TITLE,
        RECENT_TRIAL,
        "Tier 1",
    ):
        assert text in page, text
    for text in (BOB_OUTCOME, BOB_NOTES, DONE_FOLLOW_UP, OLD_TITLE, BOB_INSIGHT):
        assert text not in page, text


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_pdf_reads_back_with_the_name_a_recent_publication_and_an_open_follow_up(
    world: World, client: Client, msl: User
) -> None:
    client.force_login(msl)
    response = client.get(reverse("engagement:hcp-brief-pdf", args=[world.hcp.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "pre-call-brief-greta-hartmann.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Greta Hartmann" in text
    assert RECENT_TITLE in text
    assert OPEN_FOLLOW_UP in text
    assert OLD_TITLE not in text


def test_the_pdf_of_a_non_reader_has_no_colleague_content(
    world: World, client: Client, other_msl: User
) -> None:
    client.force_login(other_msl)
    text = pdf_text(client.get(reverse("engagement:hcp-brief-pdf", args=[world.hcp.pk])).content)

    assert ALICE_OUTCOME not in text and ALICE_INSIGHT not in text
    assert "Met by alice on" in text


def test_the_pdf_is_laid_out_with_the_print_stylesheet(world: World, msl: User) -> None:
    """The print stylesheet is served to WeasyPrint: its footer numbers the pages."""
    text = pdf_text(pdf.brief_pdf(briefs.gather_brief(msl, world.hcp.pk)))
    assert "Page 1 of" in text


def test_weasyprint_fetches_only_our_static_files() -> None:
    fetcher = pdf.StaticOnlyFetcher()
    served = fetcher.fetch(f"{pdf.BASE_URL}static/engagement/brief_print.css")
    assert b"@page" in served.read()
    for url in (
        "https://example.org/tracker.png",
        "http://liaison.invalid/static/engagement/brief_print.css",
        "file:///etc/passwd",
        f"{pdf.BASE_URL}static/../../etc/passwd",
        f"{pdf.BASE_URL}media/secret.pdf",
        f"{pdf.BASE_URL}static/engagement/no-such-file.css",
        "data:text/css,body{}",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_a_remote_image_in_a_brief_is_not_fetched(
    world: World, msl: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    original = pdf.StaticOnlyFetcher.fetch

    def spy(self: pdf.StaticOnlyFetcher, url: str, headers: object = None) -> object:
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(pdf.StaticOnlyFetcher, "fetch", spy)
    monkeypatch.setattr(
        "liaison.engagement.pdf.render_to_string",
        lambda name, context: '<img src="https://example.org/pixel.png"><p>Brief</p>',
    )
    content = pdf.brief_pdf(briefs.gather_brief(msl, world.hcp.pk))
    assert content.startswith(b"%PDF")
    assert asked == ["https://example.org/pixel.png"]


def test_an_unseen_hcp_has_no_brief(msl: User, outsider: User, world: World) -> None:
    with pytest.raises(NotFound):
        briefs.gather_brief(msl, world.hcp.pk + 1000)
    with pytest.raises(NotFound):
        briefs.gather_brief(outsider, world.hcp.pk)


def test_the_brief_takes_the_same_queries_whatever_the_history(
    world: World, msl: User, other_msl: User
) -> None:
    with CaptureQueriesContext(connection) as small:
        briefs.gather_brief(msl, world.hcp.pk)
    for index in range(5):
        factories.interaction(msl, [world.hcp], outcome=f"Outcome {index}")
        factories.interaction(other_msl, [world.hcp])
        factories.follow_up(msl, hcp=world.hcp, description=f"Promise {index}")
        publication(9100100 + index, f"Paper {index}", today() - dt.timedelta(days=10), world.hcp)

    with CaptureQueriesContext(connection) as large:
        brief = briefs.gather_brief(msl, world.hcp.pk)

    assert len(brief.interactions) == briefs.SHOWN_INTERACTIONS
    assert len(large) == len(small)


def test_the_hcp_profile_links_to_the_brief(world: World, client: Client, medinfo: User) -> None:
    client.force_login(medinfo)
    page = client.get(reverse("directory:hcp-detail", args=[world.hcp.pk])).content.decode()

    assert reverse("engagement:hcp-brief", args=[world.hcp.pk]) in page
    assert reverse("engagement:hcp-brief-pdf", args=[world.hcp.pk]) in page
