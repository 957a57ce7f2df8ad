"""Electronic signatures: the password re-checked, the manifestation frozen, the content
digest verified, the audit event written beside the signature."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.db import transaction
from django.template.loader import render_to_string
from freezegun import freeze_time

from liaison.core import audit
from liaison.core.errors import Conflict, LiaisonError, PermissionDenied
from liaison.core.models import (
    AuditEvent,
    ElectronicSignature,
    SignatureMeaning,
    Territory,
    User,
)
from liaison.core.signatures import (
    SignatureForm,
    content_digest,
    sign_record,
    signatures_for,
    verify,
)

PASSWORD = "correct horse battery"  # the fixtures' users (src/liaison/conftest.py)
LETTER = "Dear Dr Weber,\nThe response to your question about off-label dosing…"


@pytest.fixture
def mia(medinfo: User) -> User:
    """Medical information's Mia, with a full name to print."""
    medinfo.first_name, medinfo.last_name = "Mia", "Hoffmann"
    medinfo.save(update_fields=["first_name", "last_name"])
    return medinfo


def sign(
    actor: User,
    record: Territory,
    *,
    password: str = PASSWORD,
    meaning: SignatureMeaning | str = SignatureMeaning.APPROVED,
    content: bytes | str = LETTER,
    comment: str = "",
) -> ElectronicSignature:
    return sign_record(
        actor=actor,
        password=password,
        meaning=meaning,
        record=record,
        content=content,
        comment=comment,
    )


def test_signing_with_the_right_password_links_the_signature_to_the_record(
    mia: User, territory_de: Territory
) -> None:
    signature = sign(mia, territory_de, comment="  checked against the label  ")
    stored = ElectronicSignature.objects.get(pk=signature.pk)
    assert stored.signer == mia
    assert stored.meaning == SignatureMeaning.APPROVED
    assert (stored.record_label, stored.record_id) == ("core.Territory", str(territory_de.pk))
    assert stored.content_digest == hashlib.sha256(LETTER.encode("utf-8")).hexdigest()
    assert stored.comment == "checked against the label"


def test_wrong_password_is_refused_on_the_password_field_and_nothing_is_written(
    mia: User, territory_de: Territory
) -> None:
    with pytest.raises(LiaisonError) as raised:
        sign(mia, territory_de, password="correct horse battery!")
    assert raised.value.field == "password"
    assert "password" in raised.value.details
    assert not ElectronicSignature.objects.exists()
    assert not AuditEvent.objects.filter(record_type="core.electronicsignature").exists()


def test_empty_password_is_refused_on_the_password_field(
    mia: User, territory_de: Territory
) -> None:
    with pytest.raises(LiaisonError) as raised:
        sign(mia, territory_de, password="")
    assert raised.value.field == "password"
    assert not ElectronicSignature.objects.exists()


def test_someone_elses_password_does_not_sign(
    mia: User, msl: User, territory_de: Territory
) -> None:
    msl.set_password("alice's own passphrase")
    msl.save(update_fields=["password"])
    with pytest.raises(LiaisonError):
        sign(mia, territory_de, password="alice's own passphrase")
    assert not ElectronicSignature.objects.exists()


def test_printed_name_is_frozen_at_signing(mia: User, territory_de: Territory) -> None:
    signature = sign(mia, territory_de)
    mia.last_name = "Hoffmann-Berg"
    mia.save(update_fields=["last_name"])
    assert ElectronicSignature.objects.get(pk=signature.pk).printed_name == "Mia Hoffmann"


def test_printed_name_falls_back_to_the_username(msl: User, territory_de: Territory) -> None:
    assert sign(msl, territory_de).printed_name == "alice"


def test_verify_accepts_the_signed_content_and_refuses_any_change(
    mia: User, territory_de: Territory
) -> None:
    signature = sign(mia, territory_de)
    assert verify(signature, LETTER)
    assert verify(signature, LETTER.encode("utf-8"))
    assert not verify(signature, LETTER + " ")
    assert not verify(signature, LETTER.replace("off-label", "on-label"))


def test_bytes_are_signed_exactly_as_given(mia: User, territory_de: Territory) -> None:
    pdf = b"%PDF-1.7\n\x00\xff binary letter"
    signature = sign(mia, territory_de, content=pdf)
    assert signature.content_digest == content_digest(pdf)
    assert verify(signature, pdf)
    assert not verify(signature, pdf[:-1])


def test_signing_writes_an_audit_event_by_the_signer_naming_the_record(
    mia: User, territory_de: Territory
) -> None:
    signature = sign(mia, territory_de)
    event = AuditEvent.objects.get(
        record_type="core.electronicsignature", record_id=str(signature.pk)
    )
    assert event.action == "create"
    assert event.actor == mia
    assert event.changes["meaning"] == [None, "approved"]
    assert event.changes["content_digest"] == [None, signature.content_digest]
    assert event.changes["record_label"] == [None, "core.Territory"]
    assert event.reason == f"signed territory #{territory_de.pk} as approved"
    checked, problem = audit.verify_chain()
    assert problem is None and checked >= 1


def test_inactive_user_cannot_sign(mia: User, territory_de: Territory) -> None:
    mia.is_active = False
    mia.save(update_fields=["is_active"])
    with pytest.raises(PermissionDenied):
        sign(mia, territory_de)
    assert not ElectronicSignature.objects.exists()


def test_user_deactivated_during_their_session_cannot_sign(
    mia: User, territory_de: Territory
) -> None:
    User.objects.filter(pk=mia.pk).update(is_active=False)
    assert mia.is_active  # the request's copy is stale
    with pytest.raises(PermissionDenied):
        sign(mia, territory_de)
    assert not ElectronicSignature.objects.exists()


def test_unknown_meaning_is_refused_on_the_meaning_field(
    mia: User, territory_de: Territory
) -> None:
    with pytest.raises(LiaisonError) as raised:
        sign(mia, territory_de, meaning="ok'd")
    assert raised.value.field == "meaning"
    assert "approved" in raised.value.message


def test_one_signer_signs_a_record_once_per_meaning(mia: User, territory_de: Territory) -> None:
    sign(mia, territory_de)
    with pytest.raises(Conflict) as raised:
        sign(mia, territory_de)
    assert raised.value.field == "meaning"
    sign(mia, territory_de, meaning=SignatureMeaning.REVIEWED)
    assert ElectronicSignature.objects.count() == 2


def test_signature_rolls_back_with_the_callers_transaction(
    mia: User, territory_de: Territory
) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        sign(mia, territory_de)
        raise RuntimeError("the approval it belongs to failed")
    assert not ElectronicSignature.objects.exists()
    assert not AuditEvent.objects.filter(record_type="core.electronicsignature").exists()


def test_a_signature_is_never_edited_or_deleted(mia: User, territory_de: Territory) -> None:
    signature = sign(mia, territory_de)
    signature.meaning = SignatureMeaning.REJECTED
    with pytest.raises(RuntimeError):
        signature.save()
    with pytest.raises(RuntimeError):
        signature.delete()
    assert ElectronicSignature.objects.get(pk=signature.pk).meaning == "approved"


def test_signatures_for_lists_only_that_records_signatures_oldest_first(
    mia: User, msl: User, territory_de: Territory, territory_us: Territory
) -> None:
    with freeze_time("2026-12-04 09:00:00"):
        first = sign(msl, territory_de, meaning=SignatureMeaning.AUTHORED)
    with freeze_time("2026-12-04 10:00:00"):
        second = sign(mia, territory_de)
        sign(mia, territory_us)
    assert list(signatures_for(territory_de)) == [first, second]


def test_manifestation_shows_printed_name_meaning_and_time_with_zone(
    mia: User, territory_de: Territory
) -> None:
    with freeze_time(dt.datetime(2026, 12, 4, 14, 3, 9, tzinfo=dt.UTC)):
        signature = sign(mia, territory_de)
    html = render_to_string("core/signature.html", {"signature": signature})
    assert "Mia Hoffmann" in html
    assert "Approved" in html
    assert "4 Dec 2026, 14:03:09 UTC" in html
    assert 'datetime="2026-12-04T14:03:09+00:00"' in html


def test_manifestation_says_whether_the_version_shown_is_the_one_signed(
    mia: User, territory_de: Territory
) -> None:
    signature = sign(mia, territory_de)
    changed = render_to_string(
        "core/signature.html", {"signature": signature, "verified": verify(signature, "new")}
    )
    same = render_to_string(
        "core/signature.html", {"signature": signature, "verified": verify(signature, LETTER)}
    )
    assert "Does not match" in changed and "Does not match" not in same
    assert "Matches the version shown" in same


def test_signature_form_offers_only_the_pages_meanings() -> None:
    form = SignatureForm(
        {"password": PASSWORD, "meaning": "authored"},
        meanings=[SignatureMeaning.APPROVED, SignatureMeaning.REJECTED],
    )
    assert not form.is_valid()
    assert "meaning" in form.errors
    accepted = SignatureForm(
        {"password": PASSWORD, "meaning": "rejected"},
        meanings=[SignatureMeaning.APPROVED, SignatureMeaning.REJECTED],
    )
    assert accepted.is_valid()
    assert accepted.cleaned_data["meaning"] == "rejected"


def test_signature_form_keeps_the_password_as_typed() -> None:
    form = SignatureForm({"password": " spaced ", "meaning": "approved"})
    assert form.is_valid()
    assert form.cleaned_data["password"] == " spaced "


def test_signature_form_partial_explains_signing_and_asks_for_the_password() -> None:
    form = SignatureForm(meanings=[SignatureMeaning.APPROVED])
    html = render_to_string("core/signature_form.html", {"form": form})
    assert 'type="password"' in html
    assert 'autocomplete="current-password"' in html
    assert "legal equivalent of your handwritten signature" in html
    assert '<option value="approved" selected>' in html
    assert 'value="rejected"' not in html
