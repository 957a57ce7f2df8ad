"""A reference import writes in short batches, is completed by running it again after
a stop half way (nothing doubled), and refuses files over its caps before writing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.core import audit
from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.core.uploads import check_upload_size, store_upload
from liaison.literature.models import LibraryItem
from liaison.literature.services import references
from liaison.literature.views.references import ReferenceImportForm


def ris(path: Path, count: int) -> Path:
    path.write_text(
        "".join(
            f"TY  - JOUR\nTI  - Batch study {n}\nPY  - 2020\nDO  - 10.5555/b.{n}\nER  - \n\n"
            for n in range(count)
        ),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(references, "IMPORT_BATCH", 2)


def test_the_references_are_written_in_batches_each_with_its_events(
    msl: User, tmp_path: Path, small_batches: None
) -> None:
    with CaptureQueriesContext(connection) as queries:
        report = references.import_references(actor=msl, path=ris(tmp_path / "a.ris", 5))
    assert report.added == 5 and LibraryItem.objects.filter(owner=msl).count() == 5
    # One insert per batch: three batches of 2, 2 and 1 (each its own transaction: below).
    inserts = [q for q in queries.captured_queries if 'INTO "literature_libraryitem"' in q["sql"]]
    assert len(inserts) == 3
    assert audit.verify_chain()[1] is None


def test_a_run_stopped_half_way_is_completed_by_running_it_again(
    msl: User, tmp_path: Path, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = ris(tmp_path / "a.ris", 5)
    real_bulk_create = LibraryItem.objects.bulk_create
    calls: list[int] = []

    def crash_on_the_second(items: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(len(items))
        if len(calls) == 2:
            raise RuntimeError("killed")
        return real_bulk_create(items, *args, **kwargs)

    monkeypatch.setattr(LibraryItem.objects, "bulk_create", crash_on_the_second)
    with pytest.raises(RuntimeError):
        references.import_references(actor=msl, path=path)
    assert LibraryItem.objects.filter(owner=msl).count() == 2  # the first batch stays
    monkeypatch.setattr(LibraryItem.objects, "bulk_create", real_bulk_create)
    again = references.import_references(actor=msl, path=path)
    assert (again.added, again.already) == (3, 2)
    assert LibraryItem.objects.filter(owner=msl).count() == 5
    assert audit.verify_chain()[1] is None


def test_a_file_over_the_record_cap_is_refused_before_writing(
    msl: User, tmp_path: Path, settings: Any
) -> None:
    settings.LIAISON_REFERENCE_IMPORT_MAX_RECORDS = 3
    with pytest.raises(LiaisonError, match=r"big\.ris: 4 references, more than the 3 one file"):
        references.import_references(actor=msl, path=ris(tmp_path / "big.ris", 4))
    assert not LibraryItem.objects.exists()


class Incoming:
    def __init__(self, name: str, size: int) -> None:
        self.name, self.size = name, size

    def chunks(self) -> list[bytes]:
        return [b"x" * self.size]


def test_an_upload_over_the_size_cap_is_refused_before_it_is_kept(
    msl: User, settings: Any, tmp_path: Path
) -> None:
    settings.LIAISON_UPLOAD_MAX_MB = 1
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(LiaisonError, match=r"huge.csv: 2.0 MB, more than the 1 MB"):
        store_upload(owner=msl, file=Incoming("huge.csv", 2 * 1024 * 1024))
    assert not any(tmp_path.rglob("huge.csv"))
    check_upload_size(Incoming("ok.csv", 1024))  # under the cap: no error


def test_the_upload_form_states_the_caps(settings: Any) -> None:
    settings.LIAISON_REFERENCE_IMPORT_MAX_MB = 7
    settings.LIAISON_REFERENCE_IMPORT_MAX_RECORDS = 12_000
    help_text = str(ReferenceImportForm().fields["file"].help_text)
    assert "at most 7 MB and 12,000 references" in help_text
