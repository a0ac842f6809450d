"""Interactive HTML views of a graph: graph → view dict (:mod:`.model`) → HTML (:mod:`.render`).

``write_html(graph, directory)`` is the writer ``kg build`` runs; ``write_views(directory)``
backs ``kg view DIR``. Pages are self-contained (vis-network inlined) and open offline.
"""

from __future__ import annotations

from kg.view.write import ego_html, pages, write_html, write_views

__all__ = ["ego_html", "pages", "write_html", "write_views"]
