"""The graph stage: the :class:`KnowledgeGraph` API over NetworkX, and its RDF form.

``nx`` holds :class:`KnowledgeGraph` (records, queries, NetworkX views, GraphML and
node-link writers); ``rdf``, ``namespace`` and ``store`` hold the RDF side.
"""

from __future__ import annotations

from kg.graph.nx import KnowledgeGraph, write_graphml, write_node_link

__all__ = ["KnowledgeGraph", "write_graphml", "write_node_link"]
