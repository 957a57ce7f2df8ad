"""Reading E2B(R3) ICSR batches: the FDA FAERS examples, counted against the files themselves."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from liaison.safety.e2b import (
    DrugRole,
    NullFlavor,
    PartialDate,
    Patient,
    read_batch,
    read_icsrs,
    sniff,
)

from .e2b_factories import FAERS, NS, batch_xml, minimal_icsr

MESSAGE = "/h:MCCI_IN200100UV01/h:PORR_IN049016UV"
EVENT = f"{MESSAGE}/h:controlActProcess/h:subject/h:investigationEvent"
ROLE = f"{EVENT}/h:component/h:adverseEventAssessment/h:subject1/h:primaryRole"
REACTIONS = f"{ROLE}/h:subjectOf2/h:observation[h:code/@code='29']"
DRUGS = f"{ROLE}/h:subjectOf2/h:organizer[h:code/@code='4']/h:component/h:substanceAdministration"


def xpath(tree: etree._ElementTree, path: str) -> list[str]:
    found = tree.xpath(path, namespaces=NS)
    assert isinstance(found, list)
    return [str(item).strip() for item in found]


@pytest.fixture
def faers(shared_data: Path, request: pytest.FixtureRequest) -> Path:
    return shared_data / "e2b" / "r3" / str(request.param)


@pytest.mark.shared_data
@pytest.mark.parametrize("faers", FAERS, indirect=True)
def test_every_fda_example_reads_as_the_file_says(faers: Path) -> None:
    tree = etree.parse(str(faers))
    with faers.open("rb") as stream:
        batch = read_batch(stream, name=faers.name)

    assert len(batch.icsrs) == len(xpath(tree, MESSAGE))
    icsr = batch.icsrs[0]
    assert batch.header is not None
    assert batch.header.batch_id == xpath(tree, "/h:MCCI_IN200100UV01/h:id/@extension")[0]
    assert (
        batch.header.receiver_id
        == xpath(tree, "//h:receiver[not(ancestor::h:PORR_IN049016UV)]/h:device/h:id/@extension")[0]
    )
    assert (
        icsr.report_id
        == xpath(tree, f"{EVENT}/h:id[@root='2.16.840.1.113883.3.989.2.1.3.1']/@extension")[0]
    )
    assert len(icsr.reactions) == len(xpath(tree, REACTIONS))
    assert [reaction.meddra_code for reaction in icsr.reactions] == xpath(
        tree, f"{REACTIONS}/h:value/@code"
    )
    assert len(icsr.drugs) == len(xpath(tree, DRUGS))
    assert [drug.product_name for drug in icsr.drugs] == xpath(
        tree, f"{DRUGS}/h:consumable/h:instanceOfKind/h:kindOfProduct/h:name/text()"
    )
    assert icsr.narrative == " ".join(xpath(tree, f"{EVENT}/h:text/text()"))
    assert (
        icsr.created_at.value
        == xpath(tree, f"{MESSAGE}/h:controlActProcess/h:effectiveTime/@value")[0]
    )
    assert icsr.received_at.value == xpath(tree, f"{EVENT}/h:effectiveTime/h:low/@value")[0]


@pytest.mark.shared_data
@pytest.mark.parametrize("faers", FAERS, indirect=True)
def test_drug_roles_follow_the_characterisations_in_order(faers: Path) -> None:
    """Joined by id, or in order where an example writes an id twice (scenario 5-3)."""
    tree = etree.parse(str(faers))
    roles = xpath(
        tree,
        "//h:causalityAssessment[h:code/@code='20']/h:value/@code",
    )

    icsr = read_icsrs(faers.open("rb"), name=faers.name)[0]

    assert [drug.role for drug in icsr.drugs] == [DrugRole(code) for code in roles]


@pytest.mark.shared_data
def test_the_mega_example_keeps_patient_death_study_and_dosage(shared_data: Path) -> None:
    path = shared_data / "e2b" / "r3" / "FAERS2022Scenario6.xml"
    tree = etree.parse(str(path))

    icsr = read_icsrs(path.open("rb"), name=path.name)[0]

    patient = icsr.patient
    assert patient.name == xpath(tree, f"{ROLE}/h:player1/h:name/text()")[0]
    assert patient.birth_date == PartialDate(xpath(tree, f"{ROLE}/h:player1/h:birthTime/@value")[0])
    assert (
        str(patient.weight_kg)
        == xpath(tree, f"{ROLE}/h:subjectOf2/h:observation[h:code/@code='7']/h:value/@value")[0]
    )
    assert patient.age_group == NullFlavor.NI
    assert patient.death is not None
    assert [cause.code for cause in patient.death.reported_causes] == xpath(
        tree, f"{ROLE}/h:subjectOf2/h:observation[h:code/@code='32']/h:value/@code"
    )
    assert [race.code for race in patient.fda_races] == xpath(
        tree, f"{ROLE}/h:subjectOf2/h:observation[h:code/@code='C17049']/h:value/@code"
    )
    assert icsr.study is not None
    assert [registration.number for registration in icsr.study.registrations] == xpath(
        tree,
        f"{ROLE}/h:subjectOf1/h:researchStudy/h:authorization/h:studyRegistration/h:id/@extension",
    )
    first_dose = icsr.drugs[0].dosages[0]
    dose_path = f"{DRUGS}[1]/h:outboundRelationship2[@typeCode='COMP'][1]/h:substanceAdministration"
    assert first_dose.batch_number == xpath(tree, f"{dose_path}//h:lotNumberText/text()")[0]
    assert first_dose.dose is not None
    assert str(first_dose.dose.value) == xpath(tree, f"{dose_path}/h:doseQuantity/@value")[0]
    assert first_dose.frequency is not None
    assert first_dose.frequency.unit == xpath(tree, f"{dose_path}//h:period/@unit")[0]
    assert icsr.drugs[0].batch_numbers == (first_dose.batch_number,)
    assert len(icsr.drugs[0].assessments) == len(
        xpath(
            tree,
            "//h:causalityAssessment[h:code/@code='39']"
            f"[h:subject2/h:productUseReference/h:id/@root='{icsr.drugs[0].id}']/h:value/text()",
        )
    )
    assert [source.family_name for source in icsr.primary_sources] == xpath(
        tree, "//h:relatedInvestigation[h:code/@code='2']//h:assignedPerson/h:name/h:family/text()"
    )
    assert icsr.reactions[0].serious
    assert (
        icsr.reactions[0].language
        == xpath(tree, f"{REACTIONS}[1]/h:value/h:originalText/@language")[0]
    )


@pytest.mark.shared_data
def test_sniff_tells_an_icsr_batch_from_an_acknowledgement_and_rewinds(shared_data: Path) -> None:
    folder = shared_data / "e2b" / "r3"
    with (
        (folder / "FAERS2022Scenario1.xml").open("rb") as icsr,
        (folder / "R3ack-positive.xml").open("rb") as ack,
    ):
        assert sniff(icsr, name="icsr") == "icsr"
        assert sniff(ack, name="ack") == "ack"
        assert icsr.tell() == 0
        assert ack.tell() == 0
        assert read_icsrs(icsr, name="icsr")


def test_a_bare_message_without_its_batch_reads_with_no_header() -> None:
    tree = etree.fromstring(batch_xml(minimal_icsr()))
    message = tree.find("h:PORR_IN049016UV", namespaces=NS)
    assert message is not None

    batch = read_batch(io.BytesIO(etree.tostring(message)), name="message.xml")

    assert batch.header is None
    assert [icsr.report_id for icsr in batch.icsrs] == [minimal_icsr().report_id]


def test_every_message_of_a_batch_reads_in_order() -> None:
    ids = [f"US-LIAISON-{number:04}" for number in range(1, 6)]
    xml = batch_xml(*(minimal_icsr(report_id) for report_id in ids))

    assert [icsr.report_id for icsr in read_icsrs(io.BytesIO(xml), name="batch.xml")] == ids


def test_a_masked_name_reads_as_masked() -> None:
    xml = batch_xml(replace(minimal_icsr(), patient=Patient(name="JD", masked=True)))

    patient = read_icsrs(io.BytesIO(xml), name="masked.xml")[0].patient

    assert patient.masked
    assert patient.name == NullFlavor.MSK


def test_the_date_of_birth_is_judged_against_the_given_day() -> None:
    born = Patient(name="JD", birth_date=PartialDate("20240601"))
    xml = batch_xml(replace(minimal_icsr(), patient=born))

    read = read_icsrs(io.BytesIO(xml), name="born.xml", today=dt.date(2024, 6, 1))

    assert read[0].patient.birth_date == born.birth_date


@pytest.mark.parametrize(
    ("value", "precision", "day"),
    [
        ("2014", "year", None),
        ("201410", "month", None),
        ("20141010", "day", dt.date(2014, 10, 10)),
        ("2014101015", "hour", dt.date(2014, 10, 10)),
        ("20141010151617-0500", "second", dt.date(2014, 10, 10)),
        ("20141010151617.25+0100", "second", dt.date(2014, 10, 10)),
    ],
)
def test_a_partial_date_keeps_its_precision(
    value: str, precision: str, day: dt.date | None
) -> None:
    date = PartialDate(value)

    assert (date.precision, date.to_date(), str(date)) == (precision, day, value)


@pytest.mark.parametrize(
    "value",
    ["14", "2014-10-10", "20141310", "20140230", "20141010256000", "2014.5", "20141010+2500"],
)
def test_a_partial_date_refuses_what_is_not_a_date(value: str) -> None:
    with pytest.raises(ValueError, match=value.replace(".", r"\.").replace("+", r"\+")):
        PartialDate(value)


def test_partial_dates_from_python_dates_keep_the_offset() -> None:
    moment = dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))

    assert PartialDate.from_datetime(moment).value == "20240301093000+0200"
    assert PartialDate.from_date(moment.date()).earliest() == moment.date()
    assert PartialDate("2024").earliest() == dt.date(2024, 1, 1)
