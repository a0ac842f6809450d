"""Measure the rule components (abbreviations, gazetteer, cues) on the dev splits.

For each corpus's dev documents (``kg.extract.corpora.split``) and each component, writes the
component's spans as predictions and scores them with ``shared/gold/score.py``:

- ``alone``: the component's spans only;
- ``new``: its spans that overlap no entity of ``doc.ents`` (what it adds to the NER);
- ``ents+new``: ``doc.ents`` plus those new spans (compare with ``ents``);
- ``first``: the component's spans win over overlapping entities (the component ranked
  above the NER).

``doc.ents`` comes from ``--ents``: ``none``, ``gold`` (the dev gold itself: an oracle that
shows how the propagation rules agree with the annotation) or a path to a spaCy pipeline
whose NER is run first.

Usage: ``python tools/eval_rules.py [--ents none|gold|PATH] [--corpus NAME ...]``
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import spacy
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, not an installed copy

from kg.extract.corpora import split  # noqa: E402
from kg.extract.tokenizer import make_tokenizer  # noqa: E402

GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold"
CORPORA = ("SciERC", "TDMSci", "GSAP-NER", "SciNLP")
COMPONENTS = {"kg_abbreviations": "kg_abbrv", "kg_gazetteer": "kg_gazetteer", "kg_cues": "kg_cues"}
_LINE = re.compile(r"^\S+\s+(strict|partial)\s+ALL\s+P=([\d.]+) R=([\d.]+) F1=([\d.]+)")
_TYPE = re.compile(r"^\S+\s+strict\s+(\w+)\s+P=([\d.]+) R=[\d.]+ F1=[\d.]+\s+\(tp=(\d+) pred=(\d+)")


def score(gold: Path, preds: list[dict]) -> dict[str, tuple[float, ...]]:
    """(P, R, F1) per kind from ``score.py``; ``"type:<T>"``: strict (P, tp, pred) per type."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
        for p in preds:
            fh.write(json.dumps(p) + "\n")
    out = subprocess.run(
        [sys.executable, str(GOLD / "score.py"), str(gold), fh.name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(fh.name).unlink()
    res = {}
    for line in out.splitlines():
        m = _LINE.match(line)
        if m:
            res[m.group(1)] = (float(m.group(2)), float(m.group(3)), float(m.group(4)))
        t = _TYPE.match(line)
        if t and t.group(1) != "ALL" and int(t.group(4)):
            res["type:" + t.group(1)] = (float(t.group(2)), int(t.group(3)), int(t.group(4)))
    return res


def set_gold_ents(doc: Doc, gold: dict) -> None:
    spans = []
    for e in gold["entities"]:
        if e.get("type"):
            span = doc.char_span(e["start"], e["end"], label=e["type"], alignment_mode="expand")
            if span is not None:
                spans.append(span)
    doc.ents = filter_spans(spans)


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def ents_of(spans: list[Span]) -> list[dict]:
    return [{"start": s.start_char, "end": s.end_char, "type": s.label_} for s in spans]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ents", default="none")
    ap.add_argument("--corpus", nargs="*", default=list(CORPORA))
    ap.add_argument("--components", nargs="*", default=list(COMPONENTS))
    ap.add_argument("--dump", type=Path, help="write per-span hits/misses here (JSONL)")
    args = ap.parse_args()

    ner = None
    if args.ents not in ("none", "gold"):
        ner = spacy.load(args.ents)
    for name in args.components:
        importlib.import_module(f"kg.extract.{name.removeprefix('kg_')}")
    nlp = spacy.blank("en")
    nlp.tokenizer = make_tokenizer(nlp)
    for name in args.components:
        nlp.add_pipe(name)
    if ner is not None:
        for name in args.components:
            ner.add_pipe(name)

    dump = args.dump.open("w") if args.dump else None
    print(
        "| corpus | component | mode | spans | strict P | strict R | partial P | strict F1 "
        "| strict P by type (spans) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for corpus in args.corpus:
        _, dev = split(GOLD, corpus)
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
            for d in dev:
                fh.write(json.dumps(d) + "\n")
        gold_path = Path(fh.name)
        docs = []
        t0 = time.perf_counter()
        for g in dev:
            if ner is not None:
                doc = ner(g["text"])
            else:
                doc = nlp.make_doc(g["text"])
                if args.ents == "gold":
                    set_gold_ents(doc, g)
                for _, proc in nlp.pipeline:
                    doc = proc(doc)
            docs.append((g, doc))
        elapsed = time.perf_counter() - t0
        base = [{"id": g["id"], "entities": ents_of(list(doc.ents))} for g, doc in docs]
        if args.ents != "none":
            r = score(gold_path, base)
            n = sum(len(b["entities"]) for b in base)
            print(
                f"| {corpus} | ents | - | {n} | {r['strict'][0]:.3f} | {r['strict'][1]:.3f} "
                f"| {r['partial'][0]:.3f} | {r['strict'][2]:.3f} | |"
            )
        for name in args.components:
            key = COMPONENTS[name]
            modes = {"alone": [], "new": [], "ents+new": [], "first": []}
            for g, doc in docs:
                spans = list(doc.spans[key])
                new = [
                    s
                    for s in spans
                    if not any(s.start < e.end and e.start < s.end for e in doc.ents)
                ]
                modes["alone"].append({"id": g["id"], "entities": ents_of(spans)})
                modes["new"].append({"id": g["id"], "entities": ents_of(new)})
                modes["ents+new"].append({"id": g["id"], "entities": ents_of(list(doc.ents) + new)})
                first = filter_spans(spans)
                rest = [
                    e
                    for e in doc.ents
                    if not any(s.start < e.end and e.start < s.end for s in first)
                ]
                modes["first"].append({"id": g["id"], "entities": ents_of(first + rest)})
                if dump:
                    gold = {(e["start"], e["end"]): e["type"] for e in g["entities"]}
                    for s in spans:
                        dump.write(
                            json.dumps(
                                {
                                    "corpus": corpus,
                                    "component": name,
                                    "text": s.text,
                                    "type": s.label_,
                                    "gold": gold.get((s.start_char, s.end_char), "-"),
                                    "role": s._.kg_role,
                                    "ctx": doc.text[max(0, s.start_char - 60) : s.end_char + 40],
                                }
                            )
                            + "\n"
                        )
            for mode, preds in modes.items():
                if args.ents == "none" and mode != "alone":
                    continue
                r = score(gold_path, preds)
                n = sum(len(p["entities"]) for p in preds)
                types = ", ".join(
                    f"{k[5:]} {v[0]:.2f} ({v[2]})" for k, v in sorted(r.items()) if k[:5] == "type:"
                )
                print(
                    f"| {corpus} | {name} | {mode} | {n} | {r['strict'][0]:.3f} "
                    f"| {r['strict'][1]:.3f} | {r['partial'][0]:.3f} | {r['strict'][2]:.3f} "
                    f"| {types} |"
                )
        gold_path.unlink()
        print(f"<!-- {corpus}: {len(docs)} docs, pipeline {elapsed:.1f}s -->", flush=True)
    if dump:
        dump.close()


if __name__ == "__main__":
    main()
