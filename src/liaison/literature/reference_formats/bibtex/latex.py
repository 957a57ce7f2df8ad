"""LaTeX in BibTeX values: accents, symbols and quotes as Unicode, and name lists split.

``decode_latex`` turns ``{\\"u}ber \\& {DNA}`` into ``über & DNA`` and LaTeX's
quotes into typographic ones: ````real world''`` and ``\\enquote{real world}``
become ``“real world”``, ```single'`` becomes single typographic quotes (U+2018,
U+2019), ``\\glqq ...\\grqq`` becomes ``„...“``. A lone apostrophe
(``O'Brien``, ``Schrödinger's``) stays as it is.
"""

from __future__ import annotations

import re

from pylatexenc import latexwalker  # type: ignore[import-untyped]
from pylatexenc.latex2text import (  # type: ignore[import-untyped]
    LatexNodes2Text,
    MacroTextSpec,
    get_default_latex_context_db,
)
from pylatexenc.macrospec import MacroSpec  # type: ignore[import-untyped]

from liaison.literature.reference_formats.model import Author, clean

# Quote macros pylatexenc does not know: csquotes' \enquote (what Better BibTeX
# writes for quoted text) and biblatex's \mkbibquote take the quoted text as
# argument; babel's German and French quotes are single marks.
_QUOTED = {"enquote": "\u201c%s\u201d", "mkbibquote": "\u201c%s\u201d"}
_MARKS = {
    "glqq": "\u201e",
    "grqq": "\u201c",
    "glq": "\u201a",
    "grq": "\u2018",
    "flqq": "\u00ab",
    "frqq": "\u00bb",
    "flq": "\u2039",
    "frq": "\u203a",
}
_TEXT_CONTEXT = get_default_latex_context_db()
_TEXT_CONTEXT.add_context_category(
    "liaison-quotes",
    prepend=True,
    macros=[
        MacroTextSpec(name, simplify_repl=text) for name, text in {**_QUOTED, **_MARKS}.items()
    ],
)
_PARSE_CONTEXT = latexwalker.get_default_latex_context_db()
_PARSE_CONTEXT.add_context_category(
    "liaison-quotes", prepend=True, macros=[MacroSpec(name, "{") for name in _QUOTED]
)
_LATEX = LatexNodes2Text(latex_context=_TEXT_CONTEXT, math_mode="text", strict_latex_spaces=True)

_BRACES = re.compile(r"(?<!\\)[{}]")
# ``...'' (double) and `...' (single) as LaTeX writes them; an accent (\` or \')
# is not a quote. A single quote closes at an apostrophe that no letter follows,
# so that ``Schrödinger's'' inside it stays an apostrophe.
_DOUBLE_OPEN = re.compile(r"(?<!\\)``")
_DOUBLE_CLOSE = re.compile(r"(?<!\\)''")
_SINGLE = re.compile(r"(?<![\\`])`(?!`)((?:[^`'\\]|\\.|'(?=\w))*?)(?<!\\)'(?!\w)")
_LONE_OPEN = re.compile(r"(?<![\\`])`(?!`)")


def typographic_quotes(value: str) -> str:
    """``value`` with LaTeX's ASCII quotes (````x''``, ```x'``) made typographic (U+201C/U+201D, U+2018/U+2019)."""
    if "`" not in value and "''" not in value:
        return value
    value = _DOUBLE_OPEN.sub("\u201c", value)
    value = _DOUBLE_CLOSE.sub("\u201d", value)
    value = _SINGLE.sub("\u2018\\1\u2019", value)
    return _LONE_OPEN.sub("\u2018", value)


def decode_latex(value: str) -> str:
    """Unicode text of a BibTeX value: ``{\\"u}ber \\& {DNA}`` is ``über & DNA``."""
    value = typographic_quotes(value)
    if "\\" not in value and "$" not in value:
        plain = _BRACES.sub("", value).replace("---", "\u2014").replace("--", "\u2013")
        return plain.replace("~", "\u00a0")
    try:
        walker = latexwalker.LatexWalker(value, latex_context=_PARSE_CONTEXT, tolerant_parsing=True)
        nodes, _, _ = walker.get_latex_nodes()
        decoded: str = _LATEX.nodelist_to_text(nodes)
    except Exception:  # a malformed macro: keep the text rather than lose the entry
        return _BRACES.sub("", value)
    return decoded


def split_authors(value: str) -> tuple[Author, ...]:
    """Authors of a raw BibTeX name list (``A and B``), each ``Family, Given`` or ``Given Family``.

    A name wholly in braces (``{World Health Organization}``) is a group;
    ``and`` inside braces does not separate names. LaTeX is decoded per name.
    """
    authors: list[Author] = []
    for raw in _split_names(value):
        if raw.lower() == "others":
            continue
        if raw.startswith("{") and raw.endswith("}") and _balanced(raw[1:-1]):
            if group := clean(decode_latex(raw[1:-1])):
                authors.append(Author(family=group))
            continue
        name = clean(decode_latex(raw)) or ""
        if not name:
            continue
        if "," in name:
            family, _, given = name.partition(",")
            authors.append(Author(family=family.strip(), given=clean(given.strip(" ,"))))
            continue
        words = name.split(" ")
        if len(words) == 1:
            authors.append(Author(family=name))
            continue
        # "Ludwig van Beethoven": lower-case particles belong to the family name.
        split = len(words) - 1
        while split > 1 and words[split - 1][:1].islower():
            split -= 1
        authors.append(Author(family=" ".join(words[split:]), given=" ".join(words[:split])))
    return tuple(authors)


def _split_names(value: str) -> list[str]:
    """``value`` cut at each `` and `` outside braces."""
    names: list[str] = []
    depth, start = 0, 0
    for match in re.finditer(r"[{}]|\s+and\s+", value, flags=re.IGNORECASE):
        found = match.group(0)
        if found == "{":
            depth += 1
        elif found == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            names.append(value[start : match.start()].strip())
            start = match.end()
    names.append(value[start:].strip())
    return [name for name in names if name]


def _balanced(value: str) -> bool:
    depth = 0
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0
