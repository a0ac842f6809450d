"""The result cap rewrites only the top-level LIMIT, token by token."""

from __future__ import annotations

import pytest

from kg.serve.cap import CapError, cap_query, query_form


@pytest.mark.parametrize("query, expected", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT * WHERE { ?s ?p ?o } LIMIT 100"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 7", "SELECT * WHERE { ?s ?p ?o } LIMIT 7"),
    ("SELECT * WHERE { ?s ?p ?o } limit 5000", "SELECT * WHERE { ?s ?p ?o } limit 100"),
    ("SELECT * WHERE { ?s ?p ?o } OFFSET 2", "SELECT * WHERE { ?s ?p ?o } OFFSET 2 LIMIT 100"),
    ("SELECT * { { SELECT ?s { ?s ?p ?o } LIMIT 999 } }",
     "SELECT * { { SELECT ?s { ?s ?p ?o } LIMIT 999 } } LIMIT 100"),
    ("SELECT * WHERE { ?s ?p 'LIMIT 3 }' } ORDER BY ?s",
     "SELECT * WHERE { ?s ?p 'LIMIT 3 }' } ORDER BY ?s LIMIT 100"),
    ('SELECT * WHERE { ?s ?p """a\n} LIMIT 1""" } # LIMIT 1 }',
     'SELECT * WHERE { ?s ?p """a\n} LIMIT 1""" } LIMIT 100 # LIMIT 1 }'),
    ("PREFIX e: <http://e.org/LIMIT/5#> SELECT * WHERE { ?s e:p ?o }",
     "PREFIX e: <http://e.org/LIMIT/5#> SELECT * WHERE { ?s e:p ?o } LIMIT 100"),
    ("SELECT * WHERE { ?s ?p ?o } VALUES ?s { <http://a> }",
     "SELECT * WHERE { ?s ?p ?o } LIMIT 100 VALUES ?s { <http://a> }"),
    ("SELECT ?x (COUNT(?o) AS ?n) WHERE { ?x ?p ?o } GROUP BY ?x HAVING (COUNT(?o) > 1)",
     "SELECT ?x (COUNT(?o) AS ?n) WHERE { ?x ?p ?o } GROUP BY ?x HAVING (COUNT(?o) > 1) "
     "LIMIT 100"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
     "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 100"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 100"),
    ("DESCRIBE <http://a>", "DESCRIBE <http://a> LIMIT 100"),
    ("ASK { ?s ?p ?o }", "ASK { ?s ?p ?o }"),
    ("SELEC nonsense", "SELEC nonsense"),
])
def test_cap_query(query: str, expected: str) -> None:
    assert cap_query(query, 100) == expected


def test_the_query_form() -> None:
    assert query_form("PREFIX select: <http://e.org/> ask { ?s ?p ?o }") == "ASK"
    assert query_form("# SELECT\nCONSTRUCT WHERE { ?s ?p ?o }") == "CONSTRUCT"


@pytest.mark.parametrize("query", ["SELECT * WHERE { ?s ?p \"open }",
                                   "SELECT * WHERE { ?s ?p ?o", "SELECT * WHERE } ?s {"])
def test_unbalanced_queries_raise(query: str) -> None:
    with pytest.raises(CapError):
        cap_query(query, 100)
