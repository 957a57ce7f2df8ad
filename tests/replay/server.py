"""The replay server: a threaded ``http.server`` on 127.0.0.1 with an ephemeral port."""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

#: How much later than sent a request may arrive here: threads, loopback, a busy
#: machine, and on the first request the connection set-up. A limiter that does
#: not space requests at all still fails by far (its requests come milliseconds apart).
JITTER = 0.1


@dataclass(frozen=True)
class Reply:
    """One canned answer. ``delay`` seconds pass before it is sent (for time-outs)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/octet-stream"
    delay: float = 0.0

    @classmethod
    def json(cls, data: Any, status: int = 200, **kwargs: Any) -> Reply:
        return cls(status, json.dumps(data).encode(), content_type="application/json", **kwargs)

    @classmethod
    def xml(cls, text: str | bytes, status: int = 200, **kwargs: Any) -> Reply:
        body = text.encode() if isinstance(text, str) else text
        return cls(status, body, content_type="text/xml; charset=UTF-8", **kwargs)

    @classmethod
    def file(cls, path: Path, content_type: str = "application/json", **kwargs: Any) -> Reply:
        return cls(200, path.read_bytes(), content_type=content_type, **kwargs)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]  # the last value of each parameter
    query_lists: dict[str, list[str]]
    headers: dict[str, str]
    at: float  # time.monotonic() on arrival

    def get(self, name: str) -> str | None:
        return self.query.get(name)


@dataclass
class _Route:
    path: str
    query: dict[str, str]
    replies: list[Reply]
    served: int = 0

    def next_reply(self) -> Reply:
        reply = self.replies[min(self.served, len(self.replies) - 1)]
        self.served += 1
        return reply


class ReplayServer:
    """Serve canned replies on ``url``; see the package docstring."""

    def __init__(self) -> None:
        self._routes: list[_Route] = []
        self._lock = threading.Lock()
        self.requests: list[RecordedRequest] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server._handle(self)

            def do_POST(self) -> None:
                server._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def add(self, path: str, *replies: Reply, query: dict[str, str] | None = None) -> None:
        """Answer ``path`` (with at least the parameters ``query``, in the URL or a
        POSTed form) with ``replies``."""
        if not replies:
            raise ValueError("a route needs at least one reply")
        with self._lock:
            self._routes.append(_Route(path, dict(query or {}), list(replies)))

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [request for request in self.requests if request.path == path]

    def spacing_problem(self, interval: float, path: str | None = None) -> str | None:
        """Why the requests (to ``path``) were not at least ``interval`` seconds apart, or None.

        Arrival times carry the scheduling and network delay of each request
        (``JITTER``) on top of the client's spacing, so one gap may look a
        little short, and the span from the first request to the last by at
        most one such delay."""
        times = [r.at for r in (self.requests_to(path) if path else self.requests)]
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        short = [round(gap, 3) for gap in gaps if gap < interval - JITTER]
        if short:
            return f"gaps shorter than {interval:.3f} s: {short} (all gaps: {gaps})"
        span, wanted = times[-1] - times[0] if times else 0.0, (len(times) - 1) * interval
        if span < wanted - JITTER:
            return f"{len(times)} requests within {span:.3f} s, less than {wanted:.3f} s"
        return None

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        lists = parse_qs(parts.query, keep_blank_values=True)
        if handler.command == "POST":
            # A form body counts as query parameters (E-utilities takes either).
            length = int(handler.headers.get("Content-Length") or 0)
            body = handler.rfile.read(length).decode("utf-8")
            for key, values in parse_qs(body, keep_blank_values=True).items():
                lists.setdefault(key, []).extend(values)
        recorded = RecordedRequest(
            method=handler.command,
            path=parts.path,
            query={key: values[-1] for key, values in lists.items()},
            query_lists=lists,
            headers={key: value for key, value in handler.headers.items()},
            at=time.monotonic(),
        )
        with self._lock:
            self.requests.append(recorded)
            route = self._match(recorded)
            reply = route.next_reply() if route else None
        if reply is None:
            reply = Reply(
                404, f"no canned reply for {handler.path}".encode(), content_type="text/plain"
            )
        if reply.delay:
            time.sleep(reply.delay)
        try:
            handler.send_response(reply.status)
            handler.send_header("Content-Type", reply.content_type)
            handler.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a time-out test)

    def _match(self, request: RecordedRequest) -> _Route | None:
        candidates = [
            route
            for route in self._routes
            if route.path == request.path
            and all(request.query.get(key) == value for key, value in route.query.items())
        ]
        return max(candidates, key=lambda route: len(route.query), default=None)
