"""The throw-away app's API: one operation under /api/v1/throwaway."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from liaison.lib.api import acting_user

router = Router(tags=["Throw-away"])


class GreetingOut(Schema):
    greeting: str


@router.get(
    "",
    response=GreetingOut,
    summary="Greet the caller",
    description="A greeting naming the authenticated user.",
)
def greet(request: HttpRequest) -> dict[str, str]:
    return {"greeting": f"hello, {acting_user(request).get_username()}"}
