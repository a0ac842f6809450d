"""Build ``kg/extract/data/head_types.json``: the type a mention's head word says.

Counts, over the *training* parts of the human-annotated gold corpora
(``kg.extract.corpora.split``: dev splits are never read), the types of the annotated
mentions by their last word lower-cased ("classification" → Task 427, Method 5). A head word
is kept when it ends at least ``--min-count`` mentions (alphabetic, three letters or more)
and one of the arbitrated types (Method, Task, Dataset) holds at least ``--min-share`` of
them. The arbiter retypes a final Method/Task/Dataset mention whose head word says another
of those types ("joint training" read as a Task becomes a Method).

The file holds counts per head word, not text of the corpora.

Usage: ``python tools/build_head_types.py [--gold-dir ../shared/gold]``
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT = ROOT / "kg" / "extract" / "data" / "head_types.json"
TYPES = ("Method", "Task", "Dataset")
#: SciREX is left out: its annotation is partly automatic and reads "training" as a Task.
HUMAN = ("SciERC", "TDMSci", "GSAP-NER", "SciNLP")


def count_heads(gold_dir: str, corpora: list[str] | None = None) -> dict[str, Counter[str]]:
    """Type counts of the training mentions by lower-cased last word."""
    from kg.extract.corpora import policies, split

    heads: dict[str, Counter[str]] = defaultdict(Counter)
    for corpus in corpora or list(policies()):
        train, _ = split(gold_dir, corpus)
        for doc in train:
            for ent in doc["entities"]:
                if not ent.get("type"):
                    continue
                words = doc["text"][ent["start"]:ent["end"]].split()
                if words:
                    heads[words[-1].lower()][ent["type"]] += 1
    return heads


def build(gold_dir: str, corpora: list[str] | None = None, min_count: int = 25,
          min_share: float = 0.8) -> dict:
    """The content of ``head_types.json``."""
    kept = {}
    for head, counts in sorted(count_heads(gold_dir, corpora or list(HUMAN)).items()):
        total = sum(counts.values())
        top, n = counts.most_common(1)[0]
        if head.isalpha() and len(head) >= 3 and total >= min_count and top in TYPES \
                and n / total >= min_share:
            kept[head] = {"type": top, "counts": dict(counts.most_common())}
    return {
        "_doc": "Head word (last word of a mention, lower-cased) -> the type the training "
                "parts of the human-annotated gold corpora (not SciREX) give it, with the "
                "counts; built by tools/build_head_types.py (alphabetic heads of 3 letters "
                f"or more ending at least {min_count} mentions, one of {list(TYPES)} "
                f"holding at least {min_share:.0%}). The arbiter retypes a "
                "Method/Task/Dataset mention whose head says another of these types.",
        "heads": kept,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold-dir", default=str(ROOT.parent / "shared" / "gold"))
    ap.add_argument("--min-count", type=int, default=25)
    ap.add_argument("--min-share", type=float, default=0.8)
    ap.add_argument("--corpora", nargs="*", default=list(HUMAN),
                    help="default: the human-annotated corpora (not SciREX, partly automatic)")
    args = ap.parse_args()
    doc = build(args.gold_dir, args.corpora, args.min_count, args.min_share)
    OUT.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(doc['heads'])} head words")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
