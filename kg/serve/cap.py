"""The result cap of the endpoint: give a query a top-level ``LIMIT`` of at most N.

Oxigraph's server has a query timeout but no result cap, so the endpoint rewrites each
query before passing it on: a SELECT, CONSTRUCT or DESCRIBE query without a top-level
``LIMIT`` gets ``LIMIT N``, and a larger top-level ``LIMIT`` is lowered to N. ``LIMIT``
clauses of subqueries are left alone, and ASK queries are not changed. For CONSTRUCT and
DESCRIBE the cap bounds the solutions the template is built from.

The rewrite works on tokens (strings, IRIs, comments, braces, words), never on raw text,
so a ``LIMIT`` or a brace inside a string, IRI or comment is never touched.

Examples
--------
>>> cap_query("SELECT * WHERE { ?s ?p ?o }", 100)
'SELECT * WHERE { ?s ?p ?o } LIMIT 100'
>>> cap_query("SELECT * WHERE { ?s ?p ?o } LIMIT 5000 # all", 100)
'SELECT * WHERE { ?s ?p ?o } LIMIT 100 # all'
>>> cap_query("ASK { ?s ?p ?o }", 100)
'ASK { ?s ?p ?o }'
"""

from __future__ import annotations

from kg.query.tokens import TokenError, groups, query_form, tokens, values_keyword

#: Raised when a query cannot be read well enough to apply the cap.
CapError = TokenError


def cap_query(query: str, limit: int) -> str:
    """``query`` with a top-level ``LIMIT`` of at most ``limit`` (see the module docstring).

    Raises
    ------
    CapError
        When the query's strings or braces do not balance.
    """
    form = query_form(query)
    if form in (None, "ASK"):
        return query
    toks = tokens(query)
    spans = groups(toks)
    end = len(toks)  # modifiers end before a trailing VALUES block
    if spans:
        values_at = values_keyword(toks, spans[-1][0])
        if values_at is not None:
            end = values_at
            spans = spans[:-1]
    begin = spans[-1][1] + 1 if spans else 0
    for i in range(begin, end - 1):
        if toks[i].kind == "word" and toks[i].text.upper() == "LIMIT":
            number = toks[i + 1]
            if number.kind == "number" and int(number.text) > limit:
                return query[:number.start] + str(limit) + query[number.end:]
            return query
    at = toks[end - 1].end if end > 0 else len(query)
    return query[:at] + f" LIMIT {limit}" + query[at:]
