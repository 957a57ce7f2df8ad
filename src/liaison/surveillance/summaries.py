"""What a watch's run did, in words: the closing message of a "run now" job and the
watch page's note on a first run's cap.

A watch's first run alerts only the ``FIRST_RUN_HITS`` newest matches (a new watch
must not fill the inbox with a whole field's back catalogue) and every later run
only what is new since the run before, so the other matches of a first run are
never alerted. Users see a count such as "32 matching, 20 new alerts": these
sentences say why, and where the other 12 are.
"""

from __future__ import annotations

from liaison.surveillance.models import WatchRun
from liaison.surveillance.services import FIRST_RUN_HITS


def left_unalerted(run: WatchRun, *, first: bool) -> int:
    """How many matches of ``run`` the first run's cap left without an alert."""
    return max(0, run.matched - FIRST_RUN_HITS) if first else 0


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def cap_note(run: WatchRun) -> str:
    """Why a capped first run alerted fewer than it matched, and where the rest are."""
    left = run.matched - FIRST_RUN_HITS
    return (
        f"A watch's first run alerts only its {FIRST_RUN_HITS} newest matches, so that a "
        f"new watch does not fill the inbox with everything published before it; the "
        f"other {left} {'was' if left == 1 else 'were'} not alerted, and later runs alert "
        f"only what is new since the run before. The watch's page lists all "
        f"{run.matched} matches."
    )


def run_message(run: WatchRun, *, first: bool, recipients: int) -> str:
    """The job page's closing message: ``32 matching, 20 new alerts`` and, when the
    first run's cap held some back, :func:`cap_note`."""
    alerts = _plural(run.alerts_created, "new alert")
    if recipients > 1:
        alerts += f" for {recipients} people"
    message = f"{run.matched} matching, {alerts}"
    if left_unalerted(run, first=first):
        message += ". " + cap_note(run)
    return message
