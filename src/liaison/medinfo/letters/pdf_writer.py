"""The response letter as PDF: WeasyPrint lays out ``medinfo/letter_pdf.html``
(its stylesheet, ``letter_pdf.css``, handed to WeasyPrint as a string: the
template holds no ``<style>`` element, as every template under the CSP).

A letter carries text from outside (the requester's question, names, the
response): :class:`NoFetcher` refuses every address WeasyPrint asks for, so no
part of a letter can make the server reach the network or read a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from weasyprint import CSS, HTML  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

from liaison.medinfo.letters.content import Block, BlockKind, LetterContent, printable

#: The address the letter is laid out at; nothing is served from it.
BASE_URL = "https://liaison.invalid/"


class NoFetcher(URLFetcher):  # type: ignore[misc]
    """Refuses every URL (WeasyPrint then leaves the resource out)."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        raise ValueError(f"a response letter fetches nothing: {url[:200]}")


@dataclass(frozen=True, slots=True)
class Part:
    """A heading, a paragraph, or a run of bullets (one ``<ul>``) of the response."""

    kind: BlockKind
    texts: tuple[str, ...]


def parts(blocks: tuple[Block, ...]) -> list[Part]:
    """The blocks with consecutive bullets gathered into one list."""
    grouped: list[Part] = []
    for block in blocks:
        if block.kind == BlockKind.BULLET and grouped and grouped[-1].kind == BlockKind.BULLET:
            grouped[-1] = Part(BlockKind.BULLET, (*grouped[-1].texts, block.text))
        else:
            grouped.append(Part(block.kind, (block.text,)))
    return grouped


def letter_html(content: LetterContent) -> str:
    """The letter's print page (HTML), as WeasyPrint receives it."""
    context = {"letter": content, "parts": parts(content.response.blocks)}
    return printable(render_to_string("medinfo/letter_pdf.html", context))


def write_pdf(content: LetterContent) -> bytes:
    """The letter laid out for A4 paper, pages numbered "Page N of M"."""
    document = HTML(string=letter_html(content), base_url=BASE_URL, url_fetcher=NoFetcher())
    stylesheet = CSS(
        string=render_to_string("medinfo/letter_pdf.css"),
        base_url=BASE_URL,
        url_fetcher=NoFetcher(),
    )
    pdf: bytes = document.write_pdf(stylesheets=[stylesheet])
    return pdf
