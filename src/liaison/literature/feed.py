"""Batches of prepared PubMed records, read in this process or in a second one (no Django).

A load is two kinds of work: parsing and preparing rows (Python over lxml)
and writing them (mostly the database's own C code). :func:`read_in_child`
runs the first in a child process while the caller writes, so a load of a
large file uses two cores. The child only reads the file: it never touches the
database, and it is a new interpreter rather than a fork (a fork would copy
the parent's database connections and threads; multiprocessing's ``spawn``
would run the caller's main script again).

Each :class:`Batch` holds up to ``batch_size`` records and the per-record
errors met while reading them. A file that stops being well-formed ends the
feed with a batch whose ``broken`` names the place; the records read since
the previous batch are dropped, so nothing of the interrupted batch is written.
"""

from __future__ import annotations

import marshal
import os
import struct
import subprocess
import sys
import tempfile
from collections.abc import Generator, Iterable, Iterator
from typing import IO, Any, NamedTuple, cast

from liaison.literature.pubmed import Citation, Deletion, PubmedParseError, parse_pubmed
from liaison.literature.rows import Prepared, PreparedCitation, PreparedDeletion, prepare

# Each batch the child sends: its length (8 bytes, big-endian), then its marshal data.
_FRAME = struct.Struct(">Q")


class Batch(NamedTuple):
    """Prepared records, the messages of records that failed, and the bytes read for them."""

    records: list[Prepared]
    errors: list[str]
    bytes_read: int
    broken: PubmedParseError | None = None


def _broken_fields(error: PubmedParseError) -> dict[str, Any]:
    return {
        "reason": error.reason,
        "file": error.file,
        "line": error.line,
        "pmid": error.pmid,
        "last_pmid": error.last_pmid,
    }


def prepare_all(records: Iterable[Citation | Deletion]) -> Iterator[Prepared]:
    """The prepared form of each parsed record."""
    for record in records:
        if isinstance(record, Deletion):
            yield PreparedDeletion(record.pmid)
        else:
            yield prepare(record)


def batches_of(
    records: Iterable[Citation | Deletion], batch_size: int, errors: list[str] | None = None
) -> Iterator[Batch]:
    """Batches of already parsed records (``errors``: a list the source appends to)."""
    pending: list[str] = errors if errors is not None else []
    batch: list[Prepared] = []
    for record in prepare_all(records):
        batch.append(record)
        if len(batch) >= batch_size:
            yield Batch(batch, pending[:], 0)
            pending.clear()
            batch = []
    if batch or pending:
        yield Batch(batch, pending[:], 0)
        pending.clear()


class _CountingReader:
    """A binary stream that counts the bytes read from it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.name = getattr(stream, "name", "<stream>")
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.count += len(data)
        return data


def read_here(
    path: str | os.PathLike[str], name: str, batch_size: int
) -> Generator[Batch, None, None]:
    """The batches of a PubMed file (plain or gzip), parsed in this process."""
    errors: list[str] = []
    with open(path, "rb") as raw:
        stream = _CountingReader(raw)
        counted = 0
        records = parse_pubmed(
            cast(IO[bytes], stream), name=name, on_error=lambda error: errors.append(error.message)
        )
        try:
            for batch in batches_of(records, batch_size, errors):
                yield batch._replace(bytes_read=stream.count - counted)
                counted = stream.count
        except PubmedParseError as error:
            yield Batch([], errors[:], stream.count - counted, error)


class ReaderCrashed(RuntimeError):
    """The reading process failed for a reason other than the file (a bug, memory)."""


def _encode(batch: Batch) -> bytes:
    """A batch as marshal data (plain tuples: several times faster than pickle here)."""
    broken = None if batch.broken is None else _broken_fields(batch.broken)
    records = [tuple(record) for record in batch.records]
    return marshal.dumps((records, batch.errors, batch.bytes_read, broken))


def _decode(data: bytes) -> Batch:
    records, errors, bytes_read, broken = marshal.loads(data)  # noqa: S302 - our own child wrote it
    prepared: list[Prepared] = [
        PreparedDeletion(*record) if len(record) == 1 else PreparedCitation._make(record)
        for record in records
    ]
    return Batch(
        prepared, errors, bytes_read, None if broken is None else PubmedParseError(**broken)
    )


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError
    return data


def read_in_child(
    path: str | os.PathLike[str], name: str, batch_size: int
) -> Generator[Batch, None, None]:
    """The batches of a PubMed file, parsed and prepared in a child process.

    The same batches as :func:`read_here`. The child is a fresh interpreter
    (``python -m liaison.literature.feed``) that writes each batch to its
    standard output as a length and marshal data; the pipe holds it back to
    about one batch ahead of the writer. Closing the iterator early (the
    writer failed) stops the child.
    """
    environment = dict(os.environ)
    paths = [entry for entry in sys.path if entry and os.path.isdir(entry)]
    environment["PYTHONPATH"] = os.pathsep.join(paths)
    command = [sys.executable, "-m", __name__, os.fspath(path), name, str(batch_size)]
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=environment)
        stream = cast(IO[bytes], child.stdout)
        try:
            while True:
                try:
                    size = _FRAME.unpack(_read_exactly(stream, _FRAME.size))[0]
                    if size == 0:  # the end mark
                        break
                    batch = _decode(_read_exactly(stream, size))
                except EOFError:
                    child.wait()
                    errors.seek(0)
                    message = errors.read().decode("utf-8", "replace").strip()
                    raise ReaderCrashed(
                        f"{name}: the reading process stopped (exit code {child.returncode})"
                        + (f":\n{message}" if message else "")
                    ) from None
                yield batch
            child.wait()
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            stream.close()


def _produce(path: str, name: str, batch_size: int, output: IO[bytes]) -> None:
    """The child's work: every batch of the file to ``output``, then an end mark."""
    for batch in read_here(path, name, batch_size):
        data = _encode(batch)
        output.write(_FRAME.pack(len(data)))
        output.write(data)
        output.flush()
    output.write(_FRAME.pack(0))
    output.flush()


if __name__ == "__main__":
    _produce(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.stdout.buffer)
