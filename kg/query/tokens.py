"""SPARQL tokens: enough lexing to find the top-level structure of a query.

Strings (all four quote styles), IRIs, comments, variables, braces and words are told
apart, so that a brace, ``LIMIT`` or ``VALUES`` inside a string, IRI or comment is never
taken for syntax. Used to inject bindings (:mod:`kg.query.bind`) and to cap results
(:mod:`kg.serve.cap`); the SPARQL engine still parses and checks the whole query.
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


class TokenError(ValueError):
    """The query cannot be split into tokens (a broken string or unbalanced braces)."""


def tokens(query: str) -> list[Token]:
    """The significant tokens of ``query`` (whitespace and comments dropped)."""
    out = []
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        if kind == "other" and m.group() in "\"'":
            raise TokenError(f"unterminated string at character {m.start()}")
        out.append(Token(kind, m.group(), m.start(), m.end()))
    return out


def groups(toks: list[Token]) -> list[tuple[int, int]]:
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
                raise TokenError(f"unbalanced '}}' at character {tok.start}")
            if depth == 0:
                groups.append((start, i))
    if depth:
        raise TokenError("unbalanced '{'")
    return groups


def values_keyword(toks: list[Token], open_index: int) -> int | None:
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


def where_group(toks: list[Token]) -> tuple[int, int] | None:
    """Token span of the top-level group graph pattern (the WHERE clause), if any.

    It is the last brace group at depth 0 that is not a trailing ``VALUES`` block (a
    CONSTRUCT template comes before it).
    """
    spans = groups(toks)
    if spans and values_keyword(toks, spans[-1][0]) is not None:
        spans = spans[:-1]
    return spans[-1] if spans else None
