"""The public API end to end: kg.build → KnowledgeGraph → kg.load, with a stand-in extractor.

The extraction stage (:func:`kg.pipeline.extract_stage`) is replaced by a tiny gazetteer so
these tests exercise resolution, the graph API and the output directory without the trained
model (the real pipeline is covered by
tests/resolve/test_bundled.py).
"""

from __future__ import annotations

import json
import re

import pytest

import kg
from kg.model import Mention

VOCABULARY = {"Llama 2": "Model", "LLaMA2": "Model", "Llama-2": "Model", "LLaMA 2": "Model",
              "Llama-2-7B": "Model", "GPT-4": "Model", "GPT-3": "Model", "MMLU": "Dataset",
              "CIFAR-10": "Dataset", "CIFAR-100": "Dataset", "accuracy": "Metric",
              "our model": "Model", "LoRA": "Method", "QLoRA": "Method"}
PAPERS = [
    {"title": "Tuning Llama 2 cheaply", "abstract": "We propose QLoRA. We fine-tune Llama-2 "
     "and LLaMA2 with LoRA and evaluate on MMLU. It outperforms GPT-4 in accuracy."},
    {"title": "Image classifiers", "abstract": "We evaluate our model on CIFAR-10 and "
     "CIFAR-100 and compare with GPT-3 and LLaMA 2."},
    {"title": "Small models", "abstract": "Llama-2-7B is tested on MMLU with LoRA."},
]


def fake_extract(papers, **_):
    pattern = re.compile("|".join(re.escape(v) for v in sorted(VOCABULARY, key=len, reverse=True)))

    def find(text):
        return [Mention(m.start(), m.end(), VOCABULARY[m.group()], m.group(), 0.8, "gazetteer")
                for m in pattern.finditer(text)]

    return {p.id: {"title": find(p.title), "abstract": find(p.abstract)} for p in papers}


def fake_extract_stage(papers, store, **_):
    """Stands in for :func:`kg.pipeline.extract_stage`: the gazetteer, and a filled cache."""
    found = fake_extract(papers)
    for paper in papers:
        store.put(paper.title, found[paper.id]["title"])
        store.put(paper.abstract, found[paper.id]["abstract"])
    return found, 2 * len(papers), 0


@pytest.fixture()
def built(tmp_path, monkeypatch):
    import kg.pipeline

    monkeypatch.setattr(kg.pipeline, "extract_stage", fake_extract_stage)
    source = tmp_path / "papers.jsonl"
    source.write_text("".join(json.dumps(p) + "\n" for p in PAPERS), encoding="utf-8")
    return kg.build([source], out=tmp_path / "out", html=False)


def test_build_returns_a_knowledge_graph(built):
    graph = built.graph
    assert isinstance(graph, kg.KnowledgeGraph)
    llama = graph.entity("llama 2")
    assert llama.id == "model/llama-2"
    assert {"Llama 2", "LLaMA2", "Llama-2", "LLaMA 2"} <= set(llama.aliases)
    assert graph.entity("GPT-3").id != graph.entity("GPT-4").id
    assert graph.entity("CIFAR-10").id != graph.entity("CIFAR-100").id
    assert graph.entity("Llama-2-7B").broader == [llama.id]
    assert not [e for e in graph.entities() if e.label.lower() == "our model"]
    assert len(graph.papers_with("LoRA")) == 2
    roles = {(link.entity, link.role) for link in graph.links()}
    assert ("method/qlora", "proposes") in roles and ("dataset/mmlu", "evaluates-on") in roles
    assert ("model/gpt-4", "compares-with") in roles


def test_load_gives_the_same_graph(built):
    loaded = kg.load(built.out_dir)
    assert [e.to_dict() for e in loaded.entities()] == [e.to_dict() for e in built.entities]
    assert loaded.links() == built.links and loaded.merges() == built.merges
    assert {"graph.graphml", "graph.json", "merges.jsonl"} <= set(built.files)
    papers = [json.loads(line) for line in
              (built.out_dir / "papers.jsonl").read_text().splitlines()]
    assert "model/llama-2" in papers[0]["entities"]


def test_similar_papers_and_projection(built):
    graph = built.graph
    first = graph.papers()[0]
    similar = graph.similar_papers(first, k=2)
    assert [p.title for p, _ in similar] == ["Small models", "Image classifiers"]
    proj = graph.projection()
    ids = [p.id for p in graph.papers()]
    assert proj[ids[0]][ids[2]]["weight"] == 2  # MMLU and LoRA (Llama-2-7B is a variant)
    assert proj[ids[0]][ids[1]]["weight"] == 1  # Llama 2
    assert not proj.has_edge(ids[1], ids[2])


def test_sparql_and_rdf_are_delegated(built):
    query = pytest.importorskip("kg.query")
    if not hasattr(query, "sparql"):
        pytest.skip("kg.query.sparql is not written yet")
    from kg.graph.namespace import KG

    rows = built.graph.sparql("SELECT (COUNT(?p) AS ?n) WHERE { ?p a ?cls }", cls=KG.Paper)
    assert [tuple(r) for r in rows] == [(3,)]
    assert len(built.graph.rdf()) > 0
