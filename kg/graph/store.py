"""Oxigraph stores for large graphs: bulk loading, a cache beside the build, queries.

rdflib keeps a whole graph in Python objects, which is fine for a few hundred thousand
triples and too slow and large at a million papers. :class:`GraphStore` wraps a pyoxigraph
``Store`` (RocksDB on disk, or in memory) that holds the graph in its *default graph*, so
SPARQL queries need no ``GRAPH`` clause.

:func:`directory_store` opens the store of a built output directory: the first call
bulk-loads ``DIR/graph.nt`` into ``DIR/.oxigraph/store`` (built in a temporary directory
and renamed into place, so concurrent callers never see half a store), later calls open
it read-only. The cache is rebuilt when ``graph.nt`` changes (size or modification time).
A directory that cannot be written gets an in-memory store instead.

Only one process may open a store directory for writing; any number may read it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kg.errors import GraphError

#: Name of the cache directory kept inside an output directory.
CACHE_DIR = ".oxigraph"
#: Bump when the layout of the cache changes, to force a rebuild.
_CACHE_FORMAT = 1
#: Pieces an on-disk store loads in parallel, and the file size from which it splits. On 2
#: cores, 4 loading threads kept both busy while parsing (1M papers: 128-148 s), 2 threads
#: used 1.6 cores (156 s), 8 cost more CPU (155 s); see README, "RDF and SPARQL figures".
LOAD_PARTS = 4
SPLIT_BYTES = 64 * 1024 * 1024


def _copy_range(fd: int, dst: Any, start: int, end: int) -> None:
    """Copy bytes ``start:end`` of the open file ``fd`` to ``dst`` (in the kernel if it can)."""
    offset = start
    copy = getattr(os, "copy_file_range", None)
    while offset < end:
        try:
            copied = copy(fd, dst.fileno(), end - offset, offset) if copy else 0
        except OSError:  # e.g. not supported between these file systems
            copy, copied = None, 0
        if not copied:
            chunk = os.pread(fd, min(end - offset, 1 << 24), offset)
            if not chunk:
                raise OSError(f"the file shrank while it was being split (at byte {offset})")
            dst.write(chunk)
            copied = len(chunk)
        offset += copied


def split_lines(source: Path, directory: Path, parts: int) -> list[Path]:
    """Copy ``source`` into ``parts`` files of ``directory``, cut at line ends (so each is
    valid N-Triples), with the kernel's ``copy_file_range``; return their paths."""
    size = source.stat().st_size
    cuts = [0]
    with open(source, "rb") as fh:
        for i in range(1, parts):
            fh.seek(max(size * i // parts, cuts[-1]))
            fh.readline()
            cuts.append(fh.tell())
    cuts.append(size)
    out = []
    fd = os.open(source, os.O_RDONLY)
    try:
        for i, (start, end) in enumerate(zip(cuts, cuts[1:])):
            path = directory / f"part-{i}.nt"
            with open(path, "wb") as dst:
                _copy_range(fd, dst, start, end)
            out.append(path)
    finally:
        os.close(fd)
    return out


class GraphStore:
    """An Oxigraph store holding one graph in its default graph.

    Use the alternate constructors: :meth:`in_memory`, :meth:`create`, :meth:`open`.
    """

    def __init__(self, store: Any, path: Path | None = None) -> None:
        self.store = store
        self.path = path

    @classmethod
    def in_memory(cls) -> GraphStore:
        """A new empty in-memory store."""
        import pyoxigraph as ox

        return cls(ox.Store())

    @classmethod
    def create(cls, path: str | Path) -> GraphStore:
        """A new (or existing) read-write store in directory ``path``."""
        import pyoxigraph as ox

        path = Path(path)
        try:
            return cls(ox.Store(str(path)), path)
        except OSError as err:
            raise GraphError(f"cannot open the Oxigraph store {path} for writing: {err}; "
                             "is another process writing it?") from err

    @classmethod
    def open(cls, path: str | Path) -> GraphStore:
        """Open the store in directory ``path`` read-only (many readers may share it)."""
        import pyoxigraph as ox

        path = Path(path)
        try:
            return cls(ox.Store.read_only(str(path)), path)
        except OSError as err:
            raise GraphError(f"cannot open the Oxigraph store {path}: {err}; delete the "
                             "directory to rebuild it") from err

    def load_ntriples(self, source: str | Path, *, lenient: bool = True,
                      parts: int = LOAD_PARTS) -> None:
        """Bulk-load an N-Triples file into the default graph.

        ``lenient`` skips Oxigraph's IRI validation, which is safe (and faster) for the
        ``graph.nt`` files kg writes with Oxigraph's own serialiser. An on-disk store loads
        a file of more than :data:`SPLIT_BYTES` as ``parts`` pieces cut at line ends (copied
        beside the store by the kernel, then deleted), one ``bulk_load`` thread each:
        Oxigraph releases the GIL, and several loading threads keep the cores busy while
        they parse (one ``bulk_load`` used 1.6 of 2 cores; see :data:`LOAD_PARTS`).
        """
        import pyoxigraph as ox

        source = Path(source)
        try:
            if self.path is None:
                self.store.load(path=str(source), format=ox.RdfFormat.N_TRIPLES,
                                to_graph=ox.DefaultGraph(), lenient=lenient)
                return
            if parts < 2 or source.stat().st_size <= SPLIT_BYTES:
                self._bulk_load([source], lenient)
                return
            with tempfile.TemporaryDirectory(prefix=".load-", dir=self.path.parent) as tmp:
                self._bulk_load(split_lines(source, Path(tmp), parts), lenient)
        except SyntaxError as err:
            raise GraphError(f"{source}: not valid N-Triples: {err}") from err
        except OSError as err:
            raise GraphError(f"cannot load {source} into the Oxigraph store: {err}") from err

    def _bulk_load(self, files: list[Path], lenient: bool) -> None:
        """``Store.bulk_load`` of each file, in one thread per file; the first error is
        raised once every thread has stopped."""
        from concurrent.futures import ThreadPoolExecutor

        import pyoxigraph as ox

        def load(path: Path) -> None:
            self.store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES,
                                 to_graph=ox.DefaultGraph(), lenient=lenient)

        with ThreadPoolExecutor(len(files), thread_name_prefix="kg-load") as pool:
            futures = [pool.submit(load, f) for f in files]
        for future in futures:  # every thread has stopped: the pool waited for them
            future.result()
        self.store.flush()

    def add_triples(self, triples: Any) -> None:
        """Add pyoxigraph Triples (or Quads) to the default graph."""
        import pyoxigraph as ox

        self.store.extend(t if isinstance(t, ox.Quad) else ox.Quad(t.subject, t.predicate,
                                                                   t.object, ox.DefaultGraph())
                          for t in triples)

    def __len__(self) -> int:
        return len(self.store)

    def query(self, query: str, bindings: Mapping[str, Any] | None = None) -> Any:
        """Run a SPARQL query; ``bindings`` (pyoxigraph terms) are substituted, not formatted.

        Returns pyoxigraph's result: solutions, a boolean, or triples.

        Raises
        ------
        GraphError
            On a SPARQL syntax error (with the parser's message) or a storage error.
        """
        import pyoxigraph as ox

        subs = {ox.Variable(name): term for name, term in (bindings or {}).items()}
        try:
            return self.store.query(query, substitutions=subs or None)
        except SyntaxError as err:
            raise GraphError(f"SPARQL syntax error: {err}") from err
        except OSError as err:
            raise GraphError(f"query failed on the Oxigraph store: {err}") from err


def _stamp(nt: Path) -> dict[str, Any]:
    import pyoxigraph as ox

    stat = nt.stat()
    return {"format": _CACHE_FORMAT, "pyoxigraph": ox.__version__, "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns}


def _read_stamp(cache: Path) -> dict[str, Any] | None:
    try:
        return json.loads((cache / "source.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def graph_file(directory: str | Path) -> Path:
    """``DIR/graph.nt``, or a GraphError saying how to produce it."""
    nt = Path(directory) / "graph.nt"
    if not nt.is_file():
        raise GraphError(f"{directory} has no graph.nt; build the graph first with "
                         f"`kg build --out {directory}`")
    return nt


def build_cache(directory: str | Path) -> Path:
    """Make sure ``DIR/.oxigraph/store`` holds ``DIR/graph.nt``; return the store path.

    Raises
    ------
    GraphError
        When ``graph.nt`` is missing or invalid.
    OSError
        When the directory cannot be written (callers fall back to memory).
    """
    directory = Path(directory)
    nt = graph_file(directory)
    cache = directory / CACHE_DIR
    stamp = _stamp(nt)
    if _read_stamp(cache) == stamp:
        return cache / "store"
    tmp = Path(tempfile.mkdtemp(prefix=f"{CACHE_DIR}.tmp-", dir=directory))
    try:
        store = GraphStore.create(tmp / "store")
        store.load_ntriples(nt)
        del store  # closes the RocksDB instance before the rename
        (tmp / "source.json").write_text(json.dumps(stamp), encoding="utf-8")
        if _read_stamp(cache) == stamp:  # another process won the race
            shutil.rmtree(tmp, ignore_errors=True)
            return cache / "store"
        if cache.exists():
            stale = directory / f"{CACHE_DIR}.stale-{os.getpid()}"
            os.replace(cache, stale)
            shutil.rmtree(stale, ignore_errors=True)
        os.replace(tmp, cache)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return cache / "store"


def directory_store(directory: str | Path) -> GraphStore:
    """The Oxigraph store of a built directory (cached in ``DIR/.oxigraph``; see above)."""
    try:
        return GraphStore.open(build_cache(directory))
    except OSError:
        store = GraphStore.in_memory()
        store.load_ntriples(graph_file(directory))
        return store
