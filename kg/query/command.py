"""``kg query``: read the query, parse ``--bind`` options, run, render."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from kg.errors import UsageError
from kg.query.ready import ready_queries, ready_query
from kg.query.render import render
from kg.query.sparql import sparql

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_READY_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


def parse_binding(option: str) -> tuple[str, Identifier]:
    """``NAME=VALUE`` as a variable name and a term: ``<...>`` is an IRI, else a literal.

    Examples
    --------
    >>> parse_binding("paper=<https://w3id.org/kg/id/paper/x>")
    ('paper', rdflib.term.URIRef('https://w3id.org/kg/id/paper/x'))
    >>> parse_binding("?label=LoRA")
    ('label', rdflib.term.Literal('LoRA'))
    """
    name, sep, value = option.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not _NAME.fullmatch(name):
        raise UsageError(f"--bind {option!r}: expected NAME=VALUE, e.g. "
                         "--bind 'paper=<https://w3id.org/kg/id/paper/...>' or --bind label=LoRA")
    if value.startswith("<") and value.endswith(">"):
        iri = value[1:-1]
        if not iri or any(c in iri for c in '<>"{}|^`\\ '):
            raise UsageError(f"--bind {option!r}: {iri!r} is not a valid IRI")
        return name, URIRef(iri)
    return name, Literal(value)


def query_text(query: str | None, query_file: str | Path | None) -> str:
    """The SPARQL text from the QUERY argument, a ready query name, or ``--file``."""
    if query and query_file:
        raise UsageError("give a QUERY or --file, not both")
    if query_file:
        try:
            return Path(query_file).read_text(encoding="utf-8")
        except OSError as err:
            raise UsageError(f"cannot read the query file {query_file}: {err}") from err
    if not query:
        names = ", ".join(ready_queries())
        raise UsageError(f"no query given: pass a SPARQL query, --file FILE.rq, or the name "
                         f"of a ready query ({names})")
    if _READY_NAME.fullmatch(query.strip()):
        return ready_query(query.strip()).text
    return query


def run_cli_query(directory: str | Path, query: str | None = None, *,
                  query_file: str | Path | None = None, fmt: str = "table",
                  bind: Sequence[str] = ()) -> str:
    """Run the ``kg query`` command and return its output text.

    ``query`` is SPARQL text or the name of a ready query (``top-datasets``, see
    :func:`kg.query.ready_queries`); ``bind`` holds ``NAME=VALUE`` options.
    """
    text = query_text(query, query_file)
    bindings = dict(parse_binding(b) for b in bind)
    return render(sparql(Path(directory), text, **bindings), fmt)
