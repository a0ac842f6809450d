"""Strict, partial and doc-level micro P/R/F1 of predicted mentions against a gold corpus.

A faithful port of ``shared/gold/score.py`` so that ``kg eval`` prints the same figures:
predicted types are folded onto what each corpus annotates (e.g. Model counts as Method in
SciERC), gold spans whose type is null are neither expected nor penalised.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

FOLD: dict[str, dict[str, str]] = {
    "SciERC": {"Method": "Method", "Model": "Method", "Task": "Task", "Metric": "Metric"},
    "SciNLP": {"Method": "Method", "Model": "Method", "Task": "Task", "Metric": "Metric",
               "Dataset": "Dataset"},
    "TDMSci": {"Task": "Task", "Dataset": "Dataset", "Metric": "Metric"},
    "SciREX": {"Method": "Method", "Model": "Method", "Task": "Task", "Metric": "Metric",
               "Dataset": "Dataset"},
    "GSAP-NER": {"Model": "Model", "Method": "Method", "Dataset": "Dataset", "Task": "Task"},
}
KINDS = ("strict", "partial", "doc")


def _prf(tp: int, npred: int, ngold: int) -> tuple[float, float, float]:
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _norm(s: str) -> str:
    return " ".join(s.lower().split())


@dataclass
class Scores:
    """Counts per kind ("strict", "partial", "doc") and type, and the report text."""

    corpus: str
    tp: dict[str, dict[str, int]] = field(default_factory=dict)
    npred: dict[str, dict[str, int]] = field(default_factory=dict)
    ngold: dict[str, dict[str, int]] = field(default_factory=dict)
    missing: int = 0
    ndocs: int = 0

    def f1(self, kind: str = "strict", type_: str | None = None) -> float:
        """Micro F1 of ``kind``, overall or for one type."""
        return self.prf(kind, type_)[2]

    def prf(self, kind: str = "strict", type_: str | None = None) -> tuple[float, float, float]:
        """Micro (precision, recall, F1) of ``kind``, overall or for one type."""
        if type_ is None:
            return _prf(sum(self.tp[kind].values()), sum(self.npred[kind].values()),
                        sum(self.ngold[kind].values()))
        return _prf(self.tp[kind].get(type_, 0), self.npred[kind].get(type_, 0),
                    self.ngold[kind].get(type_, 0))

    def types(self, kind: str = "strict") -> list[str]:
        """The types seen in gold or predictions."""
        return sorted(set(self.ngold[kind]) | set(self.npred[kind]))

    def report(self) -> str:
        """The lines ``score.py`` prints."""
        c = self.corpus
        lines = []
        if self.missing:
            lines.append(
                f"warning: {self.missing} of {self.ndocs} gold docs have no prediction line")
        for k in KINDS:
            for t in self.types(k):
                p, r, f = self.prf(k, t)
                lines.append(
                    f"{c:9s} {k:8s} {t:8s} P={p:.3f} R={r:.3f} F1={f:.3f}  "
                    f"(tp={self.tp[k].get(t, 0)} pred={self.npred[k].get(t, 0)} "
                    f"gold={self.ngold[k].get(t, 0)})"
                )
            p, r, f = self.prf(k)
            lines.append(f"{c:9s} {k:8s} {'ALL':8s} P={p:.3f} R={r:.3f} F1={f:.3f}")
        lines.append(f"{c} strict_f1={self.f1('strict'):.3f} partial_f1={self.f1('partial'):.3f} "
                     f"doc_f1={self.f1('doc'):.3f}")
        return "\n".join(lines)


def score(gold: list[dict[str, Any]], predictions: Iterable[dict[str, Any]],
          *, abstracts_only: bool = False) -> Scores:
    """Score ``predictions`` (``{"id", "entities": [{"start", "end", "type"}]}``) on ``gold``."""
    if abstracts_only:
        gold = [g for g in gold if g["id"].endswith("text_unit_0")]
    preds = {p["id"]: p.get("entities", []) for p in predictions}
    corpus = gold[0]["source"] if gold else "SciERC"
    fold = FOLD[corpus]
    targets = set(fold.values())
    s = Scores(corpus, {k: defaultdict(int) for k in KINDS}, {k: defaultdict(int) for k in KINDS},
               {k: defaultdict(int) for k in KINDS}, ndocs=len(gold))
    for g in gold:
        text = g["text"]
        gset = {(e["start"], e["end"], e["type"])
                for e in g["entities"] if e.get("type") in targets}
        if g["id"] not in preds:
            s.missing += 1
        pset = set()
        for e in preds.get(g["id"], []):
            t = fold.get(e.get("type"))
            if t:
                pset.add((int(e["start"]), int(e["end"]), t))
        for t in {e[2] for e in gset | pset}:
            gs = {e for e in gset if e[2] == t}
            ps = {e for e in pset if e[2] == t}
            s.tp["strict"][t] += len(gs & ps)
            used: set[tuple[int, int, str]] = set()
            hit = 0
            for p in sorted(ps):
                for gg in sorted(gs):
                    if gg not in used and p[0] < gg[1] and gg[0] < p[1]:
                        used.add(gg)
                        hit += 1
                        break
            s.tp["partial"][t] += hit
            gd = {_norm(text[a:b]) for a, b, _ in gs}
            pd = {_norm(text[a:b]) for a, b, _ in ps}
            s.tp["doc"][t] += len(gd & pd)
            for k, npred, ngold in (("strict", len(ps), len(gs)), ("partial", len(ps), len(gs)),
                                    ("doc", len(pd), len(gd))):
                s.npred[k][t] += npred
                s.ngold[k][t] += ngold
    return s
