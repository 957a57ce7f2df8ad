"""The ``liaison`` command: serving, background work, administration and Django's commands.

``liaison SUBCOMMAND ...`` runs one of the management commands the installed
apps declare (``commands`` in each ``apps.py``: ``serve``, ``worker``, ``demo``,
``createuser``, ``token``, ``audit``, ``pubmed``...), runs the two-word command
lines they declare (``command_words``: ``import hcps`` runs ``directory import``),
and hands anything else to Django (``migrate``, ``check --deploy``, ``shell``,
``dbshell``...). No app is named here. Errors end with one sentence on stderr and a non-zero exit:
1 for a bad request or a failed check, 2 for an unusable configuration or an
unreachable or locked database.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

EXIT_ERROR = 1
EXIT_UNAVAILABLE = 2


def usage() -> str:
    """``liaison --help``: the subcommands every installed app declares (``commands`` in
    its ``apps.py``), read from the settings without setting Django up."""
    from django.conf import settings

    from liaison.core import registry

    subcommands = registry.command_summaries(settings.INSTALLED_APPS)
    width = max((len(name) for name in subcommands), default=0)
    lines = [
        "usage: liaison SUBCOMMAND [options]",
        "",
        "Liaison, the workbench for field medical affairs.",
        "",
        "subcommands:",
        *(f"  {name.ljust(width)}  {text}" for name, text in subcommands.items()),
        "",
        "Any other Django management command also works: liaison check --deploy,",
        "liaison shell, liaison dbshell; `liaison help --commands` lists them all.",
        "`liaison SUBCOMMAND --help` describes one subcommand.",
    ]
    return "\n".join(lines)


def fail(message: str, code: int = EXIT_ERROR) -> int:
    sys.stderr.write(f"liaison: {message}\n")
    return code


def _resolve(argv: Sequence[str]) -> tuple[str, str, list[str]]:
    """The words naming the command (``"import hcps"``), its management command and arguments."""
    from django.conf import settings

    from liaison.core import registry

    table = registry.command_words(settings.INSTALLED_APPS)
    name, rest = argv[0], list(argv[1:])
    nouns = [noun for verb, noun in table if verb == name]
    if not nouns:
        return name, name, rest
    if rest and rest[0] in {"-h", "--help"}:
        # `liaison pubmed --help`: the help of what every `pubmed ...` line runs, if one thing.
        runs = [(table[pair][0], *table[pair][1]) for pair in table if pair[0] == name]
        shared = runs[0]
        for target in runs[1:]:
            while target[: len(shared)] != shared:
                shared = shared[:-1]
        if shared:
            return shared[0], shared[0], [*shared[1:], *rest]
    if not rest or rest[0].startswith("-"):
        raise LookupError(f"say what to {name}: liaison {name} {nouns[0]} ... ({', '.join(nouns)})")
    words = f"{name} {rest[0]}"
    if (name, rest[0]) not in table:
        raise LookupError(f"unknown command {words!r}; see liaison --help")
    command, leading = table[name, rest[0]]
    return words, command, [*leading, *rest[1:]]


def resolve(argv: Sequence[str]) -> tuple[str, list[str]]:
    """The management command name and its arguments for a ``liaison`` command line:
    a two-word line an app declares (``import organizations FILE`` ->
    ``directory import --kind organizations FILE``), or the first word itself."""
    _, command, args = _resolve(argv)
    return command, args


def database_problem(error: BaseException) -> str:
    """One sentence for an unreachable, locked or unmigrated database."""
    text = " ".join(str(error).split()) or type(error).__name__
    if "no such table" in text or "does not exist" in text:
        return f"database unavailable: {text} (run `liaison migrate` first)"
    return f"database unavailable: {text}"


def run(argv: Sequence[str]) -> int:
    """Run one command line (without the program name); returns the exit status."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    from django.core.exceptions import ImproperlyConfigured

    if not argv or argv[0] in {"-h", "--help"}:
        try:
            print(usage())
        except (ImproperlyConfigured, OSError) as error:
            return fail(f"configuration error: {error}", EXIT_UNAVAILABLE)
        return 0 if argv else EXIT_ERROR

    import django
    from django.core.management import get_commands, load_command_class

    if argv[0] == "help" and len(argv) == 2 and argv[1] != "--commands":
        argv = [argv[1], "--help"]
    if argv[0] != "help":
        try:
            words, name, args = _resolve(argv)
        except LookupError as error:
            return fail(str(error))
        except ImproperlyConfigured as error:
            return fail(f"configuration error: {error}", EXIT_UNAVAILABLE)
        light = _light_run(name, args)
        if light is not None:
            return light

    try:
        django.setup()
    except (ImproperlyConfigured, OSError) as error:
        return fail(f"configuration error: {error}", EXIT_UNAVAILABLE)

    if argv[0] == "help" and len(argv) == 1:
        print(usage())
        return 0
    if argv[0] == "help":
        from django.core.management import ManagementUtility

        ManagementUtility(["liaison", *argv]).execute()
        return 0

    commands = get_commands()
    if name not in commands:
        return fail(f"unknown command {words!r}; see liaison --help")
    return _execute(load_command_class(commands[name], name), name, args)


def _light_run(name: str, args: list[str]) -> int | None:
    """Run a command line that needs no database and no Django apps (its help, a
    pure format action: ``liaison pubmed parse``) without setting the project up,
    which costs most of a second; ``None`` when it needs the project after all."""
    from django.conf import settings
    from django.core.exceptions import AppRegistryNotReady

    from liaison.core import registry

    module = registry.light_command_module(settings.INSTALLED_APPS, name, args)
    if module is None:
        return None
    try:
        command = importlib.import_module(module).Command()
        return _execute(command, name, args, skip_checks=True)
    except AppRegistryNotReady:
        return None  # a part of it needs the apps: run it the usual way


def _execute(command: Any, name: str, args: list[str], *, skip_checks: bool = False) -> int:
    """Parse ``args`` for management ``command`` and run it; the exit status."""
    from django.core.exceptions import AppRegistryNotReady
    from django.core.management.base import CommandError
    from django.db import InterfaceError, OperationalError, ProgrammingError

    from liaison.core.errors import LiaisonError

    # Usage errors print the command's usage and exit 2, as on Django's own command line.
    setattr(command, "_called_from_command_line", True)  # noqa: B010
    # The program is the command itself: a two-word line's leading words follow as subcommands.
    parser = command.create_parser("liaison", name)
    options = parser.parse_args(args)
    cmd_options = vars(options)
    positional = cmd_options.pop("args", ())
    if skip_checks:
        cmd_options["skip_checks"] = True  # the checks need the apps
    try:
        command.execute(*positional, **cmd_options)
    except AppRegistryNotReady:
        raise
    except CommandError as error:
        return fail(str(error), error.returncode or EXIT_ERROR)
    except LiaisonError as error:
        detail = getattr(error, "detail", "")
        shown = (
            f"{error.message} ({detail})" if detail and cmd_options.get("verbosity", 1) > 1 else ""
        )
        return fail(shown or error.message)
    except (OperationalError, InterfaceError) as error:
        return fail(database_problem(error), EXIT_UNAVAILABLE)
    except ProgrammingError as error:
        if "does not exist" not in str(error):
            raise
        return fail(database_problem(error), EXIT_UNAVAILABLE)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except Exception as error:
        if cmd_options.get("traceback"):
            raise
        return fail(
            f"unexpected error: {type(error).__name__}: {error} (rerun with --traceback for details)"
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``liaison`` console script. What it and the processes it
    starts (the web server, the worker) create is their user's alone (0600, 0700)."""
    from liaison.lib.private_files import restrict_umask

    restrict_umask()
    status = run(list(sys.argv[1:] if argv is None else argv))
    if argv is None:
        sys.exit(status)
    return status


if __name__ == "__main__":
    main()
