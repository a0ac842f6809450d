"""Co-occurrence counts stored in the graph: which entities papers link to together.

Two ready queries rank an entity's partners by a number of papers: ``used-together`` (the
papers that link to both entities, any role) and ``evaluated-on-dataset`` (the papers that
evaluate on a dataset and link to a method or model). Counting them live reads every paper
of the entity, seconds for an entity with 100k papers, so the counts are computed here when
the graph is built, as ``kg:paperCount`` is, and stored as ``kg:CoOccurrence`` nodes (the
n-ary relation pattern: one node per ordered pair of entities)::

    cooccurrence:3f2a... a kg:CoOccurrence ;
        kg:coOccurrenceOf entity:model-bert-... ;     # the entity
        kg:partner entity:method-nlp-... ;            # one of its partners
        kg:sharedPaperCount 8 ;                       # papers linking to both
        kg:sharedPaperRank 12 ;                       # (the first 100 pairs) see below
        kg:evaluationPaperCount 3 .                   # (datasets only) see below

Only each entity's :data:`PARTNERS` (100) best partners get a count, which is what the
ready queries return: a partner gets ``kg:sharedPaperCount`` when it is among the entity's
100 partners with the most shared papers, and, for a dataset, ``kg:evaluationPaperCount``
when it is among the dataset's 100 methods and models with the most papers that evaluate
on the dataset. Ties are broken by the partner's preferred label, then by its IRI (code
point order, as SPARQL's ``ORDER BY`` compares strings), so the stored partners are exactly
the first 100 rows of the live ranking sorted by ``DESC(count) label IRI``.

The queries also answer unbound: the 100 pairs of the whole graph with the most shared
papers (ties by the entity's label, the partner's label, the entity's IRI, the partner's
IRI), and the 100 (dataset, method or model) pairs with the most evaluation papers (ties
by the partner's label, the dataset's IRI, the partner's IRI). Those pairs are all stored,
since a pair among them has fewer than 100 better pairs with the same entity, and they
carry their place, ``kg:sharedPaperRank`` / ``kg:evaluationPaperRank`` (1 to 100), so the
queries read them directly instead of sorting every stored count (0.2 s at 1M papers).

Examples
--------
>>> pairs = cooccurrences(
...     [({"a", "b", "c"}, set()), ({"a", "b"}, {"a"})],
...     labels={"a": "A", "b": "B", "c": "C"}, types={"a": "Dataset", "b": "Model", "c": "Task"})
>>> pairs[("a", "b")]
Counts(shared=2, evaluation=1, shared_rank=1, evaluation_rank=1)
>>> pairs[("c", "a")].shared
1
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

#: How many partners of each entity are stored, by each count, and how many pairs of the
#: whole graph are ranked.
PARTNERS = 100
#: The partner types counted by ``kg:evaluationPaperCount`` (the entity is a Dataset).
EVALUATED_TYPES = frozenset({"Method", "Model"})


@dataclass(frozen=True)
class Counts:
    """What is stored for one ordered pair of entities (``None``: not stored).

    Attributes
    ----------
    shared
        ``kg:sharedPaperCount``: papers linking to both, when the partner is among the
        entity's best partners.
    evaluation
        ``kg:evaluationPaperCount``: papers evaluating on the entity (a dataset) and
        linking to the partner (a method or model), when it is among the dataset's best.
    shared_rank, evaluation_rank
        ``kg:sharedPaperRank`` / ``kg:evaluationPaperRank``: the pair's place (1 = first)
        among all pairs of the graph by that count, for the first ``limit`` pairs.
    """

    shared: int | None = None
    evaluation: int | None = None
    shared_rank: int | None = None
    evaluation_rank: int | None = None


def cooccurrences(papers: Iterable[tuple[Collection[str], Collection[str]]], *,
                  labels: Mapping[str, str], types: Mapping[str, str],
                  limit: int = PARTNERS) -> dict[tuple[str, str], Counts]:
    """The stored co-occurrence counts of a graph, by ordered pair of entities.

    Parameters
    ----------
    papers
        For each paper, the entities it links to (any role) and the entities it evaluates
        on (``kg:evaluatesOn``); the keys are any strings that identify entities uniquely
        (kg uses their IRIs, which also break the last ties).
    labels, types
        The preferred label and the type (``"Dataset"``, ``"Model"``, ...) of each entity.
    limit
        Partners kept per entity for each count, and pairs ranked over the whole graph.

    Returns
    -------
    dict
        ``(entity, partner) -> Counts``, sorted by entity, then partner. Each entity's
        partners are ranked by count, then the partner's label, then its key; the pairs
        of the whole graph by shared papers, then the entity's label, the partner's
        label, the entity's key and the partner's key; by evaluation papers, then the
        partner's label, the dataset's key and the partner's key (the orders of the ready
        queries ``used-together`` and ``evaluated-on-dataset``).
    """
    shared: dict[str, dict[str, int]] = {}
    evaluated: dict[str, dict[str, int]] = {}
    for linked, evaluates_on in papers:
        entities = set(linked)
        if len(entities) < 2:
            continue
        for a in entities:
            row = shared.setdefault(a, {})
            for b in entities:
                if b != a:
                    row[b] = row.get(b, 0) + 1
        for d in evaluates_on:
            if types.get(d) != "Dataset":
                continue
            row = evaluated.setdefault(d, {})
            for b in entities:
                if b != d and types.get(b) in EVALUATED_TYPES:
                    row[b] = row.get(b, 0) + 1
    kept_shared = {(a, b): row[b] for a, row in shared.items() for b in _best(row, labels, limit)}
    kept_evaluated = {(d, b): row[b] for d, row in evaluated.items()
                      for b in _best(row, labels, limit)}
    # the first pairs of the whole graph are among the kept ones: a pair has fewer better
    # pairs with the same entity than with any entity
    shared_ranks = _ranks(kept_shared, lambda pair: (-kept_shared[pair], labels[pair[0]],
                                                     labels[pair[1]], pair[0], pair[1]), limit)
    evaluated_ranks = _ranks(kept_evaluated, lambda pair: (-kept_evaluated[pair],
                                                           labels[pair[1]], pair[0], pair[1]),
                             limit)
    return {pair: Counts(kept_shared.get(pair), kept_evaluated.get(pair),
                         shared_ranks.get(pair), evaluated_ranks.get(pair))
            for pair in sorted(kept_shared.keys() | kept_evaluated.keys())}


def _best(row: Mapping[str, int], labels: Mapping[str, str], limit: int) -> list[str]:
    """The ``limit`` partners of ``row`` with the highest counts, ties by label then key."""
    if len(row) <= limit:
        return list(row)
    return heapq.nsmallest(limit, row, key=lambda b: (-row[b], labels[b], b))


def _ranks(pairs: Mapping[tuple[str, str], int], key: object, limit: int
           ) -> dict[tuple[str, str], int]:
    """Place 1, 2, ... of the first ``limit`` pairs in the order of ``key``."""
    first = heapq.nsmallest(limit, pairs, key=key)  # type: ignore[call-overload]
    return {pair: place for place, pair in enumerate(first, 1)}
