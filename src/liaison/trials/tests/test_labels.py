"""The registry's codes as people read them on the trial pages (no database)."""

from __future__ import annotations

from liaison.trials.models import Trial, TrialOfficial, TrialStatusChange


def test_known_codes_show_their_labels() -> None:
    trial = Trial(
        study_type="INTERVENTIONAL",
        lead_sponsor_class="OTHER_GOV",
        overall_status="ACTIVE_NOT_RECRUITING",
        phases=["PHASE2", "PHASE3"],
        enrollment_type="ESTIMATED",
        interventions=[{"name": "velotinib", "type": "DIETARY_SUPPLEMENT"}],
    )
    assert trial.study_type_label == "Interventional"
    assert trial.sponsor_class_label == "Other government"
    assert trial.status_label == "Active, not recruiting"
    assert trial.phase_labels == ["Phase 2", "Phase 3"]
    assert trial.enrollment_type_label == "estimated"
    assert trial.intervention_list[0]["type_label"] == "Dietary supplement"
    assert TrialOfficial(role="PRINCIPAL_INVESTIGATOR").role_label == "Principal investigator"


def test_a_code_the_registry_adds_later_is_shown_in_words_not_raw() -> None:
    trial = Trial(
        study_type="PATIENT_REGISTRY",
        lead_sponsor_class="NEW_KIND",
        overall_status="PAUSED_FOR_REVIEW",
        phases=["PHASE5"],
        interventions=[{"name": "x", "type": "GENE_THERAPY"}],
    )
    assert trial.study_type_label == "Patient registry"
    assert trial.sponsor_class_label == "New kind"
    assert trial.status_label == "Paused for review"
    assert trial.phase_labels == ["Phase5"]
    assert trial.intervention_list[0]["type_label"] == "Gene therapy"
    change = TrialStatusChange(old_status="RECRUITING", new_status="ON_HOLD")
    assert (change.old_label, change.new_label) == ("Recruiting", "On hold")
