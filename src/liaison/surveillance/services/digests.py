"""The daily digest: each user's choice (audited) and the mail of their unread alerts."""

from __future__ import annotations

import datetime as dt

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from liaison.core import audit
from liaison.core.models import User
from liaison.surveillance import selectors
from liaison.surveillance.models import Alert, DigestPreference, Watch
from liaison.surveillance.services.runs import MAX_ALERTS_PER_RUN


def set_digest(*, actor: User, enabled: bool) -> DigestPreference:
    """Turn ``actor``'s daily digest on or off."""
    preference, _ = DigestPreference.objects.get_or_create(user=actor)
    if preference.enabled != enabled:
        with transaction.atomic():
            audit.update_record(actor=actor, instance=preference, values={"enabled": enabled})
    return preference


def send_digests(
    *, base_url: str, from_email: str | None = None, now: dt.datetime | None = None
) -> int:
    """Mail each user with unread alerts newer than their last digest one digest, at
    most one a day; returns how many were sent. Users without an e-mail address
    or who turned the digest off get none.

    ``base_url`` (e.g. ``https://liaison.example.org``) makes the links absolute.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for user in selectors.digest_recipients():
        preference, _ = DigestPreference.objects.get_or_create(user=user)
        if not preference.enabled or preference.last_digest_on == today:
            continue
        listed = selectors.digest_alerts(user, preference.last_digest_at, limit=MAX_ALERTS_PER_RUN)
        if not listed:
            continue
        groups: dict[int, tuple[Watch, list[Alert]]] = {}
        for alert in listed:
            groups.setdefault(alert.watch_id, (alert.watch, []))[1].append(alert)
        context = {
            "user": user,
            "groups": list(groups.values()),
            "count": len(listed),
            "base_url": base_url.rstrip("/"),
        }
        send_mail(
            subject=f"Liaison: {len(listed)} new alert{'s' if len(listed) != 1 else ''}",
            message=render_to_string("surveillance/digest.txt", context),
            from_email=from_email,
            recipient_list=[user.email],
        )
        DigestPreference.objects.filter(pk=preference.pk).update(
            last_digest_at=now, last_digest_on=today
        )
        sent += 1
    return sent
