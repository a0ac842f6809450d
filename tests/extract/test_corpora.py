"""The dev splits are fixed and never overlap training."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract import corpora

GOLD_DIR = Path(__file__).resolve().parents[3] / "shared" / "gold"
needs_gold = pytest.mark.skipif(not GOLD_DIR.is_dir(), reason="shared/gold is not beside the repo")


def test_chunks_keep_offsets() -> None:
    text = "Alpha uses BERT. " * 300
    doc = {"id": "x", "text": text, "source": "SciNLP",
           "entities": [{"start": i, "end": i + 4, "type": "Method", "label": "method",
                         "text": "BERT"} for i in range(11, len(text), 17)]}
    pieces = list(corpora.chunks(doc, max_chars=1000))
    assert len(pieces) > 1
    assert "".join(p["text"] for p in pieces) == text
    for p in pieces:
        assert all(p["text"][e["start"]:e["end"]] == "BERT" for e in p["entities"])


@needs_gold
@pytest.mark.parametrize("corpus", ["TDMSci", "GSAP-NER"])
def test_holdouts_are_disjoint_and_stable(corpus: str) -> None:
    train, dev = corpora.split(GOLD_DIR, corpus)
    assert dev and train
    assert not {d["id"] for d in train} & {d["id"] for d in dev}
    _, again = corpora.split(GOLD_DIR, corpus)
    assert [d["id"] for d in again] == [d["id"] for d in dev]
    if corpus == "GSAP-NER":  # whole publications are held out
        pubs = {d["id"].split("|")[0] for d in dev}
        assert len(pubs) == 10
        assert not pubs & {d["id"].split("|")[0] for d in train}
