"""Every ``liaison ...`` command line in README.md and docs/ runs as written.

Each documented line (inline code, or a line of a code block) goes through
``liaison.cli.resolve`` as the console script would take it; it must name an
existing management command, an action that command has (``trials fetch``,
``token revoke``) and options that command or action knows. Placeholders
(``FILE``, ``NAME``) and optional parts (``[--sheet NAME]``) are read as written;
values are not checked, since ``ROLE`` stands for a choice.
"""

from __future__ import annotations

import argparse
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

from liaison import cli

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
INLINE = re.compile(r"`(liaison [^`]+)`")
IN_BLOCK = re.compile(r"(?:^|\s)(liaison [a-z].*)")


@dataclass(frozen=True)
class Documented:
    place: str
    line: str


def documented_lines(path: Path) -> list[Documented]:
    """The ``liaison`` command lines of one Markdown file: inline code (which may wrap
    over lines) and lines of fenced or indented code blocks."""
    found: list[Documented] = []
    fenced = False
    prose: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            fenced = not fenced
            continue
        if fenced or line.startswith("    "):
            match = IN_BLOCK.search(line)
            if match:
                found.append(Documented(f"{path.name}:{number}", match.group(1)))
        else:
            prose.append(line)
    text = " ".join(prose)
    found += [Documented(path.name, match) for match in INLINE.findall(text)]
    return found


def words_of(line: str) -> list[str]:
    """The arguments after ``liaison``: comments and redirections dropped, brackets and
    ellipses of the synopsis removed, the first of ``a|b`` alternatives taken."""
    line = re.split(r"\s#\s|\s>\s", line.replace("\\|", "|"))[0]
    words = []
    for token in shlex.split(line)[1:]:
        token = token.strip("[]").removesuffix("...").split("|")[0]
        if token:
            words.append(token)
    return words


DOCUMENTED = [item for path in DOCUMENTS for item in documented_lines(path)]
COMMAND_LINES = [
    item for item in DOCUMENTED if words_of(item.line) and words_of(item.line)[0][0].isalpha()
]


def test_the_readme_command_table_is_read() -> None:
    readme = {item.line for item in COMMAND_LINES if item.place.startswith("README")}
    assert "liaison import hcps FILE ..." in readme
    assert "liaison token revoke NAME PREFIX" in readme
    assert len(readme) >= 12


def _option_takes_value(options: dict[str, argparse.Action], token: str) -> bool:
    action = options.get(token)
    return action is not None and action.nargs != 0


def _subparsers(
    parser: argparse.ArgumentParser,
) -> argparse._SubParsersAction[argparse.ArgumentParser] | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


@pytest.mark.parametrize("item", COMMAND_LINES, ids=lambda item: f"{item.place} {item.line}")
def test_documented_command_line_runs(item: Documented) -> None:
    argv = words_of(item.line)
    name, args = cli.resolve(argv)
    commands = get_commands()
    assert name in commands, f"{item.place}: {item.line!r} names no command ({name})"
    parser = load_command_class(commands[name], name).create_parser("liaison", name)
    known = dict(parser._option_string_actions)
    actions = _subparsers(parser)
    rest = iter(args)
    for token in rest:
        if token.startswith("-"):
            if actions is not None and token not in known:
                continue  # an option of the subcommand, checked below
            assert token.split("=")[0] in known, f"{item.place}: {item.line!r}: {token}"
            if "=" not in token and _option_takes_value(known, token):
                next(rest, None)
            continue
        if actions is None:
            continue  # a positional value
        assert token in actions.choices, f"{item.place}: {item.line!r}: no action {token!r}"
        chosen = actions.choices[token]
        known |= chosen._option_string_actions
        actions = _subparsers(chosen)  # a subcommand may have actions of its own
    for token in args:
        if token.startswith("--"):
            assert token.split("=")[0] in known, f"{item.place}: {item.line!r}: {token}"
