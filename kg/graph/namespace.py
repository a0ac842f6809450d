"""The terms of the kg ontology, mirrored from ``ontology/kg.ttl``.

``KG`` is an rdflib :class:`~rdflib.namespace.DefinedNamespace`: using a term that the
ontology does not define (a typo such as ``KG.evaluateOn``) raises ``AttributeError``.
``tests/graph/test_namespace.py`` checks that this module and ``kg.ttl`` list the same terms.

``ID`` is the base of the instance IRIs minted by :mod:`kg.graph.rdf`, and ``PREFIXES``
the prefixes used by every serialisation, query and table.

Examples
--------
>>> from kg.graph.namespace import KG
>>> str(KG.evaluatesOn)
'https://w3id.org/kg/ontology#evaluatesOn'
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

#: The ontology IRI (the ``owl:Ontology`` node of kg.ttl).
ONTOLOGY_IRI = "https://w3id.org/kg/ontology"

#: The base of every instance IRI (papers, entities, evidence, ...).
ID = Namespace("https://w3id.org/kg/id/")

FABIO = Namespace("http://purl.org/spar/fabio/")
SCHEMA = Namespace("https://schema.org/")


class KG(DefinedNamespace):
    """The kg ontology (``https://w3id.org/kg/ontology#``); see ``ontology/kg.ttl``."""

    _fail = True
    _NS = Namespace("https://w3id.org/kg/ontology#")

    # classes
    Paper: URIRef
    Entity: URIRef
    Method: URIRef
    Model: URIRef
    Dataset: URIRef
    Metric: URIRef
    Task: URIRef
    Evidence: URIRef
    Extractor: URIRef
    Extraction: URIRef
    Author: URIRef
    SourceRecord: URIRef
    Result: URIRef
    CoOccurrence: URIRef
    # link roles
    links: URIRef
    proposes: URIRef
    uses: URIRef
    evaluatesOn: URIRef
    comparesWith: URIRef
    mentions: URIRef
    # entities
    variantOf: URIRef
    paperCount: URIRef
    # co-occurrence counts
    coOccurrenceOf: URIRef
    partner: URIRef
    sharedPaperCount: URIRef
    sharedPaperRank: URIRef
    evaluationPaperCount: URIRef
    evaluationPaperRank: URIRef
    # papers
    source: URIRef
    file: URIRef
    line: URIRef
    doi: URIRef
    arxivId: URIRef
    authorCount: URIRef
    org: URIRef
    upvotes: URIRef
    dateText: URIRef
    url: URIRef
    # evidence and provenance
    sentence: URIRef
    surfaceText: URIRef
    textField: URIRef
    startOffset: URIRef
    endOffset: URIRef
    confidence: URIRef
    componentName: URIRef
    componentVersion: URIRef
    # results
    reportedIn: URIRef
    ofEntity: URIRef
    onDataset: URIRef
    byMetric: URIRef
    value: URIRef
    change: URIRef
    baseline: URIRef
    valueText: URIRef


#: Prefixes bound in every serialisation and used to shorten IRIs in tables.
PREFIXES: dict[str, str] = {
    "kg": str(KG._NS),
    "id": str(ID),
    "paper": f"{ID}paper/",
    "entity": f"{ID}entity/",
    "evidence": f"{ID}evidence/",
    "source": f"{ID}source/",
    "author": f"{ID}author/",
    "extractor": f"{ID}extractor/",
    "extraction": f"{ID}extraction/",
    "cooccurrence": f"{ID}cooccurrence/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "fabio": str(FABIO),
    "schema": str(SCHEMA),
}

#: The entity types of :data:`kg.model.ENTITY_TYPES` as ontology classes.
ENTITY_CLASSES: dict[str, URIRef] = {
    "Method": KG.Method,
    "Model": KG.Model,
    "Dataset": KG.Dataset,
    "Metric": KG.Metric,
    "Task": KG.Task,
}

#: The link roles of :data:`kg.model.LINK_ROLES` as ontology properties.
ROLE_PROPERTIES: dict[str, URIRef] = {
    "proposes": KG.proposes,
    "uses": KG.uses,
    "evaluates-on": KG.evaluatesOn,
    "compares-with": KG.comparesWith,
    "mentions": KG.mentions,
}


def ontology_dir() -> Path:
    """The directory holding ``kg.ttl``, ``shapes.ttl`` and ``queries/``.

    The packaged copy (``kg/data/ontology``) is used, so it works from an installed wheel;
    ``ontology/`` at the top of the repository is the source of truth, and a test checks
    that the packaged copy is identical.
    """
    return Path(__file__).resolve().parent.parent / "data" / "ontology"
