"""Trials' access rules: registry evidence every member reads, loaded by administrators."""

from __future__ import annotations

import pytest

from liaison.core import policy
from liaison.core.models import User
from liaison.trials.models import Trial, TrialSite


@pytest.fixture
def trial(db: None) -> Trial:
    return Trial.objects.create(nct_id="NCT01234567", brief_title="EDGE")


def test_only_administrators_load_trials(
    admin_user: User, msl: User, field_manager: User, pv: User
) -> None:
    assert policy.can(admin_user, "load", Trial)
    assert not policy.can(msl, "load", Trial)
    assert not policy.can(field_manager, "load", Trial)
    assert not policy.can(pv, "load", Trial)


def test_load_is_asked_of_the_trial_model_only(admin_user: User, trial: Trial) -> None:
    with pytest.raises(ValueError):
        policy.can(admin_user, "load", trial)
    with pytest.raises(ValueError):
        policy.can(admin_user, "load", TrialSite)


def test_every_member_reads_every_trial(medinfo: User, trial: Trial) -> None:
    assert list(policy.scope(medinfo, "view", Trial)) == [trial]


def test_an_outsider_reads_no_trial(outsider: User, trial: Trial) -> None:
    assert not policy.can(outsider, "view", trial)


def test_only_administrators_change_a_trial(msl: User, admin_user: User, trial: Trial) -> None:
    assert not policy.can(msl, "change", trial)
    assert policy.can(admin_user, "change", trial)
