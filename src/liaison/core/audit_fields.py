"""How the audit trail records core's models (see :func:`liaison.core.audit.register_fields`).

A user's names and e-mail are personal; the password (already a salted hash)
and an API token's hash are secrets, recorded only as a keyed hash. An electronic
signature's printed name is not erasable: the manifestation of a signature is a
regulated record (21 CFR 11.50) kept for as long as what was signed.
"""

from __future__ import annotations

from liaison.core.audit import register_fields
from liaison.core.models import ApiToken, ElectronicSignature, Job, Team, Territory, User

register_fields(User, redacted=("password",), personal=("first_name", "last_name", "email"))
register_fields(Team)
register_fields(Territory)
register_fields(ApiToken, redacted=("key_hash",))
register_fields(Job)
register_fields(ElectronicSignature)
