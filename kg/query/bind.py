"""Bind query variables on Oxigraph: a ``VALUES`` block injected as terms, never as text.

Oxigraph's own ``substitutions`` are applied after the query is planned, so a bound
variable does not narrow the search: binding the paper and entity of ``link-evidence``
took a second on 100k papers, against well under a millisecond with ``VALUES``. The
bindings are therefore given to Oxigraph as a ``VALUES`` block placed first in the
top-level WHERE group (found with :mod:`kg.query.tokens`), which binds the variables
before anything else is evaluated, like rdflib's ``initBindings``. A subquery that
projects a bound variable gets the same block first in its own WHERE group, so the
variable is bound inside it too (as rdflib's ``initBindings`` and SEP-0007 substitution
do): a ready query that ranks and limits in a subquery then ranks the bound entity's
answers, not everyone's.

Each value is an RDF term, written by :func:`sparql_term` with every character that could
end it escaped (literals) or rejected (IRIs), so no value can change the query around it.

Examples
--------
>>> from rdflib import Literal, URIRef
>>> bind_values("SELECT ?p WHERE { ?p ?r ?o }", {"o": Literal('say "hi" }')})
'SELECT ?p WHERE { VALUES (?o) { ("say \\\\"hi\\\\" }") } ?p ?r ?o }'
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import XSD, Literal, URIRef
from rdflib.term import Identifier

from kg.errors import GraphError
from kg.query.tokens import Token, TokenError, tokens, where_group

_IRI = re.compile(r'[^<>"{}|^`\\\x00-\x20]+')
_LANG = re.compile(r"[a-zA-Z]+(-[a-zA-Z0-9]+)*")
_VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}


def sparql_term(term: Identifier) -> str:
    """``term`` in SPARQL syntax: ``<iri>`` or an escaped literal with its tag or type.

    Raises
    ------
    GraphError
        For an IRI holding a character IRIs may not hold, a bad language tag, or a
        blank node (which cannot be bound).
    """
    if isinstance(term, URIRef):
        if not _IRI.fullmatch(str(term)):
            raise GraphError(f"cannot bind {str(term)!r}: not a valid IRI (no spaces, "
                             '<>"{}|^`\\ or control characters)')
        return f"<{term}>"
    if isinstance(term, Literal):
        text = '"' + "".join(_ESCAPES.get(c, c) for c in str(term)) + '"'
        if term.language:
            if not _LANG.fullmatch(term.language):
                raise GraphError(f"cannot bind {term!r}: bad language tag {term.language!r}")
            return f"{text}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{text}^^{sparql_term(URIRef(term.datatype))}"
        return text
    raise GraphError(f"cannot bind {term!r}: only IRIs and literals can be bound")


def bind_values(query: str, bindings: Mapping[str, Identifier]) -> str:
    """``query`` with ``VALUES (?name ...) { (term ...) }`` first in its WHERE group.

    Raises
    ------
    GraphError
        When a name is not a variable name, a value cannot be written as a term, or the
        query has no WHERE group (the message says so).
    """
    if not bindings:
        return query
    for name in bindings:
        if not _VARNAME.fullmatch(name):
            raise GraphError(f"cannot bind {name!r}: not a variable name")
    try:
        span = where_group(tokens(query))
    except TokenError as err:
        raise GraphError(f"SPARQL syntax error: {err}") from err
    if span is None:
        raise GraphError("cannot bind variables: the query has no WHERE { ... } group")
    toks = tokens(query)
    terms = {name: sparql_term(term) for name, term in bindings.items()}
    inserts = [(toks[span[0]].end, list(terms))]
    for at, projected in subquery_groups(toks):
        names = [name for name in terms if projected is None or name in projected]
        if names:
            inserts.append((toks[at].end, names))
    out, last = [], 0
    for at, names in sorted(inserts):
        block = (" VALUES (" + " ".join(f"?{n}" for n in names) + ") { ("
                 + " ".join(terms[n] for n in names) + ") }")
        out += [query[last:at], block]
        last = at
    return "".join(out) + query[last:]


def subquery_groups(toks: list[Token]) -> list[tuple[int, set[str] | None]]:
    """The WHERE groups of the subqueries: (index of their ``{``, projected variables).

    The projected variables are the plain ``?var`` of the SELECT clause, not those
    assigned with ``AS`` (``None`` for ``SELECT *``).
    """
    out = []
    depth = 0
    for i, tok in enumerate(toks):
        depth += tok.kind == "open"
        depth -= tok.kind == "close"
        if depth == 0 or tok.kind != "word" or tok.text.upper() != "SELECT":
            continue
        projected: set[str] | None = set()
        j = i + 1
        while j < len(toks) and toks[j].kind != "open":
            if toks[j].text == "*" and projected is not None:
                projected = None
            elif (toks[j].kind == "var" and projected is not None
                  and toks[j - 1].text.upper() != "AS"):
                projected.add(toks[j].text[1:])
            j += 1
        if j < len(toks):
            out.append((j, projected))
    return out
