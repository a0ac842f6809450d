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

import hashlib
import json
import math
import re
import unicodedata
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg.errors import GraphError
from kg.graph.namespace import ENTITY_CLASSES, ID, KG, PREFIXES, ROLE_PROPERTIES
from kg.model import Entity, Link, Merge, Paper

Triple = tuple[URIRef | BNode, URIRef, URIRef | BNode | Literal]

#: Files written by :func:`write_rdf`, in order.
RDF_FILES: tuple[str, ...] = ("graph.ttl", "graph.nt", "graph.jsonld")

_SLUG_MAX = 48
_HASH_LEN = 12
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MONTH = re.compile(r"\d{4}-\d{2}")
_ISO_YEAR = re.compile(r"\d{4}")


class GraphRecords(Protocol):
    """What :func:`to_rdf` needs: a :class:`kg.graph.KnowledgeGraph` or anything alike."""

    def papers(self) -> list[Paper]: ...

    def entities(self) -> list[Entity]: ...

    def links(self) -> list[Link]: ...

    def merges(self) -> list[Merge]: ...


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
    digest = key_hash(key)
    name = f"{slug(key)}-{digest}" if readable and slug(key) else digest
    return URIRef(f"{base}{kind}/{name}")


def paper_iri(paper_id: str, *, base: str = str(ID)) -> URIRef:
    """The IRI of the paper whose record id is ``paper_id``."""
    return mint("paper", paper_id, base=base)


def entity_iri(entity_id: str, *, base: str = str(ID)) -> URIRef:
    """The IRI of the canonical entity whose record id is ``entity_id``."""
    return mint("entity", entity_id, base=base)


def evidence_iri(link: Link, *, base: str = str(ID)) -> URIRef:
    """The IRI of the evidence node of ``link`` (a hash of every field of the link)."""
    key = json.dumps(link.to_dict(), sort_keys=True, ensure_ascii=False)
    return mint("evidence", key, base=base, readable=False)


def extractor_iri(component: str, version: str, *, base: str = str(ID)) -> URIRef:
    """The IRI of a pipeline component at a version (a ``prov:SoftwareAgent``)."""
    return mint("extractor", f"{component} {version}", base=base)


def extraction_iri(component: str, version: str, *, base: str = str(ID)) -> URIRef:
    """The IRI of the extraction activity run by a component version."""
    return mint("extraction", f"{component} {version}", base=base)


def confidence_literal(value: float) -> Literal:
    """``value`` rounded to 4 decimals as a canonical ``xsd:decimal`` literal."""
    if not math.isfinite(float(value)):
        raise GraphError(f"confidence {value!r} is not a finite number; links need a "
                         "confidence between 0 and 1")
    text = f"{float(value):.4f}".rstrip("0")
    if text.endswith("."):
        text += "0"
    return Literal(text, datatype=XSD.decimal)


def date_literal(date: str) -> Literal:
    """An ISO date, year-month or year as the matching XSD literal (else a plain string)."""
    if _ISO_DATE.fullmatch(date):
        return Literal(date, datatype=XSD.date)
    if _ISO_MONTH.fullmatch(date):
        return Literal(date, datatype=XSD.gYearMonth)
    if _ISO_YEAR.fullmatch(date):
        return Literal(date, datatype=XSD.gYear)
    return Literal(date)


def triples(kg: GraphRecords, *, base: str = str(ID)) -> Iterator[Triple]:
    """Yield every triple of the RDF form of ``kg`` (duplicates possible, order stable).

    Raises
    ------
    GraphError
        When a link names a paper or an entity missing from the graph, or an unknown role,
        or an entity has an unknown type.
    """
    papers = {p.id: paper_iri(p.id, base=base) for p in kg.papers()}
    entities = {e.id: entity_iri(e.id, base=base) for e in kg.entities()}
    links = list(kg.links())
    counts: dict[str, set[str]] = {}
    for link in links:
        counts.setdefault(link.entity, set()).add(link.paper)
    for paper in kg.papers():
        yield from _paper_triples(paper, papers[paper.id], base)
    scheme = URIRef(f"{base}entities")
    yield scheme, RDF.type, SKOS.ConceptScheme
    yield scheme, RDFS.label, Literal("kg entities")
    for entity in kg.entities():
        yield from _entity_triples(entity, entities, scheme, len(counts.get(entity.id, ())))
    agents: set[tuple[str, str]] = set()
    for link in links:
        yield from _link_triples(link, papers, entities, base)
        agents.add((link.source, link.extractor_version))
    for component, version in sorted(agents):
        yield from _agent_triples(component, version, base)
    for merge in kg.merges():
        if merge.decision == "variant-of" and merge.a in entities and merge.b in entities:
            yield entities[merge.a], KG.variantOf, entities[merge.b]


def _paper_triples(paper: Paper, iri: URIRef, base: str) -> Iterator[Triple]:
    yield iri, RDF.type, KG.Paper
    yield iri, DCTERMS.identifier, Literal(paper.id)
    yield iri, DCTERMS.title, Literal(paper.title)
    if paper.abstract:
        yield iri, DCTERMS.abstract, Literal(paper.abstract)
    if paper.date:
        yield iri, DCTERMS.date, date_literal(paper.date)
    if paper.date_text:
        yield iri, KG.dateText, Literal(paper.date_text)
    for name in (n for n in paper.authors if n.strip()):
        author = mint("author", " ".join(name.split()).casefold(), base=base)
        yield iri, DCTERMS.creator, author
        yield author, RDF.type, KG.Author
        yield author, RDFS.label, Literal(" ".join(name.split()))
    if paper.author_count is not None:
        yield iri, KG.authorCount, Literal(paper.author_count)
    if paper.org:
        yield iri, KG.org, Literal(paper.org)
    if paper.upvotes is not None:
        yield iri, KG.upvotes, Literal(paper.upvotes)
    for url in paper.urls:
        yield iri, KG.url, Literal(url, datatype=XSD.anyURI)
    if paper.doi:
        yield iri, KG.doi, Literal(paper.doi)
    if paper.arxiv_id:
        yield iri, KG.arxivId, Literal(paper.arxiv_id)
    for src in paper.sources:
        node = mint("source", f"{src.file}\x1f{src.line}", base=base, readable=False)
        yield iri, KG.source, node
        yield node, RDF.type, KG.SourceRecord
        yield node, KG.file, Literal(src.file)
        yield node, KG.line, Literal(src.line)


def _entity_triples(entity: Entity, entities: dict[str, URIRef], scheme: URIRef,
                    paper_count: int) -> Iterator[Triple]:
    iri = entities[entity.id]
    cls = ENTITY_CLASSES.get(entity.type)
    if cls is None:
        raise GraphError(f"entity {entity.id!r} has type {entity.type!r}; expected one of "
                         f"{', '.join(ENTITY_CLASSES)} (fix the resolution output)")
    yield iri, RDF.type, cls
    yield iri, SKOS.prefLabel, Literal(entity.label)
    yield iri, SKOS.inScheme, scheme
    yield iri, KG.paperCount, Literal(paper_count)
    for alias in entity.aliases:
        if alias != entity.label:
            yield iri, SKOS.altLabel, Literal(alias)
    for broader in entity.broader:
        if broader in entities:
            yield iri, SKOS.broader, entities[broader]
        else:
            warnings.warn(f"entity {entity.id!r}: broader entity {broader!r} is not in the "
                          "graph; the skos:broader link is left out", stacklevel=3)


def _link_triples(link: Link, papers: dict[str, URIRef], entities: dict[str, URIRef],
                  base: str) -> Iterator[Triple]:
    role = ROLE_PROPERTIES.get(link.role)
    where = f"link {link.paper!r} -> {link.entity!r}"
    if role is None:
        raise GraphError(f"{where} has role {link.role!r}; expected one of "
                         f"{', '.join(ROLE_PROPERTIES)}")
    if link.paper not in papers:
        raise GraphError(f"{where} names a paper that is not in the graph")
    if link.entity not in entities:
        raise GraphError(f"{where} names an entity that is not in the graph")
    paper, entity = papers[link.paper], entities[link.entity]
    ev = evidence_iri(link, base=base)
    yield paper, role, entity
    yield ev, RDF.type, KG.Evidence
    yield ev, RDF.subject, paper
    yield ev, RDF.predicate, role
    yield ev, RDF.object, entity
    yield ev, KG.sentence, Literal(link.sentence)
    yield ev, KG.surfaceText, Literal(link.text)
    yield ev, KG.textField, Literal(link.field)
    yield ev, KG.startOffset, Literal(link.start)
    yield ev, KG.endOffset, Literal(link.end)
    yield ev, KG.confidence, confidence_literal(link.confidence)
    yield ev, PROV.wasGeneratedBy, extraction_iri(link.source, link.extractor_version, base=base)
    yield ev, PROV.wasAttributedTo, extractor_iri(link.source, link.extractor_version, base=base)


def _agent_triples(component: str, version: str, base: str) -> Iterator[Triple]:
    agent = extractor_iri(component, version, base=base)
    activity = extraction_iri(component, version, base=base)
    yield agent, RDF.type, KG.Extractor
    yield agent, RDFS.label, Literal(f"kg {component} {version}")
    yield agent, KG.componentName, Literal(component)
    yield agent, KG.componentVersion, Literal(version)
    yield activity, RDF.type, KG.Extraction
    yield activity, RDFS.label, Literal(f"extraction by kg {component} {version}")
    yield activity, PROV.wasAssociatedWith, agent


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
    import pyoxigraph as ox

    try:
        if fmt == "json-ld":
            with open(path, "w", encoding="utf-8") as fh:  # one node a line: diffable, fast
                fh.write('{"@context": ' + json.dumps(jsonld_context(), indent=1))
                fh.write(',\n"@graph": [\n')
                fh.write(",\n".join(json.dumps(n, ensure_ascii=False)
                                     for n in jsonld_nodes(data)))
                fh.write("\n]}\n")
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


def write_turtle(kg: Any, directory: Path) -> list[str]:
    """Write ``directory/graph.ttl``; ``kg`` is a graph's records or an rdflib Graph."""
    _write(distinct_triples(kg), Path(directory) / "graph.ttl", "turtle")
    return ["graph.ttl"]


def write_ntriples(kg: Any, directory: Path) -> list[str]:
    """Write ``directory/graph.nt``, the file ``kg query`` and ``kg serve`` load."""
    _write(distinct_triples(kg), Path(directory) / "graph.nt", "nt")
    return ["graph.nt"]


def write_jsonld(kg: Any, directory: Path) -> list[str]:
    """Write ``directory/graph.jsonld`` with the kg prefixes as its ``@context``."""
    _write(distinct_triples(kg), Path(directory) / "graph.jsonld", "json-ld")
    return ["graph.jsonld"]


def write_rdf(kg: Any, directory: Path) -> list[str]:
    """Write ``graph.ttl``, ``graph.nt`` and ``graph.jsonld`` into ``directory``.

    The triples are serialised by Oxigraph, which keeps the export of large graphs fast;
    they are the same triples as :func:`to_rdf` (the tests check each file re-parses to
    a graph isomorphic to it).
    """
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
