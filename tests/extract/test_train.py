"""kg train runs end to end on a small sample of the gold corpora, writes a loadable model, and
gives the same weights twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import UsageError
from kg.extract import corpora
from kg.extract.pipeline import load_pipeline
from kg.extract.train import train, train_recipe

GOLD_DIR = Path(__file__).resolve().parents[3] / "shared" / "gold"
needs_gold = pytest.mark.skipif(not GOLD_DIR.is_dir(), reason="shared/gold is not beside the repo")
WEIGHTS = ("tok2vec/model", "ner/model", "ner/moves")


@pytest.fixture(scope="module")
def gold(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first documents (40 at most, 40,000 characters at least) of every gold file the
    corpus policies name."""
    gold = tmp_path_factory.mktemp("gold")
    names = {n for p in corpora.policies().values() for n in p["files"]}
    names |= {p["dev"]["file"] for p in corpora.policies().values() if p.get("dev")}
    for name in names:
        lines: list[str] = []
        with open(GOLD_DIR / name, encoding="utf-8") as src:
            for line in src:
                lines.append(line)
                if len(lines) == 40 or sum(map(len, lines)) > 40_000:
                    break
        (gold / name).write_text("".join(lines), encoding="utf-8")
    return gold


@needs_gold
def test_train_writes_a_model_the_pipeline_loads(gold: Path, tmp_path: Path) -> None:
    out = train(gold, output=tmp_path / "new" / "model", max_steps=2, eval_every=1,
                max_epochs=1)
    history = json.loads((out / "training.json").read_text())["history"]
    assert [h["step"] for h in history] == [1, 2]  # evaluations after the best one too
    assert set(history[0]) >= {"SciERC", "SciNLP", "mean"}
    nlp = load_pipeline(out)
    doc = nlp("We fine-tune BERT on SQuAD.")
    assert "kg_mentions" in doc.spans


@needs_gold
def test_the_recipe_gives_the_same_weights_twice_and_records_both_phases(
        gold: Path, tmp_path: Path) -> None:
    runs = [train_recipe(gold, output=tmp_path / name, seed=seed, steps=(3, 3), eval_every=3)
            for name, seed in (("a", 0), ("b", 0), ("c", 1))]
    a, b, c = ([(run / f).read_bytes() for f in WEIGHTS] for run in runs)
    assert a == b
    assert a[:2] != c[:2]  # another seed, other weights: the comparison can fail
    record = json.loads((runs[0] / "training.json").read_text())
    assert record["phase1"]["max_steps"] == 3 and record["max_steps"] == 3
    assert record["phase1"]["averages"] is False and record["averages"] is True
    assert [h["step"] for h in record["history"]] == [3]
    assert record["best_step"] == 3 and record["best_mean_dev_f1"] == record["history"][0]["mean"]


@needs_gold
def test_a_dedicated_model_trains_on_and_is_selected_by_its_corpus_alone(
        gold: Path, tmp_path: Path) -> None:
    out = train(gold, output=tmp_path / "scierc", max_steps=1, eval_every=1, max_epochs=1,
                only=("SciERC",))
    record = json.loads((out / "training.json").read_text())
    assert record["only"] == ["SciERC"]
    assert set(record["history"][0]) == {"step", "epoch", "minutes", "loss", "SciERC", "mean"}
    assert record["history"][0]["mean"] == record["history"][0]["SciERC"]
    with pytest.raises(UsageError, match="unknown corpus 'SciErc'"):
        train(gold, output=tmp_path / "typo", max_steps=1, only=("SciErc",))
    with pytest.raises(UsageError, match="no dev documents"):  # SciREX is train-only
        train(gold, output=tmp_path / "scirex", max_steps=1, only=("SciREX",))
