"""Run SPARQL over a built graph: rdflib in memory, or Oxigraph for a built directory.

Bindings are always passed as RDF terms (rdflib ``initBindings``; for Oxigraph a
``VALUES`` block of escaped terms, see :mod:`kg.query.bind`), never as text formatted into
the query, so a value can never change the query. The kg prefixes (``kg:``, ``dcterms:``,
``skos:``, ``prov:``, ``id:``, ...) are predeclared, so queries may use them without
``PREFIX`` lines.

Examples
--------
>>> from kg.query import sparql
>>> rows = sparql("kg-out", "SELECT ?title WHERE { ?p a kg:Paper ; dcterms:title ?title }")
... # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import keyword
import os
import weakref
from collections import namedtuple
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier

from kg.errors import GraphError
from kg.graph.namespace import PREFIXES
from kg.graph.store import GraphStore, directory_store


class Rows(list):  # type: ignore[type-arg]
    """The solutions of a SELECT query: a list of named tuples, one per solution.

    ``vars`` lists the projected variable names in order. Values are Python values:
    an IRI is an :class:`rdflib.URIRef` (a ``str``), a literal its Python value (``str``,
    ``int``, ``Decimal``, ``datetime.date``, ...), an unbound variable ``None``.
    """

    def __init__(self, vars: list[str], rows: list[tuple[Any, ...]]) -> None:
        fields = [v if v.isidentifier() and not keyword.iskeyword(v) else f"_{i}"
                  for i, v in enumerate(vars)]
        row_type = namedtuple("Row", fields, rename=True)  # type: ignore[misc]
        super().__init__(row_type(*row) for row in rows)
        self.vars = list(vars)

    def dicts(self) -> list[dict[str, Any]]:
        """The rows as ``{variable: value}`` dicts."""
        return [dict(zip(self.vars, row)) for row in self]


def to_python(term: Any) -> Any:
    """The Python value of an RDF term (rdflib or pyoxigraph); see :class:`Rows`."""
    if term is None:
        return None
    if not isinstance(term, Identifier):
        term = to_rdflib(term)
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return term


def to_rdflib(term: Any) -> Identifier:
    """An rdflib term from a pyoxigraph term."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise GraphError(f"unsupported RDF term in a query result: {term!r}")


def to_term(value: Any) -> Identifier:
    """The RDF term a binding value stands for.

    rdflib terms pass through (bind an IRI with ``URIRef(...)``), pyoxigraph terms are
    converted, and plain Python values (``str``, ``int``, ``float``, ``bool``,
    ``Decimal``, dates) become typed literals.
    """
    if isinstance(value, Identifier):
        return value
    if isinstance(value, (str, int, float, bool, Decimal, dt.date, dt.datetime)):
        return Literal(value)
    try:
        return to_rdflib(value)
    except GraphError:
        raise GraphError(f"cannot bind {value!r}: use an rdflib term (URIRef for an IRI) "
                         "or a str, int, float, bool, Decimal or date") from None


def sparql(kg_or_dir: Any, query: str, **bindings: Any) -> Rows | bool | Graph:
    """Run a SPARQL ``query`` over a graph.

    Parameters
    ----------
    kg_or_dir
        A built output directory (its ``graph.nt`` is queried with Oxigraph, cached in
        ``DIR/.oxigraph``); a :class:`kg.graph.KnowledgeGraph` (its RDF form is loaded
        once into an in-memory Oxigraph store); a :class:`~kg.graph.store.GraphStore`; or
        an rdflib Graph (queried with rdflib's own engine, which is much slower on joins:
        minutes where Oxigraph takes milliseconds on the bundled graph).
    query
        A SPARQL 1.1 query; the kg prefixes are predeclared.
    **bindings
        Values for variables of the query (see :func:`to_term`), passed as bindings:
        rdflib ``initBindings``, or for Oxigraph a ``VALUES`` block of escaped terms put
        first in the WHERE group (:mod:`kg.query.bind`), never text formatted into the query.

    Returns
    -------
    Rows for SELECT, a bool for ASK, an rdflib Graph for CONSTRUCT and DESCRIBE.

    Raises
    ------
    GraphError
        On a SPARQL syntax error (with the parser's message) or a failed evaluation.
    """
    terms = {name.lstrip("?$"): to_term(value) for name, value in bindings.items()}
    if isinstance(kg_or_dir, (str, os.PathLike)):
        return _oxigraph(directory_store(Path(kg_or_dir)), query, terms)
    if isinstance(kg_or_dir, GraphStore):
        return _oxigraph(kg_or_dir, query, terms)
    if isinstance(kg_or_dir, Graph):
        return _rdflib(kg_or_dir, query, terms)
    return _oxigraph(memory_store(kg_or_dir), query, terms)


_MEMORY: dict[int, tuple[weakref.ref[Any], GraphStore]] = {}


def memory_store(kg: Any) -> GraphStore:
    """An in-memory Oxigraph store of ``kg``'s RDF form, built once per graph object."""
    from kg.graph.rdf import distinct_triples, ox_triples

    key = id(kg)
    cached = _MEMORY.get(key)
    if cached is not None and cached[0]() is kg:
        return cached[1]
    store = GraphStore.in_memory()
    store.add_triples(ox_triples(distinct_triples(kg)))
    try:
        ref = weakref.ref(kg, lambda _: _MEMORY.pop(key, None))
    except TypeError:  # not weak-referenceable: not cached
        return store
    _MEMORY[key] = (ref, store)
    return store


def _rdflib(graph: Graph, query: str, bindings: Mapping[str, Identifier]) -> Rows | bool | Graph:
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepared = prepareQuery(query, initNs=PREFIXES)
    except Exception as err:  # pyparsing raises ParseException, rdflib others
        raise GraphError(f"SPARQL syntax error: {err}") from err
    try:
        result = graph.query(prepared, initBindings=dict(bindings))
    except Exception as err:
        raise GraphError(f"SPARQL query failed: {err}") from err
    if result.type == "ASK":
        return bool(result.askAnswer)
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        out = Graph()
        for prefix, iri in PREFIXES.items():
            out.bind(prefix, iri)
        for triple in result:
            out.add(triple)  # type: ignore[arg-type]
        return out
    names = [str(v) for v in result.vars or []]
    return Rows(names, [tuple(to_python(v) for v in row) for row in result])  # type: ignore[union-attr]


def _oxigraph(store: GraphStore, query: str,
              bindings: Mapping[str, Identifier]) -> Rows | bool | Graph:
    import pyoxigraph as ox

    from kg.query.bind import bind_values

    try:
        result = store.store.query(bind_values(query, bindings), prefixes=PREFIXES)
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            rows = [tuple(to_python(sol[i]) for i in range(len(names))) for sol in result]
            return Rows(names, rows)
        out = Graph()
        for prefix, iri in PREFIXES.items():
            out.bind(prefix, iri)
        for t in result:
            out.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return out
    except SyntaxError as err:
        raise GraphError(f"SPARQL syntax error: {err}") from err
    except (OSError, RuntimeError) as err:
        raise GraphError(f"SPARQL query failed: {err}") from err
