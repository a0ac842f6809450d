"""A small hand-made graph for the RDF, query and serve tests.

The records live in ``fixtures/mini/*.jsonl`` (the directory contract of ``kg build``);
:func:`mini_graph` reads them into :mod:`kg.model` records behind the four accessors of
:class:`kg.graph.KnowledgeGraph`, without depending on the other stages.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.model import Entity, Link, Merge, Paper, Result, Source

MINI_DIR = Path(__file__).resolve().parent / "fixtures" / "mini"


@dataclass
class MiniGraph:
    """The four record lists of a graph, with the accessors ``to_rdf`` uses."""

    paper_list: list[Paper] = field(default_factory=list)
    entity_list: list[Entity] = field(default_factory=list)
    link_list: list[Link] = field(default_factory=list)
    merge_list: list[Merge] = field(default_factory=list)
    result_list: list[Result] = field(default_factory=list)

    def papers(self) -> list[Paper]:
        return self.paper_list

    def entities(self) -> list[Entity]:
        return self.entity_list

    def links(self) -> list[Link]:
        return self.link_list

    def merges(self) -> list[Merge]:
        return self.merge_list

    def results(self) -> list[Result]:
        return self.result_list


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def mini_graph(directory: Path = MINI_DIR) -> MiniGraph:
    """The fixture graph of ``directory`` (default: ``fixtures/mini``)."""
    papers = []
    for row in _rows(directory / "papers.jsonl"):
        row["sources"] = [Source(**s) for s in row["sources"]]
        papers.append(Paper(**row))
    return MiniGraph(
        papers,
        [Entity(**row) for row in _rows(directory / "entities.jsonl")],
        [Link(**row) for row in _rows(directory / "links.jsonl")],
        [Merge(**row) for row in _rows(directory / "merges.jsonl")],
    )


#: The three ways every query test runs: Oxigraph over a written output directory (what
#: ``kg query`` and ``kg serve`` use), Oxigraph in memory over the records (what
#: ``KnowledgeGraph.sparql`` uses), and rdflib's engine over the rdflib Graph.
TARGETS = ("directory", "records", "rdflib")


def built_dir(directory: Path, make: Callable[[], MiniGraph]) -> Path:
    """``directory`` with the RDF files ``kg build`` writes for ``make()``."""
    from kg.graph.rdf import write_rdf

    write_rdf(make(), directory)
    return directory


def query_target(kind: str, make: Callable[[], MiniGraph], built: Path) -> Any:
    """What ``kg.query.sparql`` is given for ``kind`` (one of :data:`TARGETS`): ``built``
    (a directory ``write_rdf`` wrote ``make()`` into), the records, or their rdflib Graph."""
    from kg.graph.rdf import to_rdf

    if kind == "directory":
        return built
    return make() if kind == "records" else to_rdf(make())
