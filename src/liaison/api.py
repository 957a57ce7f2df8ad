"""The REST API under /api/v1/: one NinjaAPI, one router per app."""

from ninja import NinjaAPI

api = NinjaAPI(title="Liaison API", version="1", urls_namespace="api")
