"""Reported results in the RDF graph: the ``results-on-dataset`` ready query, the SHACL
shape of ``kg:Result`` and the round trip through ``results.jsonl``."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, Graph, Literal

from kg.graph import KnowledgeGraph
from kg.graph.namespace import KG, ontology_dir
from kg.graph.rdf import entity_iri, paper_iri, result_iri, to_rdf
from kg.model import Result
from kg.query import ready_queries, sparql
from kg.resolve.results import find_results
from tests.query.minigraph import TARGETS, MiniGraph, built_dir, mini_graph, query_target

P3 = 'title:a "quoted" <title> #1'


def _with_results() -> MiniGraph:
    """The mini graph and the one result its third abstract reports ("ViT-X reaches 90%
    top-1 accuracy on ImageNet"), found by the results rule from the fixture's links."""
    graph = mini_graph()
    paper = next(p for p in graph.papers() if p.id == P3)
    types = {e.id: e.type for e in graph.entities()}
    spans = [(lk.start, lk.end, lk.entity) for lk in graph.links()
             if lk.paper == P3 and lk.field == "abstract"]
    # a link keeps one mention per entity; resolution hands the rule every mention
    second = paper.abstract.index("ViT-X", paper.abstract.index("ViT-X") + 1)
    spans.append((second, second + len("ViT-X"), "model:vit-x"))
    graph.result_list = find_results(P3, paper.abstract, spans, types, version="0.1.0")
    return graph


def test_the_fixture_result_is_the_one_the_abstract_states() -> None:
    [result] = _with_results().results()
    paper = next(p for p in mini_graph().papers() if p.id == P3)
    assert (result.metric, result.value, result.value_text, result.dataset, result.entity) == (
        "metric:top-1 accuracy", "90", "90%", "dataset:imagenet", "model:vit-x")
    assert paper.abstract[result.start:result.end] == "90%"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_dir(tmp_path_factory.mktemp("results-out"), _with_results)


@pytest.fixture(params=TARGETS)
def target(request: pytest.FixtureRequest, built: Path) -> Any:
    return query_target(request.param, _with_results, built)


def test_results_on_a_dataset(target: Any) -> None:
    query = ready_queries()["results-on-dataset"].text
    imagenet, vit = entity_iri("dataset:imagenet"), entity_iri("model:vit-x")
    expected = [(imagenet, "ImageNet", entity_iri("metric:top-1 accuracy"), "top-1 accuracy",
                 Decimal("90"), "90%", vit, "ViT-X", paper_iri(P3),
                 "Trained with contrastive learning, ViT-X reaches 90% top-1 accuracy on "
                 "ImageNet and on the \"odd\" <set> #2.")]
    rows = [tuple(row) for row in sparql(target, query)]
    assert [row[:9] for row in rows] == [row[:9] for row in expected]
    assert rows[0][9].startswith("Trained with contrastive learning, ViT-X reaches 90%")
    assert [tuple(r)[:2] for r in sparql(target, query, dataset=imagenet)] == [
        (imagenet, "ImageNet")]
    assert list(sparql(target, query, dataset=entity_iri("dataset:gsm8k"))) == []


def test_the_result_node_carries_value_span_and_provenance() -> None:
    graph = to_rdf(_with_results())
    [result] = _with_results().results()
    node = result_iri(result)
    assert (node, RDF.type, KG.Result) in graph
    assert graph.value(node, KG.value) == Literal(Decimal("90"))
    assert str(graph.value(node, KG.valueText)) == "90%"
    assert (graph.value(node, KG.startOffset).toPython(),
            graph.value(node, KG.endOffset).toPython()) == (result.start, result.end)
    agent = graph.value(node, KG.__getattr__("reportedIn"))
    assert agent == paper_iri(P3)
    extractor = graph.value(node, graph.namespace_manager.expand_curie("prov:wasAttributedTo"))
    assert str(graph.value(extractor, KG.componentName)) == "results"


def _conforms(graph: Graph) -> tuple[bool, str]:
    pyshacl = pytest.importorskip("pyshacl")
    shapes = Graph().parse(ontology_dir() / "shapes.ttl")
    ontology = Graph().parse(ontology_dir() / "kg.ttl")
    conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes, ont_graph=ontology,
                                         inference="none", advanced=True)
    return conforms, text


def test_results_conform_to_the_shapes_and_a_broken_one_does_not() -> None:
    graph = to_rdf(_with_results())
    assert _conforms(graph)[0]
    [result] = _with_results().results()
    graph.remove((result_iri(result), KG.byMetric, None))
    conforms, text = _conforms(graph)
    assert not conforms and "byMetric" in text


def test_results_survive_the_output_directory(tmp_path: Path) -> None:
    from kg.export import write_records

    graph = _with_results()
    kg = KnowledgeGraph(graph.papers(), graph.entities(), graph.links(), graph.merges(),
                        graph.results())
    write_records(kg, tmp_path)
    again = KnowledgeGraph.from_directory(tmp_path)
    assert again.results() == kg.results()
    assert again.results("ImageNet") == kg.results()
    assert again.results("GSM8K") == []


def test_a_result_naming_an_unknown_entity_is_refused() -> None:
    from kg.errors import GraphError

    graph = _with_results()
    graph.result_list = [dataclasses.replace(graph.result_list[0], dataset="dataset:nowhere")]
    with pytest.raises(GraphError, match="dataset:nowhere"):
        to_rdf(graph)


def test_a_build_directory_without_results_still_loads(tmp_path: Path) -> None:
    from kg.export import write_records

    graph = mini_graph()
    write_records(KnowledgeGraph(graph.papers(), graph.entities(), graph.links(),
                                 graph.merges()), tmp_path)
    (tmp_path / "results.jsonl").unlink()
    assert KnowledgeGraph.from_directory(tmp_path).results() == []


def test_result_records_are_plain_json() -> None:
    [result] = _with_results().results()
    assert Result(**result.to_dict()) == result
