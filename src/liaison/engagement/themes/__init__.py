"""Insight themes: the pure clustering of statements (:mod:`.engine`), with no ORM."""
