"""KnowledgeGraph: lookups, graph questions, NetworkX views and the graph file writers."""

from __future__ import annotations

import json
import math

import networkx as nx
import pytest

from kg.errors import GraphError
from kg.export import WRITERS, write_outputs
from kg.graph import KnowledgeGraph
from kg.model import Entity, Link, Merge, Paper, Source


def _link(paper, entity, role="mentions", conf=0.9, text="x"):
    return Link(paper, entity, role, conf, "abstract", 0, len(text), text, f"About {text}.",
                "ner", "test/1")


@pytest.fixture()
def graph() -> KnowledgeGraph:
    """Two topics: four language papers sharing BERT, two vision papers sharing ImageNet."""
    papers = [Paper(f"p{i}", f"Paper {i}", f"Abstract {i}.", date=f"2024-01-0{i}",
                    sources=[Source("f.txt", i)]) for i in range(1, 7)]
    entities = [
        Entity("model/bert", "BERT", "Model", ["BERT", "Bert"], ["p1", "p2", "p3", "p4"]),
        Entity("dataset/squad", "SQuAD", "Dataset", ["SQuAD"], ["p1", "p2"]),
        Entity("dataset/squad-2.0", "SQuAD 2.0", "Dataset", ["SQuAD 2.0", "SQuAD2"], ["p1"],
               {"Dataset": 1}, ["dataset/squad"]),
        Entity("metric/f1", "F1", "Metric", ["F1"], ["p2", "p3"]),
        Entity("dataset/imagenet", "ImageNet", "Dataset", ["ImageNet"], ["p5", "p6"]),
        Entity("model/vision-transformer", "Vision Transformer", "Model",
               ["Vision Transformer", "ViT"], ["p5", "p6"]),
    ]
    links = [
        _link("p1", "model/bert", "uses"), _link("p1", "dataset/squad", "evaluates-on"),
        _link("p1", "dataset/squad-2.0", "evaluates-on"), _link("p2", "model/bert", "uses"),
        _link("p2", "model/bert", "compares-with", 0.7), _link("p2", "dataset/squad"),
        _link("p2", "metric/f1"), _link("p3", "model/bert"), _link("p3", "metric/f1"),
        _link("p4", "model/bert"), _link("p5", "dataset/imagenet", "evaluates-on"),
        _link("p5", "model/vision-transformer", "proposes"), _link("p6", "dataset/imagenet"),
        _link("p6", "model/vision-transformer", "uses"),
    ]
    merges = [Merge("BERT", "Bert", "merge", "case-or-separator", 100.0)]
    return KnowledgeGraph(papers, entities, links, merges)


def test_records(graph):
    assert [p.id for p in graph.papers()] == [f"p{i}" for i in range(1, 7)]
    assert len(graph.entities()) == 6 and len(graph.links()) == 14 and len(graph.merges()) == 1
    assert [e.id for e in graph.entities(type="dataset")] == [
        "dataset/squad", "dataset/squad-2.0", "dataset/imagenet"]
    with pytest.raises(GraphError, match="unknown entity type 'Gadget'"):
        graph.entities(type="Gadget")


@pytest.mark.parametrize("query", ["model/bert", "BERT", "bert", "Bert", "BERTs"])
def test_entity_by_id_label_or_alias(graph, query):
    assert graph.entity(query).id == "model/bert"


def test_entity_by_alias_variant(graph):
    assert graph.entity("vit").id == "model/vision-transformer"
    assert graph.entity("vision transformers").id == "model/vision-transformer"
    assert graph.entity("SQuAD-2").id == "dataset/squad-2.0"
    assert graph.entity("squad").id == "dataset/squad"


def test_unknown_names_raise_graph_error_naming_them(graph):
    with pytest.raises(GraphError, match=r"unknown entity 'Imagenett'; did you mean 'ImageNet'"):
        graph.entity("Imagenett")
    with pytest.raises(GraphError, match="unknown paper 'p99'"):
        graph.paper("p99")
    with pytest.raises(GraphError, match="unknown node 'nothing'"):
        graph.ego("nothing")
    assert graph.paper("paper 3").id == "p3"


def test_papers_with_and_shared(graph):
    assert [p.id for p in graph.papers_with("BERT")] == ["p1", "p2", "p3", "p4"]
    assert [p.id for p in graph.papers_with("bert", role="compares-with")] == ["p2"]
    assert [e.id for e in graph.shared("p1", "p2")] == ["model/bert", "dataset/squad"]
    assert graph.shared("p1", "p5") == []
    assert [e.id for e in graph.entities_of("p5")] == ["dataset/imagenet",
                                                        "model/vision-transformer"]


def test_similar_papers_weights_rare_entities_more(graph):
    ranked = graph.similar_papers("p2", k=3)
    # p1 shares BERT (4 papers) and SQuAD (2); p3 shares BERT and F1 (2); p4 only BERT
    expected_p1 = 1 / math.log(4) + 1 / math.log(2)
    assert [p.id for p, _ in ranked] == ["p1", "p3", "p4"]
    assert ranked[0][1] == pytest.approx(expected_p1)
    assert ranked[2][1] == pytest.approx(1 / math.log(4))
    assert graph.similar_papers("p5", k=5) == [(graph.paper("p6"), pytest.approx(2 / math.log(2)))]


def test_top_and_co_occurring_entities(graph):
    top = graph.top_entities("Dataset", k=2)
    assert [(e.id, n) for e, n in top] == [("dataset/imagenet", 2), ("dataset/squad", 2)]
    assert graph.top_entities(k=1)[0][0].id == "model/bert"
    co = graph.co_occurring("BERT", k=2)
    assert [(e.id, n) for e, n in co] == [("dataset/squad", 2), ("metric/f1", 2)]


def test_communities_are_deterministic_and_split_topics(graph):
    found = graph.communities()
    assert found == graph.communities()
    nodes = set().union(*found)
    assert nodes == {p.id for p in graph.papers()} | {e.id for e in graph.entities()}
    vision = next(c for c in found if "p5" in c)
    assert {"p6", "dataset/imagenet"} <= vision and "p1" not in vision


def test_to_networkx(graph):
    g = graph.to_networkx()
    assert isinstance(g, nx.MultiDiGraph)
    assert g.nodes["p1"]["kind"] == "paper" and g.nodes["p1"]["title"] == "Paper 1"
    assert g.nodes["model/bert"]["kind"] == "entity" and g.nodes["model/bert"]["type"] == "Model"
    assert set(g["p2"]["model/bert"]) == {"uses", "compares-with"}
    edge = g["p2"]["model/bert"]["compares-with"]
    assert edge["confidence"] == 0.7 and edge["sentence"] == "About x." and edge["start"] == 0
    assert g.has_edge("dataset/squad-2.0", "dataset/squad", key="variant-of")
    assert g.number_of_nodes() == 12 and g.number_of_edges() == 15


def test_ego(graph):
    one = graph.ego("ImageNet", radius=1)
    assert set(one) == {"dataset/imagenet", "p5", "p6"}
    two = graph.ego("p5", radius=2)
    assert set(two) == {"p5", "p6", "dataset/imagenet", "model/vision-transformer"}
    assert isinstance(two, nx.MultiDiGraph)


def test_projection(graph):
    proj = graph.projection()
    assert proj["p1"]["p2"]["weight"] == 2
    assert sorted(proj["p1"]["p2"]["entities"]) == ["dataset/squad", "model/bert"]
    assert proj["p5"]["p6"]["weight"] == 2
    assert not proj.has_edge("p1", "p5")
    assert proj.number_of_nodes() == 6


def test_writers_are_registered_and_round_trip(graph, tmp_path):
    from kg.export import write_graph_formats

    assert write_graph_formats in WRITERS
    out = tmp_path / "out"
    files = write_outputs(graph, out, html=False)
    assert {"graph.graphml", "graph.json", "papers.jsonl", "entities.jsonl"} <= set(files)
    back = nx.read_graphml(out / "graph.graphml", force_multigraph=True)
    assert back.number_of_nodes() == 12 and back.number_of_edges() == 15
    assert json.loads(back.nodes["model/bert"]["aliases"]) == ["BERT", "Bert"]
    data = json.loads((out / "graph.json").read_text())
    linked = nx.node_link_graph(data, edges="edges")
    assert linked.is_multigraph() and linked.is_directed()
    assert linked.has_edge("p2", "model/bert", key="compares-with")

    loaded = KnowledgeGraph.from_directory(out)
    assert [p.to_dict() for p in loaded.papers()] == [p.to_dict() for p in graph.papers()]
    assert [e.to_dict() for e in loaded.entities()] == [e.to_dict() for e in graph.entities()]
    assert loaded.links() == graph.links() and loaded.merges() == graph.merges()


def test_from_directory_errors_name_the_place(tmp_path, graph):
    with pytest.raises(GraphError, match="is not a directory"):
        KnowledgeGraph.from_directory(tmp_path / "missing")
    out = tmp_path / "out"
    write_outputs(graph, out, html=False)
    lines = (out / "links.jsonl").read_text().splitlines()
    lines[2] = "{broken"
    (out / "links.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(GraphError, match=rf"{out / 'links.jsonl'}:3: not JSON"):
        KnowledgeGraph.from_directory(out)
    (out / "entities.jsonl").unlink()
    with pytest.raises(GraphError, match="cannot read .*entities.jsonl"):
        KnowledgeGraph.from_directory(out)


def test_rdf_is_delegated(graph):
    from rdflib import Graph

    rdf = graph.rdf()
    assert isinstance(rdf, Graph) and len(rdf) > 0 and graph.rdf() is rdf
