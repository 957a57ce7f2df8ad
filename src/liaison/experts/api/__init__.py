"""The experts API (``/api/v1/experts/...``), one router per subject."""
