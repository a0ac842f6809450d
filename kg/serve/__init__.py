"""``kg serve``: a read-only SPARQL 1.1 endpoint over a built graph, run by Oxigraph.

See :mod:`kg.serve.endpoint` for what is enforced where (read-only, timeout, result cap).
"""

from __future__ import annotations

from kg.serve.endpoint import Endpoint, serve

__all__ = ["serve", "Endpoint"]
