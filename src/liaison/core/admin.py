"""The Django admin, for administrators only, with every change audited.

:class:`AuditedModelAdmin` routes the admin's saves and deletes (the form, its
many-to-many fields, inline formsets, bulk deletes) through :mod:`core.audit`
inside the admin's transaction, marked with source ``admin``. The audit trail
itself is read-only here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models, transaction
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest, HttpResponse

from liaison.core import audit, audit_privacy, policy
from liaison.core.models import (
    ApiToken,
    AuditAction,
    AuditEvent,
    Job,
    Team,
    Territory,
    User,
)

admin.site.site_header = "Liaison administration"
admin.site.site_title = "Liaison admin"
admin.site.index_title = "Users, roles, territories and reference data"

_BEFORE = "_liaison_audit_before"


def _actor(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _created(instance: models.Model) -> dict[str, list[Any]]:
    return {
        key: [None, value]
        for key, value in audit.snapshot(instance).items()
        if value not in (None, "", [], {})
    }


def _deleted(instance: models.Model) -> dict[str, list[Any]]:
    return {
        key: [value, None]
        for key, value in audit.snapshot(instance).items()
        if value not in (None, "", [], {})
    }


def _stored_snapshot(instance: models.Model) -> dict[str, Any]:
    """The state in the database, before the admin's form applied its values."""
    stored = type(instance)._default_manager.get(pk=instance.pk)
    return audit.snapshot(stored)


class AuditedModelAdmin(admin.ModelAdmin[Any]):
    """A ModelAdmin whose every write leaves an audit event in the same transaction,
    and which only administrators (by the access policy) may use."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policy.is_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.is_admin(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return policy.is_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.is_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.is_admin(request.user)

    # --- the edited record -------------------------------------------------

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        setattr(obj, _BEFORE, _stored_snapshot(obj) if change and obj.pk else None)
        obj.save()

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        form.save_m2m()
        obj = form.instance
        before = getattr(obj, _BEFORE, None)
        with transaction.atomic(), audit.source("admin"):
            if before is None:
                audit.record_event(
                    actor=_actor(request),
                    action=AuditAction.CREATE,
                    instance=obj,
                    changes=_created(obj),
                )
            else:
                changes = audit.diff(before, audit.snapshot(obj))
                if changes:
                    audit.record_event(
                        actor=_actor(request),
                        action=AuditAction.UPDATE,
                        instance=obj,
                        changes=changes,
                    )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic(), audit.source("admin"):
            audit.record_event(
                actor=_actor(request),
                action=AuditAction.DELETE,
                instance=obj,
                changes=_deleted(obj),
            )
            obj.delete()

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        with transaction.atomic(), audit.source("admin"):
            for obj in queryset:
                audit.record_event(
                    actor=_actor(request),
                    action=AuditAction.DELETE,
                    instance=obj,
                    changes=_deleted(obj),
                )
                obj.delete()

    # --- inline records --------------------------------------------------------

    def save_formset(
        self,
        request: HttpRequest,
        form: ModelForm[Any],
        formset: BaseModelFormSet[Any, Any],
        change: bool,
    ) -> None:
        actor = _actor(request)
        instances = formset.save(commit=False)
        with transaction.atomic(), audit.source("admin"):
            for obj in formset.deleted_objects:
                audit.record_event(
                    actor=actor, action=AuditAction.DELETE, instance=obj, changes=_deleted(obj)
                )
                obj.delete()
            for obj in instances:
                before = _stored_snapshot(obj) if obj.pk else None
                obj.save()
                if before is None:
                    audit.record_event(
                        actor=actor, action=AuditAction.CREATE, instance=obj, changes=_created(obj)
                    )
                    continue
                changes = audit.diff(before, audit.snapshot(obj))
                if changes:
                    audit.record_event(
                        actor=actor, action=AuditAction.UPDATE, instance=obj, changes=changes
                    )
            formset.save_m2m()


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin[User]):
    list_display = ("username", "get_full_name", "role", "is_active", "is_staff", "last_login")
    list_filter = ("role", "is_active", "is_staff")
    filter_horizontal = ("territories", "groups", "user_permissions")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Liaison", {"fields": ("role", "territories")}),
    )
    add_fieldsets = (
        *(DjangoUserAdmin.add_fieldsets or ()),
        ("Liaison", {"fields": ("role", "email")}),
    )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # The admin's password form saves outside save_model: audit it here,
        # recording that the password changed, never the hash.
        with transaction.atomic(), audit.source("admin"):
            before = User.objects.filter(pk=id).values_list("password", flat=True).first()
            response = super().user_change_password(request, id, form_url)
            user = User.objects.filter(pk=id).first()
            if user is not None and before is not None and user.password != before:
                audit.record_event(
                    actor=_actor(request),
                    action=AuditAction.UPDATE,
                    instance=user,
                    changes={"password": ["(hidden)", "(changed)"]},
                    reason="password changed in the admin",
                )
        return response


@admin.register(Team)
class TeamAdmin(AuditedModelAdmin):
    list_display = ("name", "manager")
    filter_horizontal = ("members",)


@admin.register(Territory)
class TerritoryAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "countries", "regions")
    search_fields = ("name", "code")


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin):
    """Tokens are created where their secret can be shown once (web page, CLI, API);
    here administrators see them and may delete them."""

    list_display = ("name", "user", "key_prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    exclude = ("key_hash",)
    readonly_fields = ("user", "name", "key_prefix", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


@admin.register(Job)
class JobAdmin(AuditedModelAdmin):
    list_display = ("title", "kind", "owner", "status", "done", "total", "created_at")
    list_filter = ("status", "kind")
    readonly_fields = tuple(field.name for field in Job._meta.concrete_fields if field.name != "id")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """The trail is append-only: readable here, never added, changed or deleted."""

    list_display = ("sequence", "at", "actor_label", "source", "action", "record_type", "record_id")
    list_filter = ("action", "source", "record_type")
    search_fields = ("actor_label", "record_label", "record_id")
    readonly_fields = tuple(field.name for field in AuditEvent._meta.concrete_fields)
    # Shown by get_readonly_fields' ``changes``, never as the stored value.
    exclude = ("changes",)

    # Django takes callables here (ModelAdmin.readonly_fields); django-stubs types names only.
    def get_readonly_fields(  # type: ignore[override]
        self, request: HttpRequest, obj: AuditEvent | None = None
    ) -> Sequence[str | Callable[[AuditEvent], str]]:
        """The changes as this administrator may read them: personal values that need
        more than viewing their record (a case's patient) are withheld, as on the
        audit pages (:mod:`liaison.core.audit_privacy`)."""

        @admin.display(description="changes")
        def changes(event: AuditEvent) -> str:
            hidden = audit_privacy.hidden_fields(request.user, [event]).get(event.pk, frozenset())
            shown = audit_privacy.masked_changes(event.changes, hidden)
            return json.dumps(shown, ensure_ascii=False, sort_keys=True)

        return [changes if name == "changes" else name for name in self.readonly_fields]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policy.is_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.is_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
