"""Speed of entity resolution on synthetic-but-realistic mentions (issue 4: 100k in < 60 s).

Names come from the gazetteer shipped with the extractor (Papers with Code datasets, tasks,
metrics, models: real names) plus generated model families with versions, sizes and
flavours ("Falcor-2-70B-Chat"), so the number guards and variant rules are exercised. Each
mention is a surface variant of its name drawn with a Zipf-like popularity: case changes,
hyphen/space swaps, plurals, a determiner or generic head ("the X dataset"), and a typo now
and then. Mentions are placed in generated abstracts (10 per paper) with cue words and
acronym definitions, so links, roles and acronyms run as in a build.

Run: ``nice -n 10 python bench/bench_resolve.py [--mentions 100000] [--seed 0]``
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.model import Mention, Paper  # noqa: E402
from kg.resolve import resolve  # noqa: E402

GAZETTEER = ROOT / "kg" / "extract" / "data" / "gazetteer.jsonl"
SYLLABLES = ["al", "ba", "co", "de", "fal", "gem", "hy", "in", "ka", "lu", "mi", "no", "or",
             "pa", "qu", "ra", "si", "ta", "ur", "ve", "wi", "xe", "yo", "ze", "tron", "nix",
             "mo", "ra", "phi", "sto"]
SIZES = ["7B", "13B", "70B", "1.3B", "8B", "base", "large", "small", "XL"]
FLAVOURS = ["Chat", "Instruct", "Turbo", "Pro", "Mini", "V"]
TEMPLATES = ["We propose {m}.", "We use {m} as a backbone.", "Results on {m} improve.",
             "It outperforms {m} by a wide margin.", "{m} is discussed.",
             "Compared to {m}, training is faster.", "We fine-tune {m} with care.",
             "Experiments on {m} confirm it.", "Prior work studied {m}.", "Using {m} helps."]


def base_names(rng: random.Random) -> list[tuple[str, str]]:
    """Real names from the gazetteer plus generated model families."""
    names: list[tuple[str, str]] = []
    if GAZETTEER.exists():
        with open(GAZETTEER, encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                names.append((row["text"], row["type"]))
    for _ in range(1500):
        stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        if rng.random() < 0.3:
            stem = stem.upper()
        names.append((stem, "Model"))
        for version in rng.sample(["1", "2", "3", "3.1", "3.5", "4", "v2", "v3"], 3):
            sep = rng.choice(["-", " ", ""])
            family = f"{stem}{sep}{version}" if not version.startswith("v") else f"{stem}{version}"
            names.append((family, "Model"))
            for size in rng.sample(SIZES, 2):
                names.append((f"{family}-{size}", "Model"))
                if rng.random() < 0.3:
                    names.append((f"{family}-{size}-{rng.choice(FLAVOURS)}", "Model"))
    return names


def variant(text: str, rng: random.Random) -> str:
    """A surface form of ``text`` as papers write it."""
    r = rng.random()
    if r < 0.1:
        text = text.lower()
    elif r < 0.15:
        text = text.upper()
    r = rng.random()
    if r < 0.15:
        text = text.replace("-", " ")
    elif r < 0.25:
        text = text.replace(" ", "-")
    if rng.random() < 0.1 and text[-1:].isalpha():
        text += "s"
    if rng.random() < 0.1:
        text = rng.choice(["the ", "our ", "a "]) + text + rng.choice(["", " dataset", " model"])
    if rng.random() < 0.03 and len(text) > 8:
        i = rng.randrange(1, len(text) - 1)
        text = text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text


def corpus(n_mentions: int, seed: int) -> tuple[list[Paper], dict]:
    """Papers of 10 mentions each, totalling ``n_mentions`` mention strings."""
    rng = random.Random(seed)
    names = base_names(rng)
    rng.shuffle(names)
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(names))]
    papers, mentions = [], {}
    chosen = rng.choices(names, weights=weights, k=n_mentions)
    for p in range(0, n_mentions, 10):
        parts, found = [], []
        offset = 0
        for name, etype in chosen[p:p + 10]:
            surface = variant(name, rng)
            template = rng.choice(TEMPLATES)
            if rng.random() < 0.05 and " " in name:
                acronym = "".join(w[0] for w in name.split() if w[:1].isalpha()).upper()
                if len(acronym) >= 2:
                    template = template.replace("{m}", "{m} (" + acronym + ")")
            sentence = template.format(m=surface)
            start = offset + sentence.index(surface)
            found.append(Mention(start, start + len(surface), etype, surface,
                                 round(rng.uniform(0.5, 1.0), 3), "bench"))
            parts.append(sentence)
            offset += len(sentence) + 1
        pid = f"bench{p // 10}"
        papers.append(Paper(pid, f"Paper {p // 10}", " ".join(parts)))
        mentions[pid] = {"title": [], "abstract": found}
    return papers, mentions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    papers, mentions = corpus(args.mentions, args.seed)
    strings = Counter(m.text for per in mentions.values() for m in per["abstract"])
    t0 = time.perf_counter()
    result = resolve(papers, mentions)
    seconds = time.perf_counter() - t0
    decisions = Counter((m.decision, m.reason) for m in result.merges)
    print(f"{args.mentions} mention strings ({len(strings)} distinct) in {len(papers)} papers")
    print(f"resolved in {seconds:.1f} s: {len(result.entities)} entities, "
          f"{len(result.links)} links, {len(result.merges)} decisions")
    for (decision, reason), n in decisions.most_common():
        print(f"  {decision:<11} {reason:<20} {n}")
    print("target < 60 s:", "met" if seconds < 60 else "MISSED")


if __name__ == "__main__":
    main()
