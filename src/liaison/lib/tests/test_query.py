"""The search language's parser (``lib.query``): what it reads, and what it refuses, where."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.lib import query
from liaison.lib.query import And, Dates, Field, Not, Or, QueryError, Term, parse, show


def shown(text: str) -> str:
    node = parse(text)
    assert node is not None
    return show(node)


def refusal(text: str) -> QueryError:
    with pytest.raises(QueryError) as caught:
        parse(text)
    return caught.value


# --- what it reads ---------------------------------------------------------------------------


def test_a_blank_query_is_no_query() -> None:
    assert parse("") is None
    assert parse("  \t ") is None


def test_words_are_folded_terms_of_the_title_and_abstract() -> None:
    assert parse("Lecanemab") == Term(Field.TIAB, ("lecanemab",), False, "Lecanemab", 1)
    assert shown("Müller-Lüdenscheidt") == '"muller ludenscheidt"[tiab]'  # one phrase


def test_or_and_not_combine_terms() -> None:
    assert shown("lecanemab OR evolocumab") == '("lecanemab"[tiab] OR "evolocumab"[tiab])'
    assert shown("a1 AND b2") == '("a1"[tiab] AND "b2"[tiab])'
    assert shown("a1 NOT b2") == '("a1"[tiab] AND (NOT "b2"[tiab]))'
    assert shown("NOT b2") == '(NOT "b2"[tiab])'
    assert shown("a1 AND NOT b2") == shown("a1 NOT b2")


def test_operators_are_read_in_any_case() -> None:
    assert shown("lecanemab or evolocumab") == shown("lecanemab OR evolocumab")
    assert shown("a1 and not b2") == shown("a1 NOT b2")


def test_words_side_by_side_are_anded_as_one_term() -> None:
    assert shown("heart failure") == '("heart"[tiab] AND "failure"[tiab])'
    assert shown("lecanemab OR heart failure") == (
        '("lecanemab"[tiab] OR ("heart"[tiab] AND "failure"[tiab]))'
    )


def test_operators_apply_left_to_right_as_in_pubmed() -> None:
    assert shown("a1 OR b2 AND c3") == '(("a1"[tiab] OR "b2"[tiab]) AND "c3"[tiab])'
    assert shown("a1 OR (b2 AND c3)") == '("a1"[tiab] OR ("b2"[tiab] AND "c3"[tiab]))'
    assert shown("(a1 OR b2) c3") == '(("a1"[tiab] OR "b2"[tiab]) AND "c3"[tiab])'


def test_phrases_and_prefixes() -> None:
    assert parse('"heart failure"') == Term(
        Field.TIAB, ("heart", "failure"), False, "heart failure", 1
    )
    assert shown("cardio*") == '"cardio"*[tiab]'
    assert shown('"heart fail"*') == '"heart fail"*[tiab]'
    assert shown("“heart failure”") == '"heart failure"[tiab]'  # typographic quotes


def test_a_tag_makes_the_words_before_it_one_phrase_of_its_field() -> None:
    assert shown("heart failure[ti]") == '"heart failure"[ti]'
    assert shown("lecanemab AND heart failure [mh]") == (
        '("lecanemab"[tiab] AND "heart failure"[mh])'
    )
    assert shown('"heart failure"[tiab] OR NSCLC') == '("heart failure"[tiab] OR "nsclc"[tiab])'
    assert shown("smith j[au]") == '"smith j"[au]'
    assert shown("Müller*[au]") == '"muller"*[au]'
    assert shown("Review[PT]") == '"review"[pt]'


def test_tags_in_pubmeds_long_names() -> None:
    for long, short in [
        ("Title", "ti"),
        ("Title/Abstract", "tiab"),
        ("Author", "au"),
        ("MeSH Terms", "mh"),
        ("mh:noexp", "mh"),
        ("Publication Type", "pt"),
        ("Publication Date", "dp"),
    ]:
        assert shown(f"2020[{long}]" if short == "dp" else f"x1[{long}]") == shown(
            f"2020[{short}]" if short == "dp" else f"x1[{short}]"
        )


def test_publication_dates_and_ranges() -> None:
    assert parse("2020[dp]") == Dates(dt.date(2020, 1, 1), dt.date(2020, 12, 31), "2020", 1)
    node = parse("2020/02:2021/03/15[dp]")
    assert isinstance(node, Dates)
    assert (node.first, node.last) == (dt.date(2020, 2, 1), dt.date(2021, 3, 15))
    node = parse("2024-02 [dp]")
    assert isinstance(node, Dates) and node.last == dt.date(2024, 2, 29)
    node = parse("2020 : 2023[dp]")
    assert isinstance(node, Dates) and (node.first.year, node.last.year) == (2020, 2023)


def test_double_negation_cancels() -> None:
    assert shown("NOT NOT a1") == '"a1"[tiab]'
    assert shown("a1 NOT NOT b2") == '("a1"[tiab] AND "b2"[tiab])'


def test_punctuation_alone_is_no_word() -> None:
    assert shown("heart & failure") == shown("heart failure")


# --- what it refuses, and where --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "lecanemab OR (evolocumab",
            "unbalanced parenthesis at character 14: this '(' is never closed",
        ),
        ("lecanemab)", "unbalanced parenthesis at character 10: this ')' closes nothing"),
        (
            "lecanemab[xx]",
            "unknown field tag [xx] at character 10; use [ti], [tiab], [au], [mh], [pt] or [dp]",
        ),
        ('"heart failure', 'unclosed quotation mark at character 1: add the closing "'),
        ("heart[ti", "unclosed field tag at character 6: '[' has no ']'"),
        ("heart]", "']' at character 6 closes no field tag: write tags as [ti]"),
        ("AND heart", "AND at character 1 has no term before it"),
        ("heart OR", "OR at character 7 has no term after it"),
        ("heart NOT", "NOT at character 7 has no term after it"),
        ("heart AND OR lung", "OR at character 11 follows AND: put a term between them"),
        ("heart AND ()", "empty parentheses at character 11: put a term inside"),
        (
            "[ti]",
            "the field tag [ti] at character 1 follows no term: write it right after a "
            "word or a quoted phrase (heart failure[ti])",
        ),
        (
            "(a1 OR b2)[ti]",
            "the field tag [ti] at character 11 follows ')': tag each term inside the parentheses",
        ),
        (
            "ca*",
            "the prefix ca* at character 1 is too short: write at least 3 letters or "
            "digits before the *",
        ),
        ("car*dio", "a * at character 4 may only end a word (cardio*)"),
        ("heart *", "a * at character 7 follows no word: write it at the end of one (cardio*)"),
        ("heart* failure[ti]", "a * at character 6 may only end the last word before the tag [ti]"),
        ('""', "the quotation at character 1 has no letters or digits"),
        ("!?", "nothing to search for at character 1: the search has no letters or digits"),
        (
            "2023:2020[dp]",
            "[dp] at character 1: the range 2023:2020 is reversed (2023 is after "
            "2020); write 2020:2023",
        ),
        (
            "2020/13[dp]",
            "[dp] at character 1: '2020/13' is not a date; use YYYY, YYYY/MM or "
            "YYYY/MM/DD, or a range such as 2020:2023",
        ),
        (
            "2020-2023[dp]",
            "[dp] at character 1: '2020-2023' is not a date; use YYYY, YYYY/MM or "
            "YYYY/MM/DD, or a range such as 2020:2023",
        ),
        (
            "2020*[dp]",
            "[dp] at character 1 takes no * prefix; use YYYY, YYYY/MM or YYYY/MM/DD, "
            "or a range such as 2020:2023",
        ),
    ],
)
def test_refusals_say_what_is_wrong_and_where(text: str, message: str) -> None:
    error = refusal(text)
    assert error.message == message
    assert f"at character {error.position}" in error.message


def test_a_refusal_names_the_input_it_came_from() -> None:
    with pytest.raises(QueryError) as caught:
        parse("(lecanemab", field="q")
    assert (caught.value.field, caught.value.details) == ("q", {"q": caught.value.message})


def test_nesting_and_size_are_bounded() -> None:
    assert "too many nested parentheses" in refusal("(" * 40 + "a1" + ")" * 40).message
    assert shown("(" * 10 + "a1" + ")" * 10) == '"a1"[tiab]'
    many = " OR ".join(f"w{index}" for index in range(query.MAX_TERMS + 1))
    assert "too many terms" in refusal(many).message


# --- properties ------------------------------------------------------------------------------


@settings(max_examples=500)
@given(st.text(max_size=120))
def test_any_text_is_read_or_refused_with_a_place(text: str) -> None:
    try:
        node = parse(text)
    except QueryError as error:
        assert 1 <= error.position <= len(text) + 1
        assert f"at character {error.position}" in error.message
    else:
        assert (node is None) == (not text.strip())


_PIECES = st.sampled_from(
    [
        "a1", "heart", "Müller", "cardio*", "(", ")", '"', '"heart failure"', "[ti]", "[tiab]",
        "[au]", "[mh]", "[pt]", "[dp]", "[xx]", "AND", "OR", "NOT", "and", "*", "2020", "2023:2020",
        "2020/01:2021", "]", "[", "-", " ",
    ]
)  # fmt: skip


@settings(max_examples=1000)
@given(st.lists(_PIECES, max_size=12).map(" ".join))
def test_queries_of_the_languages_pieces_are_read_or_refused(text: str) -> None:
    try:
        parse(text)
    except QueryError as error:
        assert 1 <= error.position <= len(text) + 1
        assert f"at character {error.position}" in error.message


_WORDS = st.sampled_from(["lecanemab", "heart", "failure", "abc1", "muller"])
_LEAVES = st.one_of(
    st.builds(
        lambda field, words, prefix: Term(field, tuple(words), prefix),
        st.sampled_from([Field.TIAB, Field.TITLE, Field.AUTHOR, Field.MESH, Field.TYPE]),
        st.lists(_WORDS, min_size=1, max_size=3),
        st.booleans(),
    ),
    st.builds(
        lambda first, days: Dates(first, first + dt.timedelta(days=days)),
        st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)),
        st.integers(0, 5000),
    ),
)
_TREES = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(
        st.builds(lambda children: And(tuple(children)), st.lists(inner, min_size=2, max_size=3)),
        st.builds(lambda children: Or(tuple(children)), st.lists(inner, min_size=2, max_size=3)),
        st.builds(Not, inner),
    ),
    max_leaves=8,
)


def normal(node: query.Node) -> query.Node:
    """``node`` without what the parser does not keep: nested ``And`` in ``And`` (and
    ``Or`` in ``Or``), double negation, and where each term was typed."""
    if isinstance(node, And | Or):
        children: list[query.Node] = []
        for child in map(normal, node.children):
            same = isinstance(child, And | Or) and type(child) is type(node)
            children.extend(child.children if isinstance(child, And | Or) and same else [child])
        return type(node)(tuple(children))
    if isinstance(node, Not):
        inner = normal(node.child)
        return inner.child if isinstance(inner, Not) else Not(inner)
    if isinstance(node, Dates):
        return Dates(node.first, node.last)
    return Term(node.field, node.words, node.prefix)


@settings(max_examples=300)
@given(_TREES)
def test_a_tree_written_back_reads_the_same(tree: query.Node) -> None:
    again = parse(show(tree))
    assert again is not None
    assert normal(again) == normal(tree)
