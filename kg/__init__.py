"""kg: build a knowledge graph of methods, models, datasets, metrics and tasks from papers.

The public surface is small: :func:`build`, :func:`load`, :func:`extract`,
:class:`KnowledgeGraph`, :class:`BuildResult` and :class:`KGError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg.errors import KGError
from kg.pipeline import BuildResult, build, load

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph

__version__ = "0.1.0"
__all__ = ["build", "load", "extract", "KnowledgeGraph", "BuildResult", "KGError", "__version__"]


def extract(texts: Any, **options: Any) -> list[list[dict[str, Any]]]:
    """Find entity mentions in each text; see :func:`kg.extract.extract`."""
    from kg.extract import extract as _extract

    return _extract(texts, **options)


def __getattr__(name: str) -> Any:
    if name == "KnowledgeGraph":
        from kg.graph import KnowledgeGraph

        return KnowledgeGraph
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
