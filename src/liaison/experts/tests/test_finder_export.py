"""The finder's export writes no cell a spreadsheet would run as a formula, whichever
column the registry's text reaches."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from liaison.core.models import User
from liaison.experts import finder
from liaison.experts.tests.test_finder import FinderWorld, build_world, melanoma
from liaison.trials.models import TrialOfficial, TrialSite


@pytest.fixture
def world(db: None, tmp_path: Path) -> FinderWorld:
    return build_world(tmp_path)


def exported(user: User, list_name: str) -> list[list[str]]:
    stream = io.BytesIO()
    finder.write_export(user, melanoma(), stream, list_name=list_name, format="csv", limit=50)
    return list(csv.reader(io.StringIO(stream.getvalue().decode("utf-8-sig"))))


def test_a_site_country_that_is_no_country_is_not_a_formula(world: FinderWorld, msl: User) -> None:
    TrialSite.objects.filter(city="Essen").update(country="=HYPERLINK(1)")
    rows = exported(msl, "sites")
    column = rows[0].index("Country")
    assert "'=HYPERLINK(1)" in [row[column] for row in rows[1:]]


def test_an_officials_role_as_registered_is_not_a_formula(world: FinderWorld, msl: User) -> None:
    TrialOfficial.objects.filter(name="John Doe").update(role="=HYPERLINK(2)")
    rows = exported(msl, "investigators")
    column = rows[0].index("Roles")
    doe = next(row for row in rows[1:] if row[1] == "John Doe")
    assert doe[column].startswith("'=")
