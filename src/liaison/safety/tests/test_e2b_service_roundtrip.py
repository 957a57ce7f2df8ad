"""The FDA's example ICSRs through the service: imported as cases (a report id seen
before is the next version of its case), exported again with the same safety report
id, reactions and products, and valid against the ICH schema set (FDA regional)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from liaison.core.models import User
from liaison.safety.e2b import read_icsrs
from liaison.safety.models import Case, CaseVersion
from liaison.safety.services import e2b as e2b_service

pytestmark = [pytest.mark.django_db, pytest.mark.shared_data]


def test_every_fda_example_imports_and_exports_valid_with_its_ids(
    pv: User, shared_data: Path, settings: Any
) -> None:
    settings.LIAISON_E2B_SCHEMA_DIR = str(shared_data / "e2b" / "schema")
    files = sorted((shared_data / "e2b" / "r3").glob("FAERS*.xml"))
    assert len(files) >= 7
    report_ids: set[str] = set()
    for path in files:
        with path.open("rb") as stream:
            original = read_icsrs(stream, name=path.name)
        with path.open("rb") as stream:
            cases = e2b_service.import_e2b(actor=pv, stream=stream, name=path.name)
        assert len(cases) == len(original)
        for case, icsr in zip(cases, original, strict=True):
            case.refresh_from_db()
            assert case.safety_report_id == icsr.report_id
            if icsr.report_id in report_ids:
                assert case.version_kind == CaseVersion.FOLLOW_UP
            report_ids.add(icsr.report_id)
            exported = e2b_service.export_case(actor=pv, case=case, regional="fda")
            assert exported.valid is True, exported.errors[:3]
            (again,) = read_icsrs(io.BytesIO(exported.content), name=exported.file_name)
            assert again.report_id == icsr.report_id
            assert [(r.meddra_code, r.meddra_version) for r in again.reactions] == [
                (r.meddra_code, r.meddra_version) for r in icsr.reactions
            ]
            assert [d.product_name for d in again.drugs] == [d.product_name for d in icsr.drugs]
            assert again.patient.masked or again.patient.name is None or not case.patient_initials
    assert Case.objects.count() == len(report_ids)
