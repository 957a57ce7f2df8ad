"""Watches, runs, alerts, triage and the digest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from liaison.core.audit import history_for
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import AuditEvent, Team, User
from liaison.surveillance import selectors, services
from liaison.surveillance.models import Alert, AlertKind, DigestPreference, TriageState, Watch
from liaison.surveillance.tests.factories import (
    add_publications,
    add_trials,
    publication_watch,
    study_json,
    trial_watch,
)

pytestmark = pytest.mark.django_db


def pmids(user: User) -> set[int]:
    return {
        alert.publication.pmid
        for alert in Alert.objects.filter(recipient=user).select_related("publication")
        if alert.publication is not None
    }


def nct(alert: Alert) -> str:
    assert alert.trial is not None
    return alert.trial.nct_id


# --- watches --------------------------------------------------------------------------------


def test_creating_a_watch_is_audited_and_owned_by_the_actor(msl: User) -> None:
    watch = services.create_watch(
        actor=msl, values={"name": "NSCLC", "kind": "publication", "query": "nsclc"}
    )
    assert watch.owner == msl and watch.team is None
    event = history_for(watch).get()
    assert event.action == "create" and event.changes["query"] == [None, "nsclc"]


def test_a_publication_watch_needs_a_query(msl: User) -> None:
    with pytest.raises(LiaisonError) as error:
        services.create_watch(actor=msl, values={"name": "Empty", "kind": "publication"})
    assert error.value.details == {"query": "a publication watch needs a PubMed query"}
    assert not Watch.objects.exists()


def test_a_trial_watch_rejects_an_unknown_status(msl: User) -> None:
    with pytest.raises(LiaisonError) as error:
        services.create_watch(
            actor=msl,
            values={"name": "T", "kind": "trial", "condition": "asthma", "statuses": ["OPEN"]},
        )
    assert "statuses" in error.value.details


def test_only_team_members_give_a_team_a_watch(
    msl: User, other_msl: User, field_manager: User
) -> None:
    team = Team.objects.get()
    watch = services.create_watch(
        actor=msl, values={"name": "Team", "kind": "publication", "query": "x", "team": team}
    )
    assert watch.owner is None and watch.team == team
    with pytest.raises(PermissionDenied):
        services.create_watch(
            actor=other_msl,
            values={"name": "No", "kind": "publication", "query": "x", "team": team},
        )


def test_a_team_member_cannot_take_the_teams_watch_as_their_own(
    msl: User, field_manager: User
) -> None:
    team = Team.objects.get()
    watch = publication_watch(None, team=team)
    with pytest.raises(PermissionDenied) as error:
        services.update_watch(actor=msl, watch=watch, values={"team": None, "name": "Mine"})
    assert error.value.details == {
        "team": "only the watch's owner, its team's manager or an administrator may give it "
        "to another owner or team"
    }
    watch.refresh_from_db()
    assert (watch.owner, watch.team, watch.name) == (None, team, "Melanoma immunotherapy")
    assert not history_for(watch).exists()


def test_a_team_member_cannot_move_the_teams_watch_to_another_of_their_teams(
    msl: User, field_manager: User
) -> None:
    watch = publication_watch(None, team=Team.objects.get())
    other = Team.objects.create(name="Oncology board")
    other.members.add(msl)
    with pytest.raises(PermissionDenied):
        services.update_watch(actor=msl, watch=watch, values={"team": other})
    watch.refresh_from_db()
    assert watch.team != other


def test_a_team_member_sending_the_same_team_only_edits(msl: User, field_manager: User) -> None:
    team = Team.objects.get()
    watch = publication_watch(None, team=team)
    changes = services.update_watch(
        actor=msl, watch=watch, values={"team": team, "query": "uveal melanoma"}
    )
    assert changes == {"query": ["melanoma", "uveal melanoma"]}
    assert (watch.owner, watch.team) == (None, team)


def test_the_team_manager_takes_the_teams_watch_as_their_own(
    msl: User, field_manager: User
) -> None:
    watch = publication_watch(None, team=Team.objects.get())
    services.update_watch(actor=field_manager, watch=watch, values={"team": None})
    watch.refresh_from_db()
    assert (watch.owner, watch.team) == (field_manager, None)


def test_the_owner_gives_their_watch_to_their_team(msl: User, field_manager: User) -> None:
    team = Team.objects.get()
    watch = publication_watch(msl)
    services.update_watch(actor=msl, watch=watch, values={"team": team})
    watch.refresh_from_db()
    assert (watch.owner, watch.team) == (None, team)


def test_updating_and_deleting_a_watch_is_audited(msl: User, other_msl: User) -> None:
    watch = publication_watch(msl)
    changes = services.update_watch(actor=msl, watch=watch, values={"query": "uveal melanoma"})
    assert changes == {"query": ["melanoma", "uveal melanoma"]}
    with pytest.raises(PermissionDenied):
        services.update_watch(actor=other_msl, watch=watch, values={"query": "x"})
    services.delete_watch(actor=msl, watch=watch)
    assert not Watch.objects.exists()
    assert AuditEvent.objects.filter(record_type="surveillance.watch", action="delete").count() == 1


# --- runs -----------------------------------------------------------------------------------


def test_library_watch_alerts_new_matching_publications_once(msl: User, tmp_path: Path) -> None:
    add_publications(tmp_path, (101, "Melanoma and nivolumab"), (102, "Heart failure"))
    watch = publication_watch(msl)
    first = services.run_watch(watch.pk)
    assert pmids(msl) == {101} and first.alerts_created == 1
    add_publications(tmp_path, (103, "Adjuvant therapy in melanoma"), (104, "Asthma"))
    second = services.run_watch(watch.pk)
    assert pmids(msl) == {101, 103} and second.alerts_created == 1
    third = services.run_watch(watch.pk)
    assert third.alerts_created == 0 and Alert.objects.count() == 2
    watch.refresh_from_db()
    assert watch.last_run_at is not None and watch.last_seen == "103"
    assert [run.alerts_created for run in watch.runs.all()] == [0, 1, 1]


def test_rerunning_after_forgetting_the_last_run_never_duplicates(
    msl: User, tmp_path: Path
) -> None:
    add_publications(tmp_path, (101, "Melanoma"))
    watch = publication_watch(msl)
    services.run_watch(watch.pk)
    Watch.objects.filter(pk=watch.pk).update(last_run_at=None)
    assert services.run_watch(watch.pk).alerts_created == 0
    assert Alert.objects.count() == 1


def test_an_or_query_matches_either_term(msl: User, tmp_path: Path) -> None:
    add_publications(
        tmp_path,
        (101, "Nivolumab in melanoma"),
        (102, "Pembrolizumab in melanoma"),
        (103, "Nivolumab in lung cancer"),
    )
    services.run_watch(publication_watch(msl, query="(nivolumab OR pembrolizumab) AND melanoma").pk)
    assert pmids(msl) == {101, 102}


def test_first_run_shows_only_the_newest_matches(msl: User, tmp_path: Path) -> None:
    add_publications(tmp_path, *((1000 + n, f"Melanoma study {n}") for n in range(25)))
    run = services.run_watch(publication_watch(msl).pk)
    assert run.matched == 25 and run.alerts_created == services.FIRST_RUN_HITS


def test_team_watch_alerts_every_member_and_the_manager(
    msl: User, field_manager: User, other_msl: User, tmp_path: Path
) -> None:
    team = Team.objects.get()
    add_publications(tmp_path, (101, "Melanoma"))
    watch = publication_watch(None, team=team)
    services.run_watch(watch.pk)
    assert pmids(msl) == {101} and pmids(field_manager) == {101} and pmids(other_msl) == set()


def test_trial_watch_alerts_new_trials_and_recruiting_to_completed(
    msl: User, tmp_path: Path
) -> None:
    add_trials(tmp_path, study_json("NCT09000001", conditions=("Lung Cancer",)))
    add_trials(tmp_path, study_json("NCT09000002", conditions=("Asthma",)))
    watch = trial_watch(msl, statuses=["RECRUITING"], phases=["PHASE2"])
    services.run_watch(watch.pk)
    alert = Alert.objects.get()
    assert (alert.kind, nct(alert)) == (AlertKind.NEW_TRIAL, "NCT09000001")
    add_trials(tmp_path, study_json("NCT09000001", status="COMPLETED", last_update="2025-01-10"))
    add_trials(
        tmp_path,
        study_json(
            "NCT09000002", conditions=("Asthma",), status="COMPLETED", last_update="2025-01-10"
        ),
    )
    run = services.run_watch(watch.pk)
    assert run.alerts_created == 1
    change = Alert.objects.get(kind=AlertKind.TRIAL_STATUS_CHANGE)
    assert nct(change) == "NCT09000001"
    assert "Recruiting → Completed" in change.title
    assert services.run_watch(watch.pk).alerts_created == 0


def test_trial_watch_filters_phase_and_country(msl: User, tmp_path: Path) -> None:
    add_trials(
        tmp_path,
        study_json("NCT09000001", phases=("PHASE3",), sites=(("Charité", "Berlin", "Germany"),)),
        study_json(
            "NCT09000002", phases=("PHASE3",), sites=(("UCSF", "San Francisco", "United States"),)
        ),
        study_json("NCT09000003", phases=("PHASE1",)),
    )
    services.run_watch(trial_watch(msl, phases=["PHASE3"], country="Germany").pk)
    assert [nct(a) for a in Alert.objects.all()] == ["NCT09000001"]


# --- triage ---------------------------------------------------------------------------------


@pytest.fixture
def alert(msl: User, tmp_path: Path) -> Alert:
    add_publications(tmp_path, (101, "Melanoma"))
    services.run_watch(publication_watch(msl).pk)
    return Alert.objects.get(recipient=msl)


def test_triage_is_audited_and_marks_read(msl: User, alert: Alert) -> None:
    services.triage_alert(
        actor=msl, alert=alert, state=TriageState.RELEVANT, note="for the KOL call"
    )
    alert.refresh_from_db()
    assert (alert.triage_state, alert.triage_note, alert.triaged_by) == (
        "relevant",
        "for the KOL call",
        msl,
    )
    assert alert.read_at is not None
    event = history_for(alert).get()
    assert event.actor == msl and event.changes["triage_state"] == ["", "relevant"]


def test_triage_is_per_user(msl: User, field_manager: User, tmp_path: Path) -> None:
    add_publications(tmp_path, (101, "Melanoma"))
    services.run_watch(publication_watch(None, team=Team.objects.get()).pk)
    mine = Alert.objects.get(recipient=msl)
    theirs = Alert.objects.get(recipient=field_manager)
    services.triage_alert(actor=msl, alert=mine, state=TriageState.NOT_RELEVANT)
    theirs.refresh_from_db()
    assert theirs.triage_state == "" and theirs.read_at is None
    with pytest.raises(PermissionDenied):
        services.triage_alert(actor=msl, alert=theirs, state=TriageState.RELEVANT)


def test_a_bad_triage_state_is_refused(msl: User, alert: Alert) -> None:
    with pytest.raises(LiaisonError) as error:
        services.triage_alert(actor=msl, alert=alert, state="maybe")
    assert error.value.field == "state"


def test_share_with_team_puts_the_alert_in_colleagues_inboxes(
    msl: User, field_manager: User, other_msl: User, alert: Alert
) -> None:
    services.triage_alert(actor=msl, alert=alert, state=TriageState.SHARE_WITH_TEAM)
    shared = Alert.objects.get(recipient=field_manager)
    assert shared.publication == alert.publication and shared.shared_by == msl
    assert not Alert.objects.filter(recipient=other_msl).exists()
    services.triage_alert(actor=msl, alert=alert, state=TriageState.SHARE_WITH_TEAM)
    assert Alert.objects.filter(recipient=field_manager).count() == 1


def test_bulk_triage_is_all_or_nothing(msl: User, field_manager: User, tmp_path: Path) -> None:
    add_publications(tmp_path, (101, "Melanoma one"), (102, "Melanoma two"))
    services.run_watch(publication_watch(None, team=Team.objects.get()).pk)
    mine = list(Alert.objects.filter(recipient=msl).order_by("pk"))
    theirs = Alert.objects.filter(recipient=field_manager).first()
    assert theirs is not None
    with pytest.raises(PermissionDenied) as error:
        services.triage_alerts(actor=msl, alerts=[*mine, theirs], state=TriageState.RELEVANT)
    assert error.value.message == (
        "1 of the 3 selected alerts is not yours to triage: nothing was changed"
    )
    assert not Alert.objects.exclude(triage_state="").exists()
    assert not AuditEvent.objects.filter(record_type="surveillance.alert").exists()
    with pytest.raises(PermissionDenied):
        services.mark_alerts(actor=msl, alerts=[*mine, theirs], read=True)
    assert selectors.unread_count(msl) == 2


def test_bulk_triage_audits_each_change_and_keeps_notes(msl: User, tmp_path: Path) -> None:
    add_publications(tmp_path, (101, "Melanoma one"), (102, "Melanoma two"))
    services.run_watch(publication_watch(msl).pk)
    first, second = Alert.objects.filter(recipient=msl).order_by("pk")
    services.triage_alert(actor=msl, alert=first, state=TriageState.RELEVANT, note="KOL call")
    outcome = services.triage_alerts(
        actor=msl, alerts=[first, second], state=TriageState.NOT_RELEVANT
    )
    assert outcome == services.BulkOutcome(changed=2, unchanged=0)
    first.refresh_from_db()
    assert first.triage_state == "not_relevant" and first.triage_note == "KOL call"
    assert [e.changes["triage_state"] for e in history_for(first).order_by("sequence")] == [
        ["", "relevant"],
        ["relevant", "not_relevant"],
    ]
    assert history_for(second).get().changes["triage_state"] == ["", "not_relevant"]
    again = services.triage_alerts(actor=msl, alerts=[first, second], state="not_relevant")
    assert again == services.BulkOutcome(changed=0, unchanged=2)
    assert history_for(second).count() == 1


def test_bulk_triage_needs_a_selection_and_a_known_state(msl: User, alert: Alert) -> None:
    with pytest.raises(LiaisonError) as error:
        services.triage_alerts(actor=msl, alerts=[], state=TriageState.RELEVANT)
    assert error.value.field == "alerts"
    with pytest.raises(LiaisonError) as error:
        services.triage_alerts(actor=msl, alerts=[alert], state="maybe")
    assert error.value.field == "state"


def test_unread_counts_follow_reading(msl: User, other_msl: User, alert: Alert) -> None:
    assert selectors.unread_count(msl) == 1 and selectors.unread_count(other_msl) == 0
    services.mark_alert(actor=msl, alert=alert, read=True)
    assert selectors.unread_count(msl) == 0
    services.mark_alert(actor=msl, alert=alert, read=False)
    assert selectors.unread_count(msl) == 1
    assert services.mark_all_read(actor=msl) == 1 and selectors.unread_count(msl) == 0


# --- digest ---------------------------------------------------------------------------------


def test_digest_sends_one_mail_per_user_per_day(
    msl: User, field_manager: User, tmp_path: Path
) -> None:
    User.objects.filter(pk__in=[msl.pk, field_manager.pk]).update(email="x@example.org")
    User.objects.filter(pk=msl.pk).update(email="alice@example.org")
    add_publications(tmp_path, (101, "Melanoma one"), (102, "Melanoma two"))
    services.run_watch(publication_watch(None, team=Team.objects.get(), name="Team melanoma").pk)
    services.run_watch(publication_watch(msl, name="My melanoma").pk)
    now = timezone.now()
    assert services.send_digests(base_url="https://liaison.example.org", now=now) == 2
    assert len(mail.outbox) == 2
    alice = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    assert alice.subject == "Liaison: 4 new alerts"
    assert "Team melanoma (2)" in alice.body and "My melanoma (2)" in alice.body
    pmid_link = "https://liaison.example.org/literature/101/"
    assert alice.body.count(pmid_link) == 2
    assert services.send_digests(base_url="https://x", now=now + dt.timedelta(minutes=5)) == 0
    assert len(mail.outbox) == 2


def test_digest_lists_only_alerts_since_the_last_one(msl: User, tmp_path: Path) -> None:
    User.objects.filter(pk=msl.pk).update(email="alice@example.org")
    add_publications(tmp_path, (101, "Melanoma one"))
    watch = publication_watch(msl)
    services.run_watch(watch.pk)
    today = timezone.now()
    tomorrow = today + dt.timedelta(days=1)
    assert services.send_digests(base_url="https://x", now=today) == 1
    assert services.send_digests(base_url="https://x", now=tomorrow) == 0  # nothing new since
    add_publications(tmp_path, (102, "Melanoma two"))
    services.run_watch(watch.pk)
    assert services.send_digests(base_url="https://x", now=tomorrow) == 1
    assert (
        "/literature/102/" in mail.outbox[-1].body
        and "/literature/101/" not in mail.outbox[-1].body
    )


def test_users_may_opt_out_of_the_digest(msl: User, alert: Alert) -> None:
    User.objects.filter(pk=msl.pk).update(email="alice@example.org")
    services.set_digest(actor=msl, enabled=False)
    assert not DigestPreference.objects.get(user=msl).enabled
    assert services.send_digests(base_url="https://x") == 0 and mail.outbox == []


def test_trial_watch_matches_condition_not_title_and_the_sponsor(msl: User, tmp_path: Path) -> None:
    add_trials(
        tmp_path,
        study_json("NCT09000001", title="Lung cancer screening survey", conditions=("Asthma",)),
        study_json("NCT09000002", conditions=("Non-small Cell Lung Cancer",), sponsor="Rival Bio"),
        study_json("NCT09000003", conditions=("Lung Cancer",), sponsor="Acme Pharma"),
    )
    services.run_watch(trial_watch(msl, condition="lung cancer", sponsor="rival").pk)
    assert [nct(a) for a in Alert.objects.all()] == ["NCT09000002"]


def test_the_demo_builds_watches_for_users_and_teams(tmp_path: Path) -> None:
    from liaison.demo.world import build_demo

    build_demo(hcps=30, data_dir=tmp_path)
    watches = {watch.name: watch for watch in Watch.objects.select_related("owner", "team")}
    assert len(watches) == 5
    lung = watches["Lung cancer trials recruiting"]
    assert lung.owner is not None and lung.owner.username == "msl"
    competitor = watches["Competitor: lenvarafenib (Tremiqa) trials"]
    assert competitor.team is not None and competitor.is_competitor
    assert competitor.product is not None and competitor.product.name == "Tremiqa"
    assert AuditEvent.objects.filter(record_type="surveillance.watch").count() == 5
    build_demo(hcps=30, data_dir=tmp_path, force=True)
    assert Watch.objects.count() == 5
