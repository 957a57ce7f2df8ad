"""Model helpers: the sorting date of partial dates, the short citation."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.literature.models import Journal, Publication, first_day


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ((2019, 11, 5), dt.date(2019, 11, 5)),
        ((2019, 11, None), dt.date(2019, 11, 1)),
        ((2019, None, None), dt.date(2019, 1, 1)),
        ((2019, None, 7), dt.date(2019, 1, 1)),  # a day without a month means nothing
        ((2019, 2, 30), dt.date(2019, 2, 1)),  # an impossible day falls back to the month
        ((2019, 13, None), dt.date(2019, 1, 1)),
        ((None, 5, 1), None),
    ],
)
def test_first_day_of_partial_dates(
    parts: tuple[int | None, int | None, int | None], expected: dt.date | None
) -> None:
    assert first_day(*parts) == expected


def test_citation_names_journal_date_volume_issue_pages() -> None:
    publication = Publication(
        pmid=1,
        journal=Journal(title="The Journal", iso_abbreviation="J Test"),
        published_text="2019 Nov-Dec",
        volume="12",
        issue="4",
        pages="101-9",
    )
    assert publication.citation == "J Test. 2019 Nov-Dec;12(4):101-9"
    assert Publication(pmid=2, published_year=2001).citation == "2001"
