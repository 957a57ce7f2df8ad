"""Operations on users and their API tokens. Each asks the policy, validates,
writes inside one transaction and writes the audit event beside the change.

``actor`` is the signed-in user doing the operation, or ``None`` for the
operator at the command line (the CLI bootstrap has nobody to act as yet).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.core import audit, policy
from liaison.core.errors import Conflict, LiaisonError, PermissionDenied
from liaison.core.models import ApiToken, AuditAction, Role, Territory, User
from liaison.lib.validation import validation_error

TOKEN_NAME_MAX = ApiToken._meta.get_field("name").max_length or 100

#: Fields of a user that :func:`update_user` changes (``territories`` is many-to-many).
USER_FIELDS = ("email", "first_name", "last_name", "role", "is_active", "territories")


def _require_actor(actor: User | None, action: policy.Action, target: Any) -> None:
    if actor is not None:
        policy.require(actor, action, target)


def _check_role(role: str) -> str:
    if role not in Role.values:
        allowed = ", ".join(Role.values)
        raise LiaisonError(f"role: {role!r} is not one of {allowed}", field="role")
    return role


def _territories(items: Iterable[Territory | str]) -> list[Territory]:
    """Territories given as records or codes; an unknown code is named."""
    found: list[Territory] = []
    for item in items:
        if isinstance(item, Territory):
            found.append(item)
            continue
        territory = Territory.objects.filter(code=item).first()
        if territory is None:
            raise LiaisonError(f"territories: no territory with code {item!r}", field="territories")
        found.append(territory)
    return found


# --- API tokens -------------------------------------------------------------


def create_api_token(*, actor: User | None, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token for ``user``. Returns the token and its secret.

    Only the secret's SHA-256 is stored; the caller shows the secret once and
    never again. A user creates their own tokens; an administrator anyone's.
    """
    name = name.strip()
    if not name:
        raise LiaisonError("name: give the token a name", field="name")
    if len(name) > TOKEN_NAME_MAX:
        raise LiaisonError(f"name: at most {TOKEN_NAME_MAX} characters", field="name")
    if not user.is_active:
        raise LiaisonError(f"user: {user.get_username()!r} is not active", field="user")
    if actor is not None and actor.pk != user.pk and not policy.is_admin(actor):
        raise PermissionDenied("you may only create API tokens for yourself")
    _require_actor(actor, "add", ApiToken)
    secret = ApiToken.new_secret()
    token = ApiToken(
        user=user,
        name=name,
        key_prefix=secret[: len(ApiToken.PREFIX) + 4],
        key_hash=ApiToken.hash_secret(secret),
    )
    with transaction.atomic():
        token.save(force_insert=True)
        # Never the hash nor the secret in the trail: name, owner and prefix say which token.
        audit.record_event(
            actor=actor,
            action=AuditAction.CREATE,
            instance=token,
            changes={
                "user": [None, user.pk],
                "name": [None, token.name],
                "key_prefix": [None, token.key_prefix],
            },
        )
    return token, secret


def revoke_api_token(*, actor: User | None, token: ApiToken) -> None:
    """Revoke ``token`` (its owner or an administrator). Revoking twice changes nothing."""
    _require_actor(actor, "delete", token)
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record_event(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=token,
            changes={"revoked_at": [None, audit.to_json_value(token.revoked_at)]},
            reason="token revoked",
        )


# --- users ------------------------------------------------------------------


def create_user(
    *,
    actor: User | None,
    username: str,
    role: str,
    password: str,
    email: str = "",
    territories: Iterable[Territory | str] = (),
) -> User:
    """Create a user with ``role``; the password must pass Django's validators.

    Administrators create users; ``actor=None`` is the operator at the CLI.
    """
    _require_actor(actor, "add", User)
    username = username.strip()
    if not username:
        raise LiaisonError("username: give a username", field="username")
    _check_role(role)
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(f"username: {username!r} is already taken", field="username")
    user = User(username=username, email=email.strip(), role=role)
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise LiaisonError("password: " + " ".join(error.messages), field="password") from None
    user.set_password(password)
    user.is_staff = role == Role.ADMINISTRATOR
    chosen = _territories(territories)
    try:
        with transaction.atomic():
            audit.create_record(actor=actor, instance=user, m2m={"territories": chosen})
    except ValidationError as error:
        raise validation_error(error) from None
    return user


def update_user(
    *, actor: User | None, user: User, values: Mapping[str, Any], reason: str = ""
) -> dict[str, list[Any]]:
    """Change a user's e-mail, names, role, active flag or territories. Returns the diff."""
    _require_actor(actor, "change", user)
    unknown = set(values) - set(USER_FIELDS)
    if unknown:
        first = sorted(unknown)[0]
        raise LiaisonError(f"{first}: cannot be changed here", field=first)
    plain = {key: value for key, value in values.items() if key != "territories"}
    m2m: dict[str, Any] = {}
    if "territories" in values:
        m2m["territories"] = _territories(values["territories"])
    if "role" in plain:
        _check_role(plain["role"])
        plain["is_staff"] = plain["role"] == Role.ADMINISTRATOR
    if actor is not None and actor.pk == user.pk and plain.get("is_active") is False:
        raise LiaisonError("is_active: you cannot deactivate yourself", field="is_active")
    try:
        with transaction.atomic():
            return audit.update_record(
                actor=actor, instance=user, values=plain, m2m=m2m, reason=reason
            )
    except ValidationError as error:
        user.refresh_from_db()
        raise validation_error(error) from None


def set_user_role(*, actor: User | None, user: User, role: str, reason: str = "") -> None:
    """Give ``user`` another role (administrators also become staff for the admin site)."""
    update_user(actor=actor, user=user, values={"role": role}, reason=reason)


def set_password(
    *, actor: User | None, user: User, password: str, reason: str = "password changed"
) -> None:
    """Set a new password (validated); the event records that it changed, never the value
    nor its hash. A user sets their own (after proving the old one, or through an
    e-mailed reset link); an administrator anyone's."""
    if actor is not None and actor.pk != user.pk:
        _require_actor(actor, "change", user)
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise LiaisonError("password: " + " ".join(error.messages), field="password") from None
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record_event(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=user,
            changes={"password": ["(hidden)", "(changed)"]},
            reason=reason,
        )
