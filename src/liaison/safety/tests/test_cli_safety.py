"""``liaison safety import-e2b|export-e2b|mark-sent|import-ack|escalate-flags``: the
command lines of the issue, their JSON lines, exit codes and sentences."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError
from django.utils import timezone

from liaison import cli
from liaison.core.models import AuditEvent, User
from liaison.safety.e2b import reader
from liaison.safety.e2b.records import AckCode, PartialDate
from liaison.safety.models import Case, Flag, Submission, SubmissionStatus
from liaison.safety.tasks import escalate_flags_task
from liaison.safety.tests import factories
from liaison.safety.tests.e2b_factories import batch_xml, minimal_icsr
from liaison.safety.tests.test_api_e2b import FDA_EXAMPLES, ack_file, coded_case

pytestmark = pytest.mark.django_db

SUBCOMMANDS = ["import-e2b", "export-e2b", "mark-sent", "import-ack", "escalate-flags"]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("safety", *args, stdout=out, stderr=io.StringIO(), verbosity=0)
    return out.getvalue()


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.fixture
def no_schema_set(settings: Any) -> None:
    settings.LIAISON_E2B_SCHEMA_DIR = None


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand_and_option_has_help(name: str) -> None:
    command = load_command_class(get_commands()["safety"], "safety")
    parser = command.create_parser("liaison", "safety")
    subparsers = next(action for action in parser._actions if action.dest == "subcommand")
    assert isinstance(subparsers.choices, dict)
    subparser = subparsers.choices[name]
    assert subparser.description and len(subparser.description) > 40
    for action in subparser._actions:
        if action.dest != "help":
            assert action.help, f"safety {name} {action.dest} has no help"


@pytest.mark.shared_data
def test_import_e2b_prints_one_json_line_per_case(pv: User, shared_data: Path) -> None:
    paths = [shared_data / "e2b" / "r3" / name for name in FDA_EXAMPLES]
    output = run("import-e2b", *map(str, paths), "--as", pv.get_username(), "--format", "json")
    lines = [json.loads(line) for line in output.splitlines()]
    expected = [
        icsr.report_id
        for path in paths
        for icsr in reader.read_icsrs(io.BytesIO(path.read_bytes()), name=path.name)
    ]
    assert [line["report_id"] for line in lines] == expected
    assert all(set(line) == {"case", "report_id"} for line in lines)
    for line in lines:
        assert Case.objects.get(pk=line["case"]).safety_report_id == line["report_id"]
    assert set(AuditEvent.objects.values_list("source", flat=True)) == {"cli"}


def test_import_e2b_refuses_an_acknowledgement_pointing_to_import_ack(
    pv: User, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = coded_case(pv)
    submission = Submission.objects.create(
        case=case, message_id="M-1", batch_id="B-1", exported_by=pv
    )
    path = write(tmp_path, "ack.xml", ack_file(submission, AckCode.COMMIT_ACCEPT))
    status = cli.run(["safety", "import-e2b", str(path), "--as", pv.get_username()])
    assert status != 0
    assert "liaison safety import-ack" in capsys.readouterr().err
    assert Case.objects.count() == 1


def test_each_file_is_imported_whole_or_not_at_all(pv: User, tmp_path: Path) -> None:
    good = write(tmp_path, "good.xml", batch_xml(minimal_icsr("US-LIAISON-0001")))
    # Its second ICSR has no Day 0 to the day: the first, read and valid, is not kept either.
    vague = dataclasses.replace(minimal_icsr("US-LIAISON-0003"), received_at=PartialDate("202402"))
    half = write(tmp_path, "half.xml", batch_xml(minimal_icsr("US-LIAISON-0002"), vague))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 files refused") as refused:
        call_command(
            "safety",
            "import-e2b",
            str(good),
            str(half),
            "--as",
            pv.get_username(),
            stdout=out,
            stderr=err,
            verbosity=0,
        )
    assert "1 case imported" in str(refused.value)
    assert "half.xml, ICSR 2 (US-LIAISON-0003)" in err.getvalue()
    assert "US-LIAISON-0001" in out.getvalue()
    assert list(Case.objects.values_list("safety_report_id", flat=True)) == ["US-LIAISON-0001"]


def test_a_known_report_id_imports_as_the_next_version_of_its_case(
    pv: User, tmp_path: Path
) -> None:
    case = factories.case(pv, safety_report_id="US-LIAISON-0001")
    path = write(tmp_path, "follow-up.xml", batch_xml(minimal_icsr("US-LIAISON-0001")))
    output = run("import-e2b", str(path), "--as", pv.get_username(), "--format", "json")
    assert json.loads(output) == {"case": case.pk, "report_id": "US-LIAISON-0001"}
    case.refresh_from_db()
    assert case.version_number == 2 and Case.objects.count() == 1


def test_import_e2b_is_pharmacovigilances(msl: User, tmp_path: Path) -> None:
    path = write(tmp_path, "cases.xml", batch_xml())
    with pytest.raises(CommandError, match="pharmacovigilance only"):
        run("import-e2b", str(path), "--as", msl.get_username())
    assert not Case.objects.exists()


def test_export_e2b_writes_the_file_and_says_it_was_not_validated(
    msl: User, pv: User, tmp_path: Path, no_schema_set: None
) -> None:
    case = coded_case(msl)
    out = tmp_path / "case.xml"
    output = run(
        "export-e2b", "--case", case.reference, "--out", str(out), "--as", pv.get_username()
    )
    assert "Not validated" in output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    (icsr,) = reader.read_icsrs(io.BytesIO(out.read_bytes()), name="case.xml")
    assert icsr.report_id == case.safety_report_id
    assert Submission.objects.get(case=case).message_id in output


@pytest.mark.shared_data
def test_export_e2b_reports_a_valid_file(
    msl: User, pv: User, tmp_path: Path, settings: Any, shared_data: Path
) -> None:
    settings.LIAISON_E2B_SCHEMA_DIR = str(shared_data / "e2b" / "schema")
    case = coded_case(msl, country="US")
    out = tmp_path / "case.xml"
    output = run(
        "export-e2b",
        "--case",
        str(case.pk),
        "--out",
        str(out),
        "--regional",
        "fda",
        "--as",
        pv.get_username(),
    )
    assert "Valid against the ICH E2B(R3) schema set." in output
    assert Submission.objects.get(case=case).regional == "fda"


def test_export_e2b_submits_nothing_and_says_how_to_mark_the_file_sent(
    msl: User, pv: User, tmp_path: Path, no_schema_set: None
) -> None:
    case = coded_case(msl)
    output = run(
        "export-e2b",
        "--case",
        case.reference,
        "--out",
        str(tmp_path / "a.xml"),
        "--as",
        pv.get_username(),
    )
    submission = Submission.objects.get(case=case)
    assert f"liaison safety mark-sent {submission.pk}" in output
    case.refresh_from_db()
    assert submission.status == SubmissionStatus.EXPORTED and case.submitted_at is None

    marked = run("mark-sent", str(submission.pk), "--as", pv.get_username())

    assert f"{case.reference} ({case.safety_report_id}) is submitted" in marked
    case.refresh_from_db()
    assert case.status == "submitted" and case.submitted_at is not None


def test_export_e2b_with_sent_submits_the_case(
    msl: User, pv: User, tmp_path: Path, no_schema_set: None
) -> None:
    case = coded_case(msl)
    args = ["--case", case.reference, "--out", str(tmp_path / "a.xml"), "--sent"]
    output = run("export-e2b", *args, "--as", pv.get_username())
    assert "Marked sent" in output
    case.refresh_from_db()
    assert Submission.objects.get(case=case).status == SubmissionStatus.SENT
    assert case.submitted_at is not None


def test_export_e2b_with_sent_does_not_send_a_file_that_does_not_validate(
    msl: User, pv: User, tmp_path: Path, settings: Any, monkeypatch: Any
) -> None:
    settings.LIAISON_E2B_SCHEMA_DIR = str(tmp_path)
    monkeypatch.setattr(
        "liaison.safety.services.e2b.schema.validate",
        lambda content, directory, kind: ["line 3: element 'id' is not expected"],
    )
    case = coded_case(msl)
    args = ["--case", str(case.pk), "--out", str(tmp_path / "a.xml"), "--sent"]
    with pytest.raises(CommandError, match="not marked sent"):
        run("export-e2b", *args, "--as", pv.get_username())
    case.refresh_from_db()
    assert Submission.objects.get(case=case).status == SubmissionStatus.EXPORTED
    assert case.submitted_at is None


def test_export_e2b_records_nothing_when_the_file_cannot_be_written(
    msl: User, pv: User, tmp_path: Path, no_schema_set: None, monkeypatch: Any
) -> None:
    case = coded_case(msl)

    def full_disk(path: Path) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("liaison.safety.management.subcommands.export_e2b.open_private", full_disk)
    out = tmp_path / "a.xml"
    with pytest.raises(CommandError, match="No space left on device"):
        run("export-e2b", "--case", case.reference, "--out", str(out), "--as", pv.get_username())
    assert not Submission.objects.exists()


def test_mark_sent_refuses_a_file_marked_sent_already(msl: User, pv: User) -> None:
    case = coded_case(msl)
    submission = Submission.objects.create(
        case=case, message_id="M", batch_id="B-TWICE", exported_by=pv
    )
    run("mark-sent", submission.batch_id, "--as", pv.get_username())
    with pytest.raises(CommandError, match="B-TWICE: this file is sent, awaiting"):
        run("mark-sent", submission.batch_id, "--as", pv.get_username())


def test_export_e2b_names_a_case_it_cannot_find(pv: User, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--case: no case 'AE-0000-99999'"):
        run(
            "export-e2b",
            "--case",
            "AE-0000-99999",
            "--out",
            str(tmp_path / "x.xml"),
            "--as",
            pv.get_username(),
        )


def test_export_e2b_refuses_the_reporter(msl: User, tmp_path: Path) -> None:
    case = coded_case(msl)
    out = tmp_path / "case.xml"
    with pytest.raises(CommandError, match="may not export"):
        run("export-e2b", "--case", case.reference, "--out", str(out), "--as", "alice")
    assert not out.exists() and not Submission.objects.exists()


def test_import_ack_marks_the_submission_accepted(
    msl: User, pv: User, tmp_path: Path, no_schema_set: None
) -> None:
    case = coded_case(msl)
    run(
        "export-e2b",
        "--case",
        case.reference,
        "--out",
        str(tmp_path / "case.xml"),
        "--as",
        pv.get_username(),
    )
    submission = Submission.objects.get(case=case)
    ack = write(tmp_path, "ack.xml", ack_file(submission, AckCode.COMMIT_ACCEPT))
    output = run("import-ack", str(ack), "--as", pv.get_username())
    assert f"{case.reference} ({case.safety_report_id}): Acknowledged: accepted" in output
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ACCEPTED
    assert Case.objects.count() == 1


def test_import_ack_refuses_an_icsr_file(pv: User, tmp_path: Path) -> None:
    path = write(tmp_path, "cases.xml", batch_xml())
    with pytest.raises(CommandError, match="liaison safety import-e2b"):
        run("import-ack", str(path), "--as", pv.get_username())


def test_escalate_flags_escalates_only_flags_past_their_business_day(msl: User) -> None:
    old = factories.flag(msl)
    Flag.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=7))
    fresh = factories.flag(msl, source_id=2)
    assert run("escalate-flags").strip() == "1 flag escalated to pharmacovigilance."
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.escalated_at is not None and fresh.escalated_at is None
    assert run("escalate-flags").strip() == "0 flags escalated to pharmacovigilance."


def test_the_worker_task_escalates_as_the_system(msl: User) -> None:
    old = factories.flag(msl)
    Flag.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=7))
    assert escalate_flags_task.call() == 1
    event = AuditEvent.objects.filter(record_type="safety.flag", record_id=str(old.pk)).last()
    assert event is not None and event.actor is None and event.source == "task"
