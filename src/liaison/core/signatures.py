"""Electronic signatures in the 21 CFR Part 11 manner: signing a record, checking it.

A signature re-checks the signer's password at the moment of signing (11.200(a)), shows
the printed name, the date and time and the meaning (11.50), and is linked to the exact
content signed through its SHA-256 (11.70): :func:`verify` tells whether the content a
page shows is the content that was signed. Signing writes the signature and its audit
event in one transaction; a signature is never edited or deleted.

Which records a user may sign, and with which meaning, is the signed record's app's rule:
its service asks the policy (``policy.require(actor, "approve", version)``), then calls
:func:`sign_record` inside its own transaction, so the signature and the change it
approves are written together or not at all.

Wrong passwords are counted per signer (11.300(d): attempts at unauthorised use are
detected and reported), apart from the sign-in lock-out (django-axes counts only sign-ins
made with a request). :data:`PASSWORD_FAILURES` wrong passwords in its window refuse
signing until the window ends, without checking the password any more. Each wrong
password and each refusal is logged (logger ``liaison.core.signatures``) and audited on
the signer's user record (action "refuse"). The count lives in the ``ratelimit`` cache,
so it survives the rollback of the signing transaction; the audit event does not, so
a service checks the password with :func:`check_password` before it opens the
transaction that signs (:func:`sign_record` checks it again, for callers that do not).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from liaison.core import audit, ratelimit
from liaison.core.errors import Conflict, LiaisonError, PermissionDenied, TooManyAttempts
from liaison.core.models import AuditAction, ElectronicSignature, SignatureMeaning, User
from liaison.lib.forms import set_choices
from liaison.lib.validation import validation_error

logger = logging.getLogger(__name__)

PRINTED_NAME_MAX = ElectronicSignature._meta.get_field("printed_name").max_length or 300

#: Wrong signature passwords one signer may enter in 15 minutes; the next attempt in
#: that window is refused unchecked.
PASSWORD_FAILURES = ratelimit.Limit("signature-password-failures", 5, 15 * 60)


def content_digest(content: bytes | str) -> str:
    """The SHA-256 (hex) of ``content``; text is taken as UTF-8, exactly as given."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.sha256(data).hexdigest()


def record_label_of(record: models.Model | type[models.Model]) -> str:
    """The label a signature names its record's model by: ``"medinfo.ResponseVersion"``."""
    return record._meta.label


def printed_name_of(user: User) -> str:
    """The name a signature shows: the full name, else the username."""
    return (user.get_full_name().strip() or user.get_username())[:PRINTED_NAME_MAX]


def _meaning(value: SignatureMeaning | str) -> SignatureMeaning:
    try:
        return SignatureMeaning(value)
    except ValueError:
        allowed = ", ".join(SignatureMeaning.values)
        raise LiaisonError(
            f"meaning: {value!r} is not a meaning of a signature; choose one of {allowed}",
            field="meaning",
        ) from None


def _signer(actor: User) -> User:
    """The actor as stored now: a user deactivated since their session began cannot sign."""
    signer = User.objects.filter(pk=actor.pk).first() if actor.pk is not None else None
    if signer is None or not signer.is_active:
        raise PermissionDenied("signer: an inactive user cannot sign", field="signer")
    return signer


def _failure_key(signer: User) -> str:
    # The id and the creation time: an id alone can come back (a rolled-back test
    # database, a restored backup) and inherit another account's failures.
    return f"{signer.pk}:{signer.date_joined.isoformat()}"


def _clock(moment: float) -> str:
    return f"{dt.datetime.fromtimestamp(moment, tz=dt.UTC):%Y-%m-%d %H:%M} UTC"


def _audit_refusal(signer: User, record: models.Model | None, reason: str) -> None:
    """One "refuse" event on the signer's user record, naming what they tried to sign."""
    signing = f" signing {record._meta.verbose_name} #{record.pk}" if record is not None else ""
    with transaction.atomic():
        audit.record_event(
            actor=signer,
            action=AuditAction.REFUSE,
            instance=signer,
            reason=f"electronic signature refused{signing}: {reason}",
        )


def check_password(*, actor: User, password: str, record: models.Model | None = None) -> User:
    """The signer as stored now, once ``password`` is theirs; else a refusal on the
    ``password`` field, audited (``record`` names what was to be signed).

    After :data:`PASSWORD_FAILURES` wrong passwords in its window, every attempt is
    refused with :class:`TooManyAttempts` until the window ends, without checking the
    password. A right password clears the count. Call it before opening the transaction
    that signs, so that a refusal's audit event is kept when that transaction rolls back.
    """
    signer = _signer(actor)
    if not password:
        raise LiaisonError("password: enter your password to sign", field="password")
    allowed, minutes = PASSWORD_FAILURES.count, PASSWORD_FAILURES.window // 60
    key = _failure_key(signer)
    spent = ratelimit.usage(PASSWORD_FAILURES, key)
    if spent.count >= allowed:
        until = _clock(spent.resets_at)
        logger.warning("signature refused: %s is locked until %s", signer.get_username(), until)
        _audit_refusal(signer, record, f"locked after {allowed} wrong passwords, until {until}")
        raise TooManyAttempts(
            f"password: signing is locked until {until} after {allowed} wrong passwords in "
            f"{minutes} minutes; try again then",
            field="password",
        )
    if signer.check_password(password):
        if spent.count:
            ratelimit.reset(PASSWORD_FAILURES, key)
        return signer
    ratelimit.hit(PASSWORD_FAILURES, key)
    spent = ratelimit.usage(PASSWORD_FAILURES, key)
    left = allowed - spent.count
    if left > 0:
        logger.warning("signature refused: wrong password for %s", signer.get_username())
        _audit_refusal(signer, record, f"wrong password ({spent.count} of {allowed})")
        raise LiaisonError(
            "password: this is not your password; enter the password you sign in with "
            f"({left} {'try' if left == 1 else 'tries'} left before signing is locked for "
            f"{minutes} minutes)",
            field="password",
        )
    until = _clock(spent.resets_at)
    # An error, not a warning: repeated wrong passwords may be someone else at the keyboard.
    logger.error(
        "signature locked: %s entered %d wrong passwords; locked until %s",
        signer.get_username(),
        spent.count,
        until,
    )
    _audit_refusal(
        signer, record, f"wrong password ({spent.count} of {allowed}): locked until {until}"
    )
    raise LiaisonError(
        f"password: this is not your password; after {allowed} wrong passwords signing is "
        f"locked until {until}",
        field="password",
    )


def sign_record(
    *,
    actor: User,
    password: str,
    meaning: SignatureMeaning | str,
    record: models.Model,
    content: bytes | str,
    comment: str = "",
) -> ElectronicSignature:
    """Sign ``record`` as ``actor`` with ``meaning``, over the exact ``content`` shown.

    Re-checks ``actor``'s password (:func:`check_password`); refuses an inactive user,
    an unknown meaning, and a second signature of one record by one signer with one
    meaning. Writes the signature
    and its audit event inside ``transaction.atomic()`` (the caller's, when it holds one).
    The caller has asked the policy whether ``actor`` may sign ``record``.
    """
    if record.pk is None:
        raise ValueError("sign_record() needs a saved record")
    chosen = _meaning(meaning)
    signer = check_password(actor=actor, password=password, record=record)
    label, record_id = record_label_of(record), str(record.pk)
    earlier = ElectronicSignature.objects.filter(
        record_label=label, record_id=record_id, signer=signer, meaning=chosen
    ).first()
    if earlier is not None:
        raise Conflict(
            f"meaning: you already signed this record as {chosen.label.lower()} "
            f"on {earlier.signed_at:%Y-%m-%d %H:%M %Z}",
            field="meaning",
        )
    signature = ElectronicSignature(
        signer=signer,
        printed_name=printed_name_of(signer),
        meaning=chosen,
        signed_at=timezone.now(),
        record_label=label,
        record_id=record_id,
        content_digest=content_digest(content),
        comment=comment.strip(),
    )
    try:
        with transaction.atomic():
            audit.create_record(
                actor=signer,
                instance=signature,
                reason=f"signed {record._meta.verbose_name} #{record_id} as {chosen.label.lower()}",
            )
    except ValidationError as error:
        raise validation_error(error, model=ElectronicSignature) from None
    return signature


def verify(signature: ElectronicSignature, content: bytes | str) -> bool:
    """Whether ``content`` is exactly what ``signature`` signed (the version shown is the
    version signed)."""
    return hmac.compare_digest(signature.content_digest, content_digest(content))


def signatures_for(record: models.Model) -> models.QuerySet[ElectronicSignature]:
    """The signatures of ``record``, oldest first. The caller has loaded ``record``
    through the policy: whoever may see a record may see who signed it."""
    return ElectronicSignature.objects.filter(
        record_label=record_label_of(record), record_id=str(record.pk)
    ).select_related("signer")


class SignatureForm(forms.Form):
    """The password and meaning a signer enters (``core/signature_form.html`` shows it).

    ``meanings`` limits the choices to those the page offers (an approval review offers
    approved and rejected). Of several, none is preselected: a signer states the meaning
    on purpose; a single one is preselected."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="The password you sign in with, entered again for this signature.",
    )
    meaning = forms.ChoiceField(label="Meaning of your signature")
    comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional: a reason, such as why you reject it.",
    )

    def __init__(
        self, *args: Any, meanings: Iterable[SignatureMeaning] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        offered = [(meaning.value, meaning.label) for meaning in (meanings or SignatureMeaning)]
        if len(offered) > 1:
            set_choices(self, "meaning", "Choose what your signature means", offered)
            return
        field = cast(forms.ChoiceField, self.fields["meaning"])
        field.choices = offered
        field.initial = offered[0][0]
