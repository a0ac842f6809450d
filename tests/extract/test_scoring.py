"""kg's scorer prints the same figures as shared/gold/score.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.extract.scoring import score

SCORE_PY = Path(__file__).resolve().parents[3] / "shared" / "gold" / "score.py"

GOLD = [
    {"id": "a", "source": "SciERC", "text": "We use BERT for parsing with F1 on PTB.",
     "entities": [{"start": 7, "end": 11, "type": "Method", "label": "Method"},
                  {"start": 16, "end": 23, "type": "Task", "label": "Task"},
                  {"start": 29, "end": 31, "type": "Metric", "label": "Metric"},
                  {"start": 35, "end": 38, "type": "Dataset", "label": "Material"}]},
    {"id": "b", "source": "SciERC", "text": "Our parser beats the baseline.",
     "entities": [{"start": 4, "end": 10, "type": "Method", "label": "Method"},
                  {"start": 17, "end": 29, "type": None, "label": "Generic"}]},
]
PRED = [
    {"id": "a", "entities": [{"start": 7, "end": 11, "type": "Model"},
                             {"start": 16, "end": 30, "type": "Task"},
                             {"start": 35, "end": 38, "type": "Dataset"}]},
    {"id": "b", "entities": [{"start": 21, "end": 29, "type": "Method"}]},
]


def test_counts() -> None:
    s = score(GOLD, PRED)
    assert s.tp["strict"]["Method"] == 1  # Model folds onto SciERC's Method
    assert s.npred["strict"]["Method"] == 2
    assert s.ngold["strict"]["Method"] == 2
    assert s.tp["partial"]["Task"] == 1 and s.tp["strict"]["Task"] == 0
    assert "Dataset" not in s.npred["strict"]  # SciERC's Material is not scored
    assert s.f1("strict") == pytest.approx(2 * (1 / 3) * (1 / 4) / (1 / 3 + 1 / 4))


@pytest.mark.skipif(not SCORE_PY.exists(), reason="shared/gold/score.py is not beside the repo")
def test_same_report_as_score_py(tmp_path: Path) -> None:
    gold, pred = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold.write_text("".join(json.dumps(d) + "\n" for d in GOLD))
    pred.write_text("".join(json.dumps(d) + "\n" for d in PRED))
    ref = subprocess.run([sys.executable, str(SCORE_PY), str(gold), str(pred)],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert score(GOLD, PRED).report() == ref
