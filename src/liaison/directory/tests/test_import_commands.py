"""``liaison directory import`` and ``export`` (``liaison import hcps``, ``export hcps``)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError

from liaison.core.models import AuditEvent, User
from liaison.directory.exporting import HEADER
from liaison.directory.models import HCP

GOOD = "First Name,Last Name,Country,NPI\nJürgen,Müller,DE,1000000004\nAnn,Smith,US,\n"
ONE_BAD = GOOD + "Bad,Row,DE,1234567890\n"


def write(tmp_path: Path, content: str, name: str = "hcps.csv") -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), verbosity=0)
    return out.getvalue()


@pytest.mark.parametrize("name", ["import", "export", "nppes"])
def test_subcommands_have_help(name: str) -> None:
    command = load_command_class(get_commands()["directory"], "directory")
    assert len(command.help) > 40
    parser = command.create_parser("liaison", "directory")
    subparsers = next(a for a in parser._actions if a.dest == "subcommand")
    assert isinstance(subparsers.choices, dict)
    subparser = subparsers.choices[name]
    assert subparser.description and len(subparser.description) > 40
    for action in subparser._actions:
        if action.dest != "help":
            assert action.help or action.choices, f"directory {name} --{action.dest} has no help"


def test_import_command_imports_and_reports_counts(tmp_path: Path, admin_user: User) -> None:
    output = run("directory", "import", str(write(tmp_path, GOOD)), "--as", "ada")
    assert "2 created" in output
    assert HCP.objects.count() == 2
    assert set(AuditEvent.objects.values_list("source", flat=True)) == {"import"}


def test_invalid_file_exits_with_the_report_and_writes_nothing(
    tmp_path: Path, admin_user: User
) -> None:
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "directory",
            "import",
            str(write(tmp_path, ONE_BAD)),
            "--as",
            "ada",
            stdout=out,
            verbosity=0,
        )
    assert "hcps.csv, row 4, column 'NPI' (npi): '1234567890' fails the NPI check digit" in (
        out.getvalue()
    )
    assert HCP.objects.count() == 0 and not AuditEvent.objects.exists()


def test_skip_invalid_imports_the_good_rows(tmp_path: Path, admin_user: User) -> None:
    output = run(
        "directory", "import", str(write(tmp_path, ONE_BAD)), "--skip-invalid", "--as", "ada"
    )
    assert "row 4" in output and "1 skipped" in output
    assert HCP.objects.count() == 2


def test_dry_run_writes_nothing(tmp_path: Path, admin_user: User) -> None:
    output = run("directory", "import", str(write(tmp_path, GOOD)), "--dry-run", "--as", "ada")
    assert "would import 2 of 2" in output
    assert HCP.objects.count() == 0 and not AuditEvent.objects.exists()


def test_map_option_names_the_columns(tmp_path: Path, admin_user: User) -> None:
    path = write(tmp_path, "Vorname;Nachname;Land\nJürgen;Müller;Deutschland\n")
    with pytest.raises(CommandError, match="nothing was imported"):
        run(
            "directory",
            "import",
            str(path),
            "--as",
            "ada",
            "--map",
            "Vorname=given_name",
            "--map",
            "Nachname=family_name",
            "--map",
            "Land=country",
        )
    path = write(tmp_path, "Vorname;Nachname;Land\nJürgen;Müller;DE\n")
    run(
        "directory",
        "import",
        str(path),
        "--as",
        "ada",
        "--map",
        "Vorname=given_name",
        "--map",
        "Nachname=family_name",
        "--map",
        "Land=country",
    )
    assert HCP.objects.get().family_name == "Müller"


def test_import_needs_an_administrator(tmp_path: Path, msl: User) -> None:
    with pytest.raises(CommandError, match="administrators only"):
        run("directory", "import", str(write(tmp_path, GOOD)), "--as", "alice")


def test_unknown_user_and_missing_file_are_named(tmp_path: Path, admin_user: User) -> None:
    with pytest.raises(CommandError, match="no active user named 'nobody'"):
        run("directory", "import", str(write(tmp_path, GOOD)), "--as", "nobody")
    with pytest.raises(CommandError, match="no such file"):
        run("directory", "import", str(tmp_path / "missing.csv"), "--as", "ada")


def test_missing_sheet_is_a_sentence(tmp_path: Path, admin_user: User) -> None:
    path = tmp_path / "book.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(CommandError, match=r"book\.xlsx: there is no sheet 'HCPs'"):
        run("directory", "import", str(path), "--sheet", "HCPs", "--as", "ada")


def test_export_csv_to_stdout_honours_filters(tmp_path: Path, admin_user: User, msl: User) -> None:
    run("directory", "import", str(write(tmp_path, GOOD)), "--as", "ada")
    output = run("directory", "export", "--country", "DE", "--as", "alice")
    rows = list(csv.DictReader(io.StringIO(output)))
    assert [row["Family name"] for row in rows] == ["Müller"]
    assert list(rows[0]) == list(HEADER)


def test_export_xlsx_to_a_file_and_reimport_changes_nothing(
    tmp_path: Path, admin_user: User
) -> None:
    run("directory", "import", str(write(tmp_path, GOOD)), "--as", "ada")
    target = tmp_path / "out.xlsx"
    run("directory", "export", "--format", "xlsx", "--output", str(target), "--as", "ada")
    sheet = openpyxl.load_workbook(target, read_only=True).worksheets[0]
    assert len(list(sheet.iter_rows(values_only=True))) == 3
    events = AuditEvent.objects.count()
    output = run("directory", "import", str(target), "--as", "ada")
    assert "2 unchanged" in output
    assert AuditEvent.objects.count() == events and HCP.objects.count() == 2


def test_export_refuses_users_without_a_role(outsider: User) -> None:
    with pytest.raises(CommandError, match="no role"):
        run("directory", "export", "--as", "oscar")


def test_xlsx_export_needs_an_output(admin_user: User) -> None:
    with pytest.raises(CommandError, match="--output"):
        run("directory", "export", "--format", "xlsx", "--as", "ada")


def test_map_option_overrides_the_default_for_one_column(tmp_path: Path, admin_user: User) -> None:
    path = write(tmp_path, "First Name,Surname (legal),Country,Notes\nAnn,Smith,US,x\n")
    run("directory", "import", str(path), "--as", "ada", "--map", "Surname (legal)=family_name")
    assert HCP.objects.get().family_name == "Smith"


def test_dry_run_of_an_invalid_file_says_nothing_would_be_imported(
    tmp_path: Path, admin_user: User
) -> None:
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing would be imported"):
        call_command(
            "directory",
            "import",
            str(write(tmp_path, ONE_BAD)),
            "--dry-run",
            "--as",
            "ada",
            stdout=out,
            verbosity=0,
        )
    assert "row 4" in out.getvalue()


# --- matches on name alone: held back unless --match-names ----------------------------

NAMESAKE = "First Name,Last Name,Country,City\nJürgen,Weiß,DE,Köln\nAnn,Smith,US,Boston\n"


def namesake() -> HCP:
    return HCP.objects.create(
        given_name="Jürgen",
        family_name="Weiß",
        country="DE",
        city="Freiburg",
        orcid="0000-0002-1825-0097",
    )


def test_name_match_is_held_back_and_the_command_says_how_to_apply_it(
    tmp_path: Path, admin_user: User
) -> None:
    weiss = namesake()
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 row was held back") as raised:
        call_command(
            "directory",
            "import",
            str(write(tmp_path, NAMESAKE)),
            "--as",
            "ada",
            stdout=out,
            verbosity=0,
        )
    assert "run the same command with --match-names to apply it" in str(raised.value)
    output = out.getvalue()
    assert (
        f"hcps.csv, row 2: held back: it matches HCP #{weiss.pk} (Jürgen Weiß, Freiburg, DE;"
        " ORCID 0000-0002-1825-0097), matched on name and country alone; it would change city"
    ) in output
    assert "imported 1 of 2 row(s): 1 created" in output and "1 held back" in output
    assert HCP.objects.get(pk=weiss.pk).city == "Freiburg"
    assert HCP.objects.filter(family_name="Smith").exists()  # the other row is imported


def test_match_names_applies_the_name_match(tmp_path: Path, admin_user: User) -> None:
    weiss = namesake()
    output = run(
        "directory", "import", str(write(tmp_path, NAMESAKE)), "--match-names", "--as", "ada"
    )
    assert "1 created, 1 updated" in output and "held back" not in output
    assert HCP.objects.get(pk=weiss.pk).city == "Köln"


def test_import_hcps_line_exits_non_zero_until_given_match_names(
    tmp_path: Path, admin_user: User, capsys: pytest.CaptureFixture[str]
) -> None:
    """``liaison import hcps`` (the documented line): exit status and sentence."""
    from liaison import cli

    weiss = namesake()
    path = str(write(tmp_path, NAMESAKE))
    assert cli.run(["import", "hcps", path, "--as", "ada"]) != 0
    assert "--match-names" in capsys.readouterr().err
    assert HCP.objects.get(pk=weiss.pk).city == "Freiburg"
    assert cli.run(["import", "hcps", path, "--match-names", "--as", "ada"]) == 0
    assert HCP.objects.get(pk=weiss.pk).city == "Köln"


def test_dry_run_reports_the_held_back_row_and_exits_non_zero(
    tmp_path: Path, admin_user: User
) -> None:
    namesake()
    with pytest.raises(CommandError, match="1 row would be held back"):
        run("directory", "import", str(write(tmp_path, NAMESAKE)), "--dry-run", "--as", "ada")
    assert HCP.objects.count() == 1
