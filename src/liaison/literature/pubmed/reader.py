"""Reading a PubMed file: gzip or plain, the root element, hardened streaming iterparse."""

from __future__ import annotations

import gzip
import io
import os
import zlib
from collections.abc import Callable, Iterator
from typing import IO, Protocol

from lxml import etree

from .citation import read_record
from .fields import RecordError, read_pmid
from .records import Citation, Deletion, PubmedParseError

_GZIP_MAGIC = b"\x1f\x8b"
_HEAD_SIZE = 64 * 1024
_RECORD_TAGS: dict[str, tuple[str, ...]] = {
    "PubmedArticleSet": ("PubmedArticle", "PubmedBookArticle", "DeleteCitation"),
    "MedlineCitationSet": ("MedlineCitation", "DeleteCitation"),
    "PubmedArticle": ("PubmedArticle",),
    "PubmedBookArticle": ("PubmedBookArticle",),
    "MedlineCitation": ("MedlineCitation",),
}


class _Reader(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class _Prefixed:
    """A binary stream with some bytes already read put back in front of it."""

    def __init__(self, prefix: bytes, stream: _Reader) -> None:
        self._prefix = prefix
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if self._prefix:
            if size < 0:
                data = self._prefix + self._stream.read()
                self._prefix = b""
                return data
            data, self._prefix = self._prefix[:size], self._prefix[size:]
            return data
        return self._stream.read(size)

    def seek(self, offset: int, /) -> int:
        """Streams are read forward only (gzip asks for this method but never uses it)."""
        raise io.UnsupportedOperation("a PubMed stream is read forward only")


def _read_head(stream: _Reader, size: int) -> bytes:
    chunks: list[bytes] = []
    wanted = size
    while wanted > 0:
        chunk = stream.read(wanted)
        if not chunk:
            break
        chunks.append(chunk)
        wanted -= len(chunk)
    return b"".join(chunks)


def _root_tag(head: bytes, name: str) -> str:
    """The name of the root element, read from the prolog without parsing it.

    Refuses a DOCTYPE that declares entities: PubMed files never do, and an
    entity declaration is how XML bombs and external-entity reads begin.
    """
    position = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    length = len(head)
    while True:
        while position < length and head[position] in b" \t\r\n":
            position += 1
        if position >= length:
            if not head.strip():
                raise PubmedParseError("not PubMed XML (empty file)", file=name)
            if length < _HEAD_SIZE:
                raise PubmedParseError("not PubMed XML (no root element)", file=name)
            raise PubmedParseError("not PubMed XML (no root element in the first 64 KB)", file=name)
        if head.startswith(b"<?", position):
            end, skip = head.find(b"?>", position), 2
        elif head.startswith(b"<!--", position):
            end, skip = head.find(b"-->", position), 3
        elif head.startswith(b"<!DOCTYPE", position):
            close = head.find(b">", position)
            bracket = head.find(b"[", position)
            if bracket != -1 and (close == -1 or bracket < close):
                subset_end = head.find(b"]", bracket)
                if head.find(b"<!ENTITY", bracket, subset_end if subset_end != -1 else None) != -1:
                    raise PubmedParseError(
                        "refused: the DOCTYPE declares entities (possible XML bomb or "
                        "external entity); PubMed XML never does",
                        file=name,
                    )
                close = head.find(b">", subset_end) if subset_end != -1 else -1
            end, skip = close, 1
        elif head.startswith(b"<", position):
            start = position + 1
            stop = start
            while stop < length and head[stop] not in b" \t\r\n/>":
                stop += 1
            return head[start:stop].decode("utf-8", "replace")
        else:
            raise PubmedParseError("not PubMed XML (no XML root element)", file=name)
        if end == -1:
            raise PubmedParseError("not PubMed XML (unterminated prolog)", file=name)
        position = end + skip


def _eutils_error(head: bytes) -> str:
    """The message of an E-utilities error answer (``<ERROR>Empty result...</ERROR>``), if any."""
    start = head.find(b"<ERROR>")
    end = head.find(b"</ERROR>", start)
    if start == -1 or end == -1:
        return ""
    message = head[start + 7 : end].decode("utf-8", "replace").strip()
    return f": E-utilities error {message!r}" if message else ""


def parse_pubmed(
    source: IO[bytes] | str | os.PathLike[str],
    *,
    name: str | None = None,
    on_error: Callable[[PubmedParseError], None] | None = None,
) -> Iterator[Citation | Deletion]:
    """Yield the records of a PubMed XML file (a path or a binary stream, plain or gzip).

    ``name`` labels the file in errors (default: the path or the stream's name).
    A record that is well-formed XML but unusable (no PMID) raises
    :class:`PubmedParseError`, or, when ``on_error`` is given, is passed to it
    and skipped. XML that is not well-formed always raises, with its line.
    """
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        with open(path, "rb") as file:
            yield from parse_pubmed(file, name=name or path, on_error=on_error)
        return
    label = name or str(getattr(source, "name", "<stream>"))
    magic = _read_head(source, 2)
    stream: _Reader = _Prefixed(magic, source)
    if magic == _GZIP_MAGIC:
        stream = gzip.GzipFile(fileobj=_Prefixed(magic, source), mode="rb")
    elif label.lower().endswith(".gz"):
        raise PubmedParseError(
            "named .gz but not gzip-compressed (no 1f 8b magic bytes)", file=label
        )
    try:
        head = _read_head(stream, _HEAD_SIZE)
    except (OSError, EOFError, zlib.error) as error:
        raise PubmedParseError(f"corrupt gzip data: {error}", file=label) from error
    root = _root_tag(head, label)
    tags = _RECORD_TAGS.get(root)
    if tags is None:
        raise PubmedParseError(f"not PubMed XML (root <{root}>){_eutils_error(head)}", file=label)
    yield from _iterate(_Prefixed(head, stream), tags, label, on_error)


def _iterate(
    stream: _Reader,
    tags: tuple[str, ...],
    label: str,
    on_error: Callable[[PubmedParseError], None] | None,
) -> Iterator[Citation | Deletion]:
    events = etree.iterparse(
        stream,
        events=("end",),
        tag=tags,
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    last_pmid: int | None = None
    try:
        for _event, element in events:
            tag = element.tag
            try:
                if tag == "DeleteCitation":
                    for child in element:
                        if child.tag == "PMID":
                            deleted = read_pmid(child)
                            last_pmid = deleted
                            yield Deletion(deleted)
                else:
                    record = read_record(element, str(tag))
                    last_pmid = record.pmid
                    yield record
            except RecordError as problem:
                error = PubmedParseError(
                    problem.reason,
                    file=label,
                    line=element.sourceline,
                    pmid=problem.pmid,
                    last_pmid=last_pmid,
                )
                if on_error is None:
                    raise error from None
                on_error(error)
            element.clear(keep_tail=True)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as error:
        line = error.position[0] if error.position else None
        raise PubmedParseError(
            f"malformed XML: {error.msg}", file=label, line=line, last_pmid=last_pmid
        ) from None
    except (OSError, EOFError, zlib.error) as error:
        raise PubmedParseError(
            f"corrupt gzip data: {error}", file=label, last_pmid=last_pmid
        ) from None
