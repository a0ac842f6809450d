"""Start and stop the SPARQL endpoint of a built directory.

The engine is the pip-installed ``oxigraph serve-read-only`` (Oxigraph's own HTTP server
and SPARQL 1.1 Protocol implementation), run on a free loopback port over the store of
``DIR/graph.nt`` (bulk-loaded once into ``DIR/.oxigraph``, see :mod:`kg.graph.store`).
In front of it, :mod:`kg.serve.proxy` listens on the public address and enforces the
result cap and the timeout. What is enforced where:

========================  ==========================================================
read-only                 Oxigraph (``serve-read-only``: updates get 403) and the
                          front (updates refused before they reach the engine)
query timeout             the front (503 after ``timeout`` s) and Oxigraph
                          (``--timeout-s``: cancels the evaluation 1 s later)
result cap                the front (top-level ``LIMIT`` of at most ``limit``)
loopback by default       the front binds ``host`` (default 127.0.0.1); the engine
                          always binds 127.0.0.1
content negotiation       Oxigraph (SPARQL JSON, XML, CSV, TSV; Turtle, N-Triples,
                          RDF/XML, JSON-LD for CONSTRUCT and DESCRIBE)
========================  ==========================================================
"""

from __future__ import annotations

import math
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from kg.errors import GraphError, ServeError
from kg.graph.store import GraphStore, build_cache, graph_file

if TYPE_CHECKING:
    from kg.serve.proxy import FrontServer

_START_TIMEOUT = 30.0


def oxigraph_binary() -> str:
    """The path of the ``oxigraph`` server installed with the package (pip ``oxigraph``)."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise ServeError("the Oxigraph server is not installed; install it with "
                         "`pip install oxigraph` (a dependency of kg)")
    return found


def _die_with_parent() -> None:
    """In the engine's process, before exec: on Linux, get SIGTERM when kg exits."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PDEATHSIG
        except OSError:
            pass


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class Endpoint:
    """A running endpoint; use as a context manager, or :meth:`start` / :meth:`stop`.

    Examples
    --------
    >>> with Endpoint("kg-out", port=0) as endpoint:  # doctest: +SKIP
    ...     print(endpoint.url)
    http://127.0.0.1:45678/query
    """

    def __init__(self, directory: str | Path, *, host: str = "127.0.0.1", port: int = 7878,
                 timeout: float = 30.0, limit: int = 10000, quiet: bool = True) -> None:
        if timeout <= 0:
            raise ServeError(f"--timeout must be positive, got {timeout}")
        if limit < 1:
            raise ServeError(f"--limit must be at least 1, got {limit}")
        self.directory = Path(directory)
        self.host, self.port = host, port
        self.timeout, self.limit, self.quiet = timeout, limit, quiet
        self._process: subprocess.Popen[bytes] | None = None
        self._front: FrontServer | None = None
        self._thread: threading.Thread | None = None
        self._tmp: Path | None = None

    @property
    def url(self) -> str:
        """The SPARQL endpoint URL (``http://HOST:PORT/query``)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/query"

    def _store_path(self) -> Path:
        try:
            return build_cache(self.directory)
        except OSError:  # read-only directory: load into a private temporary store
            self._tmp = Path(tempfile.mkdtemp(prefix="kg-serve-"))
            store = GraphStore.create(self._tmp / "store")
            store.load_ntriples(graph_file(self.directory))
            del store
            return self._tmp / "store"

    def start(self) -> Endpoint:
        """Load the store if needed, start the engine and the front; return ``self``."""
        from kg.serve.proxy import FrontServer

        try:
            store = self._store_path()
        except GraphError as err:
            raise ServeError(str(err)) from err
        upstream = ("127.0.0.1", free_port())
        command = [oxigraph_binary(), "serve-read-only", "--location", str(store),
                   "--bind", f"{upstream[0]}:{upstream[1]}",
                   "--timeout-s", str(math.ceil(self.timeout) + 1)]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.PIPE, preexec_fn=_die_with_parent)
        try:
            self._wait_ready(upstream)
            try:
                self._front = FrontServer((self.host, self.port), upstream,
                                          timeout=self.timeout, limit=self.limit,
                                          quiet=self.quiet)
            except OSError as err:
                raise ServeError(f"cannot listen on {self.host}:{self.port}: {err}; choose "
                                 "another --port or --host") from err
            self.port = int(self._front.server_address[1])
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, upstream: tuple[str, int]) -> None:
        assert self._process is not None
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                err = (self._process.stderr.read() if self._process.stderr else b"").decode(
                    "utf-8", errors="replace").strip()
                raise ServeError(f"the Oxigraph server exited with code "
                                 f"{self._process.returncode}: {err or 'no message'}")
            try:
                urllib.request.urlopen(f"http://{upstream[0]}:{upstream[1]}/", timeout=1).close()
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        raise ServeError(f"the Oxigraph server did not answer within {_START_TIMEOUT:g} s")

    def serve_forever(self) -> None:
        """Answer requests until interrupted (Ctrl-C)."""
        assert self._front is not None, "call start() first"
        self._front.serve_forever()

    def start_in_thread(self) -> Endpoint:
        """Start, answering requests in a background thread (tests, notebooks)."""
        self.start()
        assert self._front is not None
        self._thread = self._front.start_in_thread()
        return self

    def stop(self) -> None:
        """Stop the front and the engine, and remove any temporary store."""
        if self._front is not None:
            if self._thread is not None and self._thread.is_alive():
                self._front.shutdown()
                self._thread.join(timeout=10)
            self._front.server_close()
            self._front = None
            self._thread = None
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            if self._process.stderr is not None:
                self._process.stderr.close()
            self._process = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> Endpoint:
        return self.start_in_thread()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def serve(directory: str | Path, *, host: str = "127.0.0.1", port: int = 7878,
          timeout: float = 30.0, limit: int = 10000) -> None:
    """Serve ``directory``'s graph as a read-only SPARQL 1.1 endpoint until Ctrl-C.

    Parameters
    ----------
    directory: a directory written by ``kg build`` (it must hold ``graph.nt``).
    host: the address to listen on; the loopback interface by default.
    port: the port to listen on (0 picks a free one).
    timeout: seconds a query may run before the endpoint answers 503.
    limit: the most solutions a query returns (a top-level LIMIT is added or lowered).

    Raises
    ------
    ServeError
        When the graph is missing, the engine cannot start or the port is taken.
    """
    endpoint = Endpoint(directory, host=host, port=port, timeout=timeout, limit=limit,
                        quiet=False).start()
    print(f"kg: SPARQL endpoint at {endpoint.url} (read-only; timeout {timeout:g} s, "
          f"at most {limit} results); Ctrl-C stops it", file=sys.stderr, flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"kg: warning: listening on {host}, not only on this machine", file=sys.stderr)
    def terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, terminate) if main else None
    try:
        endpoint.serve_forever()
    except KeyboardInterrupt:
        print("kg: endpoint stopped", file=sys.stderr)
    finally:
        endpoint.stop()
        if main:
            signal.signal(signal.SIGTERM, previous)
