"""What every app's API shares: the caller, the base of input schemas, pages,
query errors, partial updates, codes and ids of a body turned into records, and
the loads and answers of a resource's get, create, patch and delete
(:class:`Records`).

Every input is stored or looked up as it comes: a string holding the NUL
character (which PostgreSQL cannot store and the web's forms refuse) or a lone
surrogate (``"\ud800"`` in JSON: no character, and no database driver encodes
it), and an integer beyond the database's 64 bits are refused with a 422 naming
the field, never a database error. Query and body schemas derive from :class:`InputSchema`;
a parameter of a handler's signature is typed :data:`Id` (a record's id) or
:data:`Text` (any other string). ``tests/test_input_hardening.py`` sends both to
every input of every operation.

Handlers stay thin: they turn codes and ids into records through the access
policy (:func:`by_id`, :func:`by_codes`) and the body into the app's typed
data, call one service (which holds the transaction) and shape the
answer. Records an actor may not see answer 404; records they see but may not
change answer 403. Authentication itself (tokens, the browser session) is
``liaison.core.api``'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Generic, Protocol, TypeVar

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from ninja import Field, Schema, Status
from ninja.errors import HttpError, ValidationError
from pydantic import AfterValidator, BaseModel, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from liaison.core import policy
from liaison.core.errors import LiaisonError, NotFound
from liaison.core.models import User

M = TypeVar("M", bound=models.Model)


def acting_user(request: HttpRequest) -> User:
    """The authenticated user of an API request (auth has run before any handler)."""
    user = request.user
    if not isinstance(user, User):  # pragma: no cover - auth guarantees it
        raise HttpError(401, "authentication required")
    return user


# --- inputs: what the database can hold -----------------------------------------

#: The largest integer SQLite and PostgreSQL (``bigint``) hold: ids, pages and
#: every other number of a request stay within 64 bits.
MAX_INTEGER = 2**63 - 1
MIN_INTEGER = -(2**63)

NUL_REFUSED = "may not contain the NUL character (U+0000)"
SURROGATE_REFUSED = "may not contain a lone surrogate (U+D800 to U+DFFF): it is no character"
INTEGER_REFUSED = f"must lie between {MIN_INTEGER} and {MAX_INTEGER} (a 64-bit integer)"


def _storable(value: Any) -> None:
    """Refuse (a 422 naming the field) a NUL character, a lone surrogate or an integer
    beyond 64 bits anywhere in ``value``: strings, numbers, lists, mappings and nested
    schemas."""
    if isinstance(value, str):
        if "\x00" in value:
            # A custom error: pydantic shows its message as it is ("Value error, ..." otherwise).
            raise PydanticCustomError("nul_character", NUL_REFUSED)
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise PydanticCustomError("surrogate_character", SURROGATE_REFUSED) from None
    elif isinstance(value, int) and not isinstance(value, bool):
        if not MIN_INTEGER <= value <= MAX_INTEGER:
            raise PydanticCustomError("integer_range", INTEGER_REFUSED)
    elif isinstance(value, BaseModel):
        for item in value.__dict__.values():
            _storable(item)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _storable(key)
            _storable(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _storable(item)


def refuse_nul(value: str) -> str:
    """``value``, unless it holds the NUL character."""
    _storable(value)
    return value


#: A record's id in a path, query or body: 1 to :data:`MAX_INTEGER` (beyond is a 422).
Id = Annotated[int, Field(ge=1, le=MAX_INTEGER)]
#: A string parameter of a handler's signature (a path's code, a delete's
#: ``reason``): refuses NUL as :class:`InputSchema`'s fields do.
Text = Annotated[str, AfterValidator(refuse_nul)]


class InputSchema(Schema):
    """Base of every API input schema (query and body): no string in it may hold the
    NUL character and no integer may exceed 64 bits, whatever the field's type;
    the 422 names the field."""

    @field_validator("*")
    @classmethod
    def _storable_in_the_database(cls, value: Any) -> Any:
        _storable(value)
        return value


# --- pagination, shared by every list operation ---------------------------------


class PageQuery(InputSchema):
    """``page`` and ``page_size`` of a list; list operations extend it with filters."""

    page: int = Field(1, ge=1, le=MAX_INTEGER, description="1 for the first page")
    page_size: int = Field(
        settings.LIAISON_PAGE_SIZE,
        ge=1,
        le=settings.LIAISON_API_MAX_PAGE_SIZE,
        description=f"Rows per page, at most {settings.LIAISON_API_MAX_PAGE_SIZE}",
    )


def query_error(name: str, message: str) -> ValidationError:
    """A 422 naming the query parameter ``name``, shaped like ninja's own."""
    return ValidationError([{"loc": ["query", name], "msg": message, "type": "value_error"}])


def paginate(queryset: models.QuerySet[M], query: PageQuery) -> dict[str, Any]:
    """``{"count", "page", "page_size", "results"}``: one COUNT and one page query,
    plus whatever the queryset prefetches, whatever the page size. A page past
    the last is empty (and asks nothing more of the database: its offset may
    exceed what the database counts in)."""
    maximum = settings.LIAISON_API_MAX_PAGE_SIZE
    if query.page_size > maximum:
        # The schema states the maximum; this holds it when settings shrink it later.
        raise query_error("page_size", f"Input should be less than or equal to {maximum}")
    count = queryset.count()
    start = (query.page - 1) * query.page_size
    results = list(queryset[start : start + query.page_size]) if start < count else []
    return {"count": count, "page": query.page, "page_size": query.page_size, "results": results}


class PatchIn(InputSchema):
    """Base of partial-update bodies: every field optional, only the fields sent
    change, and ``null`` is refused except for the fields named in ``nullable``
    (``null`` there clears the value)."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*")
    @classmethod
    def _null_only_where_allowed(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise ValueError("may not be null; leave the field out to keep its value")
        return value


# --- input translation: codes and ids to records --------------------------------


def by_codes(
    user: User, model: type[M], codes: Iterable[str], field: str, *, key: str = "code"
) -> list[M]:
    """Records of ``model`` the user may see, named by their ``key`` field, in the
    order given (repeats once); the first unknown code is named with the body's ``field``."""
    wanted = list(dict.fromkeys(code.strip() for code in codes if code.strip()))
    seen = policy.scope(user, "view", model).filter(**{f"{key}__in": wanted})
    found = {getattr(item, key): item for item in seen}
    missing = [code for code in wanted if code not in found]
    if missing:
        label = model._meta.verbose_name
        raise LiaisonError(f"{field}: no {label} with {key} {missing[0]!r}", field=field)
    return [found[code] for code in wanted]


def by_id(user: User, model: type[M], pk: int, field: str) -> M:
    """A record referred to from a request body: unseen is a bad value of ``field``
    (a 400 naming it), not a 404 of the operation."""
    try:
        return policy.get_for(user, "view", model, pk=pk)
    except NotFound:
        label = model._meta.verbose_name
        raise LiaisonError(f"{field}: no {label} with id {pk}", field=field) from None


# --- the shape every resource's handlers share ----------------------------------


def without_reason(data: dict[str, Any]) -> dict[str, Any]:
    """A body's fields without the audit ``reason`` (which the service takes apart)."""
    return {key: value for key, value in data.items() if key != "reason"}


class ReasonBody(Protocol):
    """A body carrying the ``reason`` kept in the audit trail (a delete's)."""

    reason: str


def delete_reason(query: str, payload: ReasonBody | None) -> str:
    """A delete's audit reason: the JSON body's or, failing that, the ``reason``
    query parameter's."""
    given = payload.reason if payload is not None else ""
    return given or query


@dataclass(frozen=True)
class Records(Generic[M]):
    """One resource's records as its handlers reach them: through the access
    policy (unseen is 404, seen but not allowed 403), with the relations its
    answer shows. A handler loads with :meth:`load` (or :meth:`adding` before a
    create), turns the body into the app's typed data, calls one service and
    answers with :meth:`answer` or :meth:`created`."""

    model: type[M]
    related: tuple[str, ...] = ()
    prefetched: tuple[str, ...] = ()
    #: How an answer loads the record when it shows more than the load for a
    #: change (an HCP's profile); by default :meth:`load` with ``"view"``.
    shown: Callable[[User, int], M] | None = None

    def load(self, user: User, action: policy.Action, pk: int) -> M:
        queryset = self.model._default_manager.all()
        if self.related:
            queryset = queryset.select_related(*self.related)
        if self.prefetched:
            queryset = queryset.prefetch_related(*self.prefetched)
        return policy.get_for(user, action, queryset, pk=pk)

    def answer(self, user: User, pk: int) -> M:
        """The record as the caller now sees it."""
        return self.shown(user, pk) if self.shown else self.load(user, "view", pk)

    def show(self, request: HttpRequest, pk: int) -> M:
        return self.answer(acting_user(request), pk)

    def adding(self, request: HttpRequest) -> User:
        """The caller of a create, once the policy lets them add records of this
        model: asked before any name or code of the body is looked up, so a role
        that may not add answers 403, not a 400 about the body."""
        user = acting_user(request)
        policy.require(user, "add", self.model)
        return user

    def created(self, user: User, record: M) -> Status[M]:
        """A create's answer: 201 with the new record as the caller sees it."""
        return Status(201, self.answer(user, record.pk))
