"""Refresh the reviewed golden extraction fixture (``tests/extract/fixtures/golden.jsonl``).

Each line holds one abstract of the bundled listings, the mentions the default pipeline finds
in it and a person's review of each mention: ``"review": "correct"``, or ``"wrong"`` with
``"should"`` saying what it should be (``{"text", "type"}``, or ``null`` when it is not an
entity). ``"missed"`` lists what a reader finds that the pipeline does not. New mentions get
``"unreviewed"``: ``tests/extract/test_golden.py`` fails until a person reviews them.

``python tools/golden_extract.py`` re-runs the pipeline and rewrites the fixture: mentions
that are unchanged keep their review, new ones are marked ``unreviewed``, and lost ones are
printed (a lost ``correct`` mention is a regression). Review the diff before committing.
``--add ID`` adds a paper of the bundled listings by its id.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIXTURE = ROOT / "tests" / "extract" / "fixtures" / "golden.jsonl"
KEYS = ("start", "end", "type", "text", "source")


def key(m: dict) -> tuple:
    """What must stay equal for a review to carry over."""
    return tuple(m[k] for k in KEYS)


def refresh(records: list[dict]) -> list[dict]:
    """Re-run extraction on each record; keep the reviews of unchanged mentions."""
    import kg.extract

    found = kg.extract.extract([r["text"] for r in records])
    out = []
    for rec, mentions in zip(records, found, strict=True):
        reviews = {key(m): {k: m[k] for k in ("review", "should") if k in m}
                   for m in rec.get("mentions", [])}
        new = [{**{k: m[k] for k in KEYS}, **reviews.get(key(m), {"review": "unreviewed"})}
               for m in mentions]
        now = {key(m) for m in new}
        for m in rec.get("mentions", []):
            if key(m) not in now:
                print(f"{rec['id']}: lost {m['text']!r} {m['type']} ({m['review']})")
        out.append({**rec, "mentions": new})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--add", nargs="*", default=[], metavar="ID",
                    help="paper ids of the bundled listings to add")
    args = ap.parse_args()
    records = [json.loads(line) for line in FIXTURE.open(encoding="utf-8")] \
        if FIXTURE.exists() else []
    if args.add:
        from kg.ingest import bundled_listings, read_papers

        papers = {p.id: p for p in read_papers(bundled_listings())}
        for pid in args.add:
            paper = papers[pid]
            records.append({"id": pid, "title": paper.title, "text": paper.abstract,
                            "missed": []})
    records = refresh(records)
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    with FIXTURE.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    unreviewed = sum(m["review"] == "unreviewed" for r in records for m in r["mentions"])
    print(f"{FIXTURE.relative_to(ROOT)}: {len(records)} abstracts, {unreviewed} unreviewed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
