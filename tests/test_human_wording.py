"""Every label a user reads is a human label (issue 11 point 6).

The demo world's main pages are rendered for an administrator (who sees every
record, every history and the audit trail) and their visible text (text nodes,
option labels, titles, aria-labels and placeholders; not scripts, attribute
values or URLs) is searched for what a developer reads: a registry's enum codes
("INTERVENTIONAL", "NOT_YET_RECRUITING", "INDUSTRY"), dotted model names
("literature.libraryitem"), and the lower-cased choice labels and country names
that once slipped through. The pages are found by following links from the home
page, a few per kind of page, plus the pages only a form reaches.
"""

from __future__ import annotations

import collections
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from liaison.core import jobs
from liaison.core.models import User
from liaison.demo.world import build_demo
from liaison.directory import services
from liaison.directory.models import HCP, Specialty
from liaison.surveillance.models import Watch, WatchMode
from liaison.trials import models as trials

pytestmark = pytest.mark.django_db

#: Kinds of page (the path with numbers as N) visited at most this many times.
PER_KIND = 2
MAX_PAGES = 150
SKIPPED = ("/logout", "/download", "/export", "/api/", "/static/", "/admin/", "/media/")

#: ClinicalTrials.gov's codes, which pages show by label ("NIH" is its own label).
REGISTRY_CODES = frozenset(
    {
        *(code for code, label in trials.STATUS_LABELS.items() if code != label),
        *(code for code, label in trials.PHASE_LABELS.items() if code != label),
        *(code for code, label in trials.SPONSOR_CLASS_LABELS.items() if code != label),
        *("INTERVENTIONAL", "OBSERVATIONAL", "ACTUAL", "ESTIMATED"),
        *("DRUG", "BIOLOGICAL", "DEVICE", "PROCEDURE", "BEHAVIORAL", "RADIATION", "GENETIC"),
    }
)
ENUM_CODE = re.compile(r"\b[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+\b|\b[A-Z][A-Z0-9]+\b")
# A country code in parentheses is how the directory writes a place: "Namibia (NA)".
COUNTRY_IN_PARENTHESES = re.compile(r"\([A-Z]{2}\)")
DOTTED_NAME = re.compile(r"\b[a-z_]+\.[a-z_]+\b")


class VisibleText(HTMLParser):
    """The text a person reads on a page, and the page's own links."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in {"script", "style", "template"}:
            self._hidden += 1
        if tag == "a" and values.get("href", "").startswith("/"):
            self.links.append(values["href"])
        for name in ("title", "aria-label", "placeholder", "alt"):
            if values.get(name):
                self.parts.append(values[name])
        self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "template"}:
            self._hidden -= 1
        self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"[ \t]+", " ", "".join(self.parts))


def developer_words(text: str) -> set[str]:
    """Enum codes and model names in ``text``."""
    found = {
        word
        for word in ENUM_CODE.findall(COUNTRY_IN_PARENTHESES.sub("", text))
        if word in REGISTRY_CODES or "_" in word
    }
    labels = {model._meta.label_lower for model in apps.get_models()}
    found |= {word for word in DOTTED_NAME.findall(text) if word in labels}
    return found


@pytest.fixture
def world(tmp_path: Path, settings: Any) -> User:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    build_demo(seed=42, hcps=120, data_dir=tmp_path)
    admin = User.objects.get(username="admin")
    # A change of the list fields and a job of each kind a person meets, so that
    # the history and job pages have something to say.
    hcp = HCP.objects.filter(country="US").order_by("pk").first()
    assert hcp is not None
    services.update_hcp(
        actor=admin,
        hcp=hcp,
        data={
            "specialties": list(Specialty.objects.order_by("pk")[:2]),
            "languages": ["de", "en"],
            "contact_channels": ["email", "visit"],
        },
        reason="wording test",
    )
    for kind in ("reference-import", "pubmed-load", "trials-load", "directory-import"):
        jobs.create_job(owner=admin, kind=kind, title=f"A {kind} job")
    return admin


def visit(client: Client, start: list[str]) -> dict[str, str]:
    """Visible text of the pages reached from ``start``, by URL."""
    seen: dict[str, str] = {}
    per_kind: collections.Counter[str] = collections.Counter()
    queue = collections.deque(start)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        kind = re.sub(r"\d+", "N", url.split("?")[0])
        if url in seen or per_kind[kind] >= PER_KIND or any(part in url for part in SKIPPED):
            continue
        per_kind[kind] += 1
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = VisibleText()
        page.feed(response.content.decode())
        seen[url] = page.text
        queue.extend(link for link in page.links if link not in seen)
    return seen


def test_no_page_of_the_demo_world_shows_codes_or_model_names(world: User, client: Client) -> None:
    client.force_login(world)
    hcp = HCP.objects.filter(country="US").order_by("pk").first()
    assert hcp is not None
    trial_pages = [
        f"/trials/{nct_id}/" for nct_id in trials.Trial.objects.values_list("nct_id", flat=True)
    ]
    pages = visit(
        client,
        [
            "/",
            "/trials/landscape/?by=sponsor",
            "/trials/landscape/?by=product",
            f"/history/directory.hcp/{hcp.pk}/",
            "/audit/",
            "/jobs/",
            *trial_pages,
        ],
    )
    kinds = {re.sub(r"\d+", "N", url.split("?")[0]) for url in pages}
    for wanted in ("/audit/", "/jobs/N/", "/trials/landscape/", "/surveillance/watches/N/"):
        assert wanted in kinds, f"{wanted} was not visited"
    assert len(pages) > 40

    found = {url: words for url, text in pages.items() if (words := developer_words(text))}
    assert not found, "developer wording on pages:\n" + "\n".join(
        f"{url}: {', '.join(sorted(words))}" for url, words in sorted(found.items())
    )


def test_trials_and_the_directory_name_a_country_the_same_way(world: User, client: Client) -> None:
    client.force_login(world)
    site = trials.TrialSite.objects.filter(country="Turkey").select_related("trial").first()
    assert site is not None, "the demo world has a trial site in Turkey"
    trial_page = client.get(f"/trials/{site.trial.nct_id}/").content.decode()
    trial_list = client.get("/trials/").content.decode()
    hcp_list = client.get("/directory/hcps/").content.decode()
    assert "Türkiye" in trial_page and "Türkiye" in trial_list and "Türkiye" in hcp_list
    for html in (trial_page, trial_list):
        assert ">Turkey<" not in html and "Turkey</td>" not in html


def test_history_shows_names_not_ids_or_codes(world: User, client: Client) -> None:
    client.force_login(world)
    hcp = HCP.objects.filter(country="US").order_by("pk").first()
    assert hcp is not None
    url = f"/history/directory.hcp/{hcp.pk}/"
    text = re.sub(r"\s+", " ", visit(client, [url])[url])
    names = ", ".join(Specialty.objects.order_by("pk").values_list("name", flat=True)[:2])
    assert f"→ {names}" in text
    assert not re.search(r"Specialties : [\d, ]+ →", text)
    assert "Languages : — → German, English" not in text  # the update, not the creation
    assert "→ German, English" in text
    assert "→ E-mail, Visit" in text
    assert "Country : — → United States" in text
    assert f"HCP #{hcp.pk}" in text


def test_choice_labels_keep_their_capitals(world: User, client: Client) -> None:
    client.force_login(world)
    watch = Watch.objects.order_by("pk").first()
    assert watch is not None
    Watch.objects.filter(pk=watch.pk).update(mode=WatchMode.LIVE)
    url = f"/surveillance/watches/{watch.pk}/"
    text = visit(client, [url])[url]
    assert "Live (fetch from PubMed / ClinicalTrials.gov first)" in text
    assert "pubmed / clinicaltrials.gov" not in text


def test_a_jobs_kind_is_words(world: User, client: Client) -> None:
    client.force_login(world)
    job = jobs.create_job(owner=world, kind="pubmed-load", title="Load PubMed records")
    text = re.sub(r"\s+", " ", visit(client, [f"/jobs/{job.pk}/"])[f"/jobs/{job.pk}/"])
    assert "Kind PubMed load" in text
    assert "pubmed-load" not in text
