"""Themes benchmark: recompute the insight themes of ``--insights`` generated insights.

Builds (once per size) a database of generated insight statements in its own
data directory under ``benchmarks/out/`` (fifteen subjects written from
templates, see ``engagement_themes_corpus.py``), then runs ``liaison engagement
themes`` twice in a child process (the first computation, then a second that
matches the first's themes and moves almost nothing) and reports for each the
wall time, the command's own timing and the peak memory (``ru_maxrss`` of the
child), with the themes found and how well they follow the fifteen subjects.

    .venv/bin/python benchmarks/engagement_themes.py --insights 200000
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from engagement_themes_corpus import statements  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--insights", type=int, default=200_000, help="insights (200000)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the statements (42)")
    parser.add_argument("--runs", type=int, default=2, help="recomputations to time (2)")
    return parser.parse_args()


def setup(args: argparse.Namespace) -> Path:
    data_dir = OUT / f"themes-{args.insights}"
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["LIAISON_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from liaison.core.models import Role, User
    from liaison.engagement.models import Insight, InsightCategory, Theme
    from liaison.lib import bulk

    call_command("migrate", interactive=False, verbosity=0)
    if Insight.objects.count() == args.insights:
        # The first run is a first computation: no themes yet (a benchmark's reset,
        # not audited).
        Insight.objects.update(theme=None, theme_locked=False)
        Theme.objects.all().delete()
        return data_dir
    print(f"writing {args.insights:,} generated insights ...", flush=True)
    started = time.perf_counter()
    Insight.objects.all().delete()
    Theme.objects.all().delete()
    msl, _ = User.objects.get_or_create(username="bench-msl", defaults={"role": Role.MSL})
    User.objects.get_or_create(username="bench-lead", defaults={"role": Role.INSIGHTS_LEAD})
    category = InsightCategory.objects.order_by("pk").first()
    assert category is not None
    batch: list[Insight] = []
    for text, _subject in statements(args.insights, args.seed):
        batch.append(
            Insight(
                statement=text,
                category=category,
                msl=msl,
                country="DE",
                search_text=" ".join(text.lower().split()),
            )
        )
        if len(batch) == 20_000:
            with transaction.atomic():
                bulk.insert_instances(Insight, batch)
            batch = []
    with transaction.atomic():
        bulk.insert_instances(Insight, batch)
    print(f"  written in {time.perf_counter() - started:.0f} s", flush=True)
    return data_dir


def recompute(run: int) -> dict[str, object]:
    """Run ``liaison engagement themes`` in a child; its wall time and peak RSS
    (``os.wait4``: that child's own resource usage)."""
    OUT.mkdir(parents=True, exist_ok=True)
    log = OUT / f"themes-run-{run}.log"
    started = time.perf_counter()
    with log.open("w") as stream:
        child = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "liaison"),
                "engagement",
                "themes",
                "--as",
                "bench-lead",
                "-v",
                "2",
            ],
            stdout=stream,
            stderr=subprocess.STDOUT,
            env=os.environ.copy(),
        )
        _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    if child.returncode != 0:
        raise SystemExit(f"run {run} failed:\n" + "\n".join(lines[-20:]))
    stages = next((line for line in lines if line.startswith("Stages: ")), "")
    return {
        "run": run,
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
        "summary": lines[-1],
        "stages": stages.removeprefix("Stages: "),
    }


def purity(args: argparse.Namespace) -> tuple[int, list[float]]:
    """Themes found, and for each subject the share of its insights in its main theme."""
    from liaison.engagement.models import Insight, Theme

    subjects = [subject for _text, subject in statements(args.insights, args.seed)]
    themes = list(Insight.objects.order_by("pk").values_list("theme_id", flat=True))
    shares = []
    for subject in range(15):
        members = [theme for theme, s in zip(themes, subjects, strict=True) if s == subject]
        shares.append(collections.Counter(members).most_common(1)[0][1] / len(members))
    return Theme.objects.count(), shares


def main() -> None:
    args = parse_args()
    setup(args)
    print(f"liaison engagement themes on {args.insights:,} insights (SQLite)", flush=True)
    print("| run | wall s | CPU s | peak RSS MB | command's summary | stages |")
    print("| --- | ---: | ---: | ---: | --- | --- |")
    for run in range(1, args.runs + 1):
        result = recompute(run)
        print(
            f"| {run} | {result['wall']:.1f} | {result['cpu']:.1f} | {result['peak_mb']:.0f} "
            f"| {result['summary']} | {result['stages']} |",
            flush=True,
        )
    count, shares = purity(args)
    print(
        f"themes: {count}; subjects' share in their main theme: "
        f"median {sorted(shares)[len(shares) // 2]:.2f}, min {min(shares):.2f}, max {max(shares):.2f}"
    )


if __name__ == "__main__":
    main()
