"""The stored co-occurrence counts give exactly the answers of a live count.

``used-together`` and ``evaluated-on-dataset`` read ``kg:CoOccurrence`` nodes computed at
build time (with the place of the graph's first 100 pairs). ``fixtures/live/*.rq`` keep the
earlier text of both queries, which counted over every paper of the entity; here they run
without their inner ``LIMIT`` (every partner), their rows are sorted in the order the ready
queries document and cut at 100, and the result must equal the ready query's rows, bound to
every entity and unbound.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rdflib import URIRef

from kg.graph.cooccurrence import cooccurrences
from kg.graph.namespace import KG
from kg.graph.rdf import to_rdf, write_rdf
from kg.query import ready_queries, sparql
from tests.query.minigraph import mini_graph

LIVE = Path(__file__).resolve().parent / "fixtures" / "live"


def live_text(name: str) -> str:
    """The earlier, live-counting text of a ready query, without its 100-row cut."""
    text = (LIVE / f"{name}.rq").read_text(encoding="utf-8")
    assert text.count("LIMIT 100") == 1
    return text.replace("LIMIT 100", "")


def rows(target: Any, text: str, **bindings: Any) -> list[tuple]:
    return [tuple(row) for row in sparql(target, text, **bindings)]


def used_together_live(target: Any, **bindings: Any) -> list[tuple]:
    """Every (entity, label, partner, partnerLabel, papers) row, in the documented order:
    most papers, label, partner label, entity IRI, partner IRI; the first 100."""
    found = rows(target, live_text("used-together"), **bindings)
    found.sort(key=lambda r: (-r[4], str(r[1]), str(r[3]), str(r[0]), str(r[2])))
    return found[:100]


def evaluated_on_live(target: Any, **bindings: Any) -> list[tuple]:
    """Every (dataset, entity, label, type, papers) row; the 100 with the most papers
    (ties by label, dataset IRI, entity IRI), shown by dataset, papers, label, IRI."""
    found = rows(target, live_text("evaluated-on-dataset"), **bindings)
    found.sort(key=lambda r: (-r[4], str(r[2]), str(r[0]), str(r[1])))
    return sorted(found[:100], key=lambda r: (str(r[0]), -r[4], str(r[2]), str(r[1])))


def check_both_queries(target: Any, graph: Any) -> int:
    """Compare stored and live answers bound to every entity and unbound; the number of
    bound comparisons whose live answer was cut at 100 rows."""
    used = ready_queries()["used-together"].text
    evaluated = ready_queries()["evaluated-on-dataset"].text
    entities = sorted(set(graph.subjects(KG.paperCount, None)))
    datasets = sorted(set(graph.subjects(None, KG.Dataset)))
    assert entities and datasets
    cut = 0
    for entity in entities:
        live = used_together_live(target, entity=entity)
        assert rows(target, used, entity=entity) == live, entity
        cut += len(live) == 100
    for dataset in datasets:
        live = evaluated_on_live(target, dataset=dataset)
        assert rows(target, evaluated, dataset=dataset) == live, dataset
        cut += len(live) == 100
    assert rows(target, used) == used_together_live(target)
    assert rows(target, evaluated) == evaluated_on_live(target)
    return cut


@pytest.mark.parametrize("engine", ["directory", "records"])
def test_stored_counts_answer_as_the_live_queries_on_the_fixture_graph(
        engine: str, tmp_path: Path) -> None:
    """Oxigraph over a directory and in memory (rdflib's engine gives a row of unbound
    counts for a bound entity without links, which the live text does not guard against;
    the ready queries run on rdflib in test_ready_queries.py)."""
    write_rdf(mini_graph(), tmp_path)
    target = tmp_path if engine == "directory" else mini_graph()
    check_both_queries(target, to_rdf(mini_graph()))


@pytest.mark.slow
def test_stored_counts_answer_as_the_live_queries_on_the_bundled_build(tmp_path: Path) -> None:
    """The real pipeline: some entities have more than 100 partners, with ties at the cut."""
    import kg

    result = kg.build(out=tmp_path / "out", html=False)
    cut = check_both_queries(tmp_path / "out", to_rdf(result.graph))
    assert cut >= 1  # the 100-row cut and its tie-breaking were exercised


def test_each_entity_keeps_its_best_partners_ties_by_label_then_key() -> None:
    labels = {"a": "A", "b": "Zed", "c": "Cee", "d": "Cee", "x": "X"}
    types = {"a": "Dataset", "b": "Model", "c": "Method", "d": "Model", "x": "Task"}
    papers = [({"a", "b", "c", "d", "x"}, {"a"}), ({"a", "b"}, set()), ({"a", "x"}, {"a"})]
    pairs = cooccurrences(papers, labels=labels, types=types, limit=2)
    kept = {p: (c.shared, c.evaluation) for (e, p), c in pairs.items() if e == "a"}
    # shared: b 2, x 2, c 1, d 1 -> b and x (2 each); evaluation: c 1, d 1, b 1 -> label
    # "Cee" (c, d) before "Zed" (b), then key: c before d
    assert kept == {"b": (2, None), "x": (2, None), "c": (None, 1), "d": (None, 1)}
    assert ("x", "a") in pairs and ("b", "b") not in pairs
    assert all(e != p for e, p in pairs)
    assert not any(e == "x" and c.evaluation is not None for (e, _), c in pairs.items())
    # the graph's first two pairs by shared papers: the count-2 pairs (a, b), (a, x),
    # (b, a), (x, a) ordered by the labels "A"/"Zed", "A"/"X", "X"/"A", "Zed"/"A"
    ranked = sorted((c.shared_rank, pair) for pair, c in pairs.items() if c.shared_rank)
    assert ranked == [(1, ("a", "x")), (2, ("a", "b"))]
    ranked = sorted((c.evaluation_rank, pair) for pair, c in pairs.items() if c.evaluation_rank)
    assert ranked == [(1, ("a", "c")), (2, ("a", "d"))]


def test_the_bound_query_reads_only_the_entitys_nodes(tmp_path: Path) -> None:
    """A stored count that is not the live one shows up in the answer: it is read."""
    from kg.graph.rdf import entity_iri

    graph = to_rdf(mini_graph())
    lora = entity_iri("method:lora")
    pair = next(s for s in graph.subjects(KG.coOccurrenceOf, lora)
                if graph.value(s, KG.sharedPaperCount) is not None)
    from rdflib import Literal

    graph.set((pair, KG.sharedPaperCount, Literal(40)))
    answer = rows(graph, ready_queries()["used-together"].text, entity=lora)
    assert answer[0][2] == graph.value(pair, KG.partner) and answer[0][4] == 40
    assert isinstance(answer[0][2], URIRef)


def test_the_shapes_check_the_stored_counts() -> None:
    pyshacl = pytest.importorskip("pyshacl")
    from rdflib import RDF, Graph, Literal

    from kg.graph.rdf import entity_iri

    root = Path(__file__).resolve().parents[2] / "ontology"
    shapes, ontology = Graph().parse(root / "shapes.ttl"), Graph().parse(root / "kg.ttl")
    graph = to_rdf(mini_graph())
    assert pyshacl.validate(graph, shacl_graph=shapes, ont_graph=ontology,
                            inference="none", advanced=True)[0]
    lora, gpt4 = entity_iri("method:lora"), entity_iri("model:gpt-4")
    pairs = sorted(graph.subjects(RDF.type, KG.CoOccurrence))
    graph.set((pairs[0], KG.partner, graph.value(pairs[0], KG.coOccurrenceOf)))  # itself
    graph.set((pairs[1], KG.sharedPaperRank, Literal(101)))
    graph.remove((pairs[2], KG.sharedPaperCount, None))
    graph.remove((pairs[2], KG.evaluationPaperCount, None))
    bad = URIRef("https://w3id.org/kg/id/cooccurrence/bad")  # a method is no dataset
    for p, o in ((RDF.type, KG.CoOccurrence), (KG.coOccurrenceOf, lora), (KG.partner, gpt4),
                 (KG.evaluationPaperCount, Literal(1))):
        graph.add((bad, p, o))
    conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes, ont_graph=ontology,
                                         inference="none", advanced=True)
    assert not conforms
    for focus in (*pairs[:3], bad):
        assert f"cooccurrence:{str(focus).rsplit('/', 1)[1]}" in text, focus
    assert "disjoint" in text.lower() and "MaxInclusive" in text and "Or" in text
