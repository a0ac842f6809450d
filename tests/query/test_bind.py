"""Bound values become escaped SPARQL terms in a VALUES block, or are refused."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.errors import GraphError
from kg.graph.store import GraphStore
from kg.query import sparql
from kg.query.bind import bind_values, sparql_term


def test_terms() -> None:
    assert sparql_term(URIRef("https://e.org/a#b")) == "<https://e.org/a#b>"
    assert sparql_term(Literal('a "b" \\ c\nd')) == '"a \\"b\\" \\\\ c\\nd"'
    assert sparql_term(Literal("chat", lang="fr")) == '"chat"@fr'
    assert sparql_term(Literal(3)) == f'"3"^^<{XSD.integer}>'


@pytest.mark.parametrize("term", [URIRef("https://e.org/a> } <x"), URIRef("a b"),
                                  URIRef(""), BNode("b1")])
def test_refused_terms(term: object) -> None:
    with pytest.raises(GraphError, match="cannot bind"):
        sparql_term(term)  # type: ignore[arg-type]


def test_values_go_first_in_the_where_group() -> None:
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } VALUES ?p { <https://e.org/p> }"
    assert bind_values(query, {"s": URIRef("https://e.org/s")}) == (
        "CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?s) { (<https://e.org/s>) } ?s ?p ?o } "
        "VALUES ?p { <https://e.org/p> }")
    assert bind_values(query, {}) == query


def test_bad_names_and_queries() -> None:
    with pytest.raises(GraphError, match="not a variable name"):
        bind_values("SELECT * WHERE { ?s ?p ?o }", {"s o": Literal(1)})
    with pytest.raises(GraphError, match="no WHERE"):
        bind_values("DESCRIBE <https://e.org/s>", {"s": Literal(1)})
    with pytest.raises(GraphError, match="syntax error"):
        bind_values('SELECT * WHERE { ?s ?p "open }', {"s": Literal(1)})


def test_values_also_go_into_the_subqueries_that_project_the_variable() -> None:
    query = ("SELECT ?s ?n WHERE { { SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } "
             "GROUP BY ?s LIMIT 2 } { SELECT ?o WHERE { ?o ?q ?s } } "
             "{ SELECT * { ?s ?r ?x } } }")
    bound = bind_values(query, {"s": URIRef("https://e.org/s"), "n": Literal(1)})
    s_block = "VALUES (?s) { (<https://e.org/s>) }"
    both = f'VALUES (?s ?n) {{ (<https://e.org/s> "1"^^<{XSD.integer}>) }}'
    assert bound == (
        f"SELECT ?s ?n WHERE {{ {both} {{ SELECT ?s (COUNT(?o) AS ?n) WHERE {{ {s_block} "
        "?s ?p ?o } GROUP BY ?s LIMIT 2 } { SELECT ?o WHERE { ?o ?q ?s } } "
        f"{{ SELECT * {{ {both} ?s ?r ?x }} }} }}")


def test_a_subquery_limit_applies_to_the_bound_value() -> None:
    """Bound inside the subquery, as rdflib's initBindings does: LIMIT 1 keeps b's row."""
    store = GraphStore.in_memory()
    store.store.update("INSERT DATA { <https://e.org/a> <https://e.org/p> 1 . "
                       "<https://e.org/b> <https://e.org/p> 2 . }")
    query = ("SELECT ?s ?o WHERE { { SELECT ?s ?o WHERE { ?s <https://e.org/p> ?o } "
             "ORDER BY ?o LIMIT 1 } }")
    assert [tuple(r) for r in sparql(store, query, s=URIRef("https://e.org/b"))] == [
        (URIRef("https://e.org/b"), 2)]
    graph = Graph()
    graph.update("INSERT DATA { <https://e.org/a> <https://e.org/p> 1 . "
                 "<https://e.org/b> <https://e.org/p> 2 . }")
    assert [tuple(r) for r in sparql(graph, query, s=URIRef("https://e.org/b"))] == [
        (URIRef("https://e.org/b"), 2)]
