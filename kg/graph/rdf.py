"""The RDF form of a knowledge graph, and the writers of ``graph.ttl``/``.nt``/``.jsonld``.

The graph follows ``ontology/kg.ttl``. IRIs are minted deterministically from the record
ids (see :func:`mint`), so the same input gives the same IRIs on every rebuild, whatever
characters the ids hold. Every paper→entity link is asserted as a triple
(``paper kg:uses entity``) and reified by one ``kg:Evidence`` node per mention that carries
its provenance: the sentence, offsets, surface text, confidence, and the extractor
(component and version) through PROV-O.

Examples
--------
>>> from kg.graph.rdf import mint
>>> str(mint("entity", 'GPT-4 "turbo" <#1>'))
'https://w3id.org/kg/id/entity/gpt-4-turbo-1-a2d9a810af71'
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import math
import re
import unicodedata
import warnings
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg.errors import GraphError
from kg.graph.cooccurrence import cooccurrences
from kg.graph.namespace import ENTITY_CLASSES, ID, KG, PREFIXES, ROLE_PROPERTIES
from kg.model import RESULT_KINDS, Entity, Link, Merge, Paper, Result

Triple = tuple[URIRef | BNode, URIRef, URIRef | BNode | Literal]

#: Files written by :func:`write_rdf`, in order.
RDF_FILES: tuple[str, ...] = ("graph.ttl", "graph.nt", "graph.jsonld")

_SLUG_MAX = 48
_HASH_LEN = 12
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MONTH = re.compile(r"\d{4}-\d{2}")
_ISO_YEAR = re.compile(r"\d{4}")
#: JSON string encoder (C), as ``json.dumps(..., ensure_ascii=False)`` writes strings.
_json_str = json.encoder.encode_basestring  # type: ignore[attr-defined]
_LINK_FIELDS_SORTED = tuple(sorted(f.name for f in dataclasses.fields(Link)))


class GraphRecords(Protocol):
    """What :func:`to_rdf` needs: a :class:`kg.graph.KnowledgeGraph` or anything alike."""

    def papers(self) -> list[Paper]: ...

    def entities(self) -> list[Entity]: ...

    def links(self) -> list[Link]: ...

    def merges(self) -> list[Merge]: ...

    def results(self) -> list[Result]: ...


def slug(text: str) -> str:
    """Lowercase ASCII letters, digits and single dashes from ``text`` (may be empty)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:_SLUG_MAX].strip("-")


def key_hash(key: str) -> str:
    """The first 12 hex digits of the SHA-256 of ``key`` (UTF-8)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:_HASH_LEN]


def mint(kind: str, key: str, *, base: str = str(ID), readable: bool = True) -> URIRef:
    """The IRI of the ``kind`` record whose key is ``key``: ``base + kind/slug-hash``.

    The slug keeps the IRI readable and the hash keeps it unique, so any key (quotes,
    unicode, spaces, ``<>``, ``#``) gives a valid IRI and equal keys give equal IRIs.
    With ``readable=False`` the IRI is ``base + kind/hash``.
    """
    return URIRef(_mint(kind, key, base, readable))


def _mint(kind: str, key: str, base: str = str(ID), readable: bool = True) -> str:
    """:func:`mint` as a plain string."""
    digest = key_hash(key)
    name = slug(key) if readable else ""
    return f"{base}{kind}/{name}-{digest}" if name else f"{base}{kind}/{digest}"


def paper_iri(paper_id: str, *, base: str = str(ID)) -> URIRef:
    """The IRI of the paper whose record id is ``paper_id``."""
    return mint("paper", paper_id, base=base)


def entity_iri(entity_id: str, *, base: str = str(ID)) -> URIRef:
    """The IRI of the canonical entity whose record id is ``entity_id``."""
    return mint("entity", entity_id, base=base)


def evidence_iri(link: Link, *, base: str = str(ID)) -> URIRef:
    """The IRI of the evidence node of ``link`` (a hash of every field of the link)."""
    return URIRef(_evidence(link, base))


def _evidence(link: Link, base: str) -> str:
    """:func:`evidence_iri` as a plain string. The key is the JSON of ``link.to_dict()``
    with sorted keys, written field by field (the same text, much faster)."""
    parts = []
    for name in _LINK_FIELDS_SORTED:
        value = getattr(link, name)
        if isinstance(value, str):
            text = _json_str(value)
        elif type(value) is int or type(value) is float and math.isfinite(value):
            text = repr(value)
        else:
            text = json.dumps(value, ensure_ascii=False)
        parts.append(f'"{name}": {text}')
    return _mint("evidence", "{" + ", ".join(parts) + "}", base, readable=False)


def extractor_iri(component: str, version: str, *, base: str = str(ID)) -> URIRef:
    """The IRI of a pipeline component at a version (a ``prov:SoftwareAgent``)."""
    return mint("extractor", f"{component} {version}", base=base)


def extraction_iri(component: str, version: str, *, base: str = str(ID)) -> URIRef:
    """The IRI of the extraction activity run by a component version."""
    return mint("extraction", f"{component} {version}", base=base)


def confidence_literal(value: float) -> Literal:
    """``value`` rounded to 4 decimals as a canonical ``xsd:decimal`` literal."""
    return Literal(_confidence_text(value), datatype=XSD.decimal)


def _confidence_text(value: float) -> str:
    if not math.isfinite(float(value)):
        raise GraphError(f"confidence {value!r} is not a finite number; links need a "
                         "confidence between 0 and 1")
    text = f"{float(value):.4f}".rstrip("0")
    if text.endswith("."):
        text += "0"
    return text


def date_literal(date: str) -> Literal:
    """An ISO date, year-month or year as the matching XSD literal (else a plain string)."""
    if _ISO_DATE.fullmatch(date):
        return Literal(date, datatype=XSD.date)
    if _ISO_MONTH.fullmatch(date):
        return Literal(date, datatype=XSD.gYearMonth)
    if _ISO_YEAR.fullmatch(date):
        return Literal(date, datatype=XSD.gYear)
    return Literal(date)


# The RDF form is generated once, as light terms: an IRI is a ``str``, a literal a
# ``(lexical form, datatype IRI or None)`` tuple. :func:`triples` turns them into rdflib
# terms; the file writers turn them straight into text, which keeps large exports fast.
Term = str | tuple[str, str | None]
#: A subject with its distinct ``(predicate, object)`` pairs.
Block = tuple[str, list[tuple[str, Term]]]

_TYPE, _LABEL = str(RDF.type), str(RDFS.label)
_INTEGER, _STRING, _DECIMAL = str(XSD.integer), str(XSD.string), str(XSD.decimal)


def _literal(value: Any) -> tuple[str, str | None]:
    """The light literal of a Python value, as ``rdflib.Literal(value)`` would make it."""
    if isinstance(value, str):
        return value, None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value), _INTEGER
    lit = Literal(value)
    return str(lit), None if lit.datatype is None else str(lit.datatype)


def _date(date: str) -> tuple[str, str | None]:
    lit = date_literal(date)
    return date, None if lit.datatype is None else str(lit.datatype)


def _confidence(value: float) -> tuple[str, str]:
    return _confidence_text(value), _DECIMAL


def _check_link(link: Link, papers: dict[str, str], entities: dict[str, str]) -> str:
    """The role property of ``link``; a :class:`GraphError` when the link is inconsistent."""
    role = ROLE_PROPERTIES.get(link.role)
    where = f"link {link.paper!r} -> {link.entity!r}"
    if role is None:
        raise GraphError(f"{where} has role {link.role!r}; expected one of "
                         f"{', '.join(ROLE_PROPERTIES)}")
    if link.paper not in papers:
        raise GraphError(f"{where} names a paper that is not in the graph")
    if link.entity not in entities:
        raise GraphError(f"{where} names an entity that is not in the graph")
    return str(role)


def blocks(kg: GraphRecords, *, base: str = str(ID)) -> Iterator[Block]:
    """The RDF form of ``kg`` as subject blocks: ``(subject, [(predicate, object), ...])``.

    Each block holds distinct pairs, and no triple is in two blocks, so the blocks are a
    graph without duplicates. A paper's block holds its links (``paper kg:uses entity``),
    an entity's its ``kg:variantOf`` links; an author named with two spellings gets one
    block per spelling. The entities are followed by their ``kg:CoOccurrence`` nodes (see
    :func:`cooccurrence_blocks`), the evidence nodes, then the ``kg:Result`` nodes of the
    reported scores. Memory beyond the records is a set of evidence IRIs (one a
    link) and the co-occurrence counts (one per pair of entities linked from one paper).

    Raises
    ------
    GraphError
        When a link names a paper or an entity missing from the graph, or an unknown role,
        or an entity has an unknown type.
    """
    paper_list, entity_list, links = kg.papers(), kg.entities(), kg.links()
    papers = {p.id: _mint("paper", p.id, base) for p in paper_list}
    entities = {e.id: _mint("entity", e.id, base) for e in entity_list}
    roles = {role: str(prop) for role, prop in ROLE_PROPERTIES.items()}
    of_paper: dict[str, list[tuple[str, Term]]] = {}
    counts: dict[str, set[str]] = {}
    for link in links:
        _check_link(link, papers, entities)
        of_paper.setdefault(link.paper, []).append((roles[link.role], entities[link.entity]))
        counts.setdefault(link.entity, set()).add(link.paper)
    evaluates_on = roles["evaluates-on"]
    linked = [({e for _, e in pairs}, {e for r, e in pairs if r == evaluates_on})
              for pairs in of_paper.values()]
    authors: dict[str, str] = {}
    author_labels: set[tuple[str, str]] = set()
    sources: set[str] = set()
    for paper in paper_list:
        iri = papers[paper.id]
        po, nodes = _paper_pairs(paper, base, authors, author_labels, sources)
        yield iri, list(dict.fromkeys(po + of_paper.pop(paper.id, [])))
        yield from nodes
    del of_paper, author_labels, sources
    scheme = f"{base}entities"
    yield scheme, [(_TYPE, str(SKOS.ConceptScheme)), (_LABEL, ("kg entities", None))]
    variants: dict[str, list[tuple[str, Term]]] = {}
    for merge in kg.merges():
        if merge.decision == "variant-of" and merge.a in entities and merge.b in entities:
            variants.setdefault(merge.a, []).append((str(KG.variantOf), entities[merge.b]))
    for entity in entity_list:
        po = _entity_pairs(entity, entities, scheme, len(counts.get(entity.id, ())))
        yield entities[entity.id], list(dict.fromkeys(po + variants.get(entity.id, [])))
    del counts, variants
    yield from cooccurrence_blocks(linked, labels={entities[e.id]: e.label for e in entity_list},
                                   types={entities[e.id]: e.type for e in entity_list}, base=base)
    del linked
    seen: set[str] = set()
    agents: set[tuple[str, str]] = set()
    for link in links:
        ev = _evidence(link, base)
        agents.add((link.source, link.extractor_version))
        if ev in seen:
            continue
        seen.add(ev)
        yield ev, _evidence_pairs(link, ev, papers, entities, roles, base)
    del seen
    for result in kg.results():
        agents.add((result.source, result.extractor_version))
        yield _result_block(result, papers, entities, base)
    for component, version in sorted(agents):
        yield from _agent_blocks(component, version, base)


def cooccurrence_blocks(papers: Iterable[tuple[Collection[str], Collection[str]]], *,
                       labels: Mapping[str, str], types: Mapping[str, str],
                       base: str = str(ID)) -> Iterator[Block]:
    """The ``kg:CoOccurrence`` blocks of a graph (see :mod:`kg.graph.cooccurrence`).

    ``papers`` gives, for each paper, the IRIs of the entities it links to and of those it
    evaluates on; ``labels`` and ``types`` map entity IRIs to their preferred label and type.
    The node of a pair is ``id:cooccurrence/<hash of the two IRIs>``.
    """
    for (entity, partner), counts in cooccurrences(papers, labels=labels, types=types).items():
        node = _mint("cooccurrence", f"{entity} {partner}", base, readable=False)
        po: list[tuple[str, Term]] = [(_TYPE, _COOCCURRENCE), (_COOCCURRENCE_OF, entity),
                                      (_PARTNER, partner)]
        for prop, value in ((_SHARED, counts.shared), (_SHARED_RANK, counts.shared_rank),
                            (_EVALUATION, counts.evaluation),
                            (_EVALUATION_RANK, counts.evaluation_rank)):
            if value is not None:
                po.append((prop, (str(value), _INTEGER)))
        yield node, po


def _paper_pairs(paper: Paper, base: str, authors: dict[str, str],
                 author_labels: set[tuple[str, str]], sources: set[str]
                 ) -> tuple[list[tuple[str, Term]], list[Block]]:
    """The pairs of a paper, and the blocks of its authors and sources not seen before."""
    po: list[tuple[str, Term]] = [(_TYPE, _PAPER), (_IDENTIFIER, (paper.id, None)),
                                  (_TITLE, _literal(paper.title))]
    nodes: list[Block] = []
    if paper.abstract:
        po.append((_ABSTRACT, (paper.abstract, None)))
    if paper.date:
        po.append((_DATE, _date(paper.date)))
    if paper.date_text:
        po.append((_DATE_TEXT, (paper.date_text, None)))
    for name in paper.authors:
        if not name.strip():
            continue
        label = " ".join(name.split())
        author = authors.get(label)
        if author is None:
            author = authors[label] = _mint("author", label.casefold(), base)
        po.append((_CREATOR, author))
        if (author, label) not in author_labels:  # a new author, or a new spelling of one
            pairs: list[tuple[str, Term]] = [(_LABEL, (label, None))]
            if (author, "") not in author_labels:
                author_labels.add((author, ""))
                pairs.insert(0, (_TYPE, _AUTHOR))
            author_labels.add((author, label))
            nodes.append((author, pairs))
    if paper.author_count is not None:
        po.append((_AUTHOR_COUNT, _literal(paper.author_count)))
    if paper.org:
        po.append((_ORG, _literal(paper.org)))
    if paper.upvotes is not None:
        po.append((_UPVOTES, _literal(paper.upvotes)))
    for url in paper.urls:
        po.append((_URL, (url, _ANY_URI)))
    if paper.doi:
        po.append((_DOI, _literal(paper.doi)))
    if paper.arxiv_id:
        po.append((_ARXIV_ID, _literal(paper.arxiv_id)))
    for src in paper.sources:
        node = _mint("source", f"{src.file}\x1f{src.line}", base, readable=False)
        po.append((_SOURCE, node))
        if node not in sources:
            sources.add(node)
            nodes.append((node, [(_TYPE, _SOURCE_RECORD), (_FILE, _literal(src.file)),
                                 (_LINE, _literal(src.line))]))
    return po, nodes


def _entity_pairs(entity: Entity, entities: dict[str, str], scheme: str,
                  paper_count: int) -> list[tuple[str, Term]]:
    cls = ENTITY_CLASSES.get(entity.type)
    if cls is None:
        raise GraphError(f"entity {entity.id!r} has type {entity.type!r}; expected one of "
                         f"{', '.join(ENTITY_CLASSES)} (fix the resolution output)")
    po: list[tuple[str, Term]] = [(_TYPE, str(cls)), (_PREF_LABEL, _literal(entity.label)),
                                  (_IN_SCHEME, scheme),
                                  (_PAPER_COUNT, (str(paper_count), _INTEGER))]
    for alias in entity.aliases:
        if alias != entity.label:
            po.append((_ALT_LABEL, _literal(alias)))
    for broader in entity.broader:
        if broader in entities:
            po.append((_BROADER, entities[broader]))
        else:
            warnings.warn(f"entity {entity.id!r}: broader entity {broader!r} is not in the "
                          "graph; the skos:broader link is left out", stacklevel=4)
    return po


def _evidence_pairs(link: Link, ev: str, papers: dict[str, str], entities: dict[str, str],
                    roles: dict[str, str], base: str) -> list[tuple[str, Term]]:
    return [(_TYPE, _EVIDENCE), (_SUBJECT, papers[link.paper]), (_PREDICATE, roles[link.role]),
            (_OBJECT, entities[link.entity]), (_SENTENCE, _literal(link.sentence)),
            (_SURFACE, _literal(link.text)), (_FIELD, _literal(link.field)),
            (_START, _literal(link.start)), (_END, _literal(link.end)),
            (_CONFIDENCE, _confidence(link.confidence)),
            (_GENERATED_BY, _extraction(link.source, link.extractor_version, base)),
            (_ATTRIBUTED_TO, _extractor(link.source, link.extractor_version, base))]


def result_iri(result: Result, *, base: str = str(ID)) -> URIRef:
    """The IRI of a reported result: ``base + result/hash`` of its paper, field and offsets."""
    return URIRef(_result(result, base))


def _result(result: Result, base: str) -> str:
    key = f"{result.paper}|{result.field}|{result.start}|{result.end}"
    return _mint("result", key, base, readable=False)


def _result_block(result: Result, papers: dict[str, str], entities: dict[str, str],
                  base: str) -> Block:
    """The ``kg:Result`` node of a reported score (``kg:value``) or stated change
    (``kg:change``, ``kg:baseline``), with its text span and provenance."""
    where = f"result {result.value_text!r} of paper {result.paper!r}"
    if result.paper not in papers:
        raise GraphError(f"{where} names a paper that is not in the graph")
    if result.kind not in RESULT_KINDS:
        raise GraphError(f"{where} is of kind {result.kind!r}; give one of "
                         f"{', '.join(RESULT_KINDS)}")
    for eid in (result.metric, result.dataset, result.entity, result.baseline):
        if eid is not None and eid not in entities:
            raise GraphError(f"{where} names entity {eid!r}, which is not in the graph")
    po: list[tuple[str, Term]] = [
        (_TYPE, _RESULT), (_REPORTED_IN, papers[result.paper]),
        (_BY_METRIC, entities[result.metric]),
        (_CHANGE if result.kind == "change" else _VALUE, (result.value, _DECIMAL)),
        (_VALUE_TEXT, (result.value_text, None)), (_SENTENCE, _literal(result.sentence)),
        (_FIELD, _literal(result.field)), (_START, _literal(result.start)),
        (_END, _literal(result.end)),
        (_GENERATED_BY, _extraction(result.source, result.extractor_version, base)),
        (_ATTRIBUTED_TO, _extractor(result.source, result.extractor_version, base))]
    if result.dataset is not None:
        po.append((_ON_DATASET, entities[result.dataset]))
    if result.entity is not None:
        po.append((_OF_ENTITY, entities[result.entity]))
    if result.baseline is not None:
        po.append((_BASELINE, entities[result.baseline]))
    return _result(result, base), po


@functools.lru_cache(maxsize=256)
def _extraction(component: str, version: str, base: str) -> str:
    return str(extraction_iri(component, version, base=base))


@functools.lru_cache(maxsize=256)
def _extractor(component: str, version: str, base: str) -> str:
    return str(extractor_iri(component, version, base=base))


def _agent_blocks(component: str, version: str, base: str) -> list[Block]:
    agent, activity = _extractor(component, version, base), _extraction(component, version, base)
    return [(agent, [(_TYPE, str(KG.Extractor)), (_LABEL, (f"kg {component} {version}", None)),
                     (str(KG.componentName), (component, None)),
                     (str(KG.componentVersion), (version, None))]),
            (activity, [(_TYPE, str(KG.Extraction)),
                        (_LABEL, (f"extraction by kg {component} {version}", None)),
                        (str(PROV.wasAssociatedWith), agent)])]


_PAPER, _AUTHOR, _EVIDENCE = str(KG.Paper), str(KG.Author), str(KG.Evidence)
_SOURCE_RECORD = str(KG.SourceRecord)
_IDENTIFIER, _TITLE, _ABSTRACT = str(DCTERMS.identifier), str(DCTERMS.title), str(DCTERMS.abstract)
_DATE, _CREATOR = str(DCTERMS.date), str(DCTERMS.creator)
_DATE_TEXT, _AUTHOR_COUNT, _ORG = str(KG.dateText), str(KG.authorCount), str(KG.org)
_UPVOTES, _URL, _DOI, _ARXIV_ID = str(KG.upvotes), str(KG.url), str(KG.doi), str(KG.arxivId)
_SOURCE, _FILE, _LINE = str(KG.source), str(KG.file), str(KG.line)
_ANY_URI = str(XSD.anyURI)
_PREF_LABEL, _ALT_LABEL = str(SKOS.prefLabel), str(SKOS.altLabel)
_IN_SCHEME, _BROADER = str(SKOS.inScheme), str(SKOS.broader)
_PAPER_COUNT = str(KG.paperCount)
_COOCCURRENCE, _COOCCURRENCE_OF = str(KG.CoOccurrence), str(KG.coOccurrenceOf)
_PARTNER, _SHARED = str(KG.partner), str(KG.sharedPaperCount)
_EVALUATION, _EVALUATION_RANK = str(KG.evaluationPaperCount), str(KG.evaluationPaperRank)
_SHARED_RANK = str(KG.sharedPaperRank)
_SUBJECT, _PREDICATE, _OBJECT = str(RDF.subject), str(RDF.predicate), str(RDF.object)
_SENTENCE, _SURFACE, _FIELD = str(KG.sentence), str(KG.surfaceText), str(KG.textField)
_START, _END, _CONFIDENCE = str(KG.startOffset), str(KG.endOffset), str(KG.confidence)
_GENERATED_BY, _ATTRIBUTED_TO = str(PROV.wasGeneratedBy), str(PROV.wasAttributedTo)
_RESULT, _REPORTED_IN, _BY_METRIC = str(KG.Result), str(KG.reportedIn), str(KG.byMetric)
_VALUE, _VALUE_TEXT = str(KG.value), str(KG.valueText)
_CHANGE, _BASELINE = str(KG.change), str(KG.baseline)
_ON_DATASET, _OF_ENTITY = str(KG.onDataset), str(KG.ofEntity)


def triples(kg: GraphRecords, *, base: str = str(ID)) -> Iterator[Triple]:
    """Yield every triple of the RDF form of ``kg`` as rdflib terms (distinct, order stable).

    Raises
    ------
    GraphError
        When a link names a paper or an entity missing from the graph, or an unknown role,
        or an entity has an unknown type.
    """
    iris: dict[str, URIRef] = {}

    def iri(value: str) -> URIRef:
        term = iris.get(value)
        if term is None:
            term = URIRef(value)
            if len(iris) < 4096:  # the vocabulary and frequent objects, not every node
                iris[value] = term
        return term

    for subject, pairs in blocks(kg, base=base):
        s = URIRef(subject)
        for p, o in pairs:
            if isinstance(o, str):
                yield s, iri(p), iri(o)
            else:
                yield s, iri(p), Literal(o[0], datatype=None if o[1] is None else iri(o[1]))


def new_graph() -> Graph:
    """An empty rdflib Graph with the kg prefixes bound (triples go to its default graph)."""
    graph = Graph(bind_namespaces="core")
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    return graph


def to_rdf(kg: GraphRecords, *, base: str = str(ID)) -> Graph:
    """The RDF form of ``kg`` as an rdflib Graph (see the module docstring)."""
    graph = new_graph()
    graph.addN((s, p, o, graph) for s, p, o in triples(kg, base=base))
    return graph


def rdf_graph(kg: Any) -> Graph:
    """``kg`` itself if it is an rdflib Graph, else its RDF form (``kg.rdf()`` if it has one)."""
    if isinstance(kg, Graph):
        return kg
    rdf = getattr(kg, "rdf", None)
    return rdf() if callable(rdf) else to_rdf(kg)


def ox_term(term: Any, cache: dict[Any, Any] | None = None) -> Any:
    """The pyoxigraph term of an rdflib term (IRI, blank node or literal)."""
    import pyoxigraph as ox

    if cache is not None and term in cache:
        return cache[term]
    if isinstance(term, URIRef):
        out: Any = ox.NamedNode(str(term))
    elif isinstance(term, BNode):
        out = ox.BlankNode(str(term))
    elif isinstance(term, Literal):
        if term.language:
            out = ox.Literal(str(term), language=term.language)
        elif term.datatype is not None:
            out = ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        else:
            out = ox.Literal(str(term))
    else:
        raise GraphError(f"cannot convert {term!r} to an RDF term for Oxigraph")
    if cache is not None:
        cache[term] = out
    return out


def distinct_triples(kg: Any) -> list[Triple]:
    """The distinct triples of ``kg`` (records or an rdflib Graph), in a stable order."""
    return list(kg) if isinstance(kg, Graph) else list(dict.fromkeys(triples(kg)))


def ox_triples(data: list[Triple]) -> list[Any]:
    """``data`` as pyoxigraph Triples."""
    import pyoxigraph as ox

    cache: dict[Any, Any] = {}
    return [ox.Triple(ox_term(s, cache), ox_term(p, cache), ox_term(o, cache))
            for s, p, o in data]


def jsonld_context() -> dict[str, str]:
    """The ``@context`` written into ``graph.jsonld``: the kg prefixes."""
    return dict(PREFIXES)


def jsonld_nodes(data: list[Triple]) -> list[dict[str, Any]]:
    """The JSON-LD node objects of ``data``, compacted with :func:`jsonld_context`.

    IRIs become compact IRIs (``kg:Paper``) where a prefix matches, ``rdf:type`` becomes
    ``@type``, and every literal stays explicit (``@value`` with ``@type`` or
    ``@language``), so re-parsing gives back exactly the same triples.
    """
    prefixes = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
    shorts: dict[str, str] = {}

    def short(term: Any) -> str:
        if isinstance(term, BNode):
            return f"_:{term}"
        iri = str(term)
        if iri not in shorts:
            shorts[iri] = iri
            for prefix, ns in prefixes:
                rest = iri[len(ns):]
                if iri.startswith(ns) and rest and not rest.startswith("//"):
                    shorts[iri] = f"{prefix}:{rest}"
                    break
        return shorts[iri]

    nodes: dict[Any, dict[str, Any]] = {}
    for s, p, o in data:
        node = nodes.setdefault(s, {"@id": short(s)})
        if p == RDF.type and not isinstance(o, Literal):
            node.setdefault("@type", []).append(short(o))
            continue
        if isinstance(o, Literal):
            value: dict[str, Any] = {"@value": str(o)}
            if o.language:
                value["@language"] = o.language
            elif o.datatype is not None and o.datatype != XSD.string:
                value["@type"] = short(o.datatype)
        else:
            value = {"@id": short(o)}
        node.setdefault(short(p), []).append(value)
    return list(nodes.values())


def _write(data: list[Triple], path: Path, fmt: str, ox_data: list[Any] | None = None) -> None:
    """Write rdflib triples (an rdflib Graph given to a writer) with Oxigraph."""
    import pyoxigraph as ox

    try:
        if fmt == "json-ld":
            with open(path, "w", encoding="utf-8") as fh:
                _jsonld_write(fh, (json.dumps(n, ensure_ascii=False) for n in jsonld_nodes(data)))
        else:
            rdf_format = ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.N_TRIPLES
            prefixes = PREFIXES if fmt == "turtle" else None
            if ox_data is None:
                ox_data = ox_triples(data)
            if fmt == "turtle":  # all triples of a subject together, subjects in first-seen order
                by_subject: dict[Any, list[Any]] = {}
                for t in ox_data:
                    by_subject.setdefault(t.subject, []).append(t)
                ox_data = [t for group in by_subject.values() for t in group]
            ox.serialize(ox_data, str(path), rdf_format, prefixes=prefixes)
    except (OSError, ValueError) as err:
        raise GraphError(f"cannot write {path} as {fmt}: {err}") from err


def _jsonld_write(fh: Any, nodes: Iterator[str]) -> None:
    """``graph.jsonld``: the context, then one node object a line (diffable, streamed)."""
    fh.write('{"@context": ' + json.dumps(jsonld_context(), indent=1))
    fh.write(',\n"@graph": [\n')
    first = True
    for node in nodes:
        if not first:
            fh.write(",\n")
        fh.write(node)
        first = False
    fh.write("\n]}\n")


# Streaming writers: blocks → text -------------------------------------------------------
def _nt_string(text: str) -> str:
    """``text`` as an N-Triples string literal (the four characters N-Triples forbids raw
    are escaped; everything else is written as UTF-8)."""
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if '"' in text:
        text = text.replace('"', '\\"')
    if "\n" in text:
        text = text.replace("\n", "\\n")
    if "\r" in text:
        text = text.replace("\r", "\\r")
    return f'"{text}"'


def nt_lines(block: Block) -> str:
    """The N-Triples lines of one block."""
    subject, pairs = block
    s = f"<{subject}> "
    out = []
    for p, o in pairs:
        if isinstance(o, str):
            out.append(f"{s}<{p}> <{o}> .\n")
        elif o[1] is None:
            out.append(f"{s}<{p}> {_nt_string(o[0])} .\n")
        else:
            out.append(f"{s}<{p}> {_nt_string(o[0])}^^<{o[1]}> .\n")
    return "".join(out)


class _Shortener:
    """IRI → compact IRI with the kg prefixes (as :func:`jsonld_nodes` does: the longest
    namespace that leaves a non-empty rest not starting with ``//``)."""

    def __init__(self, base: str = str(ID)) -> None:
        self.prefixes = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
        self.cache: dict[str, str] = {}
        self.base = base
        # instance IRIs are base + kind/name: their prefix is found by kind, not by a scan
        self.kinds = {ns[len(base):-1]: prefix for prefix, ns in PREFIXES.items()
                      if ns.startswith(base) and ns.endswith("/") and len(ns) > len(base)
                      and "/" not in ns[len(base):-1]}

    def __call__(self, iri: str) -> str:
        found = self.cache.get(iri)
        if found is not None:
            return found
        if iri.startswith(self.base):
            kind, sep, rest = iri[len(self.base):].partition("/")
            prefix = self.kinds.get(kind)
            if prefix is not None and rest and not rest.startswith("//"):
                return f"{prefix}:{rest}"
        found = iri
        for prefix, ns in self.prefixes:
            if iri.startswith(ns):
                rest = iri[len(ns):]
                if rest and not rest.startswith("//"):
                    found = f"{prefix}:{rest}"
                    break
        if len(self.cache) < 8192:  # the vocabulary, not every node
            self.cache[iri] = found
        return found


def jsonld_node(block: Block, short: _Shortener) -> str:
    """The JSON-LD node object of one block as JSON text (see :func:`jsonld_nodes`; the
    same text ``json.dumps`` gives for that node, written without building it)."""
    subject, pairs = block
    props: dict[str, list[str]] = {}
    for p, o in pairs:
        if isinstance(o, str):
            if p == _TYPE:
                props.setdefault("@type", []).append(_json_str(short(o)))
                continue
            value = '{"@id": ' + _json_str(short(o)) + "}"
        elif o[1] is None or o[1] == _STRING:
            value = '{"@value": ' + _json_str(o[0]) + "}"
        else:
            value = '{"@value": ' + _json_str(o[0]) + ', "@type": ' + _json_str(short(o[1])) + "}"
        props.setdefault(short(p), []).append(value)
    parts = ['{"@id": ', _json_str(short(subject))]
    for key, values in props.items():
        parts += [", ", _json_str(key), ": [", ", ".join(values), "]"]
    parts.append("}")
    return "".join(parts)


def _stream(kg: GraphRecords, directory: Path, names: Sequence[str]) -> list[str]:
    """Write the ``names`` among ``graph.nt``/``.ttl``/``.jsonld`` in one pass over the blocks.

    N-Triples and JSON-LD are written block by block; Turtle is Oxigraph's serialisation of
    the N-Triples just written (a subject's triples are together, so it groups them), read
    back as a stream. Memory stays that of the records plus the sets in :func:`blocks`.
    """
    import pyoxigraph as ox

    directory = Path(directory)
    keep_nt = "graph.nt" in names
    nt_path = directory / ("graph.nt" if keep_nt else ".graph.nt.tmp")
    write_nt = keep_nt or "graph.ttl" in names
    short = _Shortener()
    try:
        with contextlib.ExitStack() as stack:
            nt = stack.enter_context(open(nt_path, "w", encoding="utf-8")) if write_nt else None
            js = (stack.enter_context(open(directory / "graph.jsonld", "w", encoding="utf-8"))
                  if "graph.jsonld" in names else None)
            chunk: list[str] = []
            if js is not None:
                js.write('{"@context": ' + json.dumps(jsonld_context(), indent=1))
                js.write(',\n"@graph": [\n')
            first = True
            for block in blocks(kg):
                if nt is not None:
                    chunk.append(nt_lines(block))
                    if len(chunk) >= 4096:
                        nt.write("".join(chunk))
                        chunk.clear()
                if js is not None:
                    js.write(("" if first else ",\n") + jsonld_node(block, short))
                    first = False
            if nt is not None:
                nt.write("".join(chunk))
            if js is not None:
                js.write("\n]}\n")
        if "graph.ttl" in names:
            ox.serialize(ox.parse(path=str(nt_path), format=ox.RdfFormat.N_TRIPLES, lenient=True),
                         str(directory / "graph.ttl"), ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    except (OSError, ValueError, SyntaxError) as err:
        raise GraphError(f"cannot write the RDF files into {directory}: {err}") from err
    finally:
        if not keep_nt:
            nt_path.unlink(missing_ok=True)
    return [n for n in RDF_FILES if n in names]


def write_turtle(kg: Any, directory: Path) -> list[str]:
    """Write ``directory/graph.ttl``; ``kg`` is a graph's records or an rdflib Graph."""
    if not isinstance(kg, Graph):
        return _stream(kg, directory, ["graph.ttl"])
    _write(distinct_triples(kg), Path(directory) / "graph.ttl", "turtle")
    return ["graph.ttl"]


def write_ntriples(kg: Any, directory: Path) -> list[str]:
    """Write ``directory/graph.nt``, the file ``kg query`` and ``kg serve`` load."""
    if not isinstance(kg, Graph):
        return _stream(kg, directory, ["graph.nt"])
    _write(distinct_triples(kg), Path(directory) / "graph.nt", "nt")
    return ["graph.nt"]


def write_jsonld(kg: Any, directory: Path) -> list[str]:
    """Write ``directory/graph.jsonld`` with the kg prefixes as its ``@context``."""
    if not isinstance(kg, Graph):
        return _stream(kg, directory, ["graph.jsonld"])
    _write(distinct_triples(kg), Path(directory) / "graph.jsonld", "json-ld")
    return ["graph.jsonld"]


def write_rdf(kg: Any, directory: Path) -> list[str]:
    """Write ``graph.ttl``, ``graph.nt`` and ``graph.jsonld`` into ``directory``.

    A graph's records are streamed (:func:`blocks` → N-Triples and JSON-LD text, then
    Oxigraph's Turtle of the N-Triples), so a large export never holds its triples in
    memory; an rdflib Graph is serialised by Oxigraph. Either way the files hold the same
    triples as :func:`to_rdf` (the tests check each file re-parses isomorphic to it).
    """
    if not isinstance(kg, Graph):
        return _stream(kg, directory, RDF_FILES)
    data = distinct_triples(kg)
    ox_data = ox_triples(data)
    files: list[str] = []
    for name, fmt in zip(RDF_FILES, ("turtle", "nt", "json-ld")):
        _write(data, Path(directory) / name, fmt, ox_data)
        files.append(name)
    return files


def load_rdf(path: str | Path) -> Graph:
    """Parse a written ``graph.ttl``, ``graph.nt`` or ``graph.jsonld`` back into a Graph."""
    path = Path(path)
    formats = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}
    if path.suffix not in formats:
        raise GraphError(f"{path}: unknown RDF file extension; use .ttl, .nt or .jsonld")
    graph = new_graph()
    try:
        graph.parse(path, format=formats[path.suffix])
    except Exception as err:  # rdflib raises many parser-specific classes
        raise GraphError(f"{path}: cannot parse as {formats[path.suffix]}: {err}") from err
    return graph
