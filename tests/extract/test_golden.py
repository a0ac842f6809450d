"""Golden extraction: five bundled abstracts whose extracted mentions a person reviewed.

The fixture (``fixtures/golden.jsonl``, refreshed by ``tools/golden_extract.py``) holds the
exact output of the default pipeline with a review of every mention. Any change of output
fails here with a readable diff: a lost mention reviewed correct is a regression; a new
mention must be reviewed (run the tool, review, commit).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kg.extract

FIXTURE = Path(__file__).parent / "fixtures" / "golden.jsonl"
RECORDS = [json.loads(line) for line in FIXTURE.open(encoding="utf-8")]
KEYS = ("start", "end", "type", "text", "source")


def describe(m: dict) -> str:
    return f"{m['text']!r} {m['type']} [{m['start']}:{m['end']}] by {m['source']}"


@pytest.fixture(scope="module")
def extracted() -> list[list[dict]]:
    return kg.extract.extract([r["text"] for r in RECORDS])


@pytest.mark.parametrize("n", range(len(RECORDS)), ids=[r["id"] for r in RECORDS])
def test_output_is_the_reviewed_output(n: int, extracted: list[list[dict]]) -> None:
    record, found = RECORDS[n], extracted[n]
    expected = {tuple(m[k] for k in KEYS): m for m in record["mentions"]}
    got = {tuple(m[k] for k in KEYS): m for m in found}
    lost = [f"  - {describe(m)} (reviewed {m['review']})"
            for k, m in expected.items() if k not in got]
    new = [f"  + {describe(m)} (not reviewed)" for k, m in got.items() if k not in expected]
    assert not lost and not new, (
        f"{record['id']}: extraction output changed; if it is better, run "
        "`python tools/golden_extract.py` and review the new mentions\n"
        + "\n".join(lost + new))


def test_every_mention_is_reviewed_and_consistent() -> None:
    for record in RECORDS:
        text = record["text"]
        for m in record["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"]
            assert m["review"] in ("correct", "wrong"), f"{record['id']}: {describe(m)}"
            if m["review"] == "wrong":
                should = m["should"]
                assert should is None or (should["text"] in text and should != {
                    "text": m["text"], "type": m["type"]})
        for miss in record["missed"]:
            assert miss["text"] in text


def test_reviewed_precision_holds() -> None:
    """At least three quarters of the mentions on the golden abstracts are right (87/109
    when reviewed)."""
    mentions = [m for r in RECORDS for m in r["mentions"]]
    correct = sum(m["review"] == "correct" for m in mentions)
    assert correct / len(mentions) >= 0.75
