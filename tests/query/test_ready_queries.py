"""Every ready query of ontology/queries/ gives the expected rows on the fixture graph.

Each query runs three ways: Oxigraph over a written output directory (what ``kg query``
and ``kg serve`` use), Oxigraph in memory over the records (what ``KnowledgeGraph.sparql``
uses), and rdflib's engine over the rdflib Graph.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kg.graph.namespace import KG
from kg.graph.rdf import entity_iri, paper_iri
from kg.query import ready_queries, sparql
from tests.query.minigraph import TARGETS, built_dir, mini_graph, query_target

ROOT = Path(__file__).resolve().parents[2]
P1, P2 = paper_iri("arxiv:2401.00001"), paper_iri("arxiv:2401.00002")
P3, P4 = paper_iri('title:a "quoted" <title> #1'), paper_iri("doi:10.1000/x y#z")
T1 = "LlamaLite: Small Language Models that Reason"
T2 = "Efficient Tuning Revisited"
T3 = 'A "Quoted" <Title> #1 — ünïcode Vision'
T4 = "Checking Chains of Thought"


def E(key: str) -> Any:  # noqa: N802 - reads like a constant in the tables below
    return entity_iri(key)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_dir(tmp_path_factory.mktemp("mini-out"), mini_graph)


@pytest.fixture(params=TARGETS)
def target(request: pytest.FixtureRequest, built: Path) -> Any:
    return query_target(request.param, mini_graph, built)


def run(target: Any, name: str, **bindings: Any) -> list[tuple]:
    return [tuple(row) for row in sparql(target, ready_queries()[name].text, **bindings)]


def test_the_ready_queries_are_the_documented_ones() -> None:
    assert set(ready_queries()) == {
        "shared-datasets", "top-datasets", "top-metrics", "top-models",
        "evaluated-on-dataset", "used-together", "papers-proposing-model", "link-evidence",
        "results-on-dataset"}
    for query in ready_queries().values():
        assert query.title and not query.title.startswith("PREFIX"), query.name
        assert "Bind" in query.comment or "Columns" in query.comment, query.name


def test_shared_datasets(target: Any) -> None:
    assert run(target, "shared-datasets", paper=P1) == [(P1, P2, T2, E("dataset:mmlu"), "MMLU")]
    assert set(run(target, "shared-datasets")) == {
        (P1, P2, T2, E("dataset:mmlu"), "MMLU"), (P2, P1, T1, E("dataset:mmlu"), "MMLU"),
        (P2, P4, T4, E("dataset:gsm8k"), "GSM8K"), (P4, P2, T2, E("dataset:gsm8k"), "GSM8K")}


def test_top_datasets(target: Any) -> None:
    assert run(target, "top-datasets") == [
        (E("dataset:gsm8k"), "GSM8K", 2), (E("dataset:mmlu"), "MMLU", 2),
        (E('dataset:"odd" <set> #2'), '"odd" <set> #2', 1),
        (E("dataset:imagenet"), "ImageNet", 1)]


def test_top_metrics(target: Any) -> None:
    assert run(target, "top-metrics") == [
        (E("metric:accuracy"), "accuracy", 3), (E("metric:top-1 accuracy"), "top-1 accuracy", 1)]


def test_top_models(target: Any) -> None:
    assert run(target, "top-models") == [
        (E("model:gpt-4"), "GPT-4", 2), (E("model:llamalite"), "LlamaLite", 2),
        (E("model:vit-x"), "ViT-X", 1)]


def test_methods_and_models_evaluated_on_a_dataset(target: Any) -> None:
    mmlu = E("dataset:mmlu")
    assert run(target, "evaluated-on-dataset", dataset=mmlu) == [
        (mmlu, E("model:llamalite"), "LlamaLite", KG.Model, 2),
        (mmlu, E("method:lora"), "LoRA", KG.Method, 2),
        (mmlu, E("model:gpt-4"), "GPT-4", KG.Model, 1)]
    gsm8k = E("dataset:gsm8k")
    assert [row[2] for row in run(target, "evaluated-on-dataset", dataset=gsm8k)] == [
        "Chain Check", "GPT-4", "LlamaLite", "LoRA"]
    everything = run(target, "evaluated-on-dataset")
    assert {row[0] for row in everything} == {
        mmlu, gsm8k, E("dataset:imagenet"), E('dataset:"odd" <set> #2')}


def test_entities_used_together(target: Any) -> None:
    lora = E("method:lora")
    assert [(row[3], row[4]) for row in run(target, "used-together", entity=lora)] == [
        ("LlamaLite", 2), ("MMLU", 2), ("accuracy", 2), ("GPT-4", 1), ("GSM8K", 1)]
    assert all(row[0] == lora and row[1] == "LoRA"
               for row in run(target, "used-together", entity=lora))
    by_paper: dict[str, set[str]] = {}
    for link in mini_graph().links():
        by_paper.setdefault(link.paper, set()).add(link.entity)
    pairs = {(a, b) for ents in by_paper.values() for a in ents for b in ents if a != b}
    assert {(row[0], row[2]) for row in run(target, "used-together")} == {
        (E(a), E(b)) for a, b in pairs}


def test_papers_that_propose_a_model(target: Any) -> None:
    assert run(target, "papers-proposing-model") == [
        (E("model:llamalite"), "LlamaLite", P1, T1), (E("model:vit-x"), "ViT-X", P3, T3)]
    assert run(target, "papers-proposing-model", model=E("model:gpt-4")) == []


def test_the_evidence_behind_a_link(target: Any) -> None:
    llamalite = E("model:llamalite")
    assert run(target, "link-evidence", paper=P1, entity=llamalite) == [
        (P1, KG.proposes, llamalite, "abstract", 11, 20, "LlamaLite",
         "We propose LlamaLite, a small language model.", Decimal("0.97"), "ner", "0.1.0"),
        (P1, KG.proposes, llamalite, "title", 0, 9, "LlamaLite", T1, Decimal("0.91"), "ner",
         "0.1.0")]
    assert len(run(target, "link-evidence")) == len(mini_graph().links())
    assert run(target, "link-evidence", paper=P1, entity=llamalite, role=KG.uses) == []


def test_packaged_queries_are_the_repository_queries() -> None:
    for name, query in ready_queries().items():
        assert query.text == (ROOT / "ontology" / "queries" / f"{name}.rq").read_text(
            encoding="utf-8")


def test_the_variables_a_comment_says_to_bind_are_selected() -> None:
    import re

    for query in ready_queries().values():
        said = re.search(r"Bind (.*?)(?:\(|;|$)", query.comment, flags=re.M)
        select = query.text[query.text.index("SELECT"):query.text.index("WHERE")]
        names = re.findall(r"\?(\w+)", said.group(1)) if said else []
        assert all(f"?{name}" in select for name in names), (query.name, names)
