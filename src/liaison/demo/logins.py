"""The demo logins file: the demo users' passwords, readable by its owner only.

``liaison demo`` writes it (``demo-logins.txt`` in the data directory, mode
0600) and prints it once; ``liaison serve`` shows it again when it starts.
"""

from __future__ import annotations

import os
from pathlib import Path

from liaison.core.demo import Login

LOGINS_FILE = "demo-logins.txt"


def write_logins(data_dir: Path, logins: list[Login]) -> Path:
    """Write the logins to ``data_dir/demo-logins.txt``, readable by its owner only."""
    path = data_dir / LOGINS_FILE
    width = max((len(login.username) for login in logins), default=0)
    lines = ["# Liaison demo logins (username, role, password)"]
    lines += [
        f"{login.username.ljust(width)}  {login.role:<20}  {login.password}" for login in logins
    ]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an older file may have had wider permissions
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def read_logins(data_dir: Path) -> str:
    """The logins file's text, or "" when there is none."""
    path = data_dir / LOGINS_FILE
    return path.read_text(encoding="utf-8") if path.exists() else ""
