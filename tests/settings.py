"""The settings of the test run: Liaison's own, plus the throw-away app that proves an
app is added by one line here and its own folder (``tests/throwaway``)."""

from liaison.settings import *  # noqa: F403
from liaison.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.throwaway"]

# Test databases are flushed between tests while a data directory's anchor log
# would remain: anchoring is on only in the tests that give it a log of their own.
LIAISON_AUDIT_ANCHOR_FILE = ""
