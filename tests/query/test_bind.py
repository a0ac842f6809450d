"""Bound values become escaped SPARQL terms in a VALUES block, or are refused."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from kg.errors import GraphError
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
