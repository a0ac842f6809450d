"""The build workflow: ingest → extract → resolve → graph → outputs.

``build(...)`` is the one facade; the CLI's ``kg build`` is a thin adapter over it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.model import Entity, Link, Merge, Paper, Problem


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
    """

    graph: object
    out_dir: Path | None = None
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

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

    def summary(self) -> str:
        """One line: papers, entities, links, files written, time."""
        return (
            f"{len(self.papers)} papers, {len(self.entities)} entities, {len(self.links)} links, "
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
) -> BuildResult:
    """Build the knowledge graph of ``inputs`` (default: the bundled sample listings).

    Parameters
    ----------
    inputs: files to read; ``None`` or empty reads the bundled Hugging Face listings.
    out: directory to write (atomically); ``None`` writes nothing.
    format: force an input format (see ``kg.ingest.FORMATS``) instead of sniffing it.
    overrides: a must-merge / must-not-merge file applied by entity resolution.
    html: also write the HTML views into ``out/html``.
    progress: show progress bars on stderr.
    on_problem: called with each bad-input problem as it is found.
    """
    from kg.extract import extract_papers
    from kg.graph import KnowledgeGraph
    from kg.ingest import bundled_listings, read_papers
    from kg.resolve import resolve

    t0 = time.perf_counter()
    problems: list[Problem] = []

    def report(p: Problem) -> None:
        problems.append(p)
        if on_problem is not None:
            on_problem(p)

    paths = [Path(p) for p in inputs] if inputs else bundled_listings()
    papers = read_papers(paths, format=format, on_problem=report)
    mentions = extract_papers(papers, progress=progress)
    resolution = resolve(papers, mentions, overrides=overrides)
    graph = KnowledgeGraph(papers, resolution.entities, resolution.links, resolution.merges)
    result = BuildResult(graph=graph, problems=problems)
    if out is not None:
        from kg.export import write_outputs

        result.out_dir = Path(out)
        result.files = write_outputs(graph, out, html=html)
    result.seconds = time.perf_counter() - t0
    return result


def load(directory: str | Path) -> object:
    """Load a built output directory as a :class:`kg.graph.KnowledgeGraph`."""
    from kg.graph import KnowledgeGraph

    return KnowledgeGraph.from_directory(directory)
