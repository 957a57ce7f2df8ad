"""The search language in the library (``literature.search``): every part of it on a
small library, on SQLite (FTS5) and PostgreSQL alike, checked against a plain
reading of the same queries over the same papers."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.lib import query
from liaison.lib.text import fold
from liaison.literature.selectors import PublicationFilters, publication_queryset
from liaison.literature.tests import search_world
from liaison.literature.tests.search_world import PAPERS, Paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(db: None) -> None:
    search_world.build()


def found(user: User, q: str, **filters: object) -> set[int]:
    queryset = publication_queryset(user, PublicationFilters(q=q, **filters))  # type: ignore[arg-type]
    return set(queryset.values_list("pmid", flat=True))


def test_or_finds_either_word(library: None, msl: User) -> None:
    assert found(msl, "lecanemab OR evolocumab") == {101, 102, 106}
    assert found(msl, "lecanemab or evolocumab") == {101, 102, 106}  # operators in any case


def test_or_is_ranked_and_counted(library: None, msl: User) -> None:
    queryset = publication_queryset(msl, PublicationFilters(q="lecanemab OR evolocumab"))
    assert queryset.count() == 3
    assert {publication.pmid for publication in queryset} == {101, 102, 106}


def test_words_side_by_side_must_all_appear(library: None, msl: User) -> None:
    assert found(msl, "heart failure") == {103, 104}
    assert found(msl, "heart AND failure") == {103, 104}
    assert found(msl, "lecanemab heart") == set()


def test_a_quoted_phrase_is_matched_as_written(library: None, msl: User) -> None:
    assert found(msl, '"heart failure"') == {103}


def test_not_excludes(library: None, msl: User) -> None:
    assert found(msl, "lecanemab NOT review[pt]") == {101}
    assert found(msl, "heart NOT transplant*") == {103}
    assert found(msl, "NOT review[pt]") == {101, 102, 104, 105, 107}


def test_a_prefix_needs_its_star(library: None, msl: User) -> None:
    assert found(msl, "cardio*") == {102, 105}
    assert found(msl, "cardio") == set()
    assert found(msl, '"heart fail"*') == {103}


def test_words_are_stemmed_on_both_databases(library: None, msl: User) -> None:
    assert found(msl, "grafts") == {104}  # "Graft failure", "grafts"
    assert found(msl, "registry") == {103}


def test_left_to_right_as_pubmed(library: None, msl: User) -> None:
    assert found(msl, "lecanemab OR evolocumab AND review[pt]") == {106}
    assert found(msl, "lecanemab OR (evolocumab AND review[pt])") == {101, 106}


def test_title_and_title_or_abstract(library: None, msl: User) -> None:
    assert found(msl, "failure[ti]") == {103, 104}
    assert found(msl, "heart failure[ti]") == {103}  # a tag makes its words one phrase
    assert found(msl, "amyloid[ti]") == set()
    assert found(msl, "amyloid[tiab]") == {101, 105, 106}
    assert found(msl, "Amyloid[Title/Abstract]") == {101, 105, 106}


def test_authors_are_authors_not_investigators(library: None, msl: User) -> None:
    assert found(msl, "sabatine[au]") == {102}  # an investigator of 105 only
    assert found(msl, "smith j[au]") == {104}  # Smith JA; Smith J of 105 investigated
    assert found(msl, "van dyck[au]") == {101}
    assert found(msl, "muller[au]") == {103}  # Müller
    assert found(msl, "weiss[au]") == {106}  # Weiß
    assert found(msl, "smi*[au]") == {104}
    assert found(msl, "smit[au]") == set()


def test_mesh_headings_by_name_or_ui(library: None, msl: User) -> None:
    assert found(msl, "alzheimer disease[mh]") == {101, 106}
    assert found(msl, "Alzheimer Disease[MeSH Terms]") == {101, 106}
    assert found(msl, "D000544[mh]") == {101, 106}
    assert found(msl, "heart*[mh]") == {103, 104}
    assert found(msl, "heart[mh]") == set()


def test_publication_types(library: None, msl: User) -> None:
    assert found(msl, "review[pt]") == {103, 106}
    assert found(msl, "randomized controlled trial[pt]") == {101, 102}


def test_publication_dates_and_ranges(library: None, msl: User) -> None:
    assert found(msl, "2020:2023[dp]") == {101, 104, 105}
    assert found(msl, "2019/06[dp]") == {103}
    assert found(msl, "2023/01/05[dp]") == {101}
    assert found(msl, "2020/11:2021/02[dp]") == {104, 105}
    assert found(msl, "(lecanemab OR evolocumab) AND 2020:2024[dp]") == {101, 106}


def test_fields_mix_with_words_under_or(library: None, msl: User) -> None:
    assert found(msl, "alzheimer disease[mh] OR evolocumab") == {101, 102, 106}
    assert found(msl, "alzheimer disease[mh] OR evolocumab", sort="relevance") == {101, 102, 106}
    assert found(msl, "sabatine[au] OR tafamidis", sort="date") == {102, 105}


def test_accents_and_case_do_not_matter(library: None, msl: User) -> None:
    assert found(msl, "CAFÉ") == {107}
    assert found(msl, "cafe") == {107}
    assert found(msl, "LECANEMAB[TI]") == {101, 106}


def test_relevance_without_words_is_newest_first(library: None, msl: User) -> None:
    queryset = publication_queryset(msl, PublicationFilters(q="review[pt]", sort="relevance"))
    assert [publication.pmid for publication in queryset] == [106, 103]


def test_a_query_it_cannot_read_names_the_place(library: None, msl: User) -> None:
    with pytest.raises(query.QueryError) as caught:
        found(msl, "(lecanemab OR evolocumab AND x[xx]")
    assert caught.value.field == "q"
    assert caught.value.message == (
        "unknown field tag [xx] at character 31; use [ti], [tiab], [au], [mh], [pt] or [dp]"
    )


def test_a_reversed_range_says_so(library: None, msl: User) -> None:
    with pytest.raises(query.QueryError, match=r"the range 2023:2020 is reversed"):
        found(msl, "2023:2020[dp]")
    with pytest.raises(LiaisonError, match="the date range is reversed") as caught:
        found(msl, "", date_from=dt.date(2023, 1, 1), date_to=dt.date(2020, 1, 1))
    assert caught.value.field == "date_to"


# --- the same queries read plainly, over the same papers ----------------------------------


def _has_phrase(tokens: list[str], words: tuple[str, ...], prefix: bool) -> bool:
    size = len(words)
    for start in range(len(tokens) - size + 1):
        window = tokens[start : start + size]
        if window[:-1] == list(words[:-1]) and (
            window[-1].startswith(words[-1]) if prefix else window[-1] == words[-1]
        ):
            return True
    return False


def _name_has(name: str, term: query.Term) -> bool:
    parts = name.split()
    last = len(term.words) - 1
    for index, word in enumerate(term.words):
        initials = index == last and index > 0 and len(word) <= 2 and word.isalpha()
        prefix = (index == last and term.prefix) or initials
        if not any(part.startswith(word) if prefix else part == word for part in parts):
            return False
    return True


def matches(node: query.Node, paper: Paper) -> bool:
    """Whether ``paper`` matches ``node``, read plainly (no index, no SQL)."""
    if isinstance(node, query.And):
        return all(matches(child, paper) for child in node.children)
    if isinstance(node, query.Or):
        return any(matches(child, paper) for child in node.children)
    if isinstance(node, query.Not):
        return not matches(node.child, paper)
    if isinstance(node, query.Dates):
        return node.first <= paper.published_on <= node.last
    wanted = " ".join(node.words)
    if node.field in (query.Field.TIAB, query.Field.TITLE):
        texts = [paper.title] if node.field == query.Field.TITLE else [paper.title, paper.abstract]
        return any(_has_phrase(fold(text).split(), node.words, node.prefix) for text in texts)
    if node.field == query.Field.AUTHOR:
        return any(_name_has(search_world.search_name(a), node) for a in paper.authors)
    names = paper.mesh if node.field == query.Field.MESH else paper.types
    return any(
        fold(name).startswith(wanted) if node.prefix else fold(name) == wanted for name in names
    )


# Terms whose every form in the papers is the same word to a stemmer, so the plain reading
# (which does not stem) and the databases (which do) agree.
TERMS = [
    "lecanemab",
    "evolocumab",
    "heart",
    "failure",
    "amyloid",
    "cardio*",
    "lecan*",
    '"heart failure"',
    "failure[ti]",
    "lecanemab[ti]",
    "alzheimer[tiab]",
    "sabatine[au]",
    "smith j[au]",
    "muller[au]",
    "alzheimer disease[mh]",
    "heart*[mh]",
    "review[pt]",
    "2019:2021[dp]",
    "2023[dp]",
]


def _queries() -> st.SearchStrategy[str]:
    leaves = st.sampled_from(TERMS)
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["AND", "OR", "NOT"]), inner).map(
                lambda parts: f"({parts[0]} {parts[1]} {parts[2]})"
            ),
            inner.map(lambda part: f"(NOT {part})"),
        ),
        max_leaves=6,
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # the papers are only read
)
@given(text=_queries())
def test_the_database_finds_what_the_query_says(library: None, msl: User, text: str) -> None:
    node = query.parse(text)
    assert node is not None
    expected = {paper.pmid for paper in PAPERS if matches(node, paper)}
    assert found(msl, text, sort="date") == expected
    assert found(msl, text, sort="relevance") == expected
