"""Progress of long work: what it reports to, and the rich bar of the command line.

Services that run long (imports, loads, watch runs) take a
:class:`ProgressSink`. A background job passes ``core.jobs.Progress`` (the
job's row); a command passes a :class:`BarProgress` over :func:`progress_bar`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

#: ``(step, done, total)``: draws one bar per step name.
Report = Callable[[str, int, int], None]


class ProgressSink(Protocol):
    """Where long work reports progress.

    ``set_total`` gives the amount of work when it is known (rows, records,
    bytes of the files read: each service's docstring says which);
    ``advance`` adds ``step`` done, with the counts of what that step did
    (``created=3, updated=1``), which a job keeps and a bar ignores.
    """

    def set_total(self, total: int) -> None: ...

    def advance(self, step: int = 1, **counts: int) -> None: ...


@contextmanager
def progress_bar(*, enabled: bool = True) -> Iterator[Report]:
    """Yield a callback drawing one bar per step on stderr (nothing when disabled)."""
    if not enabled:
        yield lambda step, done, total: None
        return
    columns = (
        TextColumn("{task.description:<16}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        tasks: dict[str, TaskID] = {}

        def report(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done, total=total)

        yield report


class BarProgress:
    """A :class:`ProgressSink` drawing the bar ``step`` of a :func:`progress_bar`.

    ``unit`` divides what is shown (1024 shows bytes as KB). The bar's total
    never falls below what is done, so work whose total was unknown or too
    small still shows as it advances.
    """

    def __init__(self, report: Report, step: str, *, unit: int = 1) -> None:
        if unit < 1:
            raise ValueError("unit must be at least 1")
        self.report = report
        self.step = step
        self.unit = unit
        self.total = 0
        self.done = 0

    def set_total(self, total: int) -> None:
        self.total = total
        self._draw()

    def advance(self, step: int = 1, **counts: int) -> None:
        self.done += step
        self._draw()

    def _draw(self) -> None:
        self.report(self.step, self.done // self.unit, max(self.total, self.done) // self.unit)
