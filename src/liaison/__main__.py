"""``python -m liaison`` is the ``liaison`` command (``liaison serve`` starts its worker so)."""

from liaison.cli import main

main()
