"""Fixtures of the view tests: a small hand-made graph (with injection attempts)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kg.model import Entity, Link, Paper, Result, Source

FIXTURES = Path(__file__).parent / "fixtures"


def _rows(name: str) -> list[dict[str, Any]]:
    with open(FIXTURES / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


class FixtureGraph:
    """The part of the KnowledgeGraph interface the views use, over lists of records."""

    def __init__(self, papers: list[Paper], entities: list[Entity], links: list[Link],
                 results: list[Result] | None = None) -> None:
        self._papers, self._entities, self._links = papers, entities, links
        self._results = results or []

    def papers(self) -> list[Paper]:
        return list(self._papers)

    def entities(self, type: str | None = None) -> list[Entity]:
        return [e for e in self._entities if type is None or e.type == type]

    def links(self) -> list[Link]:
        return list(self._links)

    def merges(self) -> list[Any]:
        return []

    def results(self) -> list[Result]:
        return list(self._results)


def load_fixture_graph() -> FixtureGraph:
    """The fixture graph of ``tests/view/fixtures``."""
    papers = []
    for row in _rows("papers.jsonl"):
        sources = [Source(**s) for s in row.pop("sources")]
        papers.append(Paper(**row, sources=sources))
    entities = [Entity(**row) for row in _rows("entities.jsonl")]
    links = [Link(**row) for row in _rows("links.jsonl")]
    results = [Result(**row) for row in _rows("results.jsonl")]
    return FixtureGraph(papers, entities, links, results)


@pytest.fixture
def graph() -> FixtureGraph:
    return load_fixture_graph()


def synthetic_graph(n_papers: int, n_entities: int, per_paper: int = 8,
                    seed: int = 0) -> FixtureGraph:
    """A random paper–entity graph of about the given size (for size and speed tests)."""
    import random

    from kg.model import ENTITY_TYPES

    rnd = random.Random(seed)
    papers = [Paper(id=f"p{i}", title=f"Paper number {i} on topic {i % 17}",
                    abstract=f"Abstract of paper {i}.",
                    date=f"202{i % 4}-{1 + i % 12:02d}-01") for i in range(n_papers)]
    entities = [Entity(id=f"e{j}", label=f"entity {j}", type=ENTITY_TYPES[j % 5])
                for j in range(n_entities)]
    links = []
    for p in papers:
        chosen = set()
        for _ in range(per_paper):
            # Half popular entities (a long tail), half rare ones.
            j = (int(rnd.paretovariate(0.8)) % (n_entities // 10 or 1) if rnd.random() < 0.5
                 else rnd.randrange(n_entities))
            chosen.add(j)
        for j in chosen:
            links.append(Link(paper=p.id, entity=f"e{j}", role="uses", confidence=1.0,
                              field="abstract", start=0, end=0, text=f"entity {j}",
                              sentence="", source="synthetic", extractor_version="test"))
    return FixtureGraph(papers, entities, links)
