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

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              | '''(?:[^'\\]|\\.|'(?!''))*'''
              | "(?:[^"\\\n\r]|\\.)*"
              | '(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][^\s{}()<>.,;'"\#]*)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<number>\d+(?![\w.:]))
  | (?P<word>[^\s{}()<>,;'"\#?$]+)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)

_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}


@dataclass(frozen=True)
class Token:
    """One significant token: its kind, text and character span in the query."""

    kind: str
    text: str
    start: int
    end: int


class CapError(ValueError):
    """The query could not be read well enough to apply the cap (e.g. a broken string)."""


def tokens(query: str) -> list[Token]:
    """The significant tokens of ``query`` (whitespace and comments dropped)."""
    out = []
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        if kind == "other" and m.group() in "\"'":
            raise CapError(f"unterminated string at character {m.start()}")
        out.append(Token(kind, m.group(), m.start(), m.end()))
    return out


def _groups(toks: list[Token]) -> list[tuple[int, int]]:
    """Token index spans ``(open, close)`` of the brace groups at depth 0."""
    groups, depth, start = [], 0, 0
    for i, tok in enumerate(toks):
        if tok.kind == "open":
            if depth == 0:
                start = i
            depth += 1
        elif tok.kind == "close":
            depth -= 1
            if depth < 0:
                raise CapError(f"unbalanced '}}' at character {tok.start}")
            if depth == 0:
                groups.append((start, i))
    if depth:
        raise CapError("unbalanced '{'")
    return groups


def _values_keyword(toks: list[Token], open_index: int) -> int | None:
    """The index of ``VALUES`` if the group opening at ``open_index`` is a VALUES block."""
    i = open_index - 1
    while i >= 0 and (toks[i].kind == "var" or toks[i].text in "()"):
        i -= 1
    if i >= 0 and toks[i].kind == "word" and toks[i].text.upper() == "VALUES":
        return i
    return None


def query_form(query: str) -> str | None:
    """``SELECT``, ``CONSTRUCT``, ``DESCRIBE`` or ``ASK``; ``None`` if none is found."""
    depth = 0
    for tok in tokens(query):
        depth += tok.kind == "open"
        depth -= tok.kind == "close"
        if depth == 0 and tok.kind == "word" and tok.text.upper() in _FORMS:
            return tok.text.upper()
    return None


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
    groups = _groups(toks)
    end = len(toks)  # modifiers end before a trailing VALUES block
    if groups:
        values_at = _values_keyword(toks, groups[-1][0])
        if values_at is not None:
            end = values_at
            groups = groups[:-1]
    begin = groups[-1][1] + 1 if groups else 0
    for i in range(begin, end - 1):
        if toks[i].kind == "word" and toks[i].text.upper() == "LIMIT":
            number = toks[i + 1]
            if number.kind == "number" and int(number.text) > limit:
                return query[:number.start] + str(limit) + query[number.end:]
            return query
    at = toks[end - 1].end if end > 0 else len(query)
    return query[:at] + f" LIMIT {limit}" + query[at:]
