"""Extraction quality on the dev splits: strict/partial F1 per corpus and type.

Usage: python bench/quality.py [--gold-dir ../shared/gold] [--out bench/results/quality.json]
          [--model DIR] [--no-rules]

Dev splits (never trained on): scierc-dev, the fixed 10% hold-out of tdmsci-train, GSAP-NER
publication fold 6 (also scored with --abstracts), scinlp-dev. Prints a markdown table and
writes it beside the JSON (``quality.md`` next to ``quality.json``). Writes the dev split
files and the predictions on them to ``dev/`` beside the ``--out`` file (bench/results/dev/
by default; git ignores it) so that shared/gold/score.py can be run on them too. To compare
two versions' predictions, give each its own ``--out`` directory: the default one is
overwritten and ``git status`` never shows it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, not an installed copy

import kg  # noqa: E402
from kg.extract import VERSION  # noqa: E402
from kg.extract.corpora import dev_corpora, split  # noqa: E402
from kg.extract.evaluate import evaluate  # noqa: E402
from kg.extract.pipeline import load_pipeline  # noqa: E402

CORPORA = dev_corpora()
TYPES = ("Method", "Model", "Dataset", "Metric", "Task")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gold-dir", default=str(Path(__file__).parents[2] / "shared" / "gold"))
    ap.add_argument("--out", default="bench/results/quality.json")
    ap.add_argument("--model", default=None)
    ap.add_argument("--no-rules", action="store_true")
    args = ap.parse_args()
    nlp = load_pipeline(args.model, rules=not args.no_rules)
    print(f"measuring {kg.__file__} ({VERSION})", file=sys.stderr)
    out_dir = Path(args.out).parent
    (out_dir / "dev").mkdir(parents=True, exist_ok=True)
    rows = []
    results: dict = {"_measured": {"kg": kg.__file__, "extractor": VERSION,
                                   "model": args.model, "rules": not args.no_rules}}
    for corpus in CORPORA:
        _, dev = split(args.gold_dir, corpus)
        gold_file = out_dir / "dev" / f"{corpus.lower()}-dev.jsonl"
        with open(gold_file, "w", encoding="utf-8") as fh:
            for d in dev:
                fh.write(json.dumps(d, ensure_ascii=False) + "\n")
        variants = [(corpus, False)] + ([(f"{corpus} --abstracts", True)]
                                        if corpus == "GSAP-NER" else [])
        for name, abstracts in variants:
            t0 = time.perf_counter()
            pred = f"{corpus.lower()}-{'abstracts-' if abstracts else ''}pred.jsonl"
            s = evaluate(gold_file, abstracts=abstracts, nlp=nlp,
                         predictions=out_dir / "dev" / pred)
            secs = time.perf_counter() - t0
            res = {"strict": s.prf("strict"), "partial": s.prf("partial"), "seconds": secs,
                   "types": {t: {"strict": s.prf("strict", t), "partial": s.prf("partial", t),
                                 "gold": s.ngold["strict"].get(t, 0)}
                             for t in s.types("strict")}}
            results[name] = res
            p, r, f = res["strict"]
            rows.append(f"| {name} | **{f:.3f}** | {p:.3f} | {r:.3f} | {res['partial'][2]:.3f} | "
                        + " | ".join(f"{res['types'][t]['strict'][2]:.3f}"
                                     if t in res["types"] else "–" for t in TYPES) + " |")
            print(rows[-1], file=sys.stderr, flush=True)
    header = ("| corpus (dev) | strict F1 | P | R | partial F1 | "
              + " | ".join(f"{t} F1" for t in TYPES) + " |\n|" + "---|" * (5 + len(TYPES)))
    table = header + "\n" + "\n".join(rows) + "\n"
    print(table, end="")
    Path(args.out).write_text(json.dumps(results, indent=1), encoding="utf-8")
    Path(args.out).with_suffix(".md").write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
