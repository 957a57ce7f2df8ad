"""The `liaison` command: dispatch, help, users, tokens and one-sentence errors."""

from __future__ import annotations

import ast
import inspect
import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import get_commands, load_command_class

from liaison import cli
from liaison.core import registry
from liaison.core.models import ApiToken, AuditEvent, Role, Territory, User

OUR_COMMANDS = ["serve", "worker", "demo", "createuser", "token", "audit"]
PASSWORD = "a long and unusual passphrase"


def liaison(*args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the real console script in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "liaison", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


def test_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["--help"]) == 0
    out = capsys.readouterr().out
    for name in [*OUR_COMMANDS, "migrate", "import", "export"]:
        assert f"\n  {name} " in out


def test_help_merges_the_summaries_apps_give_one_subcommand(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The directory and the literature both declare "import" (and "export").
    cli.run(["--help"])
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  import ")]
    assert len(lines) == 1
    assert "(import hcps FILE)" in lines[0]
    assert "(import references FILE --as USER)" in lines[0]


def test_help_does_not_set_django_up() -> None:
    script = "from liaison import cli; cli.run(['--help']); from django.apps import apps; "
    script += "print('ready' if apps.ready else 'not set up')"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert "  worker " in result.stdout
    assert result.stdout.endswith("not set up\n")


def test_every_declared_subcommand_runs_a_command() -> None:
    commands = get_commands()
    for app in registry.liaison_apps():
        verbs = {verb for verb, _ in app.command_words}
        for name in app.commands:
            if name not in verbs:
                assert name in commands, f"{app.label} declares {name!r}: no such command"


def test_every_two_word_line_runs_a_command_its_app_lists_in_the_help() -> None:
    commands = get_commands()
    for app in registry.liaison_apps():
        for (verb, noun), target in app.command_words.items():
            command = target if isinstance(target, str) else target[0]
            assert commands.get(command) == app.name, f"liaison {verb} {noun}: no {command}"
            assert verb in app.commands, f"{app.label}: {verb!r} has no line in liaison --help"


def test_every_command_of_an_app_is_in_the_help() -> None:
    declared = {name for app in registry.liaison_apps() for name in app.commands}
    targets = {
        target if isinstance(target, str) else target[0]
        for app in registry.liaison_apps()
        for target in app.command_words.values()
    }
    ours = {app.name for app in registry.liaison_apps()}
    for name, app_name in get_commands().items():
        if app_name in ours:
            assert name in declared or name in targets, name


def test_resolve_names_no_app() -> None:
    # Apps declare their two-word lines; the central dispatch holds no word of theirs.
    words = {word for app in registry.liaison_apps() for pair in app.command_words for word in pair}
    words |= {
        target if isinstance(target, str) else target[0]
        for app in registry.liaison_apps()
        for target in app.command_words.values()
    }
    words |= {app.label for app in registry.liaison_apps()}
    for function in (cli.resolve, cli._resolve):
        body = ast.parse(textwrap.dedent(inspect.getsource(function))).body[0]
        assert isinstance(body, ast.FunctionDef)
        strings = {
            node.value
            for statement in body.body[1:]  # after the docstring
            for node in ast.walk(statement)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
        assert strings & words == set(), function.__name__


def test_a_line_two_apps_declare_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class First(registry.LiaisonAppConfig):
        name = "first"
        command_words = {("import", "things"): "import_things"}

    class Second(registry.LiaisonAppConfig):
        name = "second"
        command_words = {("import", "things"): "load_things"}

    monkeypatch.setattr(registry, "declared_configs", lambda installed: iter([First, Second]))
    with pytest.raises(ImproperlyConfigured, match="second and first both declare"):
        registry.command_words([])


def test_no_arguments_prints_usage_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run([]) != 0
    assert "usage: liaison" in capsys.readouterr().out


@pytest.mark.parametrize("name", OUR_COMMANDS)
def test_every_command_has_help(name: str) -> None:
    command = load_command_class(get_commands()[name], name)
    assert len(str(command.help)) > 20
    assert str(command.help).split()[0] in command.create_parser("liaison", name).format_help()


def test_import_needs_to_know_what(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["import"]) == 1
    err = capsys.readouterr().err
    assert "liaison import hcps" in err
    assert "(hcps, organizations, references)" in err


def test_an_undeclared_noun_is_an_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["export", "organizations"]) == 1
    assert capsys.readouterr().err == (
        "liaison: unknown command 'export organizations'; see liaison --help\n"
    )


def test_two_word_commands_map_to_management_commands() -> None:
    assert cli.resolve(["import", "hcps", "a.csv"]) == ("directory", ["import", "a.csv"])
    assert cli.resolve(["export", "hcps", "--format", "csv"]) == (
        "directory",
        ["export", "--format", "csv"],
    )
    assert cli.resolve(["import", "organizations", "o.csv"]) == (
        "directory",
        ["import", "--kind", "organizations", "o.csv"],
    )
    assert cli.resolve(["import", "references", "r.ris", "--as", "ada"]) == (
        "literature",
        ["import", "r.ris", "--as", "ada"],
    )
    assert cli.resolve(["export", "publications"]) == ("literature", ["export"])
    assert cli.resolve(["pubmed", "load", "a.xml"]) == ("literature", ["pubmed", "load", "a.xml"])
    # A verb whose lines all run one subcommand shows its help; a shared verb cannot.
    assert cli.resolve(["pubmed", "--help"]) == ("literature", ["pubmed", "--help"])
    with pytest.raises(LookupError, match="say what to import"):
        cli.resolve(["import", "--help"])
    assert cli.resolve(["check", "--deploy"]) == ("check", ["--deploy"])
    assert cli.resolve(["trials", "fetch", "--as", "ada"]) == ("trials", ["fetch", "--as", "ada"])


def test_unknown_command_fails_with_a_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["frobnicate"]) == 1
    assert capsys.readouterr().err == "liaison: unknown command 'frobnicate'; see liaison --help\n"


def test_django_commands_pass_through(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["showmigrations", "core", "--skip-checks"]) == 0
    assert "0001_initial" in capsys.readouterr().out


# --- createuser ---------------------------------------------------------------


def test_createuser_reads_password_from_stdin(
    db: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Territory.objects.create(code="dach", name="DACH", countries=["DE", "AT", "CH"])
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    options = ["--email", "nora@example.org", "--territory", "dach", "--password-stdin"]
    status = cli.run(["createuser", "nora", "--role", "msl", *options])
    assert status == 0, capsys.readouterr().err
    user = User.objects.get(username="nora")
    assert user.role == Role.MSL
    assert user.email == "nora@example.org"
    assert list(user.territories.values_list("code", flat=True)) == ["dach"]
    assert user.check_password(PASSWORD)
    event = AuditEvent.objects.get(record_type="core.user", record_id=str(user.pk))
    assert (event.action, event.source, event.actor_label) == ("create", "cli", "system")
    assert PASSWORD not in str(event.changes)


def test_createuser_rejects_a_weak_password(
    db: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("password\n"))
    status = cli.run(["createuser", "nora", "--role", "msl", "--password-stdin"])
    assert status == 1
    assert capsys.readouterr().err.startswith("liaison: password: ")
    assert not User.objects.filter(username="nora").exists()
    assert not AuditEvent.objects.exists()


def test_createuser_names_an_unknown_territory(
    db: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    status = cli.run(
        ["createuser", "nora", "--role", "msl", "--territory", "mars", "--password-stdin"]
    )
    assert status == 1
    assert "'mars'" in capsys.readouterr().err
    assert not User.objects.exists()


def test_createuser_refuses_a_taken_name(
    msl: User, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.run(["createuser", "Alice", "--role", "msl", "--password-stdin"]) == 1
    assert "already taken" in capsys.readouterr().err


def test_createuser_without_terminal_or_stdin_flag_explains(
    db: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert cli.run(["createuser", "nora", "--role", "msl"]) == 1
    assert "--password-stdin" in capsys.readouterr().err


# --- token ----------------------------------------------------------------------


def test_token_create_prints_a_working_token_once(
    msl: User, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.run(["token", "create", "alice", "--name", "laptop"]) == 0
    captured = capsys.readouterr()
    secret = captured.out.strip()
    assert secret.startswith(ApiToken.PREFIX)
    token = ApiToken.objects.active().get(key_hash=ApiToken.hash_secret(secret))
    assert (token.user, token.name) == (msl, "laptop")
    # Only the hash is kept: the secret is in no column and no audit event.
    assert token.key_hash != secret and secret not in token.key_prefix
    assert not AuditEvent.objects.filter(changes__icontains=secret[8:]).exists()
    assert AuditEvent.objects.filter(record_type="core.apitoken", source="cli").count() == 1


def test_token_create_for_unknown_user_fails(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["token", "create", "ghost"]) == 1
    assert capsys.readouterr().err == "liaison: no user named 'ghost'\n"


def test_token_list_and_revoke(msl: User, capsys: pytest.CaptureFixture[str]) -> None:
    cli.run(["token", "create", "alice"])
    secret = capsys.readouterr().out.strip()
    assert cli.run(["token", "list", "alice"]) == 0
    assert "active" in capsys.readouterr().out
    assert cli.run(["token", "revoke", "alice", secret[:8]]) == 0
    assert not ApiToken.objects.active().filter(key_hash=ApiToken.hash_secret(secret)).exists()


# --- errors from the real console script ----------------------------------------


def test_unreachable_database_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    result = liaison(
        "audit",
        "verify",
        LIAISON_DATA_DIR=str(tmp_path),
        LIAISON_DATABASE_URL=f"sqlite:///{tmp_path}/missing-dir/liaison.sqlite3",
    )
    assert result.returncode == 2
    assert result.stderr.startswith("liaison: database unavailable: ")
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_unmigrated_database_suggests_migrate(tmp_path: Path) -> None:
    result = liaison("audit", "verify", LIAISON_DATA_DIR=str(tmp_path))
    assert result.returncode == 2
    assert "liaison migrate" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_configuration_is_one_sentence(tmp_path: Path) -> None:
    result = liaison("audit", "verify", LIAISON_DATA_DIR=str(tmp_path), LIAISON_DEBUG="maybe")
    assert result.returncode == 2
    assert result.stderr == (
        "liaison: configuration error: LIAISON_DEBUG: 'maybe' is not a boolean (use true or false)\n"
    )


def test_help_with_a_bad_configuration_is_one_sentence(tmp_path: Path) -> None:
    # --help reads INSTALLED_APPS, so it reads the settings too.
    result = liaison("--help", LIAISON_DATA_DIR=str(tmp_path), LIAISON_DEBUG="maybe")
    assert result.returncode == 2
    assert result.stderr.startswith("liaison: configuration error: LIAISON_DEBUG: 'maybe'")


@pytest.mark.parametrize(
    "words",
    [
        ["import", "hcps"],
        ["import", "organizations"],
        ["export", "hcps"],
        ["import", "references"],
        ["export", "publications"],
    ],
)
def test_two_word_commands_have_help(words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.run([*words, "--help"])
    assert exit_info.value.code == 0
    # The usage names the command the line runs (`import hcps` is `directory import`).
    name, args = cli.resolve(words)
    assert f"usage: liaison {name} {args[0]} " in capsys.readouterr().out
