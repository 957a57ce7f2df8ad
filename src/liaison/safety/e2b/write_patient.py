"""Writing section D (the patient), C.5 (the study) and E.i (the reactions) of an ICSR."""

from __future__ import annotations

from . import codes
from ._build import (
    Element,
    boolean,
    code,
    country,
    free_text,
    number,
    observation,
    quantity,
    sub,
    text,
    text_or_null,
    time,
    typed,
)
from .records import MeddraTerm, NullFlavor, PartialDate, Patient, Quantity, Reaction, Study


def write_patient(role: Element, patient: Patient, study: Study | None, *, fda: bool) -> None:
    """``player1``, the study and the patient's observations, into ``primaryRole``."""
    person = sub(role, "player1", classCode="PSN", determinerCode="INSTANCE")
    if patient.masked:
        sub(person, "name", nullFlavor=NullFlavor.MSK.value)
    else:
        text_or_null(person, "name", patient.name)
    if isinstance(patient.sex, NullFlavor):
        sub(person, "administrativeGenderCode", nullFlavor=patient.sex.value)
    elif patient.sex is not None:
        sub(person, "administrativeGenderCode", code=patient.sex.value, codeSystem=codes.SEX)
    time(person, "birthTime", patient.birth_date)
    if patient.death is not None:
        time(person, "deceasedTime", patient.death.date)
    if study is not None:
        _study(role, study, fda=fda)
    if patient.age is not None:
        quantity(
            observation(role, "subjectOf2", codes.AGE, display="age", type_code="SBJ"),
            "value",
            patient.age,
            "PQ",
        )
    if patient.age_group is not None:
        node = observation(
            role, "subjectOf2", codes.AGE_GROUP_OBSERVATION, display="ageGroup", type_code="SBJ"
        )
        if isinstance(patient.age_group, NullFlavor):
            typed(node, "value", "CE", nullFlavor=patient.age_group.value)
        else:
            typed(node, "value", "CE", code=patient.age_group, codeSystem=codes.AGE_GROUP)
    for observation_code, display, amount, unit in (
        (codes.BODY_WEIGHT, "bodyWeight", patient.weight_kg, "kg"),
        (codes.HEIGHT, "height", patient.height_cm, "cm"),
    ):
        if amount is not None:
            node = observation(
                role, "subjectOf2", observation_code, display=display, type_code="SBJ"
            )
            typed(node, "value", "PQ", value=number(amount), unit=unit)
    if fda:
        _fda_race_and_ethnicity(role, patient)
    _medical_history(role, patient)
    if patient.death is not None:
        _death(role, patient)


def _study(role: Element, study: Study, *, fda: bool) -> None:
    holder = sub(role, "subjectOf1", typeCode="SBJ")
    node = sub(holder, "researchStudy", classCode="CLNTRL", moodCode="EVN")
    if isinstance(study.sponsor_number, NullFlavor):
        sub(node, "id", nullFlavor=study.sponsor_number.value)
    elif study.sponsor_number is not None:
        sub(node, "id", root=codes.SPONSOR_STUDY_NUMBER, extension=study.sponsor_number)
    if study.study_type is not None:
        code(node, study.study_type, codes.STUDY_TYPE)
    text_or_null(node, "title", study.name)
    registrations: list[tuple[str | NullFlavor, str, str | None]] = [
        (registration.number, codes.STUDY_REGISTRATION, registration.country)
        for registration in study.registrations
    ]
    if fda:
        registrations += [
            (value, root, None)
            for value, root in (
                (study.fda_ind_number, codes.FDA_IND_NUMBER),
                (study.fda_pre_anda_number, codes.FDA_PRE_ANDA_NUMBER),
            )
            if value
        ]
        registrations += [
            (value, codes.FDA_CROSS_REPORTED_IND, None) for value in study.fda_cross_reported_inds
        ]
    for registration_number, root, registration_country in registrations:
        authorization = sub(node, "authorization", typeCode="AUTH")
        registration = sub(authorization, "studyRegistration", classCode="ACT", moodCode="EVN")
        if isinstance(registration_number, NullFlavor):
            sub(registration, "id", nullFlavor=registration_number.value)
        else:
            sub(registration, "id", root=root, extension=registration_number)
        if registration_country:
            author = sub(registration, "author", typeCode="AUT")
            authority = sub(author, "territorialAuthority", classCode="TERR")
            place = sub(authority, "governingPlace", classCode="COUNTRY", determinerCode="INSTANCE")
            country(place, registration_country)


def _fda_race_and_ethnicity(role: Element, patient: Patient) -> None:
    """FDA.D.11.r and FDA.D.12, coded in the NCI thesaurus."""
    for race in patient.fda_races:
        node = observation(
            role, "subjectOf2", codes.FDA_RACE, codes.NCI, display="Race", type_code="SBJ"
        )
        typed(node, "value", "CE", code=race.code, codeSystem=codes.NCI, displayName=race.display)
    if patient.fda_ethnicity is not None:
        node = observation(
            role,
            "subjectOf2",
            codes.FDA_ETHNICITY,
            codes.NCI,
            display="Ethnic Group",
            type_code="SBJ",
        )
        ethnicity = patient.fda_ethnicity
        typed(
            node,
            "value",
            "CE",
            code=ethnicity.code,
            codeSystem=codes.NCI,
            displayName=ethnicity.display,
        )


def _medical_history(role: Element, patient: Patient) -> None:
    if patient.medical_history is None and patient.concomitant_therapies is None:
        return
    holder = sub(role, "subjectOf2", typeCode="SBJ")
    organizer = sub(holder, "organizer", classCode="CATEGORY", moodCode="EVN")
    code(
        organizer,
        codes.MEDICAL_HISTORY,
        codes.ORGANIZER,
        "relevantMedicalHistoryAndConcurrentConditions",
    )
    if patient.medical_history is not None:
        node = observation(
            organizer,
            "component",
            codes.HISTORY_TEXT,
            display="historyAndConcurrentConditionText",
            type_code="COMP",
        )
        free_text(node, patient.medical_history)
    if patient.concomitant_therapies is not None:
        node = observation(
            organizer,
            "component",
            codes.CONCOMITANT_THERAPY,
            display="concomitantTherapy",
            type_code="COMP",
        )
        boolean(node, patient.concomitant_therapies)


def _death(role: Element, patient: Patient) -> None:
    death = patient.death
    if death is None:
        return
    for cause in death.reported_causes:
        node = observation(
            role,
            "subjectOf2",
            codes.REPORTED_CAUSE_OF_DEATH,
            display="reportedCauseOfDeath",
            type_code="SBJ",
        )
        _meddra_value(node, cause)
    if death.autopsy is not None or death.autopsy_causes:
        node = observation(role, "subjectOf2", codes.AUTOPSY, display="autopsy", type_code="SBJ")
        boolean(node, death.autopsy)
        for cause in death.autopsy_causes:
            found = observation(
                node,
                "outboundRelationship2",
                codes.CAUSE_OF_DEATH,
                display="causeOfDeath",
                type_code="DRIV",
            )
            _meddra_value(found, cause)


def _meddra_value(node: Element, term: MeddraTerm) -> None:
    """A CE value coded in MedDRA, with the original text when there is one."""
    value = typed(
        node,
        "value",
        "CE",
        code=term.code or None,
        codeSystem=codes.MEDDRA if term.code else None,
        codeSystemVersion=term.version or None,
    )
    text(value, "originalText", term.text)


def write_reactions(
    role: Element, reactions: tuple[Reaction, ...], ids: list[str], *, fda: bool
) -> None:
    """E.i, each with the id ``ids`` gives it (drug-reaction assessments point at it)."""
    for reaction, reaction_id in zip(reactions, ids, strict=True):
        node = observation(
            role,
            "subjectOf2",
            codes.REACTION,
            display="reaction",
            type_code="SBJ",
            identifier=reaction_id,
        )
        write_timing(node, reaction.start, reaction.end, reaction.duration)
        value = typed(
            node,
            "value",
            "CE",
            code=reaction.meddra_code,
            codeSystem=codes.MEDDRA,
            codeSystemVersion=reaction.meddra_version,
        )
        text(value, "originalText", reaction.verbatim, language=reaction.language)
        if reaction.country:
            location = sub(node, "location", typeCode="LOC")
            entity = sub(location, "locatedEntity", classCode="LOCE")
            place = sub(entity, "locatedPlace", classCode="COUNTRY", determinerCode="INSTANCE")
            country(place, reaction.country)
        if reaction.translation is not None:
            related = observation(
                node,
                "outboundRelationship2",
                codes.TRANSLATION,
                display="reactionForTranslation",
                type_code="PERT",
            )
            free_text(related, reaction.translation)
        if reaction.highlighted is not None:
            related = observation(
                node,
                "outboundRelationship2",
                codes.HIGHLIGHTED_OBSERVATION,
                display="termHighlightedByReporter",
                type_code="PERT",
            )
            typed(related, "value", "CE", code=reaction.highlighted, codeSystem=codes.HIGHLIGHTED)
        for field, observation_code, display, _element in codes.SERIOUSNESS:
            related = observation(
                node, "outboundRelationship2", observation_code, display=display, type_code="PERT"
            )
            # E2B allows true or nullFlavor NI here, never false.
            boolean(related, True if getattr(reaction, field) else None)
        if fda:
            related = observation(
                node,
                "outboundRelationship2",
                codes.FDA_REQUIRED_INTERVENTION,
                codes.FDA_REACTION,
                display="requiredIntervention",
                type_code="PERT",
            )
            boolean(related, True if reaction.fda_required_intervention else None)
        if reaction.outcome is not None:
            related = observation(
                node,
                "outboundRelationship2",
                codes.OUTCOME_OBSERVATION,
                display="outcome",
                type_code="PERT",
            )
            typed(related, "value", "CE", code=reaction.outcome.value, codeSystem=codes.OUTCOME)
        if reaction.medically_confirmed is not None:
            related = observation(
                node,
                "outboundRelationship2",
                codes.MEDICALLY_CONFIRMED,
                display="medicalConfirmationByHealthProfessional",
                type_code="PERT",
            )
            boolean(related, reaction.medically_confirmed)


def write_timing(
    node: Element,
    start: PartialDate | NullFlavor | None,
    end: PartialDate | NullFlavor | None,
    duration: Quantity | None,
    tag: str = "effectiveTime",
) -> None:
    """E.i.4-6 (and G.k.4.r.4-6): an IVL_TS, or an SXPR_TS when start, end and duration
    all exist (an IVL_TS holds two of the three)."""
    if start is None and end is None and duration is None:
        return
    if start is not None and end is not None and duration is not None:
        timing = typed(node, tag, "SXPR_TS")
        period = typed(timing, "comp", "IVL_TS")
        time(period, "low", start)
        time(period, "high", end)
        width = typed(timing, "comp", "IVL_TS", operator="A")
        quantity(width, "width", duration)
        return
    timing = typed(node, tag, "IVL_TS")
    time(timing, "low", start)
    if duration is not None:
        quantity(timing, "width", duration)
    time(timing, "high", end)
