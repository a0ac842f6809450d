"""The streamed RDF writers: the same triples as ``to_rdf``, for any text, without duplicates."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from rdflib import Graph

from kg.graph.rdf import RDF_FILES, blocks, load_rdf, to_rdf, write_rdf
from kg.model import Entity, Link, Merge, Paper, Source
from tests.graph.test_rdf import assert_isomorphic
from tests.query.minigraph import MiniGraph, mini_graph

NASTY = 'He said "hi" \\ back\\slash\nline\r\nbreak\ttab \x0b\x7f ünï 🤖 <tag> & %41 日本語'


def nasty_graph() -> MiniGraph:
    """Every text field holds characters N-Triples must escape; records repeat."""
    link = Link(paper="p1", entity="model/x", role="uses", confidence=0.91234, field="abstract",
                start=0, end=4, text=f"X {NASTY}", sentence=NASTY, source="ner",
                extractor_version="1")
    papers = [
        Paper(id="p1", title=NASTY, abstract=NASTY, authors=["Ada  Lovelace", "ada lovelace",
                                                            "Ada Lovelace", " "],
              date="2024-01", date_text=NASTY, org=NASTY, upvotes=3, doi="10.1/x\"y",
              arxiv_id="2401.00001", urls=["https://x.org/a b", "https://x.org/a b"],
              sources=[Source(f"{NASTY}.txt", 1), Source(f"{NASTY}.txt", 1)]),
        Paper(id="p2", title="Two", abstract="", authors=["Ada Lovelace"], author_count=7,
              date="2024", sources=[Source("b.txt", 2)]),
    ]
    entities = [
        Entity("model/x", NASTY, "Model", [NASTY, "X", "X"], ["p1", "p2"], broader=["task/y"]),
        Entity("task/y", "Y", "Task", ["Y"], ["p2"]),
    ]
    links = [link, link, dataclasses.replace(link, start=1, confidence=1.0),
             dataclasses.replace(link, paper="p2", role="mentions", field="title"),
             dataclasses.replace(link, entity="task/y", source="gazetteer", confidence=0.5)]
    merges = [Merge("model/x", "task/y", "variant-of", "test", 1.0),
              Merge("model/x", "task/y", "variant-of", "again", 1.0)]
    return MiniGraph(papers, entities, links, merges)


@pytest.mark.parametrize("make", [nasty_graph, mini_graph])
def test_streamed_files_hold_the_triples_of_to_rdf(make, tmp_path: Path) -> None:
    pyoxigraph = pytest.importorskip("pyoxigraph")
    from kg.query.sparql import to_rdflib

    kg = make()
    expected = to_rdf(kg)
    assert write_rdf(kg, tmp_path) == list(RDF_FILES)
    for name in RDF_FILES:
        assert_isomorphic(expected, load_rdf(tmp_path / name))
        parsed = Graph()
        for t in pyoxigraph.parse(path=str(tmp_path / name)):
            parsed.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        assert_isomorphic(expected, parsed)
    lines = (tmp_path / "graph.nt").read_bytes().decode("utf-8").split("\n")[:-1]
    assert len(lines) == len(set(lines)) == len(expected)  # no duplicate triple written
    doc = json.loads((tmp_path / "graph.jsonld").read_text("utf-8"))
    ids = [node["@id"] for node in doc["@graph"]]
    assert len(ids) - len(set(ids)) <= 1  # one node a subject (an author has two spellings)


def test_blocks_hold_no_triple_twice() -> None:
    seen = [(s, p, o) for s, pairs in blocks(nasty_graph()) for p, o in pairs]
    assert len(seen) == len(set(seen))


def test_rdflib_graph_input_still_writes(tmp_path: Path) -> None:
    graph = to_rdf(mini_graph())
    write_rdf(graph, tmp_path)
    for name in RDF_FILES:
        assert_isomorphic(graph, load_rdf(tmp_path / name))
