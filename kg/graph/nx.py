"""The knowledge graph as a Python object: papers, entities, links, merges, and graph queries.

:class:`KnowledgeGraph` holds the records of a build (or of an output directory) and answers
the questions of the API; :meth:`KnowledgeGraph.to_networkx` gives the NetworkX
``MultiDiGraph`` (paper and entity nodes, paper→entity edges keyed by role, entity→entity
``variant-of`` edges) and :meth:`KnowledgeGraph.projection` the weighted paper–paper graph.
:func:`write_graphml` and :func:`write_node_link` are the ``graph.graphml`` / ``graph.json``
writers of :data:`kg.export.WRITERS`.

Examples
--------
>>> from kg.model import Entity, Link, Paper
>>> papers = [Paper("p1", "A", "We use BERT on SQuAD."), Paper("p2", "B", "BERT on SQuAD."),
...           Paper("p3", "C", "We use BERT.")]
>>> def link(p, e, role):
...     return Link(p, e, role, 0.9, "abstract", 0, 4, "x", "x", "ner", "1")
>>> entities = [Entity("model/bert", "BERT", "Model", ["BERT"], ["p1", "p2", "p3"]),
...             Entity("dataset/squad", "SQuAD", "Dataset", ["SQuAD"], ["p1", "p2"])]
>>> kg = KnowledgeGraph(papers, entities, [link("p1", "model/bert", "uses"),
...     link("p1", "dataset/squad", "evaluates-on"), link("p2", "model/bert", "mentions"),
...     link("p2", "dataset/squad", "mentions"), link("p3", "model/bert", "uses")], [])
>>> kg.entity("bert").id
'model/bert'
>>> [p.id for p in kg.papers_with("SQuAD")]
['p1', 'p2']
>>> [e.label for e in kg.shared("p1", "p2")]
['BERT', 'SQuAD']
>>> [(p.id, round(score, 2)) for p, score in kg.similar_papers("p1", k=2)]
[('p2', 2.35), ('p3', 0.91)]
>>> kg.to_networkx().number_of_edges()
5
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import GraphError
from kg.model import ENTITY_TYPES, RESULT_KINDS, Entity, Link, Merge, Paper, Result, Source

if TYPE_CHECKING:
    import networkx as nx

#: Seed of the Louvain community detection, so communities are the same on every run.
COMMUNITY_SEED = 42


class KnowledgeGraph:
    """Papers, canonical entities, paper→entity links and the merge log of one build.

    Parameters
    ----------
    papers: the papers, in output order.
    entities: the canonical entities.
    links: the paper→entity links (role, confidence, evidence).
    merges: the resolution decisions.
    results: the results the papers report: scores and stated changes (metric, value,
        dataset, entity, baseline).
    """

    def __init__(self, papers: Iterable[Paper], entities: Iterable[Entity],
                 links: Iterable[Link], merges: Iterable[Merge],
                 results: Iterable[Result] = ()) -> None:
        self._papers = list(papers)
        self._entities = list(entities)
        self._links = list(links)
        self._merges = list(merges)
        self._results = list(results)
        self._results_of: dict[str, list[dict[str, Any]]] = {}  # a paper node's attribute
        for r in self._results:
            self._results_of.setdefault(r.paper, []).append(
                {"metric": r.metric, "value": r.value, "value_text": r.value_text,
                 "dataset": r.dataset, "entity": r.entity, "kind": r.kind,
                 "baseline": r.baseline})
        self._paper_by_id = {p.id: p for p in self._papers}
        self._entity_by_id = {e.id: e for e in self._entities}
        self._by_alias: dict[str, str] = {}
        self._by_key: dict[str, str] = {}
        for entity in sorted(self._entities, key=lambda e: (-len(e.papers), e.id)):
            for alias in [entity.label, *entity.aliases]:
                self._by_alias.setdefault(alias.lower(), entity.id)
                key = _key(alias)
                if key:
                    self._by_key.setdefault(key, entity.id)
        self._paper_entities: dict[str, list[str]] = defaultdict(list)
        self._entity_papers: dict[str, list[str]] = defaultdict(list)
        self._entity_links: dict[str, list[Link]] = defaultdict(list)
        for link in self._links:
            self._entity_links[link.entity].append(link)
            if link.entity not in self._paper_entities[link.paper]:
                self._paper_entities[link.paper].append(link.entity)
            if link.paper not in self._entity_papers[link.entity]:
                self._entity_papers[link.entity].append(link.paper)
        self._nx: nx.MultiDiGraph | None = None
        self._rdf: Any = None

    def __repr__(self) -> str:
        return (f"KnowledgeGraph({len(self._papers)} papers, {len(self._entities)} entities, "
                f"{len(self._links)} links)")

    # construction ------------------------------------------------------------------------
    @classmethod
    def from_directory(cls, directory: str | Path) -> KnowledgeGraph:
        """Load the ``papers``/``entities``/``links``/``merges``/``results.jsonl`` files of a build.

        A missing directory or file, or a bad line, raises :class:`GraphError` naming it.
        """
        directory = Path(directory)
        if not directory.is_dir():
            raise GraphError(f"{directory} is not a directory; give the --out directory of "
                             "a `kg build`")
        papers = [_paper(row) for row in _read_jsonl(directory / "papers.jsonl")]
        entities = [Entity(**_fields(row, Entity)) for row in
                    _read_jsonl(directory / "entities.jsonl")]
        links = [Link(**_fields(row, Link)) for row in _read_jsonl(directory / "links.jsonl")]
        merges_path = directory / "merges.jsonl"
        merges = ([Merge(**_fields(row, Merge)) for row in _read_jsonl(merges_path)]
                  if merges_path.exists() else [])
        results_path = directory / "results.jsonl"  # absent from builds before results
        results = ([Result(**_fields(row, Result)) for row in _read_jsonl(results_path)]
                   if results_path.exists() else [])
        return cls(papers, entities, links, merges, results)

    # records -----------------------------------------------------------------------------
    def papers(self) -> list[Paper]:
        """Every paper, in build order."""
        return list(self._papers)

    def entities(self, type: str | None = None) -> list[Entity]:  # noqa: A002 (API name)
        """Every entity, or those of one ``type`` (Method, Model, Dataset, Metric, Task)."""
        if type is None:
            return list(self._entities)
        return [e for e in self._entities if e.type == _type(type)]

    def links(self) -> list[Link]:
        """Every paper→entity link."""
        return list(self._links)

    def merges(self) -> list[Merge]:
        """The merge log: every resolution decision with its reason and score."""
        return list(self._merges)

    def results(self, entity: str | Entity | None = None, *,
                kind: str | None = None) -> list[Result]:
        """The results the papers report, or those whose metric, dataset, entity or
        baseline is ``entity`` (an id, label or alias); only scores or only stated changes
        with ``kind="score"`` or ``"change"``."""
        if kind is not None and kind not in RESULT_KINDS:
            raise GraphError(f"unknown result kind {kind!r}; give one of "
                             f"{', '.join(RESULT_KINDS)}")
        results = [r for r in self._results if kind is None or r.kind == kind]
        if entity is None:
            return results
        eid = self.entity(entity).id
        return [r for r in results if eid in (r.metric, r.dataset, r.entity, r.baseline)]

    def paper(self, paper: str | Paper) -> Paper:
        """The paper of an id (or an exact title, case-insensitive)."""
        if isinstance(paper, Paper):
            paper = paper.id
        if paper in self._paper_by_id:
            return self._paper_by_id[paper]
        wanted = str(paper).strip().lower()
        for p in self._papers:
            if p.title.strip().lower() == wanted:
                return p
        raise GraphError(f"unknown paper {paper!r}; give a paper id from papers() "
                         "or its exact title")

    def entity(self, name: str | Entity) -> Entity:
        """The entity of an id, a label or any alias (case, hyphens and plurals do not count)."""
        if isinstance(name, Entity):
            name = name.id
        if name in self._entity_by_id:
            return self._entity_by_id[name]
        found = self._by_alias.get(str(name).strip().lower()) or self._by_key.get(_key(name))
        if found is None:
            raise GraphError(f"unknown entity {name!r}{self._suggest(str(name))}")
        return self._entity_by_id[found]

    def _suggest(self, name: str) -> str:
        from rapidfuzz import fuzz, process

        best = process.extractOne(name.lower(), list(self._by_alias), scorer=fuzz.WRatio,
                                  score_cutoff=80)
        if best is None:
            return "; list the names with entities()"
        return f"; did you mean {self._entity_by_id[self._by_alias[best[0]]].label!r}?"

    # questions ---------------------------------------------------------------------------
    def papers_with(self, entity: str | Entity, *, role: str | None = None) -> list[Paper]:
        """The papers linked to ``entity`` (optionally only with ``role``), in build order."""
        eid = self.entity(entity).id
        ids = {link.paper for link in self._entity_links.get(eid, [])
               if role is None or link.role == role}
        return [p for p in self._papers if p.id in ids]

    def entities_of(self, paper: str | Paper) -> list[Entity]:
        """The entities a paper is linked to."""
        pid = self.paper(paper).id
        return [self._entity_by_id[e] for e in self._paper_entities.get(pid, [])
                if e in self._entity_by_id]

    def shared(self, paper_a: str | Paper, paper_b: str | Paper) -> list[Entity]:
        """The entities both papers are linked to, sorted by label."""
        a = set(self._paper_entities.get(self.paper(paper_a).id, []))
        b = set(self._paper_entities.get(self.paper(paper_b).id, []))
        return sorted((self._entity_by_id[e] for e in a & b if e in self._entity_by_id),
                      key=lambda e: (e.label.lower(), e.id))

    def similar_papers(self, paper: str | Paper, k: int = 10) -> list[tuple[Paper, float]]:
        """The ``k`` papers sharing the rarest entities with ``paper`` (Adamic–Adar).

        Each shared entity adds ``1 / log(n)`` where ``n`` is its number of papers, so a
        shared rare dataset counts more than a shared ubiquitous model.
        """
        pid = self.paper(paper).id
        scores: Counter[str] = Counter()
        for eid in self._paper_entities.get(pid, []):
            others = self._entity_papers[eid]
            if len(others) < 2:
                continue
            weight = 1.0 / math.log(len(others))
            for other in others:
                if other != pid:
                    scores[other] += weight
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        return [(self._paper_by_id[p], score) for p, score in ranked]

    def top_entities(self, type: str | None = None, k: int = 10  # noqa: A002 (API name)
                     ) -> list[tuple[Entity, int]]:
        """The ``k`` entities (of ``type``) linked to most papers, with their paper counts."""
        counted = [(e, len(self._entity_papers.get(e.id, []))) for e in self.entities(type)]
        counted.sort(key=lambda ec: (-ec[1], ec[0].label.lower(), ec[0].id))
        return counted[:k]

    def co_occurring(self, entity: str | Entity, k: int = 10) -> list[tuple[Entity, int]]:
        """The ``k`` entities sharing most papers with ``entity``, with those counts."""
        eid = self.entity(entity).id
        counts: Counter[str] = Counter()
        for pid in self._entity_papers.get(eid, []):
            counts.update(e for e in self._paper_entities[pid] if e != eid)
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        return [(self._entity_by_id[e], n) for e, n in ranked if e in self._entity_by_id]

    def communities(self, *, seed: int = COMMUNITY_SEED) -> list[set[str]]:
        """Louvain communities of the paper–entity graph (node ids), largest first.

        The seed is fixed, so the same graph gives the same communities on every run.
        """
        import networkx as nx

        graph = nx.Graph()
        graph.add_nodes_from(p.id for p in self._papers)
        for link in self._links:
            if graph.has_edge(link.paper, link.entity):
                graph[link.paper][link.entity]["weight"] += link.confidence
            else:
                graph.add_edge(link.paper, link.entity, weight=link.confidence)
        found = nx.community.louvain_communities(graph, weight="weight", seed=seed)
        return sorted((set(c) for c in found), key=lambda c: (-len(c), min(c)))

    def ego(self, node: str, radius: int = 1) -> nx.MultiDiGraph:
        """The sub-graph of ``to_networkx()`` within ``radius`` hops of a paper or entity."""
        import networkx as nx

        graph = self.to_networkx()
        center = self._node(node)
        return nx.ego_graph(graph, center, radius=radius, undirected=True).copy()

    def _node(self, node: str) -> str:
        if node in self._paper_by_id or node in self._entity_by_id:
            return node
        try:
            return self.entity(node).id
        except GraphError:
            pass
        try:
            return self.paper(node).id
        except GraphError:
            raise GraphError(f"unknown node {node!r}; give a paper id, an entity id or an "
                             "entity name") from None

    # NetworkX ----------------------------------------------------------------------------
    def to_networkx(self) -> nx.MultiDiGraph:
        """A ``MultiDiGraph``: paper and entity nodes (``kind``), paper→entity edges keyed
        by role with their evidence, and entity→entity ``variant-of`` edges. A paper that
        reports results has a ``results`` attribute: ``[{"metric", "value", "value_text",
        "dataset", "entity", "kind", "baseline"}]`` (entity ids; ``kind`` "score" or
        "change").

        The graph is built once and cached; copy it before changing it.
        """
        if self._nx is None:
            self._nx = self._build_networkx()
        return self._nx

    def _build_networkx(self) -> nx.MultiDiGraph:
        import networkx as nx

        graph = nx.MultiDiGraph()
        for node, attrs in self._nodes():
            graph.add_node(node, **attrs)
        for u, v, key, attrs in self._edges():
            graph.add_edge(u, v, key=key, **attrs)
        return graph

    def _nodes(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """The nodes of :meth:`to_networkx` with their attributes, in order."""
        results = self._results_of
        for p in self._papers:
            attrs = {"kind": "paper", "label": p.title, "title": p.title, "date": p.date,
                     "org": p.org, "upvotes": p.upvotes, "authors": list(p.authors),
                     "urls": list(p.urls)}
            if p.id in results:
                attrs["results"] = results[p.id]
            yield p.id, attrs
        for e in self._entities:
            if e.id in self._paper_by_id:
                raise GraphError(f"entity id {e.id!r} is also a paper id; ids must be unique")
            yield e.id, {"kind": "entity", "label": e.label, "type": e.type,
                         "aliases": list(e.aliases),
                         "papers": len(self._entity_papers.get(e.id, [])),
                         "type_votes": dict(e.type_votes)}

    def _edges(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """The edges of :meth:`to_networkx` ``(u, v, key, attributes)``, in the order a
        ``MultiDiGraph`` lists them: by source node, then first-added target, then key. A
        link repeating (paper, entity, role) updates the edge: the last link's evidence."""
        by_paper: dict[str, list[Link]] = {}
        for link in self._links:
            if link.paper not in self._paper_by_id or link.entity not in self._entity_by_id:
                raise GraphError(f"link {link.paper} → {link.entity} names an unknown "
                                 "paper or entity; the records are inconsistent")
            by_paper.setdefault(link.paper, []).append(link)
        for p in self._papers:
            out: dict[str, dict[str, Link]] = {}
            for link in by_paper.pop(p.id, ()):
                out.setdefault(link.entity, {})[link.role] = link
            for entity, keyed in out.items():
                for role, link in keyed.items():
                    yield p.id, entity, role, {
                        "kind": "link", "role": role, "confidence": link.confidence,
                        "field": link.field, "start": link.start, "end": link.end,
                        "text": link.text, "sentence": link.sentence, "source": link.source,
                        "extractor_version": link.extractor_version}
        for e in self._entities:
            for parent in dict.fromkeys(e.broader):
                if parent in self._entity_by_id:
                    yield e.id, parent, "variant-of", {"kind": "variant-of",
                                                       "role": "variant-of"}

    def projection(self) -> nx.Graph:
        """The paper–paper graph: an edge per pair sharing entities, ``weight`` = their
        number, ``entities`` = their ids."""
        import networkx as nx

        graph = nx.Graph()
        for p in self._papers:
            graph.add_node(p.id, kind="paper", label=p.title, date=p.date)
        for eid, pids in sorted(self._entity_papers.items()):
            for i, a in enumerate(pids):
                for b in pids[i + 1:]:
                    if graph.has_edge(a, b):
                        graph[a][b]["weight"] += 1
                        graph[a][b]["entities"].append(eid)
                    else:
                        graph.add_edge(a, b, weight=1, entities=[eid])
        return graph

    # RDF (delegated) ---------------------------------------------------------------------
    def rdf(self) -> Any:
        """The RDF form of the graph (:func:`kg.graph.rdf.to_rdf`), built once."""
        if self._rdf is None:
            from kg.graph.rdf import to_rdf

            self._rdf = to_rdf(self)
        return self._rdf

    def sparql(self, query: str, **bindings: Any) -> Any:
        """Run a SPARQL query over :meth:`rdf` (see :func:`kg.query.sparql`)."""
        from kg.query import sparql

        return sparql(self, query, **bindings)


# helpers ----------------------------------------------------------------------------------
def _key(text: str) -> str:
    from kg.resolve.normalise import key_of, tokenize

    tokens = tokenize(str(text))
    return key_of(tokens) if tokens else ""


def _type(value: str) -> str:
    for t in ENTITY_TYPES:
        if t.lower() == str(value).lower():
            return t
    raise GraphError(f"unknown entity type {value!r}; use one of {', '.join(ENTITY_TYPES)}")


def _read_jsonl(path: Path) -> Iterable[dict[str, Any]]:
    try:
        fh = open(path, encoding="utf-8")
    except OSError as err:
        raise GraphError(f"cannot read {path}: {err}; is this the output of `kg build`?") from err
    with fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise GraphError(f"{path}:{number}: not JSON ({err.msg}); rebuild the "
                                 "directory with `kg build`") from err
            if not isinstance(row, dict):
                raise GraphError(f"{path}:{number}: expected a JSON object")
            row["__where__"] = f"{path}:{number}"
            yield row


def _fields(row: dict[str, Any], cls: type) -> dict[str, Any]:
    names = set(cls.__dataclass_fields__)
    required = [n for n in names if n not in row and _required(cls, n)]
    if required:
        raise GraphError(f"{row['__where__']}: missing {', '.join(sorted(required))}; "
                         "rebuild the directory with `kg build`")
    return {k: v for k, v in row.items() if k in names}


def _required(cls: type, name: str) -> bool:
    from dataclasses import MISSING

    f = cls.__dataclass_fields__[name]
    return f.default is MISSING and f.default_factory is MISSING


def _paper(row: dict[str, Any]) -> Paper:
    authors = row.get("authors")
    names = authors if isinstance(authors, list) else []
    count = row.get("author_count")
    if count is None and isinstance(authors, int):
        count = authors
    if "id" not in row or "title" not in row:
        raise GraphError(f"{row['__where__']}: a paper needs an id and a title; rebuild "
                         "the directory with `kg build`")
    return Paper(id=row["id"], title=row["title"], abstract=row.get("abstract") or "",
                 authors=names, author_count=count, org=row.get("org"), date=row.get("date"),
                 date_text=row.get("date_text"), upvotes=row.get("upvotes"),
                 urls=list(row.get("urls") or []), doi=row.get("doi"),
                 arxiv_id=row.get("arxiv_id"),
                 sources=[Source(s["file"], s["line"]) for s in row.get("sources") or []])


# writers ----------------------------------------------------------------------------------
def _scalar(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


_GRAPHML_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}
_GRAPHML_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)


def write_graphml(graph: KnowledgeGraph, directory: str | Path) -> list[str]:
    """Write ``graph.graphml``: the MultiDiGraph, list and dict attributes as JSON text.

    Streamed from the records: the bytes ``networkx.write_graphml`` writes for
    :meth:`KnowledgeGraph.to_networkx` (keys in its order and types, pretty-printed alike;
    a test compares them), without building the graph or an XML tree in memory.
    """
    from xml.etree.ElementTree import _escape_attrib, _escape_cdata  # type: ignore[attr-defined]

    keys: dict[tuple[str, str, str], str] = {}

    def scan(scope: str, attrs: dict[str, Any]) -> None:
        for name, value in attrs.items():
            kind = _graphml_type(_scalar(value))
            if (name, kind, scope) not in keys:
                keys[(name, kind, scope)] = f"d{len(keys)}"

    for _, attrs in graph._nodes():
        scan("node", attrs)
    for _, _, _, attrs in graph._edges():
        scan("edge", attrs)

    def data(scope: str, attrs: dict[str, Any], indent: str) -> str:
        out = []
        for name, value in attrs.items():
            value = _scalar(value)
            key = keys[(name, _graphml_type(value), scope)]
            text = str(value)
            out.append(f'{indent}<data key="{key}">{_escape_cdata(text)}</data>' if text
                       else f'{indent}<data key="{key}" />')
        return "".join(out)

    path = Path(directory) / "graph.graphml"
    with open(path, "w", encoding="utf-8", errors="xmlcharrefreplace") as fh:
        fh.write(_GRAPHML_HEAD)
        for (name, kind, scope), key in reversed(keys.items()):
            fh.write(f'\n  <key id="{key}" for="{scope}" attr.name="{_escape_attrib(name)}" '
                     f'attr.type="{kind}" />')
        fh.write('\n  <graph edgedefault="directed">')
        chunk: list[str] = []
        for node, attrs in graph._nodes():
            if attrs:
                chunk.append(f'\n    <node id="{_escape_attrib(str(node))}">'
                             f'{data("node", attrs, chr(10) + "      ")}\n    </node>')
            else:
                chunk.append(f'\n    <node id="{_escape_attrib(str(node))}" />')
            if len(chunk) >= 2048:
                fh.write("".join(chunk))
                chunk.clear()
        for u, v, key, attrs in graph._edges():
            head = (f'\n    <edge source="{_escape_attrib(str(u))}" '
                    f'target="{_escape_attrib(str(v))}" id="{_escape_attrib(str(key))}"')
            chunk.append(f'{head}>{data("edge", attrs, chr(10) + "      ")}\n    </edge>'
                         if attrs else f"{head} />")
            if len(chunk) >= 2048:
                fh.write("".join(chunk))
                chunk.clear()
        fh.write("".join(chunk))
        fh.write("\n  </graph>\n</graphml>\n")
    return ["graph.graphml"]


def _graphml_type(value: Any) -> str:
    kind = _GRAPHML_TYPES.get(type(value))
    if kind is None:
        raise GraphError(f"GraphML cannot hold a {type(value).__name__} attribute value "
                         f"({value!r})")
    return kind


def write_node_link(graph: KnowledgeGraph, directory: str | Path) -> list[str]:
    """Write ``graph.json``: NetworkX node-link JSON (``nodes``, ``edges`` with ``key``).

    Streamed from the records: the JSON ``networkx.node_link_data`` gives for
    :meth:`KnowledgeGraph.to_networkx`, one node or edge at a time.
    """
    path = Path(directory) / "graph.json"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('{"directed": true, "multigraph": true, "graph": {}, "nodes": [')
        chunk: list[str] = []
        sep = ""
        for node, attrs in graph._nodes():
            attrs["id"] = node
            chunk.append(sep + json.dumps(attrs, ensure_ascii=False))
            sep = ", "
            if len(chunk) >= 2048:
                fh.write("".join(chunk))
                chunk.clear()
        fh.write("".join(chunk))
        fh.write('], "edges": [')
        chunk.clear()
        sep = ""
        for u, v, key, attrs in graph._edges():
            attrs.update(source=u, target=v, key=key)
            chunk.append(sep + json.dumps(attrs, ensure_ascii=False))
            sep = ", "
            if len(chunk) >= 2048:
                fh.write("".join(chunk))
                chunk.clear()
        fh.write("".join(chunk))
        fh.write("]}")
    return ["graph.json"]
