"""The ready, commented SPARQL queries shipped in ``ontology/queries/*.rq``.

Each file starts with a comment block: its first line says what the query answers, the
rest which variables may be bound and what the columns are. The packaged copies in
``kg/data/ontology/queries`` are used, so the queries work from an installed wheel.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.errors import UsageError
from kg.graph.namespace import ontology_dir


@dataclass(frozen=True)
class ReadyQuery:
    """A ready query: its name (the file stem), one-line title, comment and text."""

    name: str
    title: str
    comment: str
    text: str
    path: Path


def _parse(path: Path) -> ReadyQuery:
    text = path.read_text(encoding="utf-8")
    comment = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        comment.append(line[1:].strip())
    title = comment[0] if comment else path.stem
    return ReadyQuery(path.stem, title, "\n".join(comment).strip(), text, path)


def ready_queries() -> dict[str, ReadyQuery]:
    """Every ready query by name, in name order."""
    folder = ontology_dir() / "queries"
    return {p.stem: _parse(p) for p in sorted(folder.glob("*.rq"))}


def ready_query(name: str) -> ReadyQuery:
    """The ready query called ``name`` (e.g. ``"top-datasets"``)."""
    queries = ready_queries()
    if name not in queries:
        raise UsageError(f"no ready query named {name!r}; the ready queries are: "
                         f"{', '.join(queries)}")
    return queries[name]
