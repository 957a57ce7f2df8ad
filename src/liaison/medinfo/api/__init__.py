"""The medical information API (``/api/v1/medinfo/...``), a router per subject:
inquiries (the queue, intake, hand-off, answers), answers (delivery, the letter, its
references), standard responses and their versions (drafting and signed review),
and reports (turnaround)."""
