"""Render query results as text: an aligned table, CSV or JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

from rdflib import BNode, Graph, URIRef

from kg.errors import UsageError
from kg.graph.namespace import PREFIXES
from kg.query.sparql import Rows, to_python

#: The ``--format`` values of ``kg query``.
FORMATS: tuple[str, ...] = ("table", "csv", "json")

_CELL_MAX = 80
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def shorten(iri: str) -> str:
    """``iri`` as a compact IRI (``kg:Paper``) when a kg prefix matches, else ``<iri>``."""
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return f"<{iri}>"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, BNode):
        return f"_:{value}"
    if isinstance(value, URIRef):
        return shorten(str(value))
    text = " ".join(str(value).split())
    return text if len(text) <= _CELL_MAX else text[: _CELL_MAX - 1] + "…"


def _plain(value: Any) -> Any:
    """A JSON/CSV value: IRIs and strings as text, numbers as numbers, dates in ISO."""
    if isinstance(value, BNode):
        return f"_:{value}"
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


def table(rows: Rows) -> str:
    """An aligned text table with a header and a row count."""
    header = list(rows.vars)
    body = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in body]
    lines.append(f"({len(body)} row{'s' if len(body) != 1 else ''})")
    return "\n".join(lines)


def render(result: Rows | bool | Graph, fmt: str = "table") -> str:
    """``result`` of :func:`kg.query.sparql` as text in ``fmt`` (table, csv or json).

    SELECT rows become a table, CSV with a header, or a JSON list of objects. ASK gives
    ``true``/``false``. CONSTRUCT/DESCRIBE triples become Turtle (table) or
    subject/predicate/object rows (csv, json).
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if isinstance(result, bool):
        return json.dumps(result)
    if isinstance(result, Graph):
        if fmt == "table":
            return result.serialize(format="turtle").rstrip()
        triples = sorted(result, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
        result = Rows(["subject", "predicate", "object"],
                      [(s, p, to_python(o)) for s, p, o in triples])
    if fmt == "table":
        return table(result)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(result.vars)
        writer.writerows([["" if v is None else _plain(v) for v in row] for row in result])
        return buf.getvalue().rstrip("\n")
    return json.dumps([{k: _plain(v) for k, v in zip(result.vars, row)} for row in result],
                      ensure_ascii=False, indent=1)
