"""The build workflow: ingest → extract → resolve → graph → outputs.

``build(...)`` is the one facade; the CLI's ``kg build`` is a thin adapter over it.

The stages stream where it matters for memory: papers are read and merged, then each
distinct title and abstract not yet in the extraction cache (:mod:`kg.cache`) is extracted
in partitions by a backend (:mod:`kg.distributed`: this process, local worker processes,
or a Dask cluster). Only mentions are kept, never spaCy ``Doc`` objects. A build writes its
cache into ``out/cache/``, so ``build(new_inputs, update=DIR)`` extracts only new texts and
passes the entities of DIR to resolution, so existing entities keep their ids and IRIs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg.model import Entity, Link, Mention, Merge, Paper, Problem, Result

if TYPE_CHECKING:
    from kg.cache import MentionCache

#: The stages of a build, in order, as named in ``BuildResult.timings``.
STAGES: tuple[str, ...] = ("ingest", "extract", "resolve", "graph", "write")


@dataclass
class BuildResult:
    """What a build produced.

    Attributes
    ----------
    graph: the resolved :class:`kg.graph.KnowledgeGraph`.
    out_dir: the directory written, or ``None`` when nothing was written.
    files: the files written into ``out_dir`` (relative names).
    problems: bad input found on the way (each names a file and line).
    seconds: wall time of the whole build.
    timings: wall time of each stage (see :data:`STAGES`), in seconds.
    extracted: distinct texts run through the extractor.
    cached: distinct texts whose mentions came from the extraction cache.
    writers: wall time of each output writer (``write_rdf``, ``write_html``, ...) within the
        ``write`` stage; on a large graph some run in parallel (see :mod:`kg.export`).
    """

    graph: object
    out_dir: Path | None = None
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    extracted: int = 0
    cached: int = 0
    writers: dict[str, float] = field(default_factory=dict)

    @property
    def papers(self) -> list[Paper]:
        """The papers of the graph."""
        return self.graph.papers()  # type: ignore[attr-defined]

    @property
    def entities(self) -> list[Entity]:
        """The canonical entities of the graph."""
        return self.graph.entities()  # type: ignore[attr-defined]

    @property
    def links(self) -> list[Link]:
        """The paper→entity links of the graph."""
        return self.graph.links()  # type: ignore[attr-defined]

    @property
    def merges(self) -> list[Merge]:
        """The resolution decisions (the merge log)."""
        return self.graph.merges()  # type: ignore[attr-defined]

    @property
    def results(self) -> list[Result]:
        """The results the papers report: scores and stated changes (metric, value,
        dataset, entity, baseline)."""
        return self.graph.results()  # type: ignore[attr-defined]

    def summary(self) -> str:
        """One line: papers, entities, links, results (and how many are changes), files
        written, time."""
        results = self.results
        changes = sum(r.kind == "change" for r in results)
        return (
            f"{len(self.papers)} papers, {len(self.entities)} entities, {len(self.links)} links, "
            f"{len(results)} results, {changes} of them changes, "
            f"{len(self.files)} files written to {self.out_dir}, {self.seconds:.1f} s"
        )


def build(
    inputs: Sequence[str | Path] | None = None,
    *,
    out: str | Path | None = None,
    format: str | None = None,
    overrides: str | Path | None = None,
    html: bool = True,
    progress: bool = False,
    on_problem: Callable[[Problem], None] | None = None,
    update: str | Path | None = None,
    dask: str | None = None,
    n_process: int | None = None,
    batch_size: int | None = None,
    model: str | Path | None = None,
    cache: bool = True,
) -> BuildResult:
    """Build the knowledge graph of ``inputs`` (default: the bundled sample listings).

    Parameters
    ----------
    inputs: files to read; ``None`` or empty reads the bundled Hugging Face listings
        (with ``update``: no new input, DIR is resolved again).
    out: directory to write (atomically); ``None`` writes nothing (``update``: DIR).
    format: force an input format (see ``kg.ingest.FORMATS``) instead of sniffing it.
    overrides: a must-merge / must-not-merge file applied by entity resolution.
    html: also write the HTML views into ``out/html``.
    progress: show progress bars on stderr.
    on_problem: called with each bad-input problem as it is found.
    update: a directory written by an earlier build: its papers are kept, ``inputs`` are
        added, only texts missing from its extraction cache are extracted, and its entities
        keep their ids (a new alias may join one).
    dask: extract on a Dask cluster: a scheduler address, or ``"local"`` for a LocalCluster
        of two worker processes bound to 127.0.0.1.
    n_process: local extraction processes; ``None`` picks the fastest measured here.
    batch_size: ``nlp.pipe`` batch size (default :data:`kg.extract.BATCH_SIZE`).
    model: an extraction model directory instead of the packaged one.
    cache: reuse and write the extraction cache (``out/cache/mentions.jsonl``).
    """
    from kg.cache import CACHE_FILE, MentionCache, extractor_id
    from kg.graph import KnowledgeGraph
    from kg.resolve import resolve

    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    problems: list[Problem] = []

    def report(p: Problem) -> None:
        problems.append(p)
        if on_problem is not None:
            on_problem(p)

    def lap(stage: str, since: float) -> float:
        now = time.perf_counter()
        timings[stage] = now - since
        return now

    previous_papers: list[Paper] = []
    previous_entities: list[Entity] | None = None
    if update is not None:
        old = KnowledgeGraph.from_directory(update)
        previous_papers, previous_entities = old.papers(), old.entities()
        out = update if out is None else out
        paths = [Path(p) for p in inputs or []]
    else:
        from kg.ingest import bundled_listings

        paths = [Path(p) for p in inputs] if inputs else bundled_listings()
    papers = read_inputs(paths, format=format, on_problem=report, previous=previous_papers)
    t = lap("ingest", t0)

    xid = extractor_id(model)
    store = MentionCache(xid)
    seed = update if update is not None else out
    if cache and seed is not None:
        store = MentionCache.load(Path(seed) / CACHE_FILE, xid)
    found, extracted, cached = extract_stage(papers, store, dask=dask, n_process=n_process,
                                             batch_size=batch_size, model=model,
                                             progress=progress)
    t = lap("extract", t)

    resolution = resolve(papers, found, overrides=overrides, previous=previous_entities)
    del found  # the mentions are in the links now; keep the writers' memory lean
    t = lap("resolve", t)
    graph = KnowledgeGraph(papers, resolution.entities, resolution.links, resolution.merges,
                           resolution.results)
    del resolution
    t = lap("graph", t)
    result = BuildResult(graph=graph, problems=problems, timings=timings, extracted=extracted,
                         cached=cached)
    if out is not None:
        from kg.export import write_outputs

        extra = [store.restrict(texts_of(papers)).writer()] if cache else []
        result.out_dir = Path(out)
        result.files = write_outputs(graph, out, html=html, extra=extra,
                                     timings=result.writers)
        lap("write", t)
    result.seconds = time.perf_counter() - t0
    return result


def read_inputs(paths: Sequence[Path], *, format: str | None = None,
                on_problem: Callable[[Problem], None] | None = None,
                previous: Sequence[Paper] = ()) -> list[Paper]:
    """Read ``paths`` and merge their records into distinct papers, after ``previous``.

    With no ``previous`` this is :func:`kg.ingest.read_papers`. Otherwise the records of
    ``paths`` are merged into the earlier build's papers exactly as a full rebuild reading
    the old inputs first would merge them.
    """
    from kg.ingest import read_papers

    return read_papers(paths, format=format, on_problem=on_problem, previous=previous)


def texts_of(papers: Iterable[Paper]) -> Iterator[str]:
    """The title and abstract of each paper, in order."""
    for paper in papers:
        yield paper.title or ""
        yield paper.abstract or ""


def _partitions(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    part: list[str] = []
    for text in texts:
        part.append(text)
        if len(part) >= size:
            yield part
            part = []
    if part:
        yield part


def partition_size(texts: int, workers: int) -> int:
    """Texts per partition: :data:`kg.distributed.PARTITION_SIZE`, or less when there are
    too few texts to give every local worker process two partitions, so that a small
    build does not wait for one worker while the other is idle (the bundled listings:
    738 texts on two processes were one partition of 512 and one of 226).

    Examples
    --------
    >>> partition_size(738, 2), partition_size(120_000, 2), partition_size(738, 1)
    (185, 512, 512)
    """
    from kg.distributed import BATCH_SIZE, PARTITION_SIZE

    if workers < 2:
        return PARTITION_SIZE
    return max(BATCH_SIZE, min(PARTITION_SIZE, -(-texts // (2 * workers))))


def extract_stage(papers: Sequence[Paper], store: MentionCache, *, dask: str | None = None,
                  n_process: int | None = None, batch_size: int | None = None,
                  model: str | Path | None = None, progress: bool = False
                  ) -> tuple[dict[str, dict[str, list[Mention]]], int, int]:
    """Mentions of each paper's title and abstract, extracting only texts not in ``store``.

    Each distinct text is extracted once (a title equal to another paper's is not run
    twice). Returns ``({paper_id: {"title": [...], "abstract": [...]}}, extracted, cached)``:
    the mentions, and how many distinct non-empty texts were extracted or came from the cache;
    ``store`` (a :class:`kg.cache.MentionCache`) then holds every text of ``papers``.
    """
    from kg.distributed import BATCH_SIZE, backend

    todo: list[str] = []
    seen: set[str] = set()
    cached = 0
    for text in texts_of(papers):
        if not text.strip():
            if text not in store:
                store.put(text, [])
        elif text not in seen:
            seen.add(text)
            if text in store:
                cached += 1
            else:
                todo.append(text)
    del seen
    if todo:
        runner = backend(dask=dask, n_process=n_process, texts=len(todo),
                         model=None if model is None else str(model),
                         batch_size=batch_size or BATCH_SIZE)
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(todo), desc="extract", unit="text", leave=False)
        try:
            parts = _partitions(todo, partition_size(len(todo), getattr(runner, "n", 1)))
            done = 0
            for result in runner.map(parts):
                for text, mentions in zip(todo[done:done + len(result)], result):
                    store.put(text, mentions)
                done += len(result)
                if bar is not None:
                    bar.update(len(result))
        finally:
            runner.close()
            if bar is not None:
                bar.close()
    found: dict[str, dict[str, list[Mention]]] = {}
    for paper in papers:
        found[paper.id] = {"title": store.get(paper.title or "") or [],
                           "abstract": store.get(paper.abstract or "") or []}
    return found, len(todo), cached


def load(directory: str | Path) -> object:
    """Load a built output directory as a :class:`kg.graph.KnowledgeGraph`."""
    from kg.graph import KnowledgeGraph

    return KnowledgeGraph.from_directory(directory)
