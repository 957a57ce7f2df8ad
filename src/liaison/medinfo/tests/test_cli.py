"""``liaison medinfo inquiries|letter|turnaround``: the queue with its clocks as the
acting user sees it, the letter of an answered inquiry written to a file, and the
turnaround report; each refusal a sentence naming the option."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from docx import Document

from liaison.core.models import User
from liaison.medinfo.models import Answer, InquiryStatus, ResponseVersion, VersionStatus
from liaison.medinfo.tests import factories


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("medinfo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def answered(msl: User, medinfo: User, compliance: User) -> Answer:
    version = factories.approved_version(medinfo, compliance)
    inquiry = factories.inquiry(msl, requester_name="Dr Anna Weber")
    return Answer.objects.create(inquiry=inquiry, version=version, prepared_by=medinfo)


def test_inquiries_as_json_with_their_clocks(medinfo: User, msl: User) -> None:
    today = timezone.localdate()
    late = factories.inquiry(msl, due_on=today - dt.timedelta(days=1))
    factories.inquiry(msl, status=InquiryStatus.CLOSED)
    rows = json.loads(run("inquiries", "--as", medinfo.username, "--format", "json"))
    assert [row["reference"] for row in rows] == [late.reference]
    assert rows[0]["clock"] == {
        "state": "overdue",
        "breached": True,
        "remaining": "overdue by 1 day",
    }
    every = json.loads(
        run("inquiries", "--status", "all", "--as", medinfo.username, "--format", "json")
    )
    assert len(every) == 2


def test_inquiries_as_text_for_an_msl_show_only_hers(msl: User, other_msl: User) -> None:
    own = factories.inquiry(msl, due_on=timezone.localdate() - dt.timedelta(days=3))
    factories.inquiry(other_msl, reference="MI-OTHER-1")
    text = run("inquiries", "--as", msl.username)
    assert own.reference in text and "BREACHED" in text
    assert "MI-OTHER-1" not in text
    assert text.strip().endswith("1 inquiries, 1 breached.")


def test_inquiries_breached_filter(medinfo: User) -> None:
    factories.inquiry(medinfo, due_on=timezone.localdate() + dt.timedelta(days=3))
    assert run("inquiries", "--breached", "--as", medinfo.username).strip() == "No inquiries match."


def test_inquiries_refuses_an_unknown_user(medinfo: User) -> None:
    with pytest.raises(CommandError, match="--as: no active user named 'nobody'"):
        run("inquiries", "--as", "nobody")


def test_letter_is_written_as_docx(answered: Answer, msl: User, tmp_path: Path) -> None:
    out = tmp_path / "letter.docx"
    run("letter", "--inquiry", answered.inquiry.reference, "--out", str(out), "--as", msl.username)
    text = "\n".join(paragraph.text for paragraph in Document(str(out)).paragraphs)
    assert "Anna Weber" in text and answered.version.title in text


def test_letter_by_id_as_pdf(answered: Answer, medinfo: User, tmp_path: Path) -> None:
    out = tmp_path / "letter.pdf"
    run(
        "letter",
        "--inquiry",
        str(answered.inquiry_id),
        "--format",
        "pdf",
        "--out",
        str(out),
        "--as",
        medinfo.username,
    )
    assert out.read_bytes().startswith(b"%PDF")


def test_letter_of_an_unanswered_inquiry_is_refused(medinfo: User, tmp_path: Path) -> None:
    inquiry = factories.inquiry(medinfo)
    with pytest.raises(CommandError, match=f"{inquiry.reference} has no answer to write"):
        run(
            "letter",
            "--inquiry",
            inquiry.reference,
            "--out",
            str(tmp_path / "x.docx"),
            "--as",
            medinfo.username,
        )
    assert not (tmp_path / "x.docx").exists()


def test_letter_of_an_answer_whose_version_was_retired_is_refused(
    answered: Answer, medinfo: User, tmp_path: Path
) -> None:
    ResponseVersion.objects.filter(pk=answered.version_id).update(status=VersionStatus.RETIRED)
    out = tmp_path / "x.docx"
    with pytest.raises(CommandError, match="cannot be printed: it is retired"):
        run(
            "letter",
            "--inquiry",
            answered.inquiry.reference,
            "--out",
            str(out),
            "--as",
            medinfo.username,
        )
    assert not out.exists()


def test_letter_of_an_inquiry_the_user_does_not_see(
    answered: Answer, other_msl: User, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="--inquiry: no inquiry"):
        run(
            "letter",
            "--inquiry",
            str(answered.inquiry_id),
            "--out",
            str(tmp_path / "x.docx"),
            "--as",
            other_msl.username,
        )


def test_turnaround_as_json(medinfo: User, msl: User) -> None:
    today = timezone.localdate()
    factories.inquiry(
        msl,
        priority="urgent",
        status=InquiryStatus.ANSWERED,
        answered_at=timezone.now(),
        due_on=today,
    )
    report = json.loads(
        run(
            "turnaround",
            "--start",
            (today - dt.timedelta(days=3)).isoformat(),
            "--end",
            today.isoformat(),
            "--format",
            "json",
            "--as",
            medinfo.username,
        )
    )
    urgent = next(row for row in report["rows"] if row["priority"] == "urgent")
    assert (urgent["answered"], urgent["on_time"], urgent["late"]) == (1, 1, 0)
    assert report["total"]["answered"] == 1


def test_turnaround_as_text_lists_every_priority(medinfo: User) -> None:
    text = run(
        "turnaround", "--start", "2026-01-01", "--end", "2026-01-31", "--as", medinfo.username
    )
    for label in ("Urgent", "High", "Normal", "Low", "All priorities"):
        assert label in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--start", "2026-02-01", "--end", "2026-01-01"), "--end: 2026-01-01 is before"),
        (("--start", "01/02/2026", "--end", "2026-01-01"), "--start: '01/02/2026' is not a day"),
    ],
)
def test_turnaround_refuses_a_bad_period(
    medinfo: User, args: tuple[str, ...], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        run("turnaround", *args, "--as", medinfo.username)


def test_turnaround_refuses_a_role_without_reports(pv: User) -> None:
    with pytest.raises(CommandError, match="may not read the turnaround report"):
        run("turnaround", "--start", "2026-01-01", "--end", "2026-01-31", "--as", pv.username)


def test_every_subcommand_has_help() -> None:
    from liaison.medinfo.management.commands.medinfo import Command

    for name, subcommand in Command.subcommands.items():
        assert subcommand.summary, name
        assert subcommand.load().help, name
