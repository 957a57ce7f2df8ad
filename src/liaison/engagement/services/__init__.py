"""The operations of field engagement, one module per subject: ``interactions``
(with drafts and the inline insights and follow-ups), ``meetings``,
``follow_ups``, ``insights`` (review, comments), ``themes``, ``plans``,
``calendar``."""
