"""Reading ClinicalTrials.gov files: a study, a page or JSONL, plain or gzip; the v1 format refused."""

from __future__ import annotations

import gzip
import io
import json
import os
import zlib
from collections.abc import Callable, Iterator
from typing import IO, Any, NoReturn, Protocol

from .fields import Problem, describe, read_study
from .records import CtgovParseError, Page, Study

_V1_KEYS = ("FullStudiesResponse", "StudyFieldsResponse", "FullStudy")

_OnError = Callable[[CtgovParseError], None]


def study_from_json(data: Any, *, name: str = "<json>", position: str | None = None) -> Study:
    """One study object already decoded from JSON; :class:`CtgovParseError` if unusable."""
    if type(data) is not dict:
        raise CtgovParseError(
            f"expected a study object, got {describe(data)}", file=name, position=position
        )
    try:
        return read_study(data)
    except Problem as problem:
        raise CtgovParseError(
            problem.reason, file=name, position=position, nct_id=problem.nct_id, path=problem.path
        ) from None


def page_from_json(data: Any, *, name: str = "<json>", on_error: _OnError | None = None) -> Page:
    """A ``/api/v2/studies`` page already decoded from JSON, with its next-page token."""
    if type(data) is not dict or "studies" not in data:
        _refuse_document(data, name, None)
    studies = tuple(_document(data, name, None, on_error))
    token = data.get("nextPageToken")
    total = data.get("totalCount")
    if token is not None and type(token) is not str:
        raise CtgovParseError(
            f"expected a string, got {describe(token)}", file=name, path="nextPageToken"
        )
    if total is not None and type(total) is not int:
        raise CtgovParseError(
            f"expected an integer, got {describe(total)}", file=name, path="totalCount"
        )
    return Page(studies, token or None, total)


def _refuse_document(data: Any, name: str, line: int | None) -> NoReturn:
    position = f"line {line}" if line is not None else None
    if type(data) is dict:
        for key in _V1_KEYS:
            if key in data:
                raise CtgovParseError(
                    f"this is the retired ClinicalTrials.gov API v1 format ({key}); "
                    "fetch the studies again from API v2 (/api/v2/studies)",
                    file=name,
                    position=position,
                )
        keys = ", ".join(sorted(data)[:6]) or "none"
        raise CtgovParseError(
            f"not ClinicalTrials.gov API v2 JSON (top-level keys: {keys}; expected "
            "protocolSection or studies)",
            file=name,
            position=position,
        )
    raise CtgovParseError(
        f"not ClinicalTrials.gov API v2 JSON (expected an object, got {describe(data)})",
        file=name,
        position=position,
    )


def _document(data: Any, name: str, line: int | None, on_error: _OnError | None) -> Iterator[Study]:
    """The studies of one decoded JSON document (a study, a page, or a list of studies)."""
    where = f"line {line}" if line is not None else None
    if type(data) is dict and "protocolSection" in data:
        items: list[Any] = [data]
        labels: list[str | None] = [where]
    elif type(data) is dict and "studies" in data:
        items = data["studies"]
        if type(items) is not list:
            raise CtgovParseError(
                f"expected an array, got {describe(items)}",
                file=name,
                position=where,
                path="studies",
            )
        prefix = f"{where}, " if where else ""
        labels = [f"{prefix}studies[{index}]" for index in range(len(items))]
    elif type(data) is list:
        items = data
        prefix = f"{where}, " if where else ""
        labels = [f"{prefix}[{index}]" for index in range(len(items))]
    else:
        _refuse_document(data, name, line)
    for item, label in zip(items, labels, strict=True):
        try:
            yield study_from_json(item, name=name, position=label)
        except CtgovParseError as error:
            if on_error is None:
                raise
            on_error(error)


class _Reader(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...
    def readline(self, size: int = -1, /) -> bytes: ...


class _Prefixed:
    """A binary stream with its first bytes, already read, put back in front."""

    def __init__(self, prefix: bytes, stream: IO[bytes]) -> None:
        self._prefix = prefix
        self._stream = stream

    def read(self, size: int = -1, /) -> bytes:
        prefix, self._prefix = self._prefix, b""
        if size < 0:
            return prefix + self._stream.read()
        if len(prefix) >= size:
            self._prefix = prefix[size:]
            return prefix[:size]
        return prefix + self._stream.read(size - len(prefix))

    def readline(self, size: int = -1, /) -> bytes:
        prefix, self._prefix = self._prefix, b""
        newline = prefix.find(b"\n")
        if newline != -1:
            self._prefix = prefix[newline + 1 :]
            return prefix[: newline + 1]
        return prefix + self._stream.readline()

    def seek(self, offset: int, /) -> int:
        """Read forward only (gzip asks for this method but does not use it)."""
        raise io.UnsupportedOperation("a ClinicalTrials.gov stream is read forward only")


def _decode(text: bytes, name: str, line: int) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CtgovParseError(
            f"invalid JSON: {error.msg} (column {error.colno})",
            file=name,
            position=f"line {line + error.lineno - 1}",
        ) from None
    except UnicodeDecodeError as error:
        raise CtgovParseError(
            f"not UTF-8 text: {error.reason}", file=name, position=f"line {line}"
        ) from None


def parse_ctgov(
    source: IO[bytes] | str | os.PathLike[str],
    *,
    name: str | None = None,
    on_error: _OnError | None = None,
) -> Iterator[Study]:
    """Yield the studies in a ClinicalTrials.gov API v2 JSON or JSONL file (path or binary stream).

    ``name`` labels the file in errors. A study with a missing NCT ID or a
    value of the wrong type raises :class:`CtgovParseError`, or, when
    ``on_error`` is given, is passed to it and skipped. Invalid JSON always
    raises, with its line.
    """
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        with open(path, "rb") as file:
            yield from parse_ctgov(file, name=name or path, on_error=on_error)
        return
    label = name or str(getattr(source, "name", "<stream>"))
    magic = source.read(2)
    stream: _Reader = _Prefixed(magic, source)
    if magic == b"\x1f\x8b":
        stream = gzip.GzipFile(fileobj=_Prefixed(magic, source), mode="rb")
    try:
        yield from _read(stream, label, on_error)
    except (OSError, EOFError, zlib.error) as error:
        raise CtgovParseError(f"corrupt gzip data: {error}", file=label) from None


def _read(stream: _Reader, name: str, on_error: _OnError | None) -> Iterator[Study]:
    number = 0
    first = b""
    while not first.strip():
        first = stream.readline()
        number += 1
        if not first:
            return  # an empty file holds no studies
    first = first.removeprefix(b"\xef\xbb\xbf")
    try:
        data = json.loads(first)
    except (json.JSONDecodeError, UnicodeDecodeError):
        # Not one object per line: a pretty-printed document, read whole.
        yield from _document(_decode(first + stream.read(), name, number), name, None, on_error)
        return
    following = b""
    following_number = number
    while not following.strip():
        following = stream.readline()
        following_number += 1
        if not following:
            yield from _document(data, name, None, on_error)  # one document on one line
            return
    if type(data) is not dict and type(data) is not list:
        _refuse_document(data, name, number)
    yield from _document(data, name, number, on_error)
    line = following
    number = following_number
    while line:
        if line.strip():
            yield from _document(_decode(line.strip(), name, number), name, number, on_error)
        line = stream.readline()
        number += 1
