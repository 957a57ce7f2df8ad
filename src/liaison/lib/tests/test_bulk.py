"""The bulk-insert engine on the database the tests run on (SQLite, or PostgreSQL
with ``LIAISON_DATABASE_URL``, where plain rows go through COPY)."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from liaison.directory.models import HCP, Specialty
from liaison.lib import bulk

pytestmark = pytest.mark.django_db


def test_insert_instances_sets_primary_keys_in_order() -> None:
    specialties = [Specialty(name=f"Specialty {number}") for number in range(5)]
    bulk.insert_instances(Specialty, specialties)
    stored = dict(Specialty.objects.values_list("pk", "name"))
    assert [stored[item.pk] for item in specialties] == [item.name for item in specialties]
    assert all(not item._state.adding for item in specialties)


def test_insert_instances_splits_batches_without_losing_the_order(monkeypatch: Any) -> None:
    monkeypatch.setattr(bulk, "MAX_ROWS", 2)
    specialties = [Specialty(name=f"Specialty {number}") for number in range(5)]
    bulk.insert_instances(Specialty, specialties)
    assert len({item.pk for item in specialties}) == 5
    assert [Specialty.objects.get(pk=item.pk).name for item in specialties] == [
        item.name for item in specialties
    ]


def test_insert_instances_adapts_json_dates_and_sets_auto_now() -> None:
    before = dt.datetime.now(dt.UTC)
    hcp = HCP(
        given_name="Ada",
        family_name="Lovelace",
        search_name="lovelace ada",
        country="GB",
        credentials=["MD", "PhD"],
        emails=["ada@example.org"],
        consent_date=dt.date(2024, 5, 17),
    )
    bulk.insert_instances(HCP, [hcp])
    stored = HCP.objects.get(pk=hcp.pk)
    assert stored.credentials == ["MD", "PhD"]
    assert stored.emails == ["ada@example.org"]
    assert stored.consent_date == dt.date(2024, 5, 17)
    assert stored.updated_at >= before
    assert stored.updated_at == hcp.updated_at


def test_insert_instances_of_nothing_sends_no_query(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        bulk.insert_instances(Specialty, [])
        bulk.insert_rows(Specialty, ["name"], [])


def test_insert_rows_writes_a_many_to_many_table_by_attname() -> None:
    specialties = [Specialty(name="Cardiology"), Specialty(name="Oncology")]
    bulk.insert_instances(Specialty, specialties)
    hcp = HCP(given_name="Ada", family_name="Lovelace", search_name="lovelace ada", country="GB")
    bulk.insert_instances(HCP, [hcp])
    through = HCP.specialties.through
    bulk.insert_rows(through, ["hcp_id", "specialty_id"], [(hcp.pk, s.pk) for s in specialties])
    assert sorted(hcp.specialties.values_list("name", flat=True)) == ["Cardiology", "Oncology"]


@pytest.mark.parametrize("in_bulk", [True, False], ids=["bulk", "one-by-one"])
def test_bulk_insert_writes_rows_of_database_values(in_bulk: bool) -> None:
    statement = bulk.BulkInsert(Specialty, ["name", "taxonomy_code"])
    with connection.cursor() as cursor:
        statement.run(cursor, [("Cardiology", "207RC0000X"), ("Oncology", "")], bulk=in_bulk)
    assert dict(Specialty.objects.values_list("name", "taxonomy_code")) == {
        "Cardiology": "207RC0000X",
        "Oncology": "",
    }


@pytest.mark.parametrize("in_bulk", [True, False], ids=["bulk", "one-by-one"])
def test_bulk_insert_refusal_is_djangos_integrity_error(in_bulk: bool) -> None:
    """COPY's errors come from the driver: they must reach callers as Django's."""
    Specialty.objects.create(name="Cardiology")
    statement = bulk.BulkInsert(Specialty, ["name", "taxonomy_code"])
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        statement.run(cursor, [("Oncology", ""), ("Cardiology", "")], bulk=in_bulk)
    assert list(Specialty.objects.values_list("name", flat=True)) == ["Cardiology"]


class _PathTaken(Exception):
    pass


def test_bulk_insert_uses_copy_only_on_postgresql() -> None:
    statement = bulk.BulkInsert(Specialty, ["name"])
    calls: list[str] = []

    class Recorder:
        def executemany(self, sql: str, rows: Any) -> None:
            calls.append("executemany")

        def copy(self, sql: str) -> Any:
            calls.append("copy")
            raise _PathTaken  # enough to know which path was taken

    with contextlib.suppress(_PathTaken):
        statement.run(Recorder(), [("Cardiology",)])
    expected = "copy" if connection.vendor == "postgresql" else "executemany"
    assert calls == [expected]
