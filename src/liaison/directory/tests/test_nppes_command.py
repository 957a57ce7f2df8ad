"""``liaison nppes lookup``, against the local replay server serving real registry answers."""

from __future__ import annotations

import io
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
