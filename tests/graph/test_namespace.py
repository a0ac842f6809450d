"""The namespace module mirrors ontology/kg.ttl, and the packaged ontology copies match."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg.graph.namespace import ENTITY_CLASSES, KG, ROLE_PROPERTIES, ontology_dir
from kg.model import ENTITY_TYPES, LINK_ROLES

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "ontology"


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(SOURCE / "kg.ttl")


def _defined_terms(graph: Graph) -> set[str]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    ns = str(KG._NS)
    return {str(s)[len(ns):] for kind in kinds for s in graph.subjects(RDF.type, kind)
            if isinstance(s, URIRef) and str(s).startswith(ns)}


def test_module_and_ontology_list_the_same_terms(ontology: Graph) -> None:
    in_module = set(KG.__annotations__)
    in_ttl = _defined_terms(ontology)
    assert in_module == in_ttl, (f"only in namespace.py: {sorted(in_module - in_ttl)}; "
                                 f"only in kg.ttl: {sorted(in_ttl - in_module)}")


def test_a_typo_fails_loudly() -> None:
    with pytest.raises(AttributeError):
        KG.evaluateOn  # noqa: B018


def test_every_term_has_a_label_and_a_comment(ontology: Graph) -> None:
    missing = [term for term in sorted(_defined_terms(ontology))
               if ontology.value(KG[term], RDFS.label) is None
               or ontology.value(KG[term], RDFS.comment) is None]
    assert not missing, f"terms without rdfs:label or rdfs:comment: {missing}"


def test_every_kg_term_used_in_the_ontology_is_defined(ontology: Graph) -> None:
    ns = str(KG._NS)
    used = {str(t)[len(ns):] for triple in ontology for t in triple
            if isinstance(t, URIRef) and str(t).startswith(ns)}
    assert used <= _defined_terms(ontology), sorted(used - _defined_terms(ontology))


def test_roles_and_types_match_the_record_contract(ontology: Graph) -> None:
    assert tuple(ENTITY_CLASSES) == ENTITY_TYPES
    assert tuple(ROLE_PROPERTIES) == LINK_ROLES
    for prop in ROLE_PROPERTIES.values():
        assert (prop, RDFS.subPropertyOf, KG.links) in ontology
    for cls in ENTITY_CLASSES.values():
        assert (cls, RDFS.subClassOf, KG.Entity) in ontology


def test_the_packaged_ontology_is_an_identical_copy() -> None:
    packaged = ontology_dir()
    source = sorted(p.relative_to(SOURCE) for p in SOURCE.rglob("*") if p.is_file())
    copies = sorted(p.relative_to(packaged) for p in packaged.rglob("*") if p.is_file())
    hint = "run: rm -r kg/data/ontology && cp -r ontology kg/data/ontology"
    assert source == copies, hint
    for rel in source:
        assert (SOURCE / rel).read_bytes() == (packaged / rel).read_bytes(), f"{rel}: {hint}"


def test_the_ontology_and_shapes_parse_with_oxigraph() -> None:
    pyoxigraph = pytest.importorskip("pyoxigraph")
    for name in ("kg.ttl", "shapes.ttl"):
        assert list(pyoxigraph.parse(path=str(SOURCE / name)))
