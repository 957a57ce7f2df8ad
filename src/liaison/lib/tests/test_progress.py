"""The command line's progress: the bar adapter and the rich bar itself."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.lib.progress import BarProgress, progress_bar


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int]] = []

    def __call__(self, step: str, done: int, total: int) -> None:
        self.calls.append((step, done, total))


def test_bar_progress_draws_its_step_as_work_advances() -> None:
    report = Recorder()
    sink = BarProgress(report, "importing")
    sink.set_total(10)
    sink.advance(3, created=2, updated=1)
    sink.advance()
    assert report.calls == [("importing", 0, 10), ("importing", 3, 10), ("importing", 4, 10)]


def test_bar_progress_total_never_falls_below_what_is_done() -> None:
    report = Recorder()
    sink = BarProgress(report, "studies")
    sink.advance(5)  # the total is not known yet
    sink.set_total(2)  # an estimate that proved short
    assert report.calls == [("studies", 5, 5), ("studies", 5, 5)]


def test_bar_progress_shows_bytes_in_units() -> None:
    report = Recorder()
    sink = BarProgress(report, "reading (KB)", unit=1024)
    sink.set_total(10 * 1024)
    sink.advance(1536)
    assert report.calls == [("reading (KB)", 0, 10), ("reading (KB)", 1, 10)]


def test_bar_progress_refuses_a_unit_below_one() -> None:
    with pytest.raises(ValueError, match="unit"):
        BarProgress(Recorder(), "x", unit=0)


def test_progress_bar_draws_on_stderr(capsys: Any) -> None:
    with progress_bar() as report:
        report("importing", 3, 10)
    captured = capsys.readouterr()
    assert "importing" in captured.err
    assert "3/10" in captured.err
    assert captured.out == ""


def test_disabled_progress_bar_draws_nothing(capsys: Any) -> None:
    with progress_bar(enabled=False) as report:
        BarProgress(report, "importing").advance(3)
    assert capsys.readouterr() == ("", "")
