"""The demo world: deterministic from its seed, valid identifiers, the promised
shape (countries, areas, products, territories, teams, one user per role), and
demo logins that work and sit in a file only their owner can read."""

from __future__ import annotations

import io
import random
import stat
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from liaison.core import audit
from liaison.core.demo import DEMO_USERNAMES, DEMO_USERS
from liaison.core.errors import Conflict
from liaison.core.models import AuditEvent, Role, Team, Territory, User
from liaison.demo.logins import LOGINS_FILE
from liaison.demo.world import build_demo
from liaison.directory.demo import hcps as directory
from liaison.directory.identifiers import is_valid_npi, is_valid_orcid
from liaison.directory.models import HCP, Affiliation, Indication, Organization, Product
from liaison.literature.models import Publication
from liaison.trials.models import Trial

SMALL = 300


def plans(seed: int, count: int) -> list[directory.HCPPlan]:
    rng = random.Random(seed)
    organizations = directory.plan_organizations(rng)
    return list(directory.plan_hcps(rng, count, organizations))


@pytest.fixture
def fast_passwords(settings: Any) -> None:
    # Seven argon2 hashes per build cost seconds; the logins work the same.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db: None, tmp_path: Path, fast_passwords: None) -> Any:
    return build_demo(seed=42, hcps=SMALL, data_dir=tmp_path)


def test_same_seed_gives_the_same_people() -> None:
    first = directory.plan_summary(plans(42, 20))
    assert first == directory.plan_summary(plans(42, 20))
    assert first != directory.plan_summary(plans(7, 20))


def test_planned_identifiers_are_valid_and_unique() -> None:
    people = plans(42, 2000)
    npis = [person.npi for person in people if person.npi]
    orcids = [person.orcid for person in people if person.orcid]
    assert npis and all(is_valid_npi(npi) for npi in npis)
    assert orcids and all(is_valid_orcid(orcid) for orcid in orcids)
    assert len(set(npis)) == len(npis) and len(set(orcids)) == len(orcids)
    assert all((person.npi is not None) == (person.country == "US") for person in people)
    assert 0.3 < len(orcids) / len(people) < 0.5


def test_planned_world_is_international_with_accented_names() -> None:
    people = plans(42, 2000)
    assert len({person.country for person in people}) >= 6
    names = {person.family_name for person in people} | {person.given_name for person in people}
    for name in ("Müller", "Çelik", "García", "Ångström", "Łukasz"):
        assert name in names
    areas = {area for person in people for area in person.therapeutic_areas}
    assert areas == {"oncology", "cardiology", "neurology", "immunology"}


def test_planned_organizations_are_about_three_hundred_and_unique() -> None:
    organizations = directory.plan_organizations(random.Random(42))
    assert 250 <= len(organizations) <= 350
    places = {(o.name, o.country, o.city) for o in organizations}
    assert len(places) == len(organizations)


def test_world_matches_its_plan(world: Any) -> None:
    stored = list(HCP.objects.order_by("pk").values_list("given_name", "family_name", "npi")[:20])
    planned = [(p.given_name, p.family_name, p.npi) for p in plans(42, 20)]
    assert stored == planned
    assert world.hcps == HCP.objects.count() == SMALL


def test_world_counts_its_publications_and_trials(world: Any) -> None:
    assert world.publications == Publication.objects.count() > 0
    assert world.trials == Trial.objects.count() > 0


def test_demo_command_prints_every_count(
    db: None, tmp_path: Path, fast_passwords: None, settings: Any
) -> None:
    settings.DATA_DIR = tmp_path
    out = io.StringIO()
    call_command("demo", hcps=SMALL, verbosity=0, stdout=out)
    summary = out.getvalue().splitlines()[0]
    assert summary == (
        f"demo world built: {HCP.objects.count()} HCPs, {Organization.objects.count()} "
        f"organizations, {Product.objects.count()} products, "
        f"{Publication.objects.count()} publications, {Trial.objects.count()} trials"
    )


def test_world_identifiers_are_valid(world: Any) -> None:
    for npi, orcid in HCP.objects.values_list("npi", "orcid"):
        assert npi is None or is_valid_npi(npi)
        assert orcid is None or is_valid_orcid(orcid)
    hcp = HCP.objects.filter(npi__isnull=False).first()
    assert hcp is not None
    hcp.full_clean()  # the bulk-written row passes the model's own validation


def test_world_search_keys_are_accent_free(world: Any) -> None:
    for hcp in HCP.objects.all()[:50]:
        saved_key = hcp.search_name
        hcp.save()
        hcp.refresh_from_db()
        assert hcp.search_name == saved_key


def test_world_has_products_with_labelled_indications(world: Any) -> None:
    assert Product.objects.filter(is_own=True).count() == 2
    assert Product.objects.filter(is_own=False).count() == 4
    assert Product.objects.values("company").distinct().count() >= 4
    for product in Product.objects.all():
        assert product.indications.exists()
    assert Indication.objects.values("country").distinct().count() >= 6


def test_world_has_three_kinds_of_territory_two_teams_and_every_role(world: Any) -> None:
    us_west = Territory.objects.get(code="us-west")
    dach = Territory.objects.get(code="dach")
    key_experts = Territory.objects.get(code="key-experts")
    assert us_west.regions and not us_west.countries
    assert dach.countries and not dach.regions
    assert not key_experts.countries and not key_experts.regions
    assert key_experts.hcps.exists()
    assert Team.objects.count() == 2
    assert all(team.members.exists() and team.manager for team in Team.objects.all())
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.get(username="msl").territories.get() == dach
    assert Affiliation.objects.filter(is_primary=True).count() == SMALL
    assert Organization.objects.filter(parent__isnull=False).exists()


def test_demo_logins_work_and_file_is_private(world: Any, tmp_path: Path) -> None:
    path = tmp_path / LOGINS_FILE
    assert world.logins_file == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert len(world.logins) == len(DEMO_USERS)
    for login in world.logins:
        assert f"{login.password}" in text
        request = RequestFactory().post("/login/")
        user = authenticate(request, username=login.username, password=login.password)
        assert user is not None and user.get_username() == login.username


def test_every_demo_record_is_audited_as_system(world: Any) -> None:
    assert audit.verify_chain()[1] is None
    assert AuditEvent.objects.filter(record_type="directory.hcp", action="create").count() == SMALL
    assert AuditEvent.objects.filter(record_type="directory.affiliation").count() == (
        Affiliation.objects.count()
    )
    assert set(AuditEvent.objects.values_list("source", flat=True)) == {"demo"}
    # The system's work, or a demo user's (a flag confirmed, a case coded), by name only:
    # no event links a user row that --force deletes.
    assert set(AuditEvent.objects.values_list("actor_label", flat=True)) <= {
        "system",
        *DEMO_USERNAMES,
    }
    assert not AuditEvent.objects.filter(actor__isnull=False).exists()
    event = AuditEvent.objects.filter(record_type="directory.hcp").first()
    assert event is not None
    hcp = HCP.objects.get(pk=event.record_id)
    assert event.changes["family_name"] == [None, hcp.family_name]
    assert sorted(event.changes["therapeutic_areas"][1]) == sorted(
        hcp.therapeutic_areas.values_list("pk", flat=True)
    )


def test_second_build_needs_force(world: Any, tmp_path: Path) -> None:
    with pytest.raises(Conflict, match="--force"):
        build_demo(seed=42, hcps=10, data_dir=tmp_path)


def test_forced_rebuild_replaces_the_world(world: Any, tmp_path: Path) -> None:
    old_password = world.logins[0].password
    rebuilt = build_demo(seed=42, hcps=50, data_dir=tmp_path, force=True)
    assert HCP.objects.count() == 50
    assert User.objects.filter(username="msl").count() == 1
    assert rebuilt.logins[0].password != old_password
    assert audit.verify_chain()[1] is None
    assert AuditEvent.objects.filter(action="delete", record_type="directory.hcp").count() == SMALL
