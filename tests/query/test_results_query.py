"""Reported results in the RDF graph: the ``results-on-dataset`` ready query, the SHACL
shape of ``kg:Result`` (a score or a stated change) and the round trip through
``results.jsonl``."""

from __future__ import annotations

import dataclasses
import json
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

P2, P3 = "arxiv:2401.00002", 'title:a "quoted" <title> #1'
#: A sentence added to the second abstract: a stated change with a baseline.
CHANGE = " On MMLU, our recipe improves accuracy by 2.5% over LlamaLite."


def _with_results() -> MiniGraph:
    """The mini graph and the one score its third abstract reports ("ViT-X reaches 90%
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


def _with_a_change() -> MiniGraph:
    """:func:`_with_results` and a stated change: the second abstract gets the sentence
    :data:`CHANGE` ("... improves accuracy by 2.5% over LlamaLite"), found by the rule."""
    graph = _with_results()
    i = next(i for i, p in enumerate(graph.paper_list) if p.id == P2)
    paper = dataclasses.replace(graph.paper_list[i],
                                abstract=graph.paper_list[i].abstract + CHANGE)
    graph.paper_list[i] = paper
    types = {e.id: e.type for e in graph.entities()}
    spans = [(paper.abstract.rindex(name), paper.abstract.rindex(name) + len(name), eid)
             for name, eid in (("MMLU", "dataset:mmlu"), ("accuracy", "metric:accuracy"),
                               ("LlamaLite", "model:llamalite"))]
    graph.result_list = [*graph.result_list,
                         *find_results(P2, paper.abstract, spans, types, version="0.1.0")]
    return graph


def test_the_fixture_result_is_the_one_the_abstract_states() -> None:
    [result] = _with_results().results()
    paper = next(p for p in mini_graph().papers() if p.id == P3)
    assert (result.metric, result.value, result.value_text, result.dataset, result.entity) == (
        "metric:top-1 accuracy", "90", "90%", "dataset:imagenet", "model:vit-x")
    assert paper.abstract[result.start:result.end] == "90%"
    assert (result.kind, result.baseline) == ("score", None)


def test_the_fixture_change_is_the_one_the_abstract_states() -> None:
    graph = _with_a_change()
    [change] = [r for r in graph.results() if r.kind == "change"]
    paper = next(p for p in graph.papers() if p.id == P2)
    assert (change.metric, change.value, change.value_text, change.dataset, change.entity,
            change.baseline) == ("metric:accuracy", "2.5", "2.5%", "dataset:mmlu", None,
                                 "model:llamalite")
    assert paper.abstract[change.start:change.end] == "2.5%"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_dir(tmp_path_factory.mktemp("results-out"), _with_a_change)


@pytest.fixture(params=TARGETS)
def target(request: pytest.FixtureRequest, built: Path) -> Any:
    return query_target(request.param, _with_a_change, built)


def test_results_on_a_dataset(target: Any) -> None:
    query = ready_queries()["results-on-dataset"].text
    imagenet, vit = entity_iri("dataset:imagenet"), entity_iri("model:vit-x")
    mmlu, llamalite = entity_iri("dataset:mmlu"), entity_iri("model:llamalite")
    expected = [(imagenet, "ImageNet", entity_iri("metric:top-1 accuracy"), "top-1 accuracy",
                 "score", Decimal("90"), "90%", vit, "ViT-X", None, None, paper_iri(P3),
                 "Trained with contrastive learning, ViT-X reaches 90% top-1 accuracy on "
                 "ImageNet and on the \"odd\" <set> #2."),
                (mmlu, "MMLU", entity_iri("metric:accuracy"), "accuracy", "change",
                 Decimal("2.5"), "2.5%", None, None, llamalite, "LlamaLite", paper_iri(P2),
                 CHANGE.strip())]
    rows = [tuple(row) for row in sparql(target, query)]
    assert [row[:12] for row in rows] == [row[:12] for row in expected]
    assert rows[0][12].startswith("Trained with contrastive learning, ViT-X reaches 90%")
    assert rows[1][12] == CHANGE.strip()
    assert [tuple(r)[:2] for r in sparql(target, query, dataset=imagenet)] == [
        (imagenet, "ImageNet")]
    assert [tuple(r)[4] for r in sparql(target, query, dataset=mmlu)] == ["change"]
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


def test_a_change_node_carries_its_signed_change_and_baseline_not_a_value() -> None:
    graph = to_rdf(_with_a_change())
    [change] = [r for r in _with_a_change().results() if r.kind == "change"]
    node = result_iri(change)
    assert (node, RDF.type, KG.Result) in graph
    assert graph.value(node, KG.change) == Literal(Decimal("2.5"))
    assert graph.value(node, KG.value) is None
    assert graph.value(node, KG.baseline) == entity_iri("model:llamalite")
    assert str(graph.value(node, KG.valueText)) == "2.5%"
    negative = dataclasses.replace(change, value="-2.5")
    assert to_rdf(_replaced(negative)).value(node, KG.change) == Literal(Decimal("-2.5"))
    # a score has a value, no change and no baseline
    score = result_iri(_with_results().results()[0])
    assert graph.value(score, KG.change) is None and graph.value(score, KG.baseline) is None


def _replaced(change: Result) -> MiniGraph:
    graph = _with_a_change()
    graph.result_list = [change if r.kind == "change" else r for r in graph.result_list]
    return graph


def test_results_conform_to_the_shapes_and_a_broken_one_does_not() -> None:
    graph = to_rdf(_with_a_change())
    assert _conforms(graph)[0]
    [result] = _with_results().results()
    graph.remove((result_iri(result), KG.byMetric, None))
    conforms, text = _conforms(graph)
    assert not conforms and "byMetric" in text


def test_a_result_with_both_or_neither_of_value_and_change_fails_the_shape() -> None:
    [score, change] = _with_a_change().results()
    both = to_rdf(_with_a_change())
    both.add((result_iri(score), KG.change, Literal(Decimal("1.5"))))
    conforms, text = _conforms(both)
    assert not conforms and "Xone" in text
    neither = to_rdf(_with_a_change())
    neither.remove((result_iri(change), KG.change, None))
    conforms, text = _conforms(neither)
    assert not conforms and "Xone" in text
    # a baseline that is not an entity fails too
    wrong = to_rdf(_with_a_change())
    wrong.set((result_iri(change), KG.baseline, paper_iri(P3)))
    conforms, text = _conforms(wrong)
    assert not conforms and "baseline" in text


def test_a_result_of_an_unknown_kind_is_refused() -> None:
    from kg.errors import GraphError

    graph = _with_results()
    graph.result_list = [dataclasses.replace(graph.result_list[0], kind="delta")]
    with pytest.raises(GraphError, match="'delta'"):
        to_rdf(graph)


def test_results_survive_the_output_directory(tmp_path: Path) -> None:
    from kg.export import write_records

    graph = _with_a_change()
    kg = KnowledgeGraph(graph.papers(), graph.entities(), graph.links(), graph.merges(),
                        graph.results())
    write_records(kg, tmp_path)
    again = KnowledgeGraph.from_directory(tmp_path)
    score, change = kg.results()
    assert again.results() == [score, change] and change.kind == "change"
    assert again.results("ImageNet") == [score]
    assert again.results("GSM8K") == []
    # a change names its baseline; kind picks scores or changes
    assert again.results("LlamaLite") == [change]
    assert again.results(kind="score") == [score]
    assert again.results("accuracy", kind="change") == [change]
    assert again.results("accuracy", kind="score") == []


def test_an_unknown_result_kind_is_refused_by_the_graph() -> None:
    from kg.errors import GraphError

    graph = _with_a_change()
    kg = KnowledgeGraph(graph.papers(), graph.entities(), graph.links(), graph.merges(),
                        graph.results())
    with pytest.raises(GraphError, match="unknown result kind 'gain'"):
        kg.results(kind="gain")


def test_a_results_line_from_before_changes_loads_as_a_score(tmp_path: Path) -> None:
    from kg.export import write_records

    graph = _with_results()
    kg = KnowledgeGraph(graph.papers(), graph.entities(), graph.links(), graph.merges(),
                        graph.results())
    write_records(kg, tmp_path)
    path = tmp_path / "results.jsonl"
    [row] = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert (row["kind"], row["baseline"]) == ("score", None)
    del row["kind"], row["baseline"]  # the line an older build wrote
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    [again] = KnowledgeGraph.from_directory(tmp_path).results()
    assert again == kg.results()[0] and again.kind == "score" and again.baseline is None


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
    for result in _with_a_change().results():
        assert Result(**json.loads(json.dumps(result.to_dict()))) == result
