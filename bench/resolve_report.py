"""Resolution quality figures for the README (issue 4).

1. Entity pairs whose names score a rapidfuzz ratio ≥ 90 but stay separate, counted by
   why (the rule of :func:`kg.resolve.match.decide` that refuses them, or a variant-of link).
2. A seeded random sample of 50 merge decisions to check by hand.

Run on a built directory, or build the bundled listings first:
``nice -n 10 python bench/resolve_report.py [--dir kg-out] [--sample 50] [--seed 4]``
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.graph import KnowledgeGraph  # noqa: E402
from kg.resolve.match import decide  # noqa: E402
from kg.resolve.normalise import name  # noqa: E402


def unmerged_pairs(graph: KnowledgeGraph, cutoff: float = 90.0
                   ) -> list[tuple[float, str, str, str]]:
    """``(score, label_a, label_b, why)`` for entity pairs with an alias pair ≥ ``cutoff``."""
    import numpy as np
    from rapidfuzz import fuzz, process

    owners, texts, originals = [], [], []
    for entity in graph.entities():
        for alias in entity.aliases:
            owners.append(entity)
            texts.append(alias.lower())
            originals.append(alias)
    scores = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=cutoff,
                           dtype=np.float32, workers=1)
    best: dict[tuple[str, str], tuple[float, str, str]] = {}
    rows, cols = np.nonzero(np.triu(scores, 1))
    for i, j in zip(rows.tolist(), cols.tolist()):
        a, b = owners[i], owners[j]
        if a.id == b.id:
            continue
        key = (a.id, b.id) if a.id < b.id else (b.id, a.id)
        score = float(scores[i, j])
        if key not in best or score > best[key][0]:
            best[key] = (score, originals[i], originals[j])
    by_id = {e.id: e for e in graph.entities()}
    ambiguous = {m.a.upper() for m in graph.merges() if m.reason == "acronym-ambiguous"}
    out = []
    for (ida, idb), (score, ta, tb) in sorted(best.items(), key=lambda kv: -kv[1][0]):
        a, b = by_id[ida], by_id[idb]
        if idb in a.broader or ida in b.broader:
            why = "variant-of"
        else:
            na, nb = name(ta), name(tb)
            if na is None or nb is None:
                why = "generic-form"
            elif na.key == nb.key:
                why = ("ambiguous acronym (local uses apart)" if ta.upper() in ambiguous
                       or tb.upper() in ambiguous else "same key, kept apart by an override")
            elif decide(na, nb, score)[0] == "merge":
                why = "refused by a keep-apart constraint"
            else:
                why = decide(na, nb, score)[1]
        out.append((score, a.label, b.label, why))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None, help="a built output directory")
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--examples", type=int, default=6)
    args = parser.parse_args()
    if args.dir is not None:
        graph = KnowledgeGraph.from_directory(args.dir)
    else:
        from kg.pipeline import build

        graph = build(None, out=None).graph  # type: ignore[assignment]
    print(f"{len(graph.papers())} papers, {len(graph.entities())} entities, "
          f"{len(graph.links())} links, {len(graph.merges())} decisions")
    print(Counter((m.decision, m.reason) for m in graph.merges()).most_common())

    pairs = unmerged_pairs(graph)
    print(f"\n## {len(pairs)} entity pairs with ratio >= 90 left unmerged")
    groups: dict[str, list[tuple[float, str, str, str]]] = defaultdict(list)
    for pair in pairs:
        groups[pair[3]].append(pair)
    for why, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        print(f"- {why}: {len(items)}")
        for score, a, b, _ in items[: args.examples]:
            print(f"    {score:5.1f}  {a!r} / {b!r}")

    merges = [m for m in graph.merges() if m.decision == "merge"]
    rng = random.Random(args.seed)
    sample = rng.sample(merges, min(args.sample, len(merges)))
    print(f"\n## {len(sample)} sampled merges (of {len(merges)}), seed {args.seed}")
    for i, m in enumerate(sample, 1):
        print(f"{i:3d}. {m.a!r} = {m.b!r}  [{m.reason}, {m.score}]")


if __name__ == "__main__":
    main()
