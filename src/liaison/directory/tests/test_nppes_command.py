"""``liaison nppes lookup``, against the local replay server serving real registry answers."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.replay import ReplayServer, Reply

from liaison.core.models import AuditEvent, User
from liaison.directory.models import HCP


@pytest.fixture
def server(settings: Any) -> Iterator[ReplayServer]:
    with ReplayServer() as replay:
        settings.LIAISON_NPPES_URL = f"{replay.url}/api/"
        yield replay


@pytest.fixture
def hiza(server: ReplayServer, shared_data: Path) -> ReplayServer:
    server.add("/api/", Reply.file(shared_data / "nppes" / "ropensci_npi_api-b2f594.json"))
    return server


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("directory", "nppes", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.shared_data
@pytest.mark.django_db
def test_lookup_lists_the_matches(hiza: ReplayServer) -> None:
    out, _ = run("lookup", "--last-name", "hiza", "--state", "NC")
    assert "1720377294" in out and "ELISE AILEEN HIZA" in out and "Orthopaedic Surgery" in out
    assert hiza.requests[0].query["last_name"] == "hiza"
    assert hiza.requests[0].query["state"] == "NC"
    assert not HCP.objects.exists()


@pytest.mark.shared_data
def test_apply_creates_the_hcp_audited_as_the_user(hiza: ReplayServer, admin_user: User) -> None:
    out, _ = run("lookup", "--last-name", "hiza", "--apply", "--as", admin_user.username)
    assert "1 created, 0 updated, 0 unchanged, 0 skipped" in out
    hcp = HCP.objects.get(npi="1720377294")
    event = AuditEvent.objects.get(record_type="directory.hcp", record_id=str(hcp.pk))
    assert event.source == "nppes" and event.actor == admin_user
    out, _ = run("lookup", "--last-name", "hiza", "--apply", "--as", admin_user.username)
    assert "0 created, 0 updated, 1 unchanged, 0 skipped" in out
    assert HCP.objects.count() == 1


@pytest.mark.shared_data
def test_apply_reports_what_the_user_may_not_do(hiza: ReplayServer, msl: User) -> None:
    _, err = run("lookup", "--last-name", "hiza", "--apply", "--as", msl.username)
    assert "NPI 1720377294" in err and "skipped" in err
    assert not HCP.objects.exists()


@pytest.mark.django_db
def test_apply_needs_a_user(server: ReplayServer) -> None:
    with pytest.raises(CommandError, match="--as USERNAME is required"):
        run("lookup", "--last-name", "hiza", "--apply")
    assert server.requests == []


@pytest.mark.shared_data
@pytest.mark.django_db
def test_a_refused_search_ends_with_the_registry_s_reason(
    server: ReplayServer, shared_data: Path
) -> None:
    server.add("/api/", Reply.file(shared_data / "nppes" / "ropensci_npi_api-8d2d52.json"))
    with pytest.raises(CommandError, match="No valid search criteria provided"):
        run("lookup", "--last-name", "x")


@pytest.mark.shared_data
@pytest.mark.django_db
def test_an_empty_answer_says_no_match(server: ReplayServer, shared_data: Path) -> None:
    server.add("/api/", Reply.file(shared_data / "nppes" / "ropensci_npi_api-a2f836.json"))
    out, _ = run("lookup", "--last-name", "zzyzx", "--state", "nc")
    assert out == "No match: the NPI Registry found no provider with the last name 'zzyzx' in NC.\n"


@pytest.mark.shared_data
def test_an_empty_answer_applies_nothing(
    server: ReplayServer, shared_data: Path, admin_user: User
) -> None:
    server.add("/api/", Reply.file(shared_data / "nppes" / "ropensci_npi_api-a2f836.json"))
    out, _ = run("lookup", "--last-name", "zzyzx", "--apply", "--as", admin_user.username)
    assert "No match" in out and "Nothing to apply." in out and "Applied as" not in out


def hiza_answer(shared_data: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (shared_data / "nppes" / "ropensci_npi_api-b2f594.json").read_bytes()
    )
    return data


@pytest.mark.shared_data
@pytest.mark.django_db
def test_a_count_that_differs_from_the_results_is_a_warning(
    server: ReplayServer, shared_data: Path
) -> None:
    server.add("/api/", Reply.json({**hiza_answer(shared_data), "result_count": 2}))
    out, err = run("lookup", "--last-name", "hiza")
    assert "Warning: the NPI Registry says it found 2 but sent 1 result" in err
    assert "1720377294" in out


@pytest.mark.shared_data
def test_a_military_address_is_skipped_saying_what_is_wrong(
    server: ReplayServer, shared_data: Path, admin_user: User
) -> None:
    data = hiza_answer(shared_data)
    for address in data["results"][0]["addresses"]:
        if address["address_purpose"] == "LOCATION":
            address.update(country_code="AA", state="", city="APO")
    server.add("/api/", Reply.json(data))
    out, err = run("lookup", "--last-name", "hiza", "--apply", "--as", admin_user.username)
    assert "NPI 1720377294 (Elise Hiza): skipped: the practice address's country 'AA'" in err
    assert "no practice address" not in err
    assert "0 created, 0 updated, 0 unchanged, 1 skipped" in out
    assert not HCP.objects.exists()


@pytest.mark.shared_data
@pytest.mark.django_db
def test_real_names_show_no_placeholder_suffix(server: ReplayServer, shared_data: Path) -> None:
    server.add("/api/", Reply.file(shared_data / "nppes" / "andrewallenbruce_nppes_200_npi1.json"))
    out, _ = run("lookup", "--last-name", "jo*", "--limit", "200")
    assert "JOSEPHINE" in out and "--" not in out.replace("─", "")
