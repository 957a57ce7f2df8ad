"""The literature's panel of the home page (``home_panels`` in ``apps.py``): the
references the user added to their own library most recently."""

from __future__ import annotations

from typing import Any

from liaison.core.models import User
from liaison.literature.services.references import library_items

#: How many of the user's references the home page lists ("My references" holds the rest).
SHOWN_REFERENCES = 5


def recent_references(user: User) -> dict[str, Any]:
    """``user``'s own latest library items, newest first, and how many they hold."""
    items = library_items(user)
    return {"items": list(items[:SHOWN_REFERENCES]), "count": items.count()}
