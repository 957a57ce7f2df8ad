"""The safety pages, by subject: the queue and a case's page and actions (``cases``),
the intake (``intake``), flags (``flags``), E2B files (``e2b``) and the
reconciliation report (``reconciliation``); ``safety/urls.py`` joins their
``urlpatterns``."""
