"""The streamed GraphML and node-link writers give the bytes NetworkX writes."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import networkx as nx
import pytest

from kg.graph import KnowledgeGraph
from kg.graph.nx import _scalar, write_graphml, write_node_link
from tests.graph.test_nx import graph  # noqa: F401 (fixture)
from tests.graph.test_rdf_stream import nasty_graph


def networkx_files(kg: KnowledgeGraph, directory: Path) -> None:
    """What the writers wrote when they went through NetworkX."""
    g = kg.to_networkx()
    flat = nx.MultiDiGraph()
    flat.add_nodes_from((n, {k: _scalar(v) for k, v in d.items()}) for n, d in g.nodes(data=True))
    flat.add_edges_from((u, v, k, {a: _scalar(x) for a, x in d.items()})
                        for u, v, k, d in g.edges(keys=True, data=True))
    nx.write_graphml(flat, directory / "graph.graphml", encoding="utf-8")
    with open(directory / "graph.json", "w", encoding="utf-8") as fh:
        json.dump(nx.node_link_data(g, edges="edges"), fh, ensure_ascii=False)


def nasty_kg() -> KnowledgeGraph:
    mini = nasty_graph()
    papers = [dataclasses.replace(p, title=p.title.replace("\x0b", "").replace("\x7f", ""))
              for p in mini.papers()]  # characters XML cannot hold stay out
    links = [dataclasses.replace(link, sentence="a & b <c> \"d\"\n\te")
             for link in mini.links()]
    return KnowledgeGraph(papers, mini.entities(), links, mini.merges())


def results_kg() -> KnowledgeGraph:
    from tests.query.test_results_query import _with_a_change

    mini = _with_a_change()
    return KnowledgeGraph(mini.papers(), mini.entities(), mini.links(), mini.merges(),
                          mini.results())


def test_a_paper_node_carries_its_results() -> None:
    g = results_kg().to_networkx()
    [change, score] = [n for n, d in g.nodes(data=True) if "results" in d]  # paper order
    assert g.nodes[score]["results"] == [
        {"metric": "metric:top-1 accuracy", "value": "90", "value_text": "90%",
         "dataset": "dataset:imagenet", "entity": "model:vit-x", "kind": "score",
         "baseline": None}]
    assert g.nodes[change]["results"] == [
        {"metric": "metric:accuracy", "value": "2.5", "value_text": "2.5%",
         "dataset": "dataset:mmlu", "entity": None, "kind": "change",
         "baseline": "model:llamalite"}]


@pytest.mark.parametrize("which", ["fixture", "nasty", "results"])
def test_streamed_graph_files_equal_networkx(which, graph, tmp_path):  # noqa: F811
    kg = {"fixture": lambda: graph, "nasty": nasty_kg, "results": results_kg}[which]()
    (tmp_path / "nx").mkdir()
    (tmp_path / "ours").mkdir()
    networkx_files(kg, tmp_path / "nx")
    assert write_graphml(kg, tmp_path / "ours") == ["graph.graphml"]
    assert write_node_link(kg, tmp_path / "ours") == ["graph.json"]
    for name in ("graph.graphml", "graph.json"):
        assert (tmp_path / "ours" / name).read_bytes() == (tmp_path / "nx" / name).read_bytes()
