"""Reading work done by a child interpreter, its results streamed back (no Django).

An ingest is two kinds of work: parsing a file and building rows (Python), and
writing them (mostly the database's own C code). The loaders run the first in
a child while the parent writes, so a large file uses two cores. The child is
a fresh interpreter, ``python -m <module> ARGS``: a fork would copy the
parent's database connections and threads, and multiprocessing's ``spawn``
would run the parent's main script again. It writes each result to its
standard output as a frame (length, then marshal data: plain tuples, lists,
dicts and strings, several times faster than pickle); the pipe holds it back
to about one result ahead of the reader.
"""

from __future__ import annotations

import marshal
import os
import struct
import subprocess
import sys
import tempfile
from collections.abc import Callable, Generator, Iterable, Sequence
from typing import IO, Any, TypeVar, cast

# A frame: the payload's length (8 bytes, big-endian), then the payload; length 0 ends the stream.
_FRAME = struct.Struct(">Q")


T = TypeVar("T")


class ReaderCrashed(RuntimeError):
    """The child failed for a reason other than its input (a bug, memory): its exit code and stderr."""


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError
    return data


def results_of_child(
    module: str, arguments: Sequence[str], label: str, decode: Callable[[Any], T]
) -> Generator[T, None, None]:
    """Run ``python -m module arguments...`` and yield ``decode`` of each value it sends
    with :func:`send_all`.

    Closing the generator early (the parent's writer failed) kills the child.
    A child that stops without its end mark raises :class:`ReaderCrashed`
    naming ``label``, its exit code and what it wrote to stderr.
    """
    environment = dict(os.environ)
    paths = [entry for entry in sys.path if entry and os.path.isdir(entry)]
    environment["PYTHONPATH"] = os.pathsep.join(paths)
    command = [sys.executable, "-m", module, *arguments]
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=environment)
        stream = cast(IO[bytes], child.stdout)
        try:
            while True:
                try:
                    size = _FRAME.unpack(_read_exactly(stream, _FRAME.size))[0]
                    if size == 0:
                        break
                    data = _read_exactly(stream, size)
                except EOFError:
                    child.wait()
                    errors.seek(0)
                    message = errors.read().decode("utf-8", "replace").strip()
                    raise ReaderCrashed(
                        f"{label}: the reading process stopped (exit code {child.returncode})"
                        + (f":\n{message}" if message else "")
                    ) from None
                yield decode(marshal.loads(data))  # noqa: S302 - our own child wrote it
            child.wait()
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            stream.close()


def send_all(values: Iterable[Any], output: IO[bytes] | None = None) -> None:
    """The child's side: each value as a frame on ``output`` (standard output), then the end mark."""
    output = output if output is not None else sys.stdout.buffer
    for value in values:
        data = marshal.dumps(value)
        output.write(_FRAME.pack(len(data)))
        output.write(data)
        output.flush()
    output.write(_FRAME.pack(0))
    output.flush()
