"""Mention scores: how often each source's mentions are right on the dev splits.

Usage: python bench/calibrate.py [--gold-dir ../shared/gold] [--write]

Runs the default pipeline on the dev splits of SciERC, TDMSci, GSAP-NER (fold 6) and
SciNLP and counts, for every final mention whose type the corpus annotates (types folded
as ``score.py`` does), whether its span and type are exactly a gold mention:

- per source and type (the arbiter's ``confidence`` table: the score of a mention of a
  rule component, or of the NER when its probability is unknown);
- for the NER's mentions, per band of the NER's own probability of the entity
  (``Span._.kg_ner_p``; the arbiter's ``ner_probability``): the score of an NER mention is
  the precision of NER mentions of similar probability.

GSAP-NER's Dataset mentions are left out of both: its Dataset label holds data sources
(Wikipedia, Twitter) and its named benchmarks are typed "Datasource", which the scorer does
not score, so a right benchmark counts as wrong there. A cell with fewer than
``MIN_COUNT`` mentions takes its source's precision over all types ("*"; a source with
fewer keeps its earlier "*", or 0.5).

Prints the tables; ``--write`` stores them in ``kg/extract/data/arbiter.json``. The scores
are measured on the dev splits, as the F1 figures are; they change no span and no type,
so the F1 figures do not depend on them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, not an installed copy

import kg  # noqa: E402
from kg.extract.arbiter import MENTIONS_KEY  # noqa: E402
from kg.extract.corpora import dev_corpora, split  # noqa: E402
from kg.extract.pipeline import load_pipeline  # noqa: E402
from kg.extract.scoring import FOLD  # noqa: E402

CORPORA = dev_corpora()
#: Lower bounds of the NER probability bands.
BANDS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98)
#: Fewest mentions for a cell of its own.
MIN_COUNT = 30
ARBITER = ROOT / "kg" / "extract" / "data" / "arbiter.json"


def count(gold_dir: str) -> tuple[dict, dict]:
    """[right, all] per (source, type), and per NER probability band."""
    nlp = load_pipeline()
    by_source: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    by_band: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for corpus in CORPORA:
        _, dev = split(gold_dir, corpus)
        fold = FOLD[corpus]
        for gold, doc in zip(dev, nlp.pipe(d["text"] for d in dev)):
            expected = {(e["start"], e["end"], e["type"]) for e in gold["entities"]
                        if e.get("type") in fold.values()}
            for m in doc.spans[MENTIONS_KEY]:
                folded = fold.get(m.label_)
                if not folded or (corpus == "GSAP-NER" and folded == "Dataset"):
                    continue
                right = (m.start_char, m.end_char, folded) in expected
                for cell in (by_source[(m._.kg_source, m.label_)],
                             by_source[(m._.kg_source, "*")]):
                    cell[0] += right
                    cell[1] += 1
                if m._.kg_source == "ner" and m._.kg_ner_p is not None:
                    band = max(i for i, low in enumerate(BANDS) if m._.kg_ner_p >= low)
                    by_band[band][0] += right
                    by_band[band][1] += 1
    return by_source, by_band


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gold-dir", default=str(ROOT.parent / "shared" / "gold"))
    ap.add_argument("--write", action="store_true", help="store the tables in arbiter.json")
    args = ap.parse_args()
    print(f"measuring {kg.__file__}", file=sys.stderr)
    by_source, by_band = count(args.gold_dir)
    config = json.loads(ARBITER.read_text(encoding="utf-8"))
    confidence: dict[str, dict[str, float]] = {}
    print("| source | type | right | mentions | precision |\n|---|---|---:|---:|---:|")
    for (source, type_), (right, n) in sorted(by_source.items()):
        print(f"| {source} | {type_} | {right} | {n} | {right / n:.3f} |")
    for source in {s for s, _ in by_source} | set(config["confidence"]):
        right, n = by_source.get((source, "*"), (0, 0))
        pooled = right / n if n >= MIN_COUNT else config["confidence"].get(source, {}).get(
            "*", 0.5)
        confidence[source] = {"*": round(pooled, 2)}
        for type_ in ("Method", "Model", "Dataset", "Metric", "Task"):
            right, n = by_source.get((source, type_), (0, 0))
            if n >= MIN_COUNT:
                confidence[source][type_] = round(right / n, 2)
    print("\n| NER probability ≥ | right | mentions | precision |\n|---:|---:|---:|---:|")
    precision = []
    for band, low in enumerate(BANDS):
        right, n = by_band.get(band, (0, 0))
        precision.append(round(right / n, 2) if n >= MIN_COUNT else None)
        print(f"| {low} | {right} | {n} | {right / n if n else 0:.3f} |")
    if args.write:
        config["confidence"] = dict(sorted(confidence.items()))
        config["ner_probability"]["bands"] = list(BANDS)
        config["ner_probability"]["precision"] = precision
        ARBITER.write_text(json.dumps(config, indent=1, ensure_ascii=False) + "\n",
                           encoding="utf-8")
        print(f"\nwrote {ARBITER}", file=sys.stderr)


if __name__ == "__main__":
    main()
