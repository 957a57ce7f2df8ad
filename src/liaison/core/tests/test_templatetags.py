"""Template helpers of core/templatetags/liaison.py."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from liaison.core.models import Job, JobStatus, User
from liaison.core.templatetags.liaison import count_label


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("status_changes", "Status changes"),
        ("created", "Created"),
        ("already-present", "Already present"),
        ("fetched__total_", "Fetched total"),
    ],
)
def test_count_label_reads_as_words(name: str, label: str) -> None:
    assert count_label(name) == label


@pytest.mark.django_db
def test_job_page_labels_counts_in_words(client: Client, msl: User) -> None:
    job = Job.objects.create(
        owner=msl,
        kind="watch-run",
        title="Run watch",
        status=JobStatus.SUCCEEDED,
        counts={"status_changes": 2},
    )
    client.force_login(msl)
    body = client.get(reverse("core:job-detail", args=[job.pk])).content.decode()
    assert "<dt>Status changes</dt><dd>2</dd>" in body
    assert "Status_changes" not in body
