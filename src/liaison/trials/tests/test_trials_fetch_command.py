"""``liaison trials fetch``: the ClinicalTrials.gov API v2 (the local replay server) into the store."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.replay import ReplayServer, Reply

from liaison import cli
from liaison.core.models import User
from liaison.trials.models import Trial
from liaison.trials.tests.factories import study_json

pytestmark = pytest.mark.django_db(transaction=True)
STUDIES = "/api/v2/studies"


@pytest.fixture
def server(settings: Any) -> Iterator[ReplayServer]:
    with ReplayServer() as replay:
        settings.LIAISON_CTGOV_URL = f"{replay.url}/api/v2/"
        yield replay


def page(*studies: dict[str, Any], token: str | None = None, total: int | None = None) -> Reply:
    data: dict[str, Any] = {"studies": list(studies)}
    if token:
        data["nextPageToken"] = token
    if total is not None:
        data["totalCount"] = total
    return Reply.json(data)


def fetch(*args: str) -> int:
    return cli.run(["trials", "-v", "0", "fetch", *args, "--as", "ada"])


def test_fetch_stores_every_page_and_a_rerun_changes_nothing(
    server: ReplayServer, admin_user: User, capsys: pytest.CaptureFixture[str]
) -> None:
    first = page(study_json("NCT09000001"), study_json("NCT09000002"), token="T1", total=3)
    server.add(STUDIES, first, query={"countTotal": "true"})
    server.add(STUDIES, page(study_json("NCT09000003")), query={"pageToken": "T1"})
    arguments = [
        "--condition",
        "melanoma",
        "--status",
        "RECRUITING",
        "--updated-since",
        "2024-01-01",
    ]
    assert fetch(*arguments) == 0
    assert "3 new, 0 updated, 0 unchanged, 0 failed" in capsys.readouterr().out
    assert set(Trial.objects.values_list("nct_id", flat=True)) == {
        "NCT09000001",
        "NCT09000002",
        "NCT09000003",
    }
    query = server.requests[0].query
    assert query["query.cond"] == "melanoma" and query["filter.overallStatus"] == "RECRUITING"
    assert query["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2024-01-01,MAX]"
    assert fetch(*arguments) == 0
    assert "0 new, 0 updated, 3 unchanged, 0 failed" in capsys.readouterr().out


def test_a_malformed_study_is_named_and_the_others_are_stored(
    server: ReplayServer, admin_user: User, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = study_json("NCT09000005")
    bad["protocolSection"]["statusModule"]["overallStatus"] = 7
    server.add(STUDIES, page(study_json("NCT09000004"), bad))
    assert fetch("--condition", "x") == 1
    captured = capsys.readouterr()
    assert "NCT09000005" in captured.err and "overallStatus" in captured.err
    assert list(Trial.objects.values_list("nct_id", flat=True)) == ["NCT09000004"]


def test_a_service_that_keeps_failing_ends_the_run_with_the_reason(
    server: ReplayServer, admin_user: User, capsys: pytest.CaptureFixture[str], settings: Any
) -> None:
    server.add(STUDIES, page(study_json("NCT09000006"), token="T1"), query={"countTotal": "true"})
    server.add(STUDIES, Reply(404, b"gone", content_type="text/plain"), query={"pageToken": "T1"})
    assert fetch("--condition", "x") == 1
    err = capsys.readouterr().err
    assert "HTTP 404" in err and "run the command again" in err


def test_criteria_are_required(server: ReplayServer, admin_user: User) -> None:
    assert fetch() == 1
    assert server.requests == []


def test_only_administrators_fetch(server: ReplayServer, msl: User) -> None:
    assert cli.run(["trials", "fetch", "-v", "0", "--condition", "x", "--as", "alice"]) == 1
    assert server.requests == []
