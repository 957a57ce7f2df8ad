"""Batches of prepared PubMed records, read in this process or in a second one (no Django).

:func:`read_in_child` parses and prepares in a child process while the caller
writes, so a load of a large file uses two cores (see
:mod:`liaison.lib.childprocess`); the child only reads the file.

Each :class:`Batch` holds up to ``batch_size`` records and the per-record
errors met while reading them. A file that stops being well-formed ends the
feed with a batch whose ``broken`` names the place; the records read since
the previous batch are dropped, so nothing of the interrupted batch is written.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Generator, Iterable, Iterator
from typing import IO, Any, NamedTuple, cast

from liaison.lib.childprocess import ReaderCrashed as ReaderCrashed  # re-exported
from liaison.lib.childprocess import results_of_child, send_all
from liaison.literature.loading.rows import Prepared, PreparedCitation, PreparedDeletion, prepare
from liaison.literature.pubmed import Citation, Deletion, PubmedParseError, parse_pubmed


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


def _encode(batch: Batch) -> tuple[Any, ...]:
    """A batch as plain values (what marshal sends between the processes)."""
    broken = None if batch.broken is None else _broken_fields(batch.broken)
    return ([tuple(record) for record in batch.records], batch.errors, batch.bytes_read, broken)


def _decode(value: tuple[Any, ...]) -> Batch:
    records, errors, bytes_read, broken = value
    prepared: list[Prepared] = [
        PreparedDeletion(*record) if len(record) == 1 else PreparedCitation._make(record)
        for record in records
    ]
    return Batch(
        prepared, errors, bytes_read, None if broken is None else PubmedParseError(**broken)
    )


def read_in_child(
    path: str | os.PathLike[str], name: str, batch_size: int
) -> Generator[Batch, None, None]:
    """The batches of :func:`read_here`, parsed and prepared in a child process
    (:mod:`liaison.lib.childprocess`). Closing the iterator early stops the child."""
    return results_of_child(__name__, [os.fspath(path), name, str(batch_size)], name, _decode)


if __name__ == "__main__":
    path, name, size = sys.argv[1:4]
    send_all(_encode(batch) for batch in read_here(path, name, int(size)))
