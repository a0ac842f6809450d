"""Write the HTML views of a graph into ``<directory>/html/``."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kg.errors import OutputError
from kg.model import ENTITY_TYPES
from kg.view import model, render

#: The folder of the views inside an output directory.
HTML_DIR = "html"

#: Default cap on the nodes of one view (top by degree); ``kg view --top`` changes it.
DEFAULT_TOP = 2000

#: Ego views are written for this many top entities of each type (and top papers).
EGOS_PER_TYPE = 20

#: Cap on the nodes of one ego view.
EGO_TOP = 150


def type_file(kind: str) -> str:
    """The file name of the view of one entity type, e.g. ``datasets.html``."""
    return model.styles()[kind]["plural"].lower() + ".html"


def pages(rec: model.Records, *, top: int = DEFAULT_TOP) -> dict[str, str]:
    """Every view of ``rec`` as ``{file name: HTML}``."""
    return {name: "".join(parts) for name, parts in _pages(rec, top=top)}


def _pages(rec: model.Records, *, top: int = DEFAULT_TOP
           ) -> Iterator[tuple[str, Iterable[str]]]:
    """The views one at a time, each as pieces of HTML: a large graph's pages are never
    all in memory, nor one page whole."""
    if top < 1:
        from kg.errors import UsageError

        raise UsageError(f"--top must be at least 1, got {top}")
    egos = model.ego_centers(rec, per_type=EGOS_PER_TYPE)
    views: list[dict[str, Any]] = [
        {"href": "graph.html", "title": "Paper–entity network", "nav": "Graph",
         "description": "Every paper and entity, laid out by their links."},
    ]
    for kind in ENTITY_TYPES:
        plural = model.styles()[kind]["plural"]
        views.append({"href": type_file(kind), "title": plural, "nav": plural,
                      "description": f"{plural} with the papers that name them."})
    views.append({"href": "ego.html", "title": "Ego views", "nav": "Ego views",
                  "description": f"{len(egos)} top entities and papers with their neighbours."})
    nav = [{"href": "index.html", "title": "Overview"}]
    nav += [{"href": v["href"], "title": v["nav"]} for v in views]

    def with_nav(page: dict[str, Any], href: str) -> dict[str, Any]:
        page["nav"] = [{**item, "current": item["href"] == href} for item in nav]
        return page

    yield "index.html", [render.index_html(
        with_nav(model.index_page(rec, views=views, egos=egos), "index.html"))]
    yield "graph.html", render.network_html_parts(
        with_nav(model.graph_page(rec, top=top, egos=egos), "graph.html"))
    for kind in ENTITY_TYPES:
        yield type_file(kind), render.network_html_parts(
            with_nav(model.type_page(rec, kind, top=top, egos=egos), type_file(kind)))
    yield "ego.html", render.network_html_parts(
        with_nav(model.ego_page(rec, egos, top=min(top, EGO_TOP)), "ego.html"))


def ego_html(graph: Any, node: str, *, radius: int = 2, top: int = EGO_TOP) -> str:
    """A self-contained page of one ego view: ``node`` (an entity or paper id) and its
    neighbourhood within ``radius`` links, e.g. to show inline in a notebook.

    Raises :class:`kg.errors.UsageError` when ``node`` is not in the graph.
    """
    rec = model.Records.from_graph(graph)
    if node not in rec.neighbours:
        from kg.errors import UsageError

        raise UsageError(f"no paper or entity with id {node!r} in the graph; "
                         "use an id from papers() or entities()")
    page = model.ego_page(rec, [node], radius=radius, top=top)
    page["nav"] = []
    return render.network_html(page)


def _write_dir(rec: model.Records, target: Path, *, top: int) -> list[str]:
    """Write the pages into ``target`` (created); return the names relative to its parent."""
    target.mkdir(parents=True, exist_ok=True)
    names = []
    for name, parts in _pages(rec, top=top):
        with open(target / name, "w", encoding="utf-8") as fh:
            fh.writelines(parts)
        names.append(f"{HTML_DIR}/{name}")
    return names


def write_html(graph: Any, directory: str | Path, *, top: int = DEFAULT_TOP) -> list[str]:
    """Write the views of ``graph`` into ``directory/html``; return the names written.

    This is the writer ``kg build`` runs inside its temporary output directory.
    """
    directory = Path(directory)
    try:
        return _write_dir(model.Records.from_graph(graph), directory / HTML_DIR, top=top)
    except OSError as err:
        raise OutputError(f"cannot write the HTML views into {directory / HTML_DIR}: {err}; "
                          "check free space and permissions") from err


def write_views(directory: str | Path, *, top: int = DEFAULT_TOP) -> list[str]:
    """Load the build in ``directory`` and (re)write ``directory/html`` atomically.

    The pages go to a temporary folder that then replaces ``html/``; an error leaves
    the previous views as they were.
    """
    from kg.graph import KnowledgeGraph

    directory = Path(directory)
    graph = KnowledgeGraph.from_directory(directory)
    rec = model.Records.from_graph(graph)
    target = directory / HTML_DIR
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{HTML_DIR}.tmp-", dir=directory))
    except OSError as err:
        raise OutputError(f"cannot write into {directory}: {err}; check its permissions") from err
    old = directory / f".{HTML_DIR}.old-{os.getpid()}"
    try:
        names = _write_dir(rec, tmp, top=top)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o777 & ~mask)  # mkdtemp made it private; views are meant to be shared
        if target.exists():
            os.replace(target, old)
        os.replace(tmp, target)
    except OSError as err:
        if old.exists() and not target.exists():
            os.replace(old, target)
        raise OutputError(f"cannot write the HTML views into {target}: {err}; "
                          "check free space and permissions") from err
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return names
