"""``liaison serve``: everything `make run` needs, in one command.

Migrates, collects static files, builds the demo world on the first run, then
starts two children in this process group, the background worker
(``liaison worker``) and gunicorn on ``liaison.wsgi``, and watches them. A
worker that dies is started again (after a pause that doubles up to a minute,
while the web keeps serving; administrators see the gap on every page); when the
web server stops, or this process gets SIGINT/SIGTERM, both are stopped.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from argparse import ArgumentParser, BooleanOptionalAction
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from liaison.core.models import User
from liaison.demo.logins import read_logins
from liaison.demo.world import DEFAULT_HCPS, build_demo
from liaison.lib.progress import progress_bar

STOP_GRACE_SECONDS = 15
#: Pause before restarting a worker that died, doubling up to the maximum; a worker
#: that ran longer than the maximum starts the pauses again from the first.
RESTART_FIRST_DELAY = 1.0
RESTART_MAX_DELAY = 60.0


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def wait_for_port(host: str, port: int, *, timeout: float, alive: subprocess.Popen[bytes]) -> bool:
    """Wait until something accepts connections on ``host:port`` (or ``alive`` dies)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive.poll() is None:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


class Supervisor:
    """Children started in this process group, stopped together."""

    def __init__(self) -> None:
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.argv: dict[str, list[str]] = {}
        self.started: dict[str, float] = {}
        self.stopping = False

    def start(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        child = subprocess.Popen(argv)  # same process group: Ctrl-C reaches it too
        self.children[name] = child
        self.argv[name] = argv
        self.started[name] = time.monotonic()
        return child

    def restart(self, name: str, delay: float) -> bool:
        """Start child ``name`` again after ``delay`` seconds (unless a stop came)."""
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline:
            if self.stopping:
                return False
            time.sleep(0.2)
        self.start(name, self.argv[name])
        return True

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def wait(self) -> tuple[str, int] | None:
        """Block until a stop is requested (None) or a child exits (its name and status)."""
        while not self.stopping:
            for name, child in self.children.items():
                status = child.poll()
                if status is not None:
                    return name, status
            time.sleep(0.3)
        return None

    def stop_all(self) -> None:
        for child in self.children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in self.children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


class Command(BaseCommand):
    help = (
        "Serve Liaison: migrate the database, collect static files, build the demo world on "
        "the first run (no users yet), start the background worker and serve the web app "
        "and API with gunicorn. Prints the URL and the demo logins. Ctrl-C or SIGTERM stops "
        "the web server and the worker together."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
        parser.add_argument(
            "--workers", type=int, default=2, help="gunicorn web worker processes (2)"
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start the background worker (run `liaison worker` elsewhere)",
        )
        parser.add_argument(
            "--demo",
            action=BooleanOptionalAction,
            default=True,
            help="build the demo world when the database has no users yet (default: on)",
        )
        parser.add_argument(
            "--demo-hcps",
            type=int,
            default=DEFAULT_HCPS,
            help=f"size of that first demo world ({DEFAULT_HCPS} HCPs)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1:
            raise CommandError(f"--workers: {options['workers']} is not a positive number")
        data_dir = Path(settings.DATA_DIR)
        self.stdout.write(f"data directory: {data_dir}")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if options["demo"] and not User.objects.exists():
            self.stdout.write("first run: building the demo world")
            with progress_bar() as report:
                build_demo(data_dir=data_dir, hcps=options["demo_hcps"], progress=report)
        # The children open their own connections; this process needs none while it waits.
        connections.close_all()
        self.serve(data_dir, options)

    def serve(self, data_dir: Path, options: dict[str, Any]) -> None:
        host, port = options["host"], options["port"]
        supervisor = Supervisor()
        signal.signal(signal.SIGTERM, supervisor.request_stop)
        signal.signal(signal.SIGINT, supervisor.request_stop)
        try:
            if not options["no_worker"]:
                supervisor.start("worker", [sys.executable, "-m", "liaison", "worker"])
            web = supervisor.start(
                "web server",
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "liaison.wsgi:application",
                    "--bind",
                    bind_address(host, port),
                    "--workers",
                    str(options["workers"]),
                    "--timeout",
                    "120",
                    "--graceful-timeout",
                    "10",
                    "--access-logfile",
                    "-",
                    # Several servers may run for one user: no shared socket in ~/.gunicorn.
                    "--no-control-socket",
                ],
            )
            if wait_for_port(host, port, timeout=60, alive=web):
                self.announce(data_dir, host, port)
            exited = self.watch(supervisor)
        finally:
            supervisor.stop_all()
        if exited is not None:
            name, status = exited
            raise CommandError(f"the {name} stopped unexpectedly (exit status {status})")
        self.stdout.write("stopped")

    def watch(self, supervisor: Supervisor) -> tuple[str, int] | None:
        """Wait for a stop (None) or the web server's end (its name and status),
        restarting the worker whenever it dies."""
        delay = RESTART_FIRST_DELAY
        while True:
            exited = supervisor.wait()
            if exited is None or exited[0] != "worker":
                return exited
            ran = time.monotonic() - supervisor.started["worker"]
            if ran > RESTART_MAX_DELAY:
                delay = RESTART_FIRST_DELAY
            self.stderr.write(
                f"the worker stopped (exit status {exited[1]}); starting it again in "
                f"{delay:.0f} s, the web keeps serving"
            )
            if not supervisor.restart("worker", delay):
                return None
            delay = min(delay * 2, RESTART_MAX_DELAY)

    def announce(self, data_dir: Path, host: str, port: int) -> None:
        shown_host = f"[{host}]" if ":" in host else host
        self.stdout.write(f"\nLiaison is running at http://{shown_host}:{port}/\n")
        logins = read_logins(data_dir)
        if logins:
            self.stdout.write(logins)
        self.stdout.write(
            f"database: {connection.vendor}; press Ctrl-C to stop the server and the worker"
        )
        self.stdout.flush()
