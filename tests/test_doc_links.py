"""The README and the docs point only at what the repository holds: every relative
link and every Markdown file they name exists, and the menu names they quote are
the menu's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
NAMED_FILE = re.compile(r"`([\w./-]+\.md)`")


def references(path: Path) -> list[tuple[int, str]]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for target in LINK.findall(line):
            if not re.match(r"^[a-z]+:", target):  # http:, https:, mailto:
                found.append((number, target))
        found.extend((number, name) for name in NAMED_FILE.findall(line))
    return found


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_file_a_document_points_at_exists(document: Path) -> None:
    missing = [
        f"{document.name}:{number}: {target}"
        for number, target in references(document)
        if not (document.parent / target).exists() and not (ROOT / target).exists()
    ]
    assert not missing, "pointing at files the repository does not hold:\n" + "\n".join(missing)


def test_the_docs_name_the_menu_as_it_reads() -> None:
    from liaison.core import registry

    labels = {entry.label for entry in registry.navigation()}
    quoted = {
        (document.name, menu)
        for document in DOCUMENTS
        for menu in re.findall(r"\(([A-Z][a-z]+) → ", document.read_text(encoding="utf-8"))
    }
    wrong = sorted(f"{name}: {menu} →" for name, menu in quoted if menu not in labels)
    assert not wrong, f"menu entries the menu does not have ({sorted(labels)}): {wrong}"
