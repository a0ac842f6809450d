"""``kg eval``: run the default pipeline on a gold file and score it like score.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kg.export import atomic_file
from kg.extract.corpora import read_gold
from kg.extract.scoring import Scores, score


def predict(docs: list[dict[str, Any]], *, nlp: Any = None) -> list[dict[str, Any]]:
    """Predictions of the default pipeline for gold ``docs`` in the scorer's format."""
    from kg.extract import extract_mentions

    found = extract_mentions((d["text"] for d in docs), nlp=nlp)
    return [{"id": d["id"], "entities": [m.to_dict() for m in ms]} for d, ms in zip(docs, found)]


def evaluate(gold: str | Path | list[dict[str, Any]], *, abstracts: bool = False,
             predictions: str | Path | None = None, nlp: Any = None) -> Scores:
    """Score the default pipeline (or ``nlp``) on ``gold`` (a path or loaded documents)."""
    docs = read_gold(gold) if isinstance(gold, (str, Path)) else gold
    if abstracts:
        docs = [d for d in docs if d["id"].endswith("text_unit_0")]
    preds = predict(docs, nlp=nlp)
    if predictions is not None:
        with atomic_file(predictions) as fh:
            for p in preds:
                fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    return score(docs, preds, abstracts_only=abstracts)
