"""``liaison trials parse`` and ``liaison trials load`` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from liaison import cli
from liaison.core.models import User
from liaison.trials.models import Trial
from liaison.trials.tests.factories import study_json, write_jsonl


def test_parse_writes_one_json_object_per_study(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [study_json("NCT09000001"), study_json("NCT09000002")])
    assert cli.run(["trials", "parse", str(path), "--format", "jsonl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    records = [json.loads(line) for line in lines]
    assert [record["nct_id"] for record in records] == ["NCT09000001", "NCT09000002"]
    assert records[0]["lead_sponsor"] == {"name": "Acme Pharma", "class": "INDUSTRY"}
    assert records[0]["start_date"] == "2023-05"


def test_parse_names_a_bad_study_and_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [{"protocolSection": {}}, study_json("NCT09000002")])
    assert cli.run(["trials", "parse", str(path)]) == 1
    captured = capsys.readouterr()
    assert [json.loads(line)["nct_id"] for line in captured.out.splitlines()] == ["NCT09000002"]
    assert "s.jsonl, line 1" in captured.err and "nctId" in captured.err


@pytest.mark.django_db(transaction=True)
def test_load_prints_counts_and_a_rerun_changes_nothing(
    tmp_path: Path, admin_user: User, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [study_json("NCT09000001"), study_json("NCT09000002")])
    assert cli.run(["trials", "-v", "0", "load", str(path), "--as", "ada"]) == 0
    assert "2 new, 0 updated, 0 unchanged, 0 failed" in capsys.readouterr().out
    assert cli.run(["trials", "-v", "0", "load", str(path), "--as", "ada"]) == 0
    assert "0 new, 0 updated, 2 unchanged, 0 failed" in capsys.readouterr().out
    assert Trial.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_load_names_the_failed_study_and_exits_non_zero(
    tmp_path: Path, admin_user: User, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = study_json("NCT09000002")
    bad["protocolSection"]["statusModule"]["overallStatus"] = 7
    studies = [study_json("NCT09000001"), bad, study_json("NCT09000003")]
    path = write_jsonl(tmp_path / "s.jsonl", studies)
    assert cli.run(["trials", "-v", "0", "load", str(path), "--as", "ada"]) == 1
    captured = capsys.readouterr()
    assert (
        "s.jsonl, line 2, NCT09000002: protocolSection.statusModule.overallStatus" in captured.err
    )
    assert "2 new, 0 updated, 0 unchanged, 1 failed" in captured.err
    # One batch: the bad study fails alone, the others of its batch are stored.
    assert set(Trial.objects.values_list("nct_id", flat=True)) == {"NCT09000001", "NCT09000003"}


@pytest.mark.django_db(transaction=True)
def test_load_names_a_broken_file_and_loads_the_next(
    tmp_path: Path, admin_user: User, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps(study_json("NCT09000001")) + "\n{broken\n", encoding="utf-8")
    good = write_jsonl(tmp_path / "good.jsonl", [study_json("NCT09000002")])
    assert cli.run(["trials", "-v", "0", "load", str(broken), str(good), "--as", "ada"]) == 1
    captured = capsys.readouterr()
    assert "broken.jsonl, line 2: invalid JSON" in captured.err
    assert "1 new, 0 updated, 0 unchanged, 0 failed; 1 file could not be read" in captured.err
    assert list(Trial.objects.values_list("nct_id", flat=True)) == ["NCT09000002"]


def test_load_has_no_skip_invalid_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        cli.run(["trials", "load", str(tmp_path / "s.json"), "--skip-invalid", "--as", "ada"])
    assert "unrecognized arguments: --skip-invalid" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_load_as_a_non_administrator_is_refused(
    tmp_path: Path, msl: User, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [study_json("NCT09000001")])
    assert cli.run(["trials", "load", str(path), "--as", msl.username]) == 1
    assert "administrators only" in capsys.readouterr().err
    assert not Trial.objects.exists()


def test_load_needs_to_know_who_acts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.run(["trials", "load", str(tmp_path / "s.json")])
    assert "--as" in capsys.readouterr().err


def test_a_missing_file_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["trials", "load", "/nonexistent/studies.json", "--as", "ada"]) == 1
    assert "/nonexistent/studies.json: no such file" in capsys.readouterr().err


def test_fetch_is_an_action_of_the_trials_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.run(["trials", "fetch", "--help"])
    assert exit_info.value.code == 0
    help_text = capsys.readouterr().out
    assert "usage: liaison trials fetch" in help_text
    for option in ["--condition", "--intervention", "--sponsor", "--lead-sponsor-only"]:
        assert option in help_text
    for option in ["--status", "--updated-since", "--page-size", "--as"]:
        assert option in help_text
