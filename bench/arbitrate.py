"""Measure arbitration choices on the dev splits: which rule sources help, per corpus.

Runs the pipeline once over the dev documents, then re-runs only the arbiter with each
variant of ``data/arbiter.json`` (sources switched off one at a time, gazetteer types) and
prints strict F1 per corpus. Used to set the shipped arbitration; see README "Extraction".

Usage: python bench/arbitrate.py [--gold-dir ../shared/gold] [--model DIR]
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, not an installed copy

from kg.extract.arbiter import MENTIONS_KEY, Arbiter, arbiter_config  # noqa: E402
from kg.extract.corpora import dev_corpora, split  # noqa: E402
from kg.extract.pipeline import load_pipeline  # noqa: E402
from kg.extract.scoring import score  # noqa: E402

CORPORA = dev_corpora()


def predictions(docs, spacy_docs, arbiter):  # type: ignore[no-untyped-def]
    out = []
    for d, doc in zip(docs, spacy_docs):
        arbiter(doc)
        out.append({"id": d["id"], "entities": [
            {"start": s.start_char, "end": s.end_char, "type": s.label_}
            for s in doc.spans[MENTIONS_KEY]]})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gold-dir", default=str(Path(__file__).parents[2] / "shared" / "gold"))
    ap.add_argument("--model", default=None)
    args = ap.parse_args()
    nlp = load_pipeline(args.model)
    base = arbiter_config()
    variants: dict[str, dict] = {"shipped": base}
    for source in base["priority"]:
        v = copy.deepcopy(base)
        v["enabled"][source] = False
        variants[f"without {source}"] = v
    for t in base.get("gazetteer_types", []):
        v = copy.deepcopy(base)
        v["gazetteer_types"] = [x for x in base["gazetteer_types"] if x != t]
        variants[f"gazetteer without {t}"] = v
    v = copy.deepcopy(base)
    v["priority"] = ["ner"] + [s for s in base["priority"] if s != "ner"]
    variants["ner first"] = v
    v = copy.deepcopy(base)
    v["priority"] = ["ner", "models"] + [s for s in base["priority"] if s not in ("ner", "models")]
    variants["ner before models"] = v
    for ext in (["gazetteer"], ["cues"], ["gazetteer", "cues"]):
        v = copy.deepcopy(base)
        v["extend_ner_from"] = ext
        variants["NER extended from " + "+".join(ext)] = v
    post_processing = (("edges", "without edge trimming"), ("propagate", "without propagation"),
                       ("retype_by_head", "without head-word retyping"),
                       ("type_of", "without fixed types (type_of)"),
                       ("not_of_type", "without excluded types (not_of_type)"),
                       ("bare_measures", "without bare measures (bare_measures)"),
                       ("known_names", "without known names (known_names: PwC datasets)"))
    for key, name in post_processing:
        v = copy.deepcopy(base)
        v[key] = {}
        variants[name] = v
    v = copy.deepcopy(base)
    v["enabled"] = {k: k == "ner" for k in v["enabled"]}
    for key, _ in post_processing:
        v[key] = {}
    variants["ner only (no rule, no post-processing)"] = v
    data = {}
    for corpus in CORPORA:
        _, dev = split(args.gold_dir, corpus)
        data[corpus] = (dev, list(nlp.pipe((d["text"] for d in dev), batch_size=32)))
    print("| variant | " + " | ".join(CORPORA) + " | mean |")
    print("|---" * (len(CORPORA) + 2) + "|")
    for name, cfg in variants.items():
        arb = Arbiter(cfg)
        f1s = [score(dev, predictions(dev, docs, arb)).f1("strict")
               for dev, docs in data.values()]
        print(f"| {name} | " + " | ".join(f"{f:.3f}" for f in f1s)
              + f" | {sum(f1s) / len(f1s):.3f} |", flush=True)


if __name__ == "__main__":
    main()
