"""The front of the endpoint: the result cap, the timeout and read-only access.

A small HTTP server from the standard library (``http.server``, which parses HTTP; no
hand-written parser) in front of ``oxigraph serve-read-only``, which does all SPARQL work
(parsing, evaluation, content negotiation, result serialisation). For each request the
front:

- passes ``GET /query`` and ``POST /query`` (form or ``application/sparql-query`` body)
  on, with the query rewritten by :func:`kg.serve.cap.cap_query` so that at most
  ``limit`` solutions come back;
- answers ``503`` when the engine has not answered after ``timeout`` seconds (Oxigraph
  itself cancels the evaluation one second later, so abandoned queries stop);
- refuses SPARQL updates (``/update``, ``update=``, ``application/sparql-update``) with
  ``403``, and every other path or method (e.g. the Graph Store Protocol, which would
  return the whole graph past the cap) with ``404``/``405``;
- serves Oxigraph's query page at ``/``.

Responses are buffered (the cap keeps them small), so a client never receives a ``200``
whose body the engine cut short.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from kg.serve.cap import CapError, cap_query

_FORM = "application/x-www-form-urlencoded"
_SPARQL_QUERY = "application/sparql-query"
_SPARQL_UPDATE = "application/sparql-update"
_PASS_HEADERS = ("Content-Type", "Content-Disposition", "Vary")
_MAX_BODY = 10 * 1024 * 1024


class FrontServer(ThreadingHTTPServer):
    """The HTTP front; ``upstream`` is the ``(host, port)`` of the Oxigraph server."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], upstream: tuple[str, int], *,
                 timeout: float, limit: int, quiet: bool = True) -> None:
        self.upstream = upstream
        self.query_timeout = timeout
        self.limit = limit
        self.quiet = quiet
        if ":" in address[0]:  # an IPv6 address such as ::1
            self.address_family = socket.AF_INET6
        super().__init__(address, FrontHandler)

    def start_in_thread(self) -> threading.Thread:
        """Serve in a daemon thread; stop with ``shutdown()``."""
        thread = threading.Thread(target=self.serve_forever, name="kg-serve-front", daemon=True)
        thread.start()
        return thread


class FrontHandler(BaseHTTPRequestHandler):
    """One request: check it, cap the query, forward it, relay the answer."""

    server: FrontServer
    protocol_version = "HTTP/1.1"
    server_version = "kg-serve"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        if not self.server.quiet:
            super().log_message(format, *args)

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        url = urlsplit(self.path)
        if url.path == "/":
            self._forward("GET", "/", None, {})
            return
        if url.path != "/query":
            self._reply(404, "kg serve answers SPARQL queries at /query (GET or POST)")
            return
        params = parse_qsl(url.query, keep_blank_values=True)
        if any(k == "update" for k, _ in params):
            self._refuse_update()
            return
        params = self._capped(params)
        if params is not None:
            self._forward("GET", "/query?" + urlencode(params), None, {})

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        url = urlsplit(self.path)
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY:
            self.close_connection = True
            self._reply(413, f"request body over {_MAX_BODY} bytes")
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        if url.path == "/update" or ctype == _SPARQL_UPDATE:
            self._refuse_update()
            return
        if url.path != "/query":
            self._reply(404, "kg serve answers SPARQL queries at /query (GET or POST)")
            return
        suffix = f"?{url.query}" if url.query else ""
        if ctype == _FORM:
            params = parse_qsl(body, keep_blank_values=True)
            if any(k == "update" for k, _ in params):
                self._refuse_update()
                return
            capped = self._capped(params)
            if capped is not None:
                self._forward("POST", "/query" + suffix, urlencode(capped).encode("utf-8"),
                              {"Content-Type": _FORM})
        elif ctype == _SPARQL_QUERY:
            query = self._cap(body)
            if query is not None:
                self._forward("POST", "/query" + suffix, query.encode("utf-8"),
                              {"Content-Type": _SPARQL_QUERY})
        else:
            self._reply(415, f"unsupported Content-Type {ctype!r}; send {_SPARQL_QUERY} "
                             f"or {_FORM}")

    def _method_not_allowed(self) -> None:
        self._reply(405, "kg serve is a read-only SPARQL endpoint: use GET or POST /query",
                    {"Allow": "GET, POST"})

    do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _method_not_allowed  # noqa: N815

    def _refuse_update(self) -> None:
        self._reply(403, "kg serve is a read-only SPARQL endpoint: updates are refused")

    def _cap(self, query: str) -> str | None:
        try:
            return cap_query(query, self.server.limit)
        except CapError as err:
            self._reply(400, f"SPARQL syntax error: {err}")
            return None

    def _capped(self, params: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
        queries = [v for k, v in params if k == "query"]
        if len(queries) != 1:
            self._reply(400, "give exactly one 'query' parameter")
            return None
        query = self._cap(queries[0])
        if query is None:
            return None
        return [(k, query if k == "query" else v) for k, v in params]

    def _forward(self, method: str, path: str, body: bytes | None,
                 headers: dict[str, str]) -> None:
        timeout = self.server.query_timeout
        deadline = time.monotonic() + timeout
        headers = dict(headers)
        if self.headers.get("Accept"):
            headers["Accept"] = self.headers["Accept"]
        headers["Accept-Encoding"] = "identity"
        conn = http.client.HTTPConnection(*self.server.upstream, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            chunks = []
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                if conn.sock is not None:
                    conn.sock.settimeout(remaining)
                chunk = response.read1(65536)
                if not chunk:
                    break
                chunks.append(chunk)
            data = b"".join(chunks)
            relay = {k: v for k, v in response.getheaders() if k.title() in _PASS_HEADERS}
            self._send(response.status, data, relay)
        except TimeoutError:
            self._reply(503, f"query timeout: no answer within {timeout:g} s; "
                             "narrow the query or add a LIMIT")
        except (OSError, http.client.HTTPException) as err:
            self._reply(502, f"the SPARQL engine failed: {err}")
        finally:
            conn.close()

    def _reply(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, (message + "\n").encode("utf-8"),
                   {"Content-Type": "text/plain; charset=utf-8", **(headers or {})})

    def _send(self, status: int, data: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-KG-Result-Cap", str(self.server.limit))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
