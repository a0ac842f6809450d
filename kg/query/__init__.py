"""SPARQL over a built graph: :func:`sparql`, the ``kg query`` adapter and ready queries."""

from __future__ import annotations

from kg.query.command import run_cli_query
from kg.query.ready import ReadyQuery, ready_queries, ready_query
from kg.query.sparql import Rows, sparql

__all__ = ["sparql", "Rows", "run_cli_query", "ready_queries", "ready_query", "ReadyQuery"]
