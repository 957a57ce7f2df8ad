"""The adverse-event screen, rule by rule: what is flagged, with which product, and what is not."""

from __future__ import annotations

import time

import pytest

from liaison.safety.screening import Flag, FlagKind, ScreenProduct, screen

ONCOVIRUMAB = ScreenProduct("Oncovirumab", ("oncovir",), own=True)
CARDIOZEN = ScreenProduct("Cardiozen", ("cardizotide",), own=True)
ZELVARA = ScreenProduct("Zélvara", ("zelvarisib", "Zelvara XR"), own=True)
RIVALIMAB = ScreenProduct("Rivalimab", ("rivalizumab",), own=False)
PRODUCTS = (ONCOVIRUMAB, CARDIOZEN, ZELVARA, RIVALIMAB)


def flags(text: str) -> list[Flag]:
    return screen(text, PRODUCTS)


def flagged(text: str) -> set[tuple[FlagKind, str]]:
    return {(flag.kind, flag.product) for flag in flags(text)}


AE = FlagKind.ADVERSE_EVENT


def test_event_with_our_product_is_flagged_with_its_words_and_reason() -> None:
    [flag] = flags("Dr. Patel said one of her pts developed a severe rash on Oncovirumab.")

    assert (flag.kind, flag.product, flag.words) == (AE, "Oncovirumab", ("rash",))
    assert flag.reason == "rash mentioned with Oncovirumab"


def test_span_points_at_the_sentence_in_the_input() -> None:
    text = "Met Dr. Roth about dosing.  \n- Pt on Cardiozen fainted at home\nNo other news."

    [flag] = flags(text)

    start, end = flag.span
    assert text[start:end] == flag.sentence == "Pt on Cardiozen fainted at home"


def test_span_stays_true_when_folding_changes_lengths() -> None:
    # "ß" folds to two letters and "é" written as e + combining accent to one.
    text = "Straße visit, Re\u0301sume\u0301 sent. Pt on Oncovirumab had nausea."

    [flag] = flags(text)

    start, end = flag.span
    assert text[start:end] == "Pt on Oncovirumab had nausea."
    assert flag.words == ("nausea",)


def test_every_event_word_of_one_kind_goes_in_one_flag() -> None:
    [flag] = flags("Pt on Cardiozen felt dizzy, had a headache and vomited twice.")

    assert flag.words == ("felt dizzy", "headache", "vomited")
    assert flag.reason == "felt dizzy, headache and vomited mentioned with Cardiozen"


def test_an_event_and_a_special_situation_in_one_sentence_give_two_flags() -> None:
    assert flagged("Overdose of Cardiozen in a teenager, admitted to ICU.") == {
        (FlagKind.OVERDOSE, "Cardiozen"),
        (AE, "Cardiozen"),
    }


@pytest.mark.parametrize(
    "text",
    [
        "No rash was reported with Oncovirumab so far.",
        "Pt denied any nausea on Cardiozen.",
        "She has treated 20 pts with Oncovirumab without side effects.",
        "Pneumonitis was ruled out in the Oncovirumab pt after a CT scan.",
        "No evidence of liver toxicity in her Oncovirumab patients.",
        "Her patients on Cardiozen have been free of side effects.",
        "None of her pts on Cardiozen had injection site reactions.",
        "AEs: none. Discussed Cardiozen reimbursement.",
        "Rash - not observed in any Oncovirumab pt at the site.",
        "Dr. Meyer has not seen any infusion reactions with Oncovirumab.",
    ],
)
def test_negated_event_is_not_flagged(text: str) -> None:
    assert flags(text) == []


def test_negation_covers_every_event_of_a_list() -> None:
    assert flags("Denies vomiting, diarrhoea or abdominal pain on Oncovirumab.") == []


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("One of his patients had no rash but was hospitalised after Oncovirumab.", "hospitalised"),
        ("Pt on Cardiozen: no swelling, however she was admitted for chest pain.", "chest pain"),
        ("Denied nausea; reported dizziness after Cardiozen.", "dizziness"),
        ("No rash, but pt on Oncovirumab had severe diarrhoea.", "diarrhoea"),
    ],
)
def test_negation_scope_ends_at_a_terminator(text: str, word: str) -> None:
    [flag] = flags(text)

    assert word in flag.words


def test_negation_does_not_reach_past_its_window() -> None:
    text = "No samples were left at the booth for nurses of the busy clinic and a pt on Cardiozen fainted."

    assert flagged(text) == {(AE, "Cardiozen")}


@pytest.mark.parametrize(
    "text",
    [
        "Not only rash but also diarrhoea on Oncovirumab.",
        "Pt on Oncovirumab had a rash that was not severe.",
        "A causal link to Cardiozen could not be ruled out for the seizure.",
        "HCP does not think the hospitalisation of her Cardiozen pt was drug related.",
        "The rash on Oncovirumab did not resolve despite steroids.",
    ],
)
def test_pseudo_negation_does_not_remove_the_event(text: str) -> None:
    assert flagged(text) == {(AE, flags(text)[0].product)}


@pytest.mark.parametrize(
    "text",
    [
        "If a patient develops a rash on Oncovirumab, she would reduce the dose.",
        "Oncovirumab could cause diarrhoea in elderly pts, she believes.",
        "Asked how to monitor for QT prolongation with Cardiozen.",
        "In case of severe nausea, should Cardiozen be paused?",
        "She asked about the risk of neutropenia with oncovir.",
        "Patients should be monitored for infusion reactions during the first Oncovirumab infusion.",
        "To prevent injection site reactions, rotate the Cardiozen injection site.",
        "Advise women on Cardiozen to avoid pregnancy.",
    ],
)
def test_hypothetical_or_asked_about_event_is_not_flagged(text: str) -> None:
    assert flags(text) == []


def test_question_about_a_risk_is_not_flagged() -> None:
    assert flags("What is the rate of neutropenia with Oncovirumab?") == []


def test_question_about_a_patients_actual_event_is_flagged() -> None:
    text = "What should she do about her patient's persistent myalgia on Cardiozen?"

    assert flagged(text) == {(AE, "Cardiozen")}


def test_question_about_an_imagined_patient_is_not_flagged() -> None:
    text = "Can Oncovirumab be given to a pt who had an infusion reaction to another drug?"

    assert flags(text) == []


def test_label_statement_is_not_flagged() -> None:
    assert flags("The label lists rash as a very common side effect of Oncovirumab.") == []


def test_patients_event_beside_a_label_statement_is_flagged() -> None:
    text = "Pt on Oncovirumab developed a rash, which is a known side effect per the label."

    assert flagged(text) == {(AE, "Oncovirumab")}


def test_trial_statistic_is_not_flagged() -> None:
    text = "In the phase 3 trial, 12% of patients on Oncovirumab had grade 3 neutropenia."

    assert flags(text) == []


def test_trial_statistic_beside_a_reporters_patient_is_flagged() -> None:
    text = "Her patient on Oncovirumab had neutropenia, as 12% did in the phase 3 trial."

    assert flagged(text) == {(AE, "Oncovirumab")}


@pytest.mark.parametrize(
    "text",
    [
        "Pt has a history of migraine, started Cardiozen last month.",
        "Pre-existing neuropathy before Oncovirumab, unchanged on treatment.",
        "Pt had a rash before starting Oncovirumab, which has since cleared.",
        "Her mother died of a stroke; pt on Cardiozen doing well.",
        "Family history of heart attacks, pt now on Cardiozen.",
    ],
)
def test_medical_history_and_relatives_illness_are_not_flagged(text: str) -> None:
    assert flags(text) == []


def test_past_event_on_our_product_is_flagged() -> None:
    assert flagged("She had a rash on Oncovirumab last year.") == {(AE, "Oncovirumab")}


def test_relative_reporting_the_patients_event_is_flagged() -> None:
    text = "The pt's wife reported that he was confused and drowsy on Cardiozen."

    assert flagged(text) == {(AE, "Cardiozen")}


@pytest.mark.parametrize(
    "text",
    [
        "Pt had two DVTs as a child, long before Cardiozen.",
        "Nausea from her previous chemo has settled since starting Oncovirumab.",
        "Longstanding tinnitus; pt started Cardiozen in May.",
    ],
)
def test_illness_of_childhood_or_of_an_earlier_treatment_is_history(text: str) -> None:
    assert flags(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Dr. Kim's mother was hospitalised, so she moved our Cardiozen meeting.",
        "My colleague was sick, so I covered the Cardiozen booth alone.",
    ],
)
def test_illness_of_an_hcps_relative_or_a_colleague_is_not_flagged(text: str) -> None:
    assert flags(text) == []


def test_colleague_reporting_a_patients_event_is_flagged() -> None:
    text = "My colleague reported a pt on Cardiozen with a rash."

    assert flagged(text) == {(AE, "Cardiozen")}


def test_hcps_own_illness_is_not_flagged() -> None:
    assert flags("Dr. Perez had a headache, so we kept the Oncovirumab discussion short.") == []


@pytest.mark.parametrize(
    "text",
    [
        "She joked that the Cardiozen reimbursement forms give her a headache.",
        "The Cardiozen launch meeting was a disaster, the projector died.",
        "Dr. Lopez is sick of the paperwork for Cardiozen.",
    ],
)
def test_figurative_event_words_are_not_flagged(text: str) -> None:
    assert flags(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "The Oncovirumab reimbursement process is painful.",
        "The Cardiozen budget discussion was a real pain.",
    ],
)
def test_pain_of_processes_is_figurative(text: str) -> None:
    assert flags(text) == []


def test_event_free_is_not_an_event() -> None:
    assert flags("Pt on Cardiozen has been seizure-free for a year.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Dr. Ng checks LFTs monthly on Oncovirumab to catch liver injury early.",
        "Dr. Bose lectured on drug-induced QT prolongation; Cardiozen is low risk.",
        "The pharmacist checks every Oncovirumab vial for particles before use.",
    ],
)
def test_monitoring_and_teaching_topics_are_not_flagged(text: str) -> None:
    assert flags(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Platelets dropped to 45 in her Oncovirumab pt.",
        "Pt on Oncovirumab: ALT 310, treatment held.",
        "Pt on Oncovirumab needed blood for an Hb of 6.8.",
        "Pt on Cardiozen was seen with a heart rate in the 30s.",
        "Her pt's creatinine went from 80 to 190 on Oncovirumab.",
        "Pt on Cardiozen: liver values 4x the upper limit.",
    ],
)
def test_lab_value_out_of_range_or_said_to_move_is_flagged(text: str) -> None:
    assert flagged(text) == {(AE, "Oncovirumab" if "Oncovirumab" in text else "Cardiozen")}


@pytest.mark.parametrize(
    "text",
    [
        "Pt on Cardiozen says her ankles are swollen and her gums sore.",
        "Her pt on Cardiozen feels his heart pounding at night.",
        "Pt on Cardiozen gets a metallic taste after each dose.",
        "Pt on Cardiozen has blood pressure readings of 180 over 110.",
    ],
)
def test_lay_words_for_a_patients_body_are_flagged(text: str) -> None:
    assert flagged(text) == {(AE, "Cardiozen")}


@pytest.mark.parametrize(
    "text",
    [
        "Pt with previous DVT is now on Cardiozen without any issues.",
        "I had a migraine and cut the Cardiozen visit short.",
        "She might try Cardiozen in a pt with frequent migraines.",
        "The Cardiozen rollout has been a nightmare for the pharmacy.",
    ],
)
def test_past_illness_the_writers_own_and_plans_are_not_flagged(text: str) -> None:
    assert flags(text) == []


def test_lab_values_in_range_are_not_flagged_by_the_rules() -> None:
    # The sentence model does flag it (it reads "ALT" and "sodium" as events): one of
    # its false flags, which the author dismisses with a reason.
    text = "Pt on Oncovirumab: ALT 25, Hb 13.2, sodium 139, heart rate 72."

    assert screen(text, PRODUCTS, rules_only=True) == []


def test_another_companys_product_alone_is_not_flagged() -> None:
    assert flags("A patient on Rivalimab was hospitalised with colitis.") == []


def test_sentence_naming_ours_and_theirs_flags_ours_only() -> None:
    text = "HCP switched pt from Rivalimab to Oncovirumab; pt now has severe nausea."

    assert flagged(text) == {(AE, "Oncovirumab")}


def test_our_product_named_as_the_switch_after_their_event_is_not_flagged() -> None:
    text = "Pt on Rivalimab had a major bleed, HCP considering a switch to Cardiozen."

    assert flags(text) == []


def test_event_in_a_part_naming_only_their_product_is_theirs() -> None:
    assert flags("Pt stopped Rivalimab due to hepatitis; now considering Oncovirumab.") == []


def test_event_in_a_part_naming_ours_beside_theirs_is_flagged() -> None:
    [flag] = flags("Pt on Rivalimab had colitis; on Oncovirumab she developed a rash.")

    assert (flag.product, flag.words) == ("Oncovirumab", ("rash",))


@pytest.mark.parametrize(
    "text",
    [
        "Pt on oncovir had a rash.",  # generic name
        "ONCOVIRUMAB pt had a rash.",  # upper case
        "Oncovirúmab pt had a rash.",  # stray accent
        "Pt on Oncovirumab® had a rash.",  # trademark sign
        "Oncovirumab's first pt had a rash.",  # possessive
    ],
)
def test_product_is_found_whatever_its_spelling(text: str) -> None:
    assert flagged(text) == {(AE, "Oncovirumab")}


def test_product_name_with_accents_matches_without_them_and_by_multiword_alias() -> None:
    assert flagged("Pt on zelvara had a rash.") == {(AE, "Zélvara")}
    assert flagged("Pt on Zelvara-XR had a rash.") == {(AE, "Zélvara")}


def test_product_name_inside_another_word_is_not_a_mention() -> None:
    assert flags("Pt on Oncovirumabine had a rash.") == []


def test_product_of_the_sentence_before_is_linked() -> None:
    [flag] = flags("Dr. Okafor has a pt on Oncovirumab. The pt developed a rash last week.")

    assert flag.sentence == "The pt developed a rash last week."
    assert flag.reason == "rash mentioned; Oncovirumab is named in the sentence before"


def test_link_to_the_sentence_before_carries_through_event_sentences() -> None:
    text = "Pt on Cardiozen since May. She developed a rash. Then she fainted at home."

    assert [flag.words for flag in flags(text)] == [("rash",), ("fainted",)]


def test_reference_back_links_the_notes_only_product() -> None:
    text = "Met Dr Singh about oncovir. Talked about access. A pt of hers vomited after the drug."

    [flag] = flags(text)

    assert flag.reason == "vomited mentioned; Oncovirumab is the only product in the note"


def test_reference_back_does_not_guess_between_two_products() -> None:
    text = "Discussed Oncovirumab and Cardiozen. Talked about access. A pt vomited after the drug."

    assert flags(text) == []


def test_event_without_a_product_nearby_is_not_flagged() -> None:
    assert flags("Discussed Oncovirumab. Talked about access. Her patient had a rash.") == []


def test_sentence_after_their_product_is_not_linked_to_ours() -> None:
    text = "Pt switched from Oncovirumab to Rivalimab. The pt then developed hepatitis."

    assert flags(text) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Pt on Cardiozen found out she is pregnant.", FlagKind.PREGNANCY),
        ("Pt is breastfeeding and restarted Cardiozen last week.", FlagKind.BREASTFEEDING),
        ("Pt accidentally took a double dose of Cardiozen.", FlagKind.OVERDOSE),
        ("HCP suspects a pt is abusing Cardiozen.", FlagKind.ABUSE),
        ("Pt takes Cardiozen every other day, not as prescribed.", FlagKind.MISUSE),
        ("Pharmacy dispensed Cardiozen instead of the generic.", FlagKind.MEDICATION_ERROR),
        ("Dr. Lind treats children with Cardiozen off-label.", FlagKind.OFF_LABEL_USE),
        ("Cardiozen did not work in this pt, BP still 170/100.", FlagKind.LACK_OF_EFFICACY),
        ("A nurse spilled Oncovirumab on her hand.", FlagKind.OCCUPATIONAL_EXPOSURE),
        ("Pharmacist reported a broken vial of Oncovirumab.", FlagKind.PRODUCT_COMPLAINT),
        ("The Cardiozen pen was leaking.", FlagKind.PRODUCT_COMPLAINT),
        ("Her pt on Cardiozen is 8 weeks along.", FlagKind.PREGNANCY),
        ("Pt restarted Cardiozen while still nursing.", FlagKind.BREASTFEEDING),
        ("Pt took his Cardiozen dose twice by accident.", FlagKind.OVERDOSE),
        ("A pt takes extra Cardiozen to get high.", FlagKind.ABUSE),
        ("Pt takes Cardiozen every other day to make the supply last.", FlagKind.MISUSE),
        ("Nurse injected Cardiozen into the wrong site.", FlagKind.MEDICATION_ERROR),
        (
            "She uses Oncovirumab in gastric cancer, it is only approved in lung.",
            FlagKind.OFF_LABEL_USE,
        ),
        ("Pt on Cardiozen for 4 months and BP hasn't budged.", FlagKind.LACK_OF_EFFICACY),
        ("The Cardiozen plunger was very hard to push.", FlagKind.PRODUCT_COMPLAINT),
    ],
)
def test_special_situations_and_complaints_are_flagged_by_kind(text: str, kind: FlagKind) -> None:
    assert kind in {flag.kind for flag in flags(text)}


def test_special_situation_reason_names_the_kind() -> None:
    [flag] = flags("Pt on Cardiozen found out she is pregnant.")

    assert flag.reason == "pregnancy (pregnant) mentioned with Cardiozen"
    assert flag.kind.is_special_situation


def test_label_statement_on_pregnancy_is_not_flagged() -> None:
    assert flags("Cardiozen is contraindicated in pregnancy per the label.") == []


def test_without_products_nothing_is_flagged() -> None:
    assert screen("Pt on Oncovirumab had a rash.", []) == []
    assert flags("") == []


def test_a_long_note_is_screened_quickly() -> None:
    sentence = "Pt on Cardiozen: no dizziness, BP ok; if a rash occurs she will call. "
    note = (sentence * 40)[:2000]
    screen(note, PRODUCTS)  # compiles the product matcher once

    started = time.perf_counter()
    for _ in range(5):
        screen(note, PRODUCTS)
    per_note = (time.perf_counter() - started) / 5

    # About 5 ms on a laptop; a shared CI machine gets a wide margin.
    assert per_note < 0.1
