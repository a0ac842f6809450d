"""The RDF form: deterministic IRIs, link provenance, SHACL, and the three file formats."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import PROV

from kg.errors import GraphError
from kg.export import WRITERS
from kg.graph.namespace import KG, ROLE_PROPERTIES
from kg.graph.rdf import (
    RDF_FILES,
    entity_iri,
    load_rdf,
    mint,
    paper_iri,
    to_rdf,
    write_rdf,
)
from tests.query.minigraph import MiniGraph, mini_graph

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "fixtures" / "mini-graph.ttl"
NASTY = ['He said "hi"', "ünïcødé – ok", "a b  c", "<tag>", "x#frag", "", "   ",
         "\\back\\slash", "emoji 🤖", "%41 percent", "line\nbreak", "日本語", "A B C", "a-b-c"]
IRI = re.compile(r"https://w3id\.org/kg/id/entity/(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?-)?"
                 r"[0-9a-f]{12}")


def assert_isomorphic(expected: Graph, actual: Graph) -> None:
    """Isomorphism with a readable diff on failure."""
    if isomorphic(expected, actual):
        return
    _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    pytest.fail("graphs differ\nonly expected:\n"
                + only_expected.serialize(format="nt")[:3000]
                + "\nonly actual:\n" + only_actual.serialize(format="nt")[:3000])


@pytest.fixture(scope="module")
def graph() -> Graph:
    return to_rdf(mini_graph())


def test_iris_are_valid_and_distinct_for_any_text() -> None:
    iris = [entity_iri(text) for text in NASTY]
    for text, iri in zip(NASTY, iris):
        assert IRI.fullmatch(str(iri)), (text, iri)
    assert len(set(iris)) == len(NASTY)


def test_iris_are_deterministic(graph: Graph) -> None:
    assert set(to_rdf(mini_graph())) == set(graph)
    assert paper_iri("arxiv:2401.00001") == paper_iri("arxiv:2401.00001")
    assert str(mint("paper", "arxiv:2401.00001")).startswith(
        "https://w3id.org/kg/id/paper/arxiv-2401-00001-")


def test_the_graph_matches_the_golden_file(graph: Graph) -> None:
    assert_isomorphic(Graph().parse(GOLDEN), graph)


def test_no_blank_nodes(graph: Graph) -> None:
    assert not [t for t in graph if any(isinstance(x, BNode) for x in t)]


def test_every_link_carries_its_provenance(graph: Graph) -> None:
    kg = mini_graph()
    for link in kg.links():
        paper, entity = paper_iri(link.paper), entity_iri(link.entity)
        role = ROLE_PROPERTIES[link.role]
        assert (paper, role, entity) in graph
        found = [ev for ev in graph.subjects(RDF.subject, paper)
                 if (ev, RDF.predicate, role) in graph and (ev, RDF.object, entity) in graph
                 and graph.value(ev, KG.startOffset).toPython() == link.start
                 and str(graph.value(ev, KG.textField)) == link.field]
        assert len(found) == 1, link
        ev = found[0]
        assert (ev, RDF.type, KG.Evidence) in graph
        assert str(graph.value(ev, KG.sentence)) == link.sentence
        assert graph.value(ev, KG.endOffset).toPython() == link.end
        assert str(graph.value(ev, KG.surfaceText)) == link.text
        assert float(graph.value(ev, KG.confidence).toPython()) == pytest.approx(link.confidence)
        agent = graph.value(ev, PROV.wasAttributedTo)
        assert str(graph.value(agent, KG.componentName)) == link.source
        assert str(graph.value(agent, KG.componentVersion)) == link.extractor_version
        activity = graph.value(ev, PROV.wasGeneratedBy)
        assert (activity, PROV.wasAssociatedWith, agent) in graph
        text = next(p for p in kg.papers() if p.id == link.paper)
        assert getattr(text, link.field)[link.start:link.end] == link.text


def test_entities_are_skos_concepts_with_labels_and_counts(graph: Graph) -> None:
    from rdflib.namespace import SKOS

    kg = mini_graph()
    for entity in kg.entities():
        iri = entity_iri(entity.id)
        assert str(graph.value(iri, SKOS.prefLabel)) == entity.label
        live = {link.paper for link in kg.links() if link.entity == entity.id}
        assert graph.value(iri, KG.paperCount).toPython() == len(live)
    lora = entity_iri("method:lora")
    assert Literal("low-rank adaptation") in set(graph.objects(lora, SKOS.altLabel))
    assert (entity_iri("metric:top-1 accuracy"), SKOS.broader,
            entity_iri("metric:accuracy")) in graph
    assert (entity_iri("model:llamalite-7b"), KG.variantOf, entity_iri("model:llamalite")) in graph


def test_the_graph_conforms_to_the_shapes(graph: Graph) -> None:
    pyshacl = pytest.importorskip("pyshacl")
    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    ontology = Graph().parse(ROOT / "ontology" / "kg.ttl")
    conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes, ont_graph=ontology,
                                         inference="none", advanced=True)
    assert conforms, text
    broken = Graph()
    for t in graph:
        broken.add(t)
    evidence = sorted(broken.subjects(RDF.type, KG.Evidence))[0]
    broken.remove((evidence, KG.sentence, None))
    broken.add((entity_iri("method:lora"), RDF.type, KG.Model))
    broken.remove((paper_iri("doi:10.1000/x y#z"), KG.proposes, None))
    broken.add((paper_iri("arxiv:2401.00002"), KG.uses, entity_iri("model:vit-x")))
    conforms, _, text = pyshacl.validate(broken, shacl_graph=shapes, ont_graph=ontology,
                                         inference="none", advanced=True)
    assert not conforms
    assert "sentence" in text and "Xone" in text
    assert "reifies a link that is not asserted" in text
    assert "has no kg:Evidence" in text and "model-vit-x" in text


def test_files_reparse_isomorphic_with_rdflib_and_oxigraph(graph: Graph, tmp_path: Path) -> None:
    pyoxigraph = pytest.importorskip("pyoxigraph")
    from kg.query.sparql import to_rdflib

    assert write_rdf(mini_graph(), tmp_path) == list(RDF_FILES)
    for name in RDF_FILES:
        assert_isomorphic(graph, load_rdf(tmp_path / name))
        parsed = Graph()
        for t in pyoxigraph.parse(path=str(tmp_path / name)):
            parsed.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        assert_isomorphic(graph, parsed)


def test_jsonld_has_a_context(tmp_path: Path) -> None:
    write_rdf(mini_graph(), tmp_path)
    doc = json.loads((tmp_path / "graph.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"]["kg"] == "https://w3id.org/kg/ontology#"
    assert any(node.get("@type") == ["kg:Paper"] for node in doc["@graph"])


def test_the_writer_is_registered_for_builds() -> None:
    assert "write_rdf" in [w.__name__ for w in WRITERS]


@pytest.mark.parametrize("change, message", [
    ({"entity": "nope"}, "names an entity"),
    ({"paper": "nope"}, "names a paper"),
    ({"role": "likes"}, "has role 'likes'"),
])
def test_inconsistent_links_raise(change: dict, message: str) -> None:
    kg = mini_graph()
    kg.link_list[0] = dataclasses.replace(kg.link_list[0], **change)
    with pytest.raises(GraphError, match=message):
        to_rdf(kg)


def test_unknown_entity_type_raises() -> None:
    kg = mini_graph()
    kg.entity_list[0].type = "Gadget"
    with pytest.raises(GraphError, match="type 'Gadget'"):
        to_rdf(kg)


def test_empty_graph() -> None:
    graph = to_rdf(MiniGraph())
    assert {o for o in graph.objects(None, RDF.type)} == {URIRef(
        "http://www.w3.org/2004/02/skos/core#ConceptScheme")}


@pytest.mark.slow
def test_the_bundled_build_conforms_and_round_trips(tmp_path: Path) -> None:
    """The real pipeline on the bundled listings: SHACL, files, and a ready query."""
    pyshacl = pytest.importorskip("pyshacl")
    import kg
    from kg.query import ready_queries, sparql

    result = kg.build(out=tmp_path / "out", html=False)
    graph = to_rdf(result.graph)
    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    ontology = Graph().parse(ROOT / "ontology" / "kg.ttl")
    conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes, ont_graph=ontology,
                                         inference="none", advanced=True)
    assert conforms, text[:5000]
    for name in RDF_FILES:
        assert_isomorphic(graph, load_rdf(tmp_path / "out" / name))
    rows = sparql(tmp_path / "out", ready_queries()["top-datasets"].text)
    assert 0 < len(rows) <= 10
