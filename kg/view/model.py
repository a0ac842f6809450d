"""Graph records → plain view dicts (nodes, edges, positions, side-panel details).

Nothing here knows about HTML: :mod:`kg.view.render` turns these dicts into pages. Every
function takes a :class:`Records` (papers, entities and links) so the views can be built
from a :class:`kg.graph.KnowledgeGraph` or from hand-made lists alike.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from kg.model import ENTITY_TYPES, LINK_ROLES, Entity, Link, Paper, Result
from kg.resolve.results import lower_is_better
from kg.view.layout import positions

#: The side panel of an entity lists its most recent papers, this many (the page holds no
#: more: at 100k papers an entity named by tens of thousands would weigh hundreds of MB).
PANEL_PAPERS = 100
#: The side panel of an entity lists at most this many of the results naming it (each row
#: repeats a paper title; a metric such as accuracy can be named by thousands of results).
PANEL_RESULTS = 50
#: The node type of papers (entities carry one of ``ENTITY_TYPES``).
PAPER = "Paper"

#: The node type of entities whose type has no style (not one of ``ENTITY_TYPES``).
OTHER = "Entity"

#: Longest paper label drawn on the canvas; the panel shows the whole title.
LABEL_CHARS = 48

#: The strongest role first: the panel shows one role per paper–entity pair.
_ROLE_RANK = {role: rank for rank, role in enumerate(LINK_ROLES)}


@cache
def styles() -> dict[str, dict[str, str]]:
    """Colour, shape and legend symbol of each node type (``assets/styles.json``)."""
    text = resources.files("kg.view").joinpath("assets/styles.json").read_text("utf-8")
    return json.loads(text)


@dataclass
class Records:
    """Papers, entities and links indexed for the views.

    ``neighbours`` maps every node id to ``{neighbour id: role}``, ``links_of`` every
    paper id to its links, ``results_of`` every paper id to its results and
    ``results_naming`` every entity id to the results naming it as metric, dataset,
    entity or baseline; links naming an unknown paper or entity are ignored (they cannot be drawn).
    """

    papers: dict[str, Paper]
    entities: dict[str, Entity]
    links: list[Link]
    neighbours: dict[str, dict[str, str]] = field(default_factory=dict)
    links_of: dict[str, list[Link]] = field(default_factory=dict)
    results_of: dict[str, list[Result]] = field(default_factory=dict)
    results_naming: dict[str, list[Result]] = field(default_factory=dict)
    _rank: dict[str, int] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_lists(
        cls, papers: Iterable[Paper], entities: Iterable[Entity], links: Iterable[Link],
        results: Iterable[Result] = (),
    ) -> Records:
        """Index lists of records (results naming an unknown paper or metric are ignored)."""
        rec = cls({p.id: p for p in papers}, {e.id: e for e in entities}, [])
        for result in results:
            if result.paper in rec.papers and result.metric in rec.entities:
                rec.results_of.setdefault(result.paper, []).append(result)
                for eid in dict.fromkeys((result.metric, result.dataset, result.entity,
                                          result.baseline)):
                    if eid is not None and eid in rec.entities:
                        rec.results_naming.setdefault(eid, []).append(result)
        nb: dict[str, dict[str, str]] = {i: {} for i in [*rec.papers, *rec.entities]}
        for link in links:
            if link.paper not in rec.papers or link.entity not in rec.entities:
                continue
            rec.links.append(link)
            rec.links_of.setdefault(link.paper, []).append(link)
            old = nb[link.paper].get(link.entity)
            if old is None or _ROLE_RANK.get(link.role, 99) < _ROLE_RANK.get(old, 99):
                nb[link.paper][link.entity] = link.role
                nb[link.entity][link.paper] = link.role
        rec.neighbours = nb
        return rec

    @classmethod
    def from_graph(cls, graph: Any) -> Records:
        """Index a graph object offering ``papers()``, ``entities()``, ``links()`` and
        ``results()``."""
        return cls.from_lists(graph.papers(), graph.entities(), graph.links(), graph.results())

    def type_of(self, node: str) -> str:
        """``"Paper"``, the entity type of ``node``, or ``"Entity"`` for an unknown type."""
        if node in self.papers:
            return PAPER
        kind = self.entities[node].type
        return kind if kind in ENTITY_TYPES else OTHER

    def degree(self, node: str) -> int:
        """The number of distinct neighbours of ``node`` in the whole graph."""
        return len(self.neighbours.get(node, ()))

    def label(self, node: str) -> str:
        """The full label of a node: an entity's label or a paper's title."""
        if node in self.papers:
            return self.papers[node].title
        return self.entities[node].label

    def by_degree(self, nodes: Iterable[str]) -> list[str]:
        """``nodes`` sorted by decreasing degree, then label, then id (stable)."""
        if self._rank is None:  # every node ranked once: later sorts compare integers
            order = sorted(self.neighbours, key=lambda n: (-self.degree(n),
                                                            self.label(n).lower(), n))
            self._rank = {n: i for i, n in enumerate(order)}
        rank = self._rank
        nodes = list(nodes)
        if all(n in rank for n in nodes):
            return sorted(nodes, key=rank.__getitem__)
        return sorted(nodes, key=lambda n: (-self.degree(n), self.label(n).lower(), n))


# --------------------------------------------------------------------------- scenes


def scene(
    rec: Records,
    nodes: Iterable[str],
    *,
    title: str,
    top: int,
    center: str | None = None,
    keep_first: Iterable[str] = (),
    paper_labels: bool = False,
) -> dict[str, Any]:
    """One drawable network: the ``nodes`` with the links among them, laid out.

    When there are more than ``top`` nodes, the best connected are kept (``center`` and
    ``keep_first`` before the others) and ``note`` says what was left out. Papers are
    drawn without a label unless ``paper_labels`` (long titles would cover the entity
    names); their titles show on hover, in search and in the panel.
    """
    wanted = list(dict.fromkeys(nodes))
    left_out: list[str] = []
    if len(wanted) > top:
        wanted_set = set(wanted)
        first = [n for n in dict.fromkeys([*([center] if center else []), *keep_first])
                 if n in wanted_set]
        first_set = set(first)
        rest = [n for n in wanted if n not in first_set]
        if len(first) < top:  # else only ``note`` sees the rest, and order does not count
            rest = rec.by_degree(rest)
        ordered = first + rest
        wanted, left_out = ordered[:top], ordered[top:]
    kept = set(wanted)
    edges = []
    for node in wanted:
        if node not in rec.papers:
            continue
        for entity, role in rec.neighbours[node].items():
            if entity in kept:
                edges.append({"from": node, "to": entity, "role": role})
    order = rec.by_degree(wanted)
    pos = positions(order, [(e["from"], e["to"]) for e in edges], center=center)
    out_nodes = []
    for node in order:
        kind = rec.type_of(node)
        label = rec.label(node)
        item: dict[str, Any] = {
            "id": node,
            "label": label if kind != PAPER else _short(label) if paper_labels else "",
            "type": kind,
            "degree": rec.degree(node),
            "x": pos[node][0],
            "y": pos[node][1],
        }
        if kind == PAPER and rec.papers[node].date:
            item["date"] = rec.papers[node].date
        out_nodes.append(item)
    return {
        "title": title,
        "center": center,
        "nodes": out_nodes,
        "edges": edges,
        "note": _note(rec, left_out, len(wanted), kept),
    }


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def _note(rec: Records, left_out: list[str], shown: int, kept: set[str]) -> str | None:
    """A sentence naming what aggregation left out, or ``None``."""
    if not left_out:
        return None
    counts: dict[str, int] = {}
    for node in left_out:
        kind = rec.type_of(node)
        counts[kind] = counts.get(kind, 0) + 1
    parts = [f"{n:,} {styles()[kind]['plural'] if n != 1 else kind}"
             for kind, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    dropped = set(left_out)
    candidates = kept | dropped
    edges = 0
    for node in left_out:
        # A link between two dropped nodes is counted once, from its paper.
        edges += len((candidates if node in rec.papers else kept).intersection(
            rec.neighbours[node]))
    return (f"Showing the {shown:,} best-connected of {shown + len(left_out):,} nodes. "
            f"Left out: {', '.join(parts)} (and {edges:,} links).")


# --------------------------------------------------------------------------- details


def details(rec: Records, nodes: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Side-panel details of each node: what a click on it shows.

    A paper gives its title, date, org, URLs, abstract, the evidence spans to highlight
    (``marks``: ``[start, end, type]`` per text field), its entities and the scores it
    reports (``results``). An entity gives its label, aliases, its number of papers
    (``count``) and the ``PANEL_PAPERS`` most recent ones, each with the evidence sentence
    and the span of the mention in it, and, when results name it, their number
    (``result_count``) and the first ``PANEL_RESULTS`` of them (``results``, rows of
    :func:`_result_row` with the paper, in the order of :func:`_entity_results`).
    """
    evidence: dict[tuple[str, str], Link] = {}
    wanted = set(nodes)
    for link in rec.links:
        if link.entity in wanted:
            key = (link.paper, link.entity)
            old = evidence.get(key)
            if old is None or _ROLE_RANK.get(link.role, 99) < _ROLE_RANK.get(old.role, 99):
                evidence[key] = link
    out: dict[str, dict[str, Any]] = {}
    for node in sorted(wanted):
        if node in rec.papers:
            out[node] = _paper_details(rec, rec.papers[node])
        elif node in rec.entities:
            out[node] = _entity_details(rec, rec.entities[node], evidence)
    return out


def _paper_details(rec: Records, paper: Paper) -> dict[str, Any]:
    marks: dict[str, list[list[Any]]] = {"title": [], "abstract": []}
    for link in rec.links_of.get(paper.id, []):
        text = paper.title if link.field == "title" else paper.abstract
        span = _span(text, link.start, link.end, link.text)
        if span is not None:
            marks["title" if link.field == "title" else "abstract"].append(
                [span[0], span[1], rec.entities[link.entity].type])
    entities = [[e, rec.entities[e].label, rec.entities[e].type, role]
                for e, role in rec.neighbours[paper.id].items()]
    entities.sort(key=lambda row: (ENTITY_TYPES.index(row[2]) if row[2] in ENTITY_TYPES else 9,
                                   row[1].lower()))
    return {
        "type": PAPER,
        "title": paper.title,
        "date": paper.date or paper.date_text,
        "org": paper.org,
        "urls": list(paper.urls),
        "abstract": paper.abstract,
        "marks": {k: _disjoint(v) for k, v in marks.items()},
        "links": entities,
        "results": [_result_row(rec, r) for r in rec.results_of.get(paper.id, [])],
    }


def _result_row(rec: Records, result: Result, *, paper: bool = False) -> list[Any]:
    """``[value as written, metric, dataset, entity]``, each entity as ``[id, label, type]``
    or null; with ``paper``, a fifth item ``[paper id, title, "Paper"]``. A stated change
    reads with its sign ("+2.2%", "−1.3"), and one with a baseline has a sixth item, the
    baseline (the fifth is null without ``paper``)."""
    def node(eid: str | None) -> list[str] | None:
        if eid is None or eid not in rec.entities:
            return None
        return [eid, rec.entities[eid].label, rec.entities[eid].type]

    row = [_value_text(result), node(result.metric), node(result.dataset),
           node(result.entity)]
    if paper:
        row.append([result.paper, rec.papers[result.paper].title, PAPER])
    baseline = node(result.baseline)
    if baseline is not None:
        row += [None, baseline] if not paper else [baseline]
    return row


def _value_text(result: Result) -> str:
    """The value as written; a change with its sign: "2.1%" of "by 2.1%" → "+2.1%",
    "1.3" of "reduces the FID by 1.3" → "−1.3"."""
    text = result.value_text
    if result.kind != "change" or text[:1] in "+−-":
        return text
    return ("−" if result.value.startswith("-") else "+") + text


def _entity_results(rec: Records, entity: Entity) -> list[Result]:
    """The results naming ``entity``, grouped by metric and dataset: the largest groups
    first (so a capped list keeps the scores that compare), then by metric and dataset
    label; in a group the best value first (the highest, or the lowest for a metric where
    lower is better: FID, perplexity, error), then by paper title."""
    results = rec.results_naming.get(entity.id, [])
    sizes: dict[tuple[str, str | None], int] = {}
    for r in results:
        sizes[r.metric, r.dataset] = sizes.get((r.metric, r.dataset), 0) + 1

    def label(eid: str | None) -> str:
        return rec.entities[eid].label.lower() if eid is not None and eid in rec.entities else ""

    lower = {r.metric: lower_is_better(label(r.metric)) for r in results}

    def key(r: Result) -> tuple[Any, ...]:
        return (-sizes[r.metric, r.dataset], label(r.metric), r.metric,
                r.dataset is None, label(r.dataset), r.dataset or "",  # no dataset last
                r.kind != "score", _best_first(r.value, lower[r.metric]),  # scores, then changes
                rec.papers[r.paper].title.lower(), r.paper, r.start)

    return sorted(results, key=key)


def _best_first(value: str, lower: bool) -> tuple[int, float]:
    """A sort key putting the best ``value`` first: the highest, or with ``lower`` the
    lowest; a value that is not a number last."""
    try:
        number = float(value)
    except ValueError:
        return (1, 0.0)
    if not math.isfinite(number):
        return (1, 0.0)
    return (0, number if lower else -number)


def _entity_details(rec: Records, entity: Entity,
                    evidence: dict[tuple[str, str], Link]) -> dict[str, Any]:
    ids = sorted(rec.by_degree(rec.neighbours[entity.id]), reverse=True,
                 key=lambda p: (rec.papers[p].date or "", rec.papers[p].title))
    papers = []
    for paper_id in ids[:PANEL_PAPERS]:
        link = evidence.get((paper_id, entity.id))
        sentence, span = "", None
        if link is not None:
            sentence = link.sentence
            span = _span(sentence, -1, -1, link.text)
        papers.append([paper_id, rec.papers[paper_id].title, rec.neighbours[entity.id][paper_id],
                       sentence, *(span or (-1, -1))])
    out: dict[str, Any] = {
        "type": entity.type,
        "title": entity.label,
        "aliases": [a for a in entity.aliases if a != entity.label],
        "links": papers,
        "count": len(ids),
    }
    results = _entity_results(rec, entity)
    if results:  # most entities name no result: no empty keys in the page
        out["results"] = [_result_row(rec, r, paper=True) for r in results[:PANEL_RESULTS]]
        out["result_count"] = len(results)
    return out


def _span(text: str, start: int, end: int, mention: str) -> tuple[int, int] | None:
    """The span of ``mention`` in ``text``: the given offsets if they hold it, else a search."""
    if 0 <= start < end <= len(text) and text[start:end].lower() == mention.lower():
        return start, end
    if not mention:
        return None
    found = text.lower().find(mention.lower())
    return (found, found + len(mention)) if found >= 0 else None


def _disjoint(marks: list[list[Any]]) -> list[list[Any]]:
    """Sorted marks with overlaps dropped (the first, longest span wins)."""
    out: list[list[Any]] = []
    for mark in sorted(marks, key=lambda m: (m[0], -m[1])):
        if not out or mark[0] >= out[-1][1]:
            out.append(mark)
    return out


# --------------------------------------------------------------------------- pages


def legend(rec: Records, nodes: Iterable[str]) -> list[dict[str, Any]]:
    """Legend rows (type, colour, shape, symbol, count) for the types present."""
    counts: dict[str, int] = {}
    for node in nodes:
        kind = rec.type_of(node)
        counts[kind] = counts.get(kind, 0) + 1
    return [{"type": kind, "count": counts[kind], **styles()[kind]}
            for kind in (PAPER, *ENTITY_TYPES, OTHER) if counts.get(kind)]


def network_page(
    rec: Records,
    scenes: dict[str, dict[str, Any]],
    *,
    title: str,
    kind: str,
    intro: str,
    default: str | None = None,
    egos: Iterable[str] = (),
) -> dict[str, Any]:
    """A page of one or more scenes sharing node details, legend and date filter."""
    shown = {n["id"] for s in scenes.values() for n in s["nodes"]}
    months = sorted({n["date"][:7] for s in scenes.values() for n in s["nodes"]
                     if n.get("date") and len(n["date"]) >= 7})
    return {
        "title": title,
        "kind": kind,
        "intro": intro,
        "scenes": scenes,
        "default": default if default is not None else next(iter(scenes), None),
        "info": details(rec, shown),
        "legend": legend(rec, shown),
        "styles": styles(),
        "months": months,
        "egos": sorted(set(egos)),
    }


def graph_page(rec: Records, *, top: int, egos: Iterable[str] = ()) -> dict[str, Any]:
    """The whole paper–entity network (aggregated to the ``top`` best-connected nodes)."""
    nodes = [n for n in rec.neighbours if rec.neighbours[n]]
    main = scene(rec, nodes, title="Paper–entity network", top=top)
    return network_page(
        rec, {"graph": main}, title="Paper–entity network", kind="graph", egos=egos,
        intro="Papers and the methods, models, datasets, metrics and tasks they name.")


def type_page(rec: Records, kind: str, *, top: int, egos: Iterable[str] = ()) -> dict[str, Any]:
    """The entities of one type with the papers that name them."""
    entities = [e for e in rec.entities.values() if e.type == kind and rec.neighbours[e.id]]
    nodes: list[str] = [e.id for e in entities]
    nodes += sorted({p for e in entities for p in rec.neighbours[e.id]})
    plural = styles()[kind]["plural"]
    main = scene(rec, nodes, title=plural, top=top,
                 keep_first=rec.by_degree(e.id for e in entities))
    return network_page(rec, {kind: main}, title=f"{plural} and their papers", kind="type",
                        egos=egos, intro=f"Every {kind.lower()} with the papers that name it.")


def ego_centers(rec: Records, *, per_type: int = 20) -> list[str]:
    """Nodes that get an ego view: the top ``per_type`` entities of each type and papers."""
    centers: list[str] = []
    for kind in ENTITY_TYPES:
        ids = [e.id for e in rec.entities.values() if e.type == kind and rec.neighbours[e.id]]
        centers += rec.by_degree(ids)[:per_type]
    centers += rec.by_degree(p for p in rec.papers if rec.neighbours[p])[:per_type]
    return centers


def ego_scene(rec: Records, center: str, *, radius: int = 2, top: int = 150) -> dict[str, Any]:
    """``center`` with every node within ``radius`` links, nearest and best-connected first."""
    rings: list[list[str]] = [[center]]
    seen = {center}
    count = 1
    for _ in range(radius):
        ring = list({m for n in rings[-1] for m in rec.neighbours[n]} - seen)
        seen.update(ring)
        # past the first ``top`` nodes order does not count (they are only counted in the note)
        rings.append(rec.by_degree(ring) if count < top else ring)
        count += len(ring)
    ordered = [n for ring in rings for n in ring]
    return scene(rec, ordered, title=rec.label(center), top=top, center=center,
                 keep_first=ordered[: top], paper_labels=True)


def ego_page(rec: Records, centers: Iterable[str], *, radius: int = 2,
             top: int = 150) -> dict[str, Any]:
    """One page holding the ego view of each of ``centers`` (chosen by the URL fragment)."""
    centers = list(dict.fromkeys(centers))
    scenes = {c: ego_scene(rec, c, radius=radius, top=top) for c in centers}
    return network_page(
        rec, scenes, title="Ego views", kind="ego", egos=centers,
        intro=f"A node with everything within {radius} links of it.")


def index_page(rec: Records, *, views: list[dict[str, Any]], egos: Iterable[str],
               k: int = 20) -> dict[str, Any]:
    """The overview: counts, the top entities of each type and links into every view."""
    egos = set(egos)
    by_type = {kind: [e for e in rec.entities.values() if e.type == kind]
               for kind in ENTITY_TYPES}
    dates = sorted(p.date for p in rec.papers.values() if p.date)
    top = []
    for kind in ENTITY_TYPES:
        rows = [{"id": e, "label": rec.entities[e].label, "papers": rec.degree(e),
                 "ego": e in egos}
                for e in rec.by_degree(e.id for e in by_type[kind])[:k]]
        top.append({"type": kind, "plural": styles()[kind]["plural"], "rows": rows,
                    "count": len(by_type[kind]), **styles()[kind]})
    papers = [{"id": p, "label": rec.papers[p].title, "papers": rec.degree(p), "ego": p in egos}
              for p in rec.by_degree(q for q in rec.papers if rec.neighbours[q])[:k]]
    return {
        "title": "Knowledge graph overview",
        "counts": {
            "papers": len(rec.papers),
            "entities": len(rec.entities),
            "links": len(rec.links),
            "edges": sum(len(v) for k_, v in rec.neighbours.items() if k_ in rec.papers),
            "dated": len(dates),
            "first": dates[0] if dates else None,
            "last": dates[-1] if dates else None,
            "by_type": [{"type": t["type"], "plural": t["plural"], "count": t["count"],
                         "color": t["color"], "symbol": t["symbol"]} for t in top],
        },
        "views": views,
        "top": top,
        "top_papers": papers,
    }
