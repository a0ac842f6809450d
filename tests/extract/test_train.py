"""kg train runs end to end on a small sample of the gold corpora and writes a loadable model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.extract import corpora
from kg.extract.pipeline import load_pipeline
from kg.extract.train import train

GOLD_DIR = Path(__file__).resolve().parents[3] / "shared" / "gold"


@pytest.mark.skipif(not GOLD_DIR.is_dir(), reason="shared/gold is not beside the repo")
def test_train_writes_a_model_the_pipeline_loads(tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    names = {n for p in corpora.policies().values() for n in p["files"]}
    names |= {p["dev"]["file"] for p in corpora.policies().values() if p.get("dev")}
    for name in names:
        with open(GOLD_DIR / name, encoding="utf-8") as src:
            lines = [line for _, line in zip(range(40), src)]
        (gold / name).write_text("".join(lines), encoding="utf-8")
    out = train(gold, output=tmp_path / "model", max_steps=2, eval_every=1, max_epochs=1)
    history = json.loads((out / "training.json").read_text())["history"]
    assert history and set(history[0]) >= {"SciERC", "SciNLP", "mean"}
    nlp = load_pipeline(out)
    doc = nlp("We fine-tune BERT on SQuAD.")
    assert "kg_mentions" in doc.spans
