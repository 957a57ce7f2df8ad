"""Files only Liaison's own user may read: the data directory (0700) and what it
holds (0600), whatever the umask of the process.

The data directory holds the database (session keys, password hashes, HCP
contact data), the uploads, the export results and the generated keys. Two
layers keep them private:

* :func:`restrict_umask` makes every file the ``liaison`` command and the WSGI
  application create 0600 and every folder 0700 (their entry points call it
  first), so a writer added later cannot forget;
* the places named here create their files and folders private themselves
  (:func:`private_directory`, :func:`private_file`, :func:`open_private`), so
  they hold in a process started otherwise (a test run, ``django-admin``).

SQLite gives its ``-wal`` and ``-shm`` files the database file's permissions,
so a database file created by :func:`private_file` keeps them private too.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

#: Folders of the data directory: their owner reads, writes and enters them.
DIRECTORY_MODE = 0o700
#: Files of the data directory: their owner reads and writes them.
FILE_MODE = 0o600
#: The umask that gives new folders 0700 and new files 0600.
PRIVATE_UMASK = 0o077


def restrict_umask() -> int:
    """Make the files and folders this process creates private; returns the
    umask it had. For entry points (``liaison``, the WSGI application), never a
    library: the umask is the whole process's."""
    return os.umask(PRIVATE_UMASK)


def private_directory(path: Path) -> Path:
    """``path`` as a folder (created with any missing parent) that only its owner
    may enter: 0700. An existing folder is narrowed to 0700 when it is ours; one
    that belongs to another user is left as it is (the owner chose it)."""
    missing: list[Path] = []
    folder = path
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        folder.mkdir(mode=DIRECTORY_MODE, exist_ok=True)
    _narrow(path, DIRECTORY_MODE)
    return path


def private_file(path: Path) -> Path:
    """``path`` as a file only its owner may read and write: created empty (0600)
    when missing, narrowed to 0600 when it exists and is ours."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    os.close(descriptor)
    _narrow(path, FILE_MODE)
    return path


def open_private(path: Path) -> BinaryIO:
    """``path`` opened to be written from its start, as a 0600 file (an existing
    file is emptied and narrowed to 0600 as well)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(descriptor, FILE_MODE)
    except BaseException:
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "wb")


def write_private_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` as a 0600 file."""
    with open_private(path) as stream:
        stream.write(text.encode("utf-8"))


def _narrow(path: Path, mode: int) -> None:
    status = path.stat()
    if status.st_mode & 0o777 != mode and status.st_uid == os.geteuid():
        path.chmod(mode)
