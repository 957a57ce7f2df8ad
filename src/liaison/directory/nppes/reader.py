"""NPI Registry API 2.1 JSON in, frozen records out (pure code: no ORM, no settings, no network).

``parse_nppes(source)`` reads one answer of ``https://npiregistry.cms.hhs.gov/api/?version=2.1``
(a path, a binary stream or bytes) and returns its :class:`Provider` records:

* ``NPI-1`` individuals, with their names (first, last, middle, prefix,
  suffix), credential and gender (``basic``);
* ``NPI-2`` organizations, with the organization name, subpart flag and the
  authorized official;
* taxonomies (code, description, primary flag, state, license, group),
  addresses (``LOCATION``: the primary practice address; ``MAILING``),
  further practice locations, other names, other identifiers and endpoints.

An ``Errors`` answer (``{"Errors": [{"description": ..., "field": ..., "number": ...}]}``)
raises :class:`NppesError` carrying the registry's descriptions; an empty
answer (``result_count: 0``) gives no records. A value of the wrong type
raises :class:`NppesError` naming the result's position, its NPI and the
JSON path. Empty strings become None, and so do the registry's placeholders
for an empty value: ``"--"`` in ``name_prefix`` and ``name_suffix`` (and in
other names), or any text without a letter or a digit.

``answer_from_json`` also gives the answer's stated ``result_count`` and a
warning when it differs from the number of results sent (an answer cut short).

Example::

    with open("answer.json", "rb") as stream:
        for provider in parse_nppes(stream):
            print(provider.npi, provider.display_name, provider.primary_taxonomy)
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from typing import IO, Any

from .records import (
    Address,
    Answer,
    AuthorizedOfficial,
    Endpoint,
    Identifier,
    Individual,
    Kind,
    NppesError,
    OrganizationInfo,
    OtherName,
    Provider,
    Taxonomy,
)


class _Problem(Exception):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return f'str "{value[:40]}"'
    return type(value).__name__ if value is not None else "null"


class _Object:
    """Typed reads of one JSON object, with its path for messages."""

    def __init__(self, data: Mapping[str, Any], path: str) -> None:
        self.data = data
        self.path = path

    def text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise _Problem(f"{self.path}.{key}", f"expected a string, got {_describe(value)}")
        text = str(value).strip()
        if not any(char.isalnum() for char in text):
            return None  # "", or a placeholder such as "--" (no name suffix)
        return text

    def flag(self, key: str) -> bool | None:
        """true/false, or the registry's "YES"/"NO" (and "Y"/"N")."""
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().upper() in {"YES", "Y", "NO", "N"}:
            return value.strip().upper().startswith("Y")
        raise _Problem(
            f"{self.path}.{key}", f"expected true/false or YES/NO, got {_describe(value)}"
        )

    def date(self, key: str) -> dt.date | None:
        text = self.text(key)
        if text is None:
            return None
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            raise _Problem(f"{self.path}.{key}", f"{text!r} is not a date (YYYY-MM-DD)") from None

    def objects(self, key: str) -> list[_Object]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise _Problem(f"{self.path}.{key}", f"expected a list, got {_describe(value)}")
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise _Problem(
                    f"{self.path}.{key}[{index}]", f"expected an object, got {_describe(item)}"
                )
            items.append(_Object(item, f"{self.path}.{key}[{index}]"))
        return items

    def object(self, key: str) -> _Object:
        value = self.data.get(key)
        if value is None:
            return _Object({}, f"{self.path}.{key}")
        if not isinstance(value, dict):
            raise _Problem(f"{self.path}.{key}", f"expected an object, got {_describe(value)}")
        return _Object(value, f"{self.path}.{key}")


def _address(item: _Object, purpose: str | None = None) -> Address:
    return Address(
        purpose=(purpose or item.text("address_purpose") or "").upper(),
        address_type=item.text("address_type"),
        line1=item.text("address_1"),
        line2=item.text("address_2"),
        city=item.text("city"),
        state=item.text("state"),
        postal_code=item.text("postal_code"),
        country_code=item.text("country_code"),
        country_name=item.text("country_name"),
        telephone=item.text("telephone_number"),
        fax=item.text("fax_number"),
    )


def _taxonomy(item: _Object) -> Taxonomy:
    code = item.text("code")
    if code is None:
        raise _Problem(f"{item.path}.code", "a taxonomy without its code")
    return Taxonomy(
        code=code,
        description=item.text("desc"),
        primary=bool(item.flag("primary")),
        state=item.text("state"),
        license=item.text("license"),
        group=item.text("taxonomy_group"),
    )


def _other_name(item: _Object) -> OtherName:
    return OtherName(
        type=item.text("type"),
        code=item.text("code"),
        first_name=item.text("first_name"),
        last_name=item.text("last_name"),
        middle_name=item.text("middle_name"),
        prefix=item.text("prefix"),
        suffix=item.text("suffix"),
        credential=item.text("credential"),
        organization_name=item.text("organization_name"),
    )


def _identifier(item: _Object) -> Identifier:
    return Identifier(
        identifier=item.text("identifier") or "",
        code=item.text("code"),
        description=item.text("desc"),
        state=item.text("state"),
        issuer=item.text("issuer"),
    )


def _endpoint(item: _Object) -> Endpoint:
    return Endpoint(
        endpoint=item.text("endpoint") or "",
        endpoint_type=item.text("endpointType"),
        endpoint_type_description=item.text("endpointTypeDescription"),
        use=item.text("use"),
        use_description=item.text("useDescription"),
        content_type=item.text("contentType"),
        content_type_description=item.text("contentTypeDescription"),
        affiliation=item.text("affiliation"),
        city=item.text("city"),
        state=item.text("state"),
        country_code=item.text("country_code"),
    )


def _individual(basic: _Object) -> Individual:
    return Individual(
        first_name=basic.text("first_name"),
        last_name=basic.text("last_name"),
        middle_name=basic.text("middle_name"),
        prefix=basic.text("name_prefix"),
        suffix=basic.text("name_suffix"),
        credential=basic.text("credential"),
        gender=basic.text("gender") or basic.text("sex"),
        sole_proprietor=basic.flag("sole_proprietor"),
    )


def _organization(basic: _Object) -> OrganizationInfo:
    official = AuthorizedOfficial(
        first_name=basic.text("authorized_official_first_name"),
        last_name=basic.text("authorized_official_last_name"),
        middle_name=basic.text("authorized_official_middle_name"),
        prefix=basic.text("authorized_official_name_prefix"),
        suffix=basic.text("authorized_official_name_suffix"),
        credential=basic.text("authorized_official_credential"),
        title=basic.text("authorized_official_title_or_position"),
        telephone=basic.text("authorized_official_telephone_number"),
    )
    has_official = official.first_name or official.last_name
    return OrganizationInfo(
        name=basic.text("organization_name") or basic.text("name"),
        subpart=basic.flag("organizational_subpart"),
        authorized_official=official if has_official else None,
    )


def _provider(result: _Object) -> Provider:
    npi = result.text("number")
    if npi is None:
        raise _Problem(f"{result.path}.number", "a result without its NPI number")
    enumeration_type = result.text("enumeration_type")
    if enumeration_type not in {"NPI-1", "NPI-2"}:
        raise _Problem(
            f"{result.path}.enumeration_type",
            f"expected NPI-1 or NPI-2, got {_describe(enumeration_type)}",
        )
    basic = result.object("basic")
    kind: Kind = "individual" if enumeration_type == "NPI-1" else "organization"
    return Provider(
        npi=npi,
        kind=kind,
        status=basic.text("status"),
        enumeration_date=basic.date("enumeration_date"),
        last_updated=basic.date("last_updated"),
        individual=_individual(basic) if kind == "individual" else None,
        organization=_organization(basic) if kind == "organization" else None,
        taxonomies=tuple(_taxonomy(item) for item in result.objects("taxonomies")),
        addresses=tuple(_address(item) for item in result.objects("addresses")),
        practice_locations=tuple(
            _address(item, "PRACTICE") for item in result.objects("practiceLocations")
        ),
        other_names=tuple(_other_name(item) for item in result.objects("other_names")),
        identifiers=tuple(_identifier(item) for item in result.objects("identifiers")),
        endpoints=tuple(_endpoint(item) for item in result.objects("endpoints")),
    )


def providers_from_json(data: Any, *, name: str = "NPI Registry") -> tuple[Provider, ...]:
    """The providers of an answer already decoded from JSON."""
    return answer_from_json(data, name=name).providers


def _result_count(data: dict[str, Any], sent: int) -> tuple[int | None, tuple[str, ...]]:
    """The ``result_count`` the answer states, and a warning when it is not ``sent``."""
    value = data.get("result_count")
    if value is None:
        return None, ()
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None, (f"the answer's result_count {_describe(value)} is not a number",)
    if value == sent:
        return value, ()
    results = f"{sent} result{'s' if sent != 1 else ''}"
    return value, (
        f"the NPI Registry says it found {value} but sent {results}: the answer may be "
        "incomplete; ask again, or narrow the search",
    )


def answer_from_json(data: Any, *, name: str = "NPI Registry") -> Answer:
    """The providers of an answer already decoded from JSON (for the live client), with
    its stated ``result_count`` and warnings about it."""
    if not isinstance(data, dict):
        raise NppesError(f"expected a JSON object, got {_describe(data)}", source=name)
    errors = data.get("Errors")
    if errors:
        raise NppesError(_errors_text(errors), source=name)
    if "results" not in data and "result_count" not in data:
        raise NppesError(
            "not an NPI Registry answer (no results, result_count or Errors)", source=name
        )
    results = data.get("results") or []
    if not isinstance(results, list):
        raise NppesError(f"expected a list, got {_describe(results)}", source=name, path="results")
    providers = []
    for index, item in enumerate(results):
        position = f"result {index + 1}"
        if not isinstance(item, dict):
            raise NppesError(
                f"expected an object, got {_describe(item)}", source=name, position=position
            )
        try:
            providers.append(_provider(_Object(item, f"results[{index}]")))
        except _Problem as problem:
            npi = item.get("number")
            raise NppesError(
                problem.reason,
                source=name,
                position=position,
                npi=str(npi) if isinstance(npi, str | int) else None,
                path=problem.path,
            ) from None
    result_count, warnings = _result_count(data, len(providers))
    return Answer(tuple(providers), result_count, warnings)


def _errors_text(errors: Any) -> str:
    if not isinstance(errors, list):
        return f"the registry answered with errors: {errors!r}"
    texts = []
    for error in errors:
        if isinstance(error, dict):
            description = str(error.get("description") or "unknown error")
            field = error.get("field")
            texts.append(f"{description} (field {field})" if field else description)
        else:
            texts.append(str(error))
    return "the registry refused the search: " + "; ".join(texts)


def parse_nppes(
    source: IO[bytes] | bytes | str | os.PathLike[str], *, name: str | None = None
) -> tuple[Provider, ...]:
    """The providers of one NPI Registry answer (a path, a binary stream or bytes)."""
    if isinstance(source, bytes):
        label, content = name or "<bytes>", source
    elif isinstance(source, str | os.PathLike):
        label = name or os.fspath(source)
        with open(source, "rb") as file:
            content = file.read()
    else:
        label, content = name or str(getattr(source, "name", "<stream>")), source.read()
    try:
        data = json.loads(content)
    except ValueError as error:
        raise NppesError(f"not JSON ({error})", source=label) from None
    return providers_from_json(data, name=label)
