"""The safety API (``/api/v1/safety/...``), one router per subject: cases, flags,
E2B files and the reconciliation report."""
