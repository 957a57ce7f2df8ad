"""Reading section D (the patient), C.5 (the study) and E.i (the reactions) of an ICSR."""

from __future__ import annotations

from decimal import Decimal

from . import codes
from ._read import (
    Element,
    Reading,
    all_of,
    attribute,
    boolean,
    code_of,
    code_or_null,
    coded,
    date,
    first,
    flag,
    meddra_code,
    meddra_term,
    null_flavor,
    number,
    plain_coded,
    quantity,
    text,
    text_or_null,
)
from .records import (
    Death,
    MeddraTerm,
    NullFlavor,
    Outcome,
    PartialDate,
    Patient,
    Reaction,
    Sex,
    Study,
    StudyRegistration,
)

_SUBJECT = "h:subjectOf2/h:observation"


def read_patient(reading: Reading, role: Element) -> Patient:
    """D from ``primaryRole``: the person, the observations about them, the death."""
    person = first(role, "h:player1")
    name_node = first(person, "h:name")
    name = text_or_null(reading, person, "h:name", "D.1") if person is not None else None
    birth_date = date(reading, first(person, "h:birthTime"), "D.2.1")
    if isinstance(birth_date, PartialDate) and birth_date.earliest() > reading.today:
        reading.fail(
            first(person, "h:birthTime"),
            f'the date of birth "{birth_date}" is in the future',
            "D.2.1",
        )
    sex_node = first(person, "h:administrativeGenderCode")
    age_group = _value(role, codes.AGE_GROUP_OBSERVATION)
    races = [
        plain_coded(first(node, "h:value"))
        for node in coded(role, _SUBJECT, codes.FDA_RACE, codes.NCI)
    ]
    ethnicity = coded(role, _SUBJECT, codes.FDA_ETHNICITY, codes.NCI)
    history = coded(role, "h:subjectOf2/h:organizer", codes.MEDICAL_HISTORY, codes.ORGANIZER)
    return Patient(
        name=name,
        masked=name_node is not None and name_node.get("nullFlavor") == NullFlavor.MSK,
        birth_date=birth_date,
        age=quantity(reading, _value(role, codes.AGE), "D.2.2"),
        age_group=(
            (null_flavor(reading, age_group, "D.2.3") or age_group.get("code"))
            if age_group is not None
            else None
        ),
        weight_kg=_number(reading, role, codes.BODY_WEIGHT, "D.3"),
        height_cm=_number(reading, role, codes.HEIGHT, "D.4"),
        sex=code_or_null(reading, sex_node, Sex, "the sex", "D.5"),
        medical_history=text(
            history[0] if history else None,
            f"h:component/h:observation[h:code/@code='{codes.HISTORY_TEXT}']/h:value",
        ),
        concomitant_therapies=flag(
            reading,
            first(
                history[0] if history else None,
                f"h:component/h:observation[h:code/@code='{codes.CONCOMITANT_THERAPY}']/h:value",
            ),
            "D.7.3",
        ),
        death=_death(reading, role, person),
        fda_races=tuple(race for race in races if race is not None),
        fda_ethnicity=plain_coded(first(ethnicity[0], "h:value")) if ethnicity else None,
    )


def _value(role: Element, code: str) -> Element | None:
    found = coded(role, _SUBJECT, code)
    return first(found[0], "h:value") if found else None


def _number(reading: Reading, role: Element, code: str, data_element: str) -> Decimal | None:
    node = _value(role, code)
    return number(reading, node, node.get("value"), data_element) if node is not None else None


def _death(reading: Reading, role: Element, person: Element | None) -> Death | None:
    died = date(reading, first(person, "h:deceasedTime"), "D.9.1")
    reported = [
        _term(reading, node, "the reported cause of death", "D.9.2.r.1b")
        for cause in coded(role, _SUBJECT, codes.REPORTED_CAUSE_OF_DEATH)
        if (node := first(cause, "h:value")) is not None
    ]
    autopsies = coded(role, _SUBJECT, codes.AUTOPSY)
    autopsy_node = autopsies[0] if autopsies else None
    autopsy = boolean(reading, first(autopsy_node, "h:value"), "D.9.3")
    autopsy_causes = [
        _term(reading, node, "the autopsy-determined cause of death", "D.9.4.r.1b")
        for node in (
            all_of(autopsy_node, "h:outboundRelationship2/h:observation/h:value")
            if autopsy_node is not None
            else []
        )
    ]
    if died is None and not reported and autopsy is None:
        return None
    return Death(
        date=died,
        reported_causes=tuple(term for term in reported if term is not None),
        autopsy=autopsy,
        autopsy_causes=tuple(term for term in autopsy_causes if term is not None),
    )


def _term(reading: Reading, node: Element, what: str, data_element: str) -> MeddraTerm | None:
    term = meddra_term(reading, node, what, data_element)
    if term is None and text(node, "h:originalText"):
        return MeddraTerm(code="", version="", text=text(node, "h:originalText"))
    return term


def read_study(reading: Reading, role: Element) -> Study | None:
    """C.5 from ``primaryRole/subjectOf1/researchStudy``, with the FDA IND numbers."""
    study = first(role, "h:subjectOf1/h:researchStudy")
    if study is None:
        return None
    registrations: list[StudyRegistration] = []
    ind_numbers: dict[str, list[str]] = {}
    for registration in all_of(study, "h:authorization/h:studyRegistration"):
        identifier = first(registration, "h:id")
        if identifier is None:
            continue
        root = identifier.get("root") or ""
        number_value = (
            null_flavor(reading, identifier, "C.5.1.r.1")
            or (identifier.get("extension") or "").strip()
        )
        if root == codes.STUDY_REGISTRATION:
            country = attribute(
                registration, "h:author/h:territorialAuthority/h:governingPlace/h:code", "code"
            )
            registrations.append(StudyRegistration(number=number_value, country=country))
        else:
            ind_numbers.setdefault(root, []).append(str(number_value))
    sponsor = first(study, "h:id")
    return Study(
        registrations=tuple(registrations),
        name=text_or_null(reading, study, "h:title", "C.5.2"),
        sponsor_number=(
            null_flavor(reading, sponsor, "C.5.3") or sponsor.get("extension")
            if sponsor is not None
            else None
        ),
        study_type=attribute(study, "h:code", "code"),
        fda_ind_number=next(iter(ind_numbers.get(codes.FDA_IND_NUMBER, ())), None),
        fda_pre_anda_number=next(iter(ind_numbers.get(codes.FDA_PRE_ANDA_NUMBER, ())), None),
        fda_cross_reported_inds=tuple(ind_numbers.get(codes.FDA_CROSS_REPORTED_IND, ())),
    )


def read_reactions(reading: Reading, role: Element) -> tuple[Reaction, ...]:
    return tuple(_reaction(reading, node) for node in coded(role, _SUBJECT, codes.REACTION))


def _reaction(reading: Reading, node: Element) -> Reaction:
    value = first(node, "h:value")
    if value is None:
        reading.fail(node, "the reaction has no MedDRA code", "E.i.2.1b")
    version = (value.get("codeSystemVersion") or "").strip()
    code = meddra_code(reading, value, "the reaction", "E.i.2.1b")
    if not version:
        reading.fail(
            value, f'the reaction\'s MedDRA code "{code}" has no MedDRA version', "E.i.2.1a"
        )
    timing = first(node, "h:effectiveTime")
    verbatim = first(value, "h:originalText")
    seriousness = {
        field: _related_flag(reading, node, observation_code, codes.OBSERVATION, data_element)
        is True
        for field, observation_code, _display, data_element in codes.SERIOUSNESS
    }
    outcome = first(_related(node, codes.OUTCOME_OBSERVATION, codes.OBSERVATION), "h:value")
    highlighted = first(_related(node, codes.HIGHLIGHTED_OBSERVATION, codes.OBSERVATION), "h:value")
    return Reaction(
        id=attribute(node, "h:id", "root"),
        verbatim=text(verbatim),
        language=verbatim.get("language") if verbatim is not None else None,
        translation=text(_related(node, codes.TRANSLATION, codes.OBSERVATION), "h:value"),
        meddra_version=version,
        meddra_code=code,
        highlighted=highlighted.get("code") if highlighted is not None else None,
        fda_required_intervention=_related_flag(
            reading, node, codes.FDA_REQUIRED_INTERVENTION, codes.FDA_REACTION, "FDA.E.i.3.2h"
        )
        is True,
        start=date(reading, first(timing, ".//h:low"), "E.i.4"),
        end=date(reading, first(timing, ".//h:high"), "E.i.5"),
        duration=quantity(reading, first(timing, ".//h:width"), "E.i.6"),
        outcome=code_of(reading, outcome, Outcome, "the outcome", "E.i.7"),
        medically_confirmed=_related_flag(
            reading, node, codes.MEDICALLY_CONFIRMED, codes.OBSERVATION, "E.i.8"
        ),
        country=attribute(node, "h:location/h:locatedEntity/h:locatedPlace/h:code", "code"),
        **seriousness,
    )


def _related(node: Element, code: str, system: str) -> Element | None:
    found = coded(node, "h:outboundRelationship2/h:observation", code, system)
    return found[0] if found else None


def _related_flag(
    reading: Reading, node: Element, code: str, system: str, data_element: str
) -> bool | None:
    return flag(reading, first(_related(node, code, system), "h:value"), data_element)
