"""A local HTTP server that replays canned answers, so live clients are tested over real HTTP.

Usage::

    with ReplayServer() as server:
        server.add("/esearch.fcgi", Reply.json({"esearchresult": {...}}), query={"db": "pubmed"})
        server.add("/efetch.fcgi", Reply(429, headers={"Retry-After": "1"}), Reply(200, xml))
        ... point the client at server.url ...
        assert server.requests[0].query["api_key"] == "secret"

Routes match on the path and on the query parameters they name (a route
naming more parameters wins over one naming fewer). Each route plays its
replies in order and then repeats the last one. Every request is recorded
with its arrival time (``time.monotonic()``), unmatched ones too (they get a
404 naming the request, so a test fails with a readable message).
"""

from .server import RecordedRequest, ReplayServer, Reply

__all__ = ["RecordedRequest", "ReplayServer", "Reply"]
