"""`liaison serve` end to end: a real gunicorn and worker in child processes,
the demo world on first run, every demo login accepted over HTTP, and both
children stopped with the server."""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from liaison.core.demo import DEMO_USERS

SERVE = [sys.executable, "-m", "liaison", "serve"]


def fetch(url: str) -> tuple[int, str]:
    """GET a page of the local test server."""
    with urllib.request.urlopen(url) as response:  # noqa: S310 (http://127.0.0.1 only)
        return int(response.status), response.read().decode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Server:
    def __init__(self, process: subprocess.Popen[str], port: int, log: Path) -> None:
        self.process = process
        self.port = port
        self.log = log
        self.url = f"http://127.0.0.1:{port}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to find the server's children")
    port = free_port()
    log = tmp_path / "serve.log"
    env = {
        **os.environ,
        "LIAISON_DATA_DIR": str(tmp_path / "data"),
        "LIAISON_DEBUG": "false",
        "PYTHONUNBUFFERED": "1",
    }
    # Its own SQLite database and database worker, as on first use: an RQ worker
    # of its own on the CI Redis would take jobs queued by other tests.
    env.pop("LIAISON_DATABASE_URL", None)
    env.pop("LIAISON_REDIS_URL", None)
    with log.open("w") as sink:
        process = subprocess.Popen(
            [*SERVE, "--port", str(port), "--workers", "1", "--demo-hcps", "40"],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env,
            text=True,
            # Its own process group, so teardown can stop gunicorn and the
            # worker too: an orphaned worker would take jobs from later tests.
            start_new_session=True,
        )
    running = Server(process, port, log)
    deadline = time.monotonic() + 180
    while "Liaison is running at" not in running.output():
        if process.poll() is not None or time.monotonic() > deadline:
            _stop_group(process)
            pytest.fail(f"liaison serve did not start:\n{running.output()}")
        time.sleep(0.3)
    yield running
    _stop_group(process)


def _stop_group(process: subprocess.Popen[str]) -> None:
    """Stop serve and everything it started (gunicorn, the worker)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def login(base_url: str, username: str, password: str) -> bool:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base_url}/login/").read().decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "the login page has no CSRF token"
    data = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1)}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
        f"{base_url}/login/", data=data, headers={"Referer": f"{base_url}/login/"}
    )
    opener.open(request).read()
    return any(cookie.name == "sessionid" for cookie in jar)


def test_serve_runs_web_and_worker_and_demo_logins_work(server: Server) -> None:
    output = server.output()
    assert f"Liaison is running at {server.url}/" in output
    logins = re.findall(r"^(\w+)\s+(\w+)\s+(\S+-\S+-\S+-\S+)$", output, flags=re.MULTILINE)
    assert {username for username, _, _ in logins} == {row[0] for row in DEMO_USERS}

    commands = [
        Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        for pid in children_of(server.process.pid)
    ]
    assert any("liaison worker" in command for command in commands)
    assert any("gunicorn liaison.wsgi:application" in command for command in commands)

    status, page = fetch(f"{server.url}/login/")
    assert status == 200
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page)
    if stylesheet:  # served by whitenoise from the collected files
        assert fetch(server.url + stylesheet.group(1))[0] == 200
    for username, _, password in logins:
        assert login(server.url, username, password), f"demo login {username} failed"


def test_sigterm_stops_server_and_worker(server: Server) -> None:
    children = children_of(server.process.pid)
    assert len(children) == 2
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=30) == 0
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(alive(pid) for pid in children)
    assert server.output().rstrip().endswith("stopped")
