"""Write a built graph into an output directory, atomically.

Everything is written into a fresh temporary directory beside the target, which then
replaces the target in two renames. An interrupted or failed build therefore never leaves
a half-written directory and never destroys the previous build.

The directory contract (shared by every stage and the docs):

- ``papers.jsonl``: one paper a line: ``{"id", "title", "abstract", "date", "authors",
  "sources": [{"file", "line"}], "urls", "entities"}`` plus ``org``, ``upvotes``,
  ``author_count``, ``date_text``, ``doi``, ``arxiv_id``.
- ``entities.jsonl``: one canonical entity a line: ``{"id", "label", "type", "aliases",
  "papers", "type_votes", "broader"}``.
- ``links.jsonl``: one paper→entity link a line, with role, confidence and evidence.
- ``merges.jsonl``: every resolution decision with its reason and score.
- ``results.jsonl``: one reported result a line: ``{"paper", "metric", "value",
  "value_text", "field", "start", "end", "sentence", "dataset", "entity", "source",
  "extractor_version", "kind", "baseline"}`` (entity ids; ``dataset``, ``entity`` and
  ``baseline`` may be null; ``kind`` is ``"score"`` or ``"change"``, whose ``value`` is
  signed; a line without ``kind`` is a score).
- further files added by the writers in ``WRITERS`` (graph formats, ``html/``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import json
import multiprocessing as mp
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from kg.errors import OutputError


def paper_record(paper: Any, entity_ids: list[str]) -> dict[str, Any]:
    """The ``papers.jsonl`` line of a paper."""
    return {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "date": paper.date,
        "authors": paper.authors if paper.authors else paper.author_count,
        "sources": [{"file": s.file, "line": s.line} for s in paper.sources],
        "urls": list(paper.urls),
        "entities": entity_ids,
        "org": paper.org,
        "upvotes": paper.upvotes,
        "author_count": paper.author_count,
        "date_text": paper.date_text,
        "doi": paper.doi,
        "arxiv_id": paper.arxiv_id,
    }


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """Write ``rows`` as UTF-8 JSON lines."""
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    with open(path, "w", encoding="utf-8") as fh:
        chunk: list[str] = []
        for row in rows:
            chunk.append(dumps(row))
            if len(chunk) >= 4096:
                fh.write("\n".join(chunk) + "\n")
                chunk.clear()
        if chunk:
            fh.write("\n".join(chunk) + "\n")


def _fields(record: Any) -> dict[str, Any]:
    """The fields of a dataclass record as a dict: ``record.to_dict()`` without the deep
    copy of ``dataclasses.asdict`` (the JSON text is the same)."""
    return {name: getattr(record, name) for name in _field_names(type(record))}


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def write_records(graph: Any, directory: Path) -> list[str]:
    """Write the JSONL files of the directory contract."""
    by_paper: dict[str, dict[str, None]] = {}
    for link in graph.links():
        by_paper.setdefault(link.paper, {})[link.entity] = None
    write_jsonl(directory / "papers.jsonl",
                (paper_record(p, list(by_paper.pop(p.id, ()))) for p in graph.papers()))
    del by_paper
    write_jsonl(directory / "entities.jsonl", (_fields(e) for e in graph.entities()))
    write_jsonl(directory / "links.jsonl", (_fields(link) for link in graph.links()))
    write_jsonl(directory / "merges.jsonl", (_fields(m) for m in graph.merges()))
    write_jsonl(directory / "results.jsonl", (_fields(r) for r in graph.results()))
    return ["papers.jsonl", "entities.jsonl", "links.jsonl", "merges.jsonl", "results.jsonl"]


def write_rdf(graph: Any, directory: Path) -> list[str]:
    """Write ``graph.ttl``, ``graph.nt`` and ``graph.jsonld`` (see :mod:`kg.graph.rdf`)."""
    from kg.graph.rdf import write_rdf as _write_rdf

    return _write_rdf(graph, directory)


def write_graph_formats(graph: Any, directory: Path) -> list[str]:
    """Write ``graph.graphml`` and ``graph.json`` (node-link) (see :mod:`kg.graph.nx`)."""
    from kg.graph.nx import write_graphml, write_node_link

    return write_graphml(graph, directory) + write_node_link(graph, directory)


#: Writers run in order into the temporary directory; each returns the names it wrote.
#: Later stages register theirs here (graph formats, HTML views).
Writer = Callable[[Any, Path], list[str]]
WRITERS: list[Writer] = [write_records, write_rdf, write_graph_formats]


#: Writers run each in a forked process of their own, beside the others, when the graph
#: has at least :data:`PARALLEL_MIN_LINKS` links, more than one CPU is there and the memory
#: allows it (:data:`PARALLEL_MEMORY`). They are
#: the two long ones: the HTML views (their layouts cost the same at any size, about 1.5
#: CPU-s) and the RDF export (the longest at 100k); records, graph formats and the cache
#: are written meanwhile by this process.
SEPARATE_WRITERS: tuple[str, ...] = ("write_rdf", "write_html")

#: Below this many links forking costs more than it saves: the writers run in turn.
PARALLEL_MIN_LINKS = 2_000

#: A forked writer ends up with a private copy of most of the build's memory (reading an
#: object writes its reference count, so copy-on-write pages get copied): at 100k papers
#: the build process held 2.1 GB and two writer children brought the total to 6.5 GB.
#: Writers are forked only while (1 + children) × this process's RSS stays within this;
#: beyond it they run in turn here (the issue's ceiling is 4 GB for a 100k build).
PARALLEL_MEMORY = 3 * 2**30


def write_outputs(graph: Any, out: str | Path, *, html: bool = True,
                  extra: Sequence[Writer] = (), processes: int | None = None,
                  timings: dict[str, float] | None = None) -> list[str]:
    """Write every output of ``graph`` into ``out`` atomically; return the names written.

    ``extra`` writers run after the registered ones, inside the same atomic replace (the
    build's extraction cache is written this way). On a large graph the writers named in
    :data:`SEPARATE_WRITERS` run in a forked process while this one runs the others
    (``processes=1`` runs them all here). ``timings``, if given, receives the wall time of
    each writer by name.
    """
    out = Path(out)
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
        tmp.chmod(0o755)  # mkdtemp makes it private; an output directory is not
    except OSError as err:
        raise OutputError(f"cannot create a directory beside {out}: {err}; "
                          "check the path and its permissions") from err
    try:
        files = _run_writers([*_writers(html), *extra], graph, tmp, processes=processes,
                             timings={} if timings is None else timings)
        _replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return files


def _parallel(graph: Any, processes: int | None) -> bool:
    if processes is not None:
        return processes > 1
    if len(os.sched_getaffinity(0)) < 2 or "fork" not in mp.get_all_start_methods():
        return False
    try:
        return len(graph.links()) >= PARALLEL_MIN_LINKS
    except (AttributeError, TypeError):
        return False


def _rss() -> int:
    """The resident memory of this process in bytes (0 where ``/proc`` is missing)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _run_writers(writers: Sequence[Writer], graph: Any, directory: Path, *,
                 processes: int | None, timings: dict[str, float]) -> list[str]:
    """Run ``writers`` into ``directory``; return the names written, in writer order."""
    names: list[list[str]] = [[] for _ in writers]
    apart = ([i for i, w in enumerate(writers) if _name(w) in SEPARATE_WRITERS]
             if _parallel(graph, processes) else [])
    if processes is None:  # as many children as the memory allows (see PARALLEL_MEMORY)
        apart = apart[:max(0, PARALLEL_MEMORY // max(_rss(), 1) - 1)]
    children = []
    if apart:
        ctx = mp.get_context("fork")
        gc.freeze()  # the children's collections leave the inherited objects (and pages) alone
        try:
            for i in apart:
                receive, send = ctx.Pipe(duplex=False)
                child = ctx.Process(target=_child, args=(writers[i], graph, directory, send),
                                    name=f"kg-{_name(writers[i])}",
                                    daemon=True)
                child.start()
                send.close()
                children.append((i, child, receive))
        finally:
            gc.unfreeze()
    try:
        for i, writer in enumerate(writers):
            if i not in apart:
                t0 = time.perf_counter()
                names[i] = writer(graph, directory)
                timings[_name(writer)] = time.perf_counter() - t0
        for i, child, receive in children:
            try:
                status, value, seconds = receive.recv()
            except EOFError:
                child.join()
                raise OutputError(f"the {child.name} process ended with exit code "
                                  f"{child.exitcode} before writing; rerun, and check free "
                                  "memory (the kernel may have stopped it)") from None
            child.join()
            if status != "ok":
                raise value
            names[i] = value
            timings[_name(writers[i])] = seconds
    finally:
        for _, child, receive in children:
            if child.is_alive():
                child.terminate()
                child.join()
            receive.close()
    return [name for group in names for name in group]


def _name(writer: Writer) -> str:
    """A writer's name (its function name), as timings and :data:`SEPARATE_WRITERS` use it."""
    return getattr(writer, "__name__", type(writer).__name__)


def _child(writer: Writer, graph: Any, directory: Path, send: Any) -> None:
    """Run one writer in a forked process and send back its result or its error."""
    t0 = time.perf_counter()
    try:
        result: tuple[str, Any, float] = ("ok", writer(graph, directory), 0.0)
    except BaseException as err:  # noqa: BLE001 (sent to the parent, which raises it)
        result = ("error", err, 0.0)
    result = (result[0], result[1], time.perf_counter() - t0)
    try:
        send.send(result)
    except Exception as err:  # an error that cannot be pickled
        send.send(("error", OutputError(f"{_name(writer)} failed: "
                                        f"{result[1]!r} ({err})"), result[2]))
    send.close()


def _writers(html: bool) -> list[Writer]:
    writers = list(WRITERS)
    if html:
        try:
            from kg.view import write_html
        except ImportError:  # the view stage is optional
            pass
        else:
            writers.append(write_html)
    return writers


def _replace_dir(new: Path, out: Path) -> None:
    """Put ``new`` in place of ``out``; the old ``out`` is removed only after the swap."""
    old = None
    try:
        if out.exists():
            if not out.is_dir():
                raise OutputError(f"{out} exists and is not a directory; choose another --out")
            old = out.with_name(f".{out.name}.old-{os.getpid()}")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(out, old)
        os.replace(new, out)
    except OSError as err:
        if old is not None and not out.exists():
            os.replace(old, out)
        raise OutputError(f"cannot replace {out}: {err}") from err
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def atomic_file(path: str | Path) -> Iterator[TextIO]:
    """Open a text file for writing atomically: a temporary file beside it, renamed on success."""
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.resolve().parent)
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err}; check the directory exists") from err
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yield fh
        os.chmod(tmp, 0o644)  # mkstemp makes it private; an output file is not
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
