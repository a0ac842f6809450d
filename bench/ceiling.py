"""What one corpus alone gives the NER: the ceiling of the shipped architecture on a dev split.

Usage: python bench/ceiling.py [--corpora TDMSci GSAP-NER] [--gold-dir ../shared/gold]
          [--work DIR] [--out bench/results/ceiling.json] [--spacy-default] [--spacy-steps N]

For each corpus it trains a *dedicated* NER with the shipped recipe (``kg train``'s two
phases, the same tok2vec and NER sizes) on that corpus's training part alone, picks its
checkpoint on that corpus's dev split alone, and scores it on that dev split, alone and with
the rule components; beside it, the shipped joint model on the same split. A dedicated
model sees no other corpus's conventions, so its score bounds what the joint model could
reach on that corpus with this architecture and data (it is not a product: the issue asks
for one pipeline for every corpus).

``--spacy-default`` also trains spaCy's own default NER config (``spacy init config -p ner``,
spaCy's English tokenizer, ``spacy train``; ``--spacy-steps`` caps it) on the same split: the
reference points of ``shared/gold/README.md`` were measured that way on splits of their own.

Results of corpora measured in another run stay in ``--out`` (run one corpus a process to
use both cores). Each corpus takes from 5 minutes (TDMSci) to 40 (GSAP-NER) of one core;
run it with ``nice``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, not an installed copy

from kg.extract import VERSION  # noqa: E402
from kg.extract.corpora import split  # noqa: E402
from kg.extract.evaluate import evaluate  # noqa: E402
from kg.extract.pipeline import load_pipeline  # noqa: E402
from kg.extract.scoring import score  # noqa: E402
from kg.extract.train import ner_predictions, train_recipe  # noqa: E402


def spacy_default(gold_dir: str, corpus: str, work: Path, steps: int) -> float:
    """Strict F1 on the dev split of spaCy's default NER config trained on the train split."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    work.mkdir(parents=True, exist_ok=True)
    paths = {}
    for part, docs in zip(("train", "dev"), split(gold_dir, corpus)):
        db = DocBin()
        for d in docs:
            doc = nlp.make_doc(d["text"])
            spans = [doc.char_span(e["start"], e["end"], label=e["type"],
                                   alignment_mode="contract")
                     for e in d["entities"] if e.get("type")]
            doc.ents = spacy.util.filter_spans([s for s in spans if s is not None and len(s)])
            db.add(doc)
        paths[part] = work / f"{part}.spacy"
        db.to_disk(paths[part])
    cfg = work / "ner.cfg"
    subprocess.run([sys.executable, "-m", "spacy", "init", "config", "-p", "ner", "-F",
                    str(cfg)], check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "spacy", "train", str(cfg), "-o", str(work / "out"),
                    "--paths.train", str(paths["train"]), "--paths.dev", str(paths["dev"]),
                    "--training.max_steps", str(steps)], check=True, capture_output=True)
    best = spacy.load(work / "out" / "model-best")
    _, dev = split(gold_dir, corpus)
    return score(dev, ner_predictions(best, dev)).f1("strict")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpora", nargs="+", default=["TDMSci", "GSAP-NER"])
    ap.add_argument("--gold-dir", default=str(ROOT.parent / "shared" / "gold"))
    ap.add_argument("--work", default="/tmp/kg-ceiling")
    ap.add_argument("--out", default="bench/results/ceiling.json")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--spacy-default", action="store_true")
    ap.add_argument("--spacy-steps", type=int, default=4000)
    args = ap.parse_args()
    shipped = load_pipeline()
    results: dict = {"_measured": {"extractor": VERSION, "seed": args.seed,
                                   "date": time.strftime("%Y-%m-%d")}}
    for corpus in args.corpora:
        work = Path(args.work) / corpus
        work.mkdir(parents=True, exist_ok=True)
        _, dev = split(args.gold_dir, corpus)
        t0 = time.time()
        model = train_recipe(args.gold_dir, output=work / "model", seed=args.seed,
                             only=(corpus,))
        minutes = (time.time() - t0) / 60
        record = json.loads((model / "training.json").read_text(encoding="utf-8"))
        dedicated = load_pipeline(model)
        res = {
            "dedicated_ner": score(dev, ner_predictions(dedicated, dev)).f1("strict"),
            "dedicated_rules": evaluate(dev, nlp=dedicated).f1("strict"),
            "joint_ner": score(dev, ner_predictions(shipped, dev)).f1("strict"),
            "joint_rules": evaluate(dev, nlp=shipped).f1("strict"),
            "minutes": minutes, "best_step": record.get("best_step"),
        }
        if args.spacy_default:
            res["spacy_default_ner"] = spacy_default(args.gold_dir, corpus, work / "spacy",
                                                     args.spacy_steps)
        results[corpus] = res
        print(_row(corpus, res), flush=True)
    out = Path(args.out)  # corpora measured by another run stay in the file
    earlier = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    earlier.pop("_measured", None)
    results = {"_measured": results.pop("_measured"), **earlier, **results}
    rows = [_row(c, r) for c, r in results.items() if not c.startswith("_")]
    out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    out.with_suffix(".md").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")


HEADER = ("| corpus (dev) | dedicated NER | dedicated + rules | shipped NER | shipped + rules "
          "| spaCy default NER |\n|---|---|---|---|---|---|\n")


def _row(corpus: str, res: dict) -> str:
    spacy_f1 = res.get("spacy_default_ner")
    return (f"| {corpus} | {res['dedicated_ner']:.3f} | {res['dedicated_rules']:.3f} | "
            f"{res['joint_ner']:.3f} | {res['joint_rules']:.3f} | "
            + (f"{spacy_f1:.3f}" if spacy_f1 is not None else "–") + " |")


if __name__ == "__main__":
    main()
