"""Imports run one way: an app imports only apps on lower layers (DESIGN.md).

Every module under ``src/liaison`` is read with :mod:`ast` (no import runs):
its ``import`` statements, at any depth (imports inside functions count), and
its string constants that are whole dotted paths (``"liaison.x.y.z"``, as
handed to ``import_string`` or a registry) must name only

* its own app,
* an app on a lower layer (``core`` and ``lib`` sit together at the bottom and
  may use each other), or
* nothing of the composition (the demo world, the URL and API roots, the CLI,
  the settings), unless the module is part of the composition itself,

and never another app's ``management.commands`` or private (``_name``)
modules. Tests are exempt: they may build worlds from any app.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "liaison"

#: Layer of every package under ``src/liaison`` (DESIGN.md's table).
LAYERS: dict[str, int] = {
    "core": 0,
    "lib": 0,
    "directory": 1,
    "literature": 2,
    "trials": 2,
    "surveillance": 3,
    "experts": 3,
    "engagement": 4,
    "medinfo": 5,
    "safety": 5,
    "compliance": 6,
    "events": 6,
    "training": 6,
    "analytics": 7,
    "appraisal": 7,
}
#: Layer 0 shares itself: core and lib may import each other.
BOTTOM = frozenset({"core", "lib"})
#: The composition on top: the demo world and serve, the URL and API roots,
#: the CLI and the settings. It may import every app; no app imports it.
COMPOSITION = frozenset(
    {"demo", "urls", "api", "cli", "settings", "wsgi", "__main__", "conftest", "__init__"}
)

_DOTTED = re.compile(r"liaison(?:\.[A-Za-z_]\w*)+")


@dataclass(frozen=True, slots=True)
class Violation:
    path: str
    line: int
    target: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.target}: {self.reason}"


def unit_of(module: str) -> str:
    """The app (or composition module) a dotted ``liaison.*`` name belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imported_names(tree: ast.AST) -> list[tuple[int, str]]:
    """``(line, dotted name)`` of every ``liaison`` import and dotted-path string."""
    names: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from liaison.x import y`` may import the module ``liaison.x.y``.
            names.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and _DOTTED.fullmatch(node.value)
        ):
            names.append((node.lineno, node.value))
    return [(line, name) for line, name in names if name.split(".")[0] == "liaison"]


def check_source(module: str, source: str, path: str = "<string>") -> list[Violation]:
    """The layer violations of one module's source (``module`` is its dotted name)."""
    own = unit_of(module)
    found: list[Violation] = []
    for line, target in imported_names(ast.parse(source)):
        other = unit_of(target)
        if other == own:
            continue
        inner = target.split(".")[2:]
        if "management" in inner and "commands" in inner:
            found.append(Violation(path, line, target, "another app's management commands"))
            continue
        if any(part.startswith("_") and not part.startswith("__") for part in inner):
            found.append(Violation(path, line, target, "another app's private module"))
            continue
        if own in COMPOSITION:
            continue
        if other in COMPOSITION:
            found.append(Violation(path, line, target, f"{own} imports the composition"))
        elif other not in LAYERS:
            found.append(Violation(path, line, target, f"{other} has no layer in LAYERS"))
        elif own in BOTTOM and other in BOTTOM:
            continue
        elif LAYERS[other] >= LAYERS[own]:
            found.append(
                Violation(
                    path,
                    line,
                    target,
                    f"{own} (layer {LAYERS[own]}) imports {other} (layer {LAYERS[other]})",
                )
            )
    return found


def is_test_code(path: Path) -> bool:
    relative = path.relative_to(SOURCE).parts
    return "tests" in relative or path.name == "conftest.py"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_every_package_has_a_layer() -> None:
    packages = {
        entry.name
        for entry in SOURCE.iterdir()
        if entry.is_dir() and (entry / "__init__.py").exists()
    }
    unplaced = sorted(packages - set(LAYERS) - COMPOSITION)
    assert unplaced == [], f"add these packages to LAYERS (DESIGN.md's layers): {unplaced}"


def test_apps_import_only_lower_layers() -> None:
    violations: list[Violation] = []
    for path in sorted(SOURCE.rglob("*.py")):
        if is_test_code(path):
            continue
        relative = str(path.relative_to(SOURCE.parents[1]))
        violations += check_source(module_name(path), path.read_text("utf-8"), relative)
    assert violations == [], "imports against the layers:\n" + "\n".join(map(str, violations))


@pytest.mark.parametrize(
    ("module", "source", "reason"),
    [
        ("liaison.core.views", "from liaison.directory.models import HCP", "core (layer 0)"),
        ("liaison.directory.x", "def f():\n    import liaison.literature.models", "directory"),
        ("liaison.literature.x", "from liaison.trials import selectors", "literature (layer 2)"),
        ("liaison.core.nav", "COUNTER = 'liaison.surveillance.selectors.unread_count'", "core"),
        (
            "liaison.trials.x",
            "from liaison.lib.cli import acting_user\nimport liaison.demo",
            "imports the composition",
        ),
        (
            "liaison.surveillance.x",
            "from liaison.directory.management.commands.nppes import Command",
            "management commands",
        ),
        ("liaison.surveillance.x", "from liaison.literature._private import f", "private"),
    ],
)
def test_checker_reports_each_kind_of_violation(module: str, source: str, reason: str) -> None:
    violations = check_source(module, source)
    assert len(violations) == 1
    assert reason in violations[0].reason


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("liaison.surveillance.x", "from liaison.literature.models import Publication"),
        ("liaison.lib.api", "from liaison.core import policy"),
        ("liaison.core.models", "from liaison.lib.text import fold"),
        ("liaison.demo.serve", "from liaison.surveillance.models import Watch"),
        ("liaison.api", "from liaison.directory.api import router"),
        ("liaison.directory.x", "'''Read liaison.literature for more.'''"),
    ],
)
def test_checker_allows_lower_layers_and_the_composition(module: str, source: str) -> None:
    assert check_source(module, source) == []
