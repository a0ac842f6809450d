#!/usr/bin/env python3
"""Build ``kg/extract/data/gazetteer.jsonl`` from the public vocabularies in ``shared/gazetteers``.

Sources (see ``shared/gazetteers/SOURCES.md``):

- ITO ``performance-measure.json``: metrics; a leaf is a surface variant of its parent, the
  canonical name; ``overview_of_metrics_alternative_namings.csv``: metric synonyms;
- Papers with Code ``all_tasks.txt``, ``*_tasks_detailed.csv`` (task names, subtasks, common
  datasets, benchmarks, SOTA metrics), ``task_hierarchy.csv``, ``synonyms.csv``;
- NLP-progress ``nlp-progress.json``: tasks, datasets, model names, metrics.

Every name is cleaned (qualifiers in brackets and split names such as "val" / "test-dev"
dropped, "Long Name (LN)" split in two), then filtered with
``kg/extract/data/gazetteer-filters.json``: a stoplist of generic or ambiguous names, and the
only plain English words (one word, no capital inside, no digit) allowed per type. A name
given two types keeps the type most sources give it (ties: Metric > Task > Dataset > Model;
a one-word name listed both as task and dataset is a dataset). ``retype`` moves learning
paradigms and techniques that Papers with Code lists as tasks to Method.

Output: one JSON object a line, ``{"text", "type", "canonical", "source"}``, sorted.

Usage: ``python tools/build_gazetteer.py [--sources DIR] [--out FILE] [--report]``
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCES = REPO.parent / "shared" / "gazetteers"
DATA = REPO / "kg" / "extract" / "data"
TYPE_ORDER = ("Metric", "Task", "Dataset", "Model", "Method")

Entry = tuple[str, str, str, str]  # text, type, canonical, source

_SPACES = re.compile(r"\s+")
_TRAILING_BRACKET = re.compile(r"^(.*?)\s*[\(\[]([^()\[\]]*)[\)\]]\s*$")
_YEAR = re.compile(r"\s*\((?:19|20)\d\d\)\s*$")
_LOWER_WORD = re.compile(r"(?<![\w-])[a-z][a-z]+(?![\w-])")
_BAD_CHARS = re.compile(r"[,;:=<>^~#|\"{}\[\]()*?!%\\]")


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip().strip("'\"").strip()


def _is_acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return 2 <= len(text) <= 10 and sum(c.isupper() for c in letters) >= 2 and " " not in text


def split_name(text: str) -> list[tuple[str, str]]:
    """``[(surface, canonical)]`` of one raw name: "Long Name (LN)" gives both forms."""
    text = _clean(text)
    m = _TRAILING_BRACKET.match(text)
    if not m:
        return [(text, text)]
    head, inner = _clean(m.group(1)), _clean(m.group(2))
    if _is_acronym(inner) and len(head) > len(inner):
        return [(head, head), (inner, head)]
    return [(head, head)]


class Filters:
    """The rules of ``gazetteer-filters.json``."""

    def __init__(self, path: Path) -> None:
        spec = json.loads(path.read_text("utf-8"))
        self.stoplist = {s.lower() for s in spec["stoplist"]}
        self.words = {t: {w.lower() for w in ws} for t, ws in spec["plain_words"].items()}
        self.split_suffixes = sorted(spec["split_suffixes"], key=len, reverse=True)
        self.drop_prefixes = tuple(p.lower() for p in spec["drop_prefixes"])
        self.short_allow = set(spec["short_allow"])
        self.max_words = int(spec["max_words"])
        self.min_chars = int(spec["min_chars"])
        self.common_min_count = int(spec["common_min_count"])
        self.retype = spec.get("retype", {})
        self.drop_suffixes = {
            t: tuple(x.lower() for x in xs) for t, xs in spec.get("drop_suffixes", {}).items()
        }
        self.rejected_words: dict[str, Counter[str]] = defaultdict(Counter)

    def new_type(self, text: str, type_: str) -> str:
        """The type ``text`` gets after the ``retype`` rules."""
        low = text.lower()
        for target, rule in self.retype.items():
            if type_ in rule["from"] and (
                low in rule["names"] or any(low.endswith(s) for s in rule["suffixes"])
            ):
                return target
        return type_

    def allowed_word(self, low: str) -> bool:
        """Whether ``low`` is one of the plain words allowed for some type."""
        return any(low in words for words in self.words.values())

    def strip_split(self, text: str) -> str:
        """Drop dataset split names: "COCO test-dev" → "COCO"."""
        changed = True
        while changed:
            changed = False
            for suffix in self.split_suffixes:
                if text.lower().endswith(" " + suffix.lower()):
                    text = text[: -len(suffix) - 1].rstrip(" -")
                    changed = True
        return text

    def keep(self, text: str, type_: str) -> bool:
        """Whether ``text`` is specific enough to be matched as a ``type_`` anywhere."""
        low = text.lower()
        if len(text) < self.min_chars and text not in self.short_allow:
            return False
        if not any(c.isalpha() for c in text) or _BAD_CHARS.search(text):
            return False
        if len(text.split()) > self.max_words or low in self.stoplist:
            return False
        if " - " in text:  # a benchmark setting: "ImageNet - 10% labeled data"
            return False
        if low.startswith(self.drop_prefixes) or low.endswith(self.drop_suffixes.get(type_, ())):
            return False
        if is_plain_word(text):
            if low not in self.words.get(type_, set()):
                self.rejected_words[type_][low] += 1
                return False
        return True


def is_plain_word(text: str) -> bool:
    """One word of letters (hyphens allowed) with no capital after the first letter."""
    return bool(re.fullmatch(r"[A-Za-z][a-z]*(?:-[a-z]+)*", text))


# -- sources ---------------------------------------------------------------------------


def ito_metrics(src: Path) -> Iterator[Entry]:
    root = json.loads((src / "ito" / "performance-measure.json").read_text("utf-8"))

    def walk(node: dict, parent: str | None) -> Iterator[Entry]:
        name = node["name"]
        children = node.get("children", [])
        canonical = name if children or parent is None else parent
        for surface, canon in split_name(name):
            yield surface, "Metric", _clean(canonical) if canon == surface else canon, "ITO"
        for child in children:
            yield from walk(child, name)

    for top in root.get("children", []):
        yield from walk(top, None)


def ito_alternatives(src: Path) -> Iterator[Entry]:
    path = src / "ito" / "overview_of_metrics_alternative_namings.csv"
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            canonical = split_name(row["Metric"])[0][0]
            for surface, _ in split_name(row["Metric"]):
                yield surface, "Metric", canonical, "ITO"
            for alt in row["Alternative names"].split(","):
                for part in alt.split("/"):
                    for surface, _ in split_name(part):
                        if surface:
                            yield surface, "Metric", canonical, "ITO"


def _semi(cell: str | None) -> list[str]:
    return [c for c in (_clean(x) for x in (cell or "").split(";")) if c and c != "N/A"]


def pwc_tables(src: Path, filters: Filters) -> Iterator[Entry]:
    for path in sorted((src / "pwc").glob("*_tasks_detailed.csv")):
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                for surface, canon in split_name(row["Task Name"]):
                    yield surface, "Task", canon, "PwC"
                for sub in _semi(row.get("Subtasks")):
                    for surface, canon in split_name(sub):
                        yield surface, "Task", canon, "PwC"
                for name in _semi(row.get("Common Datasets (Top 10)")) + _semi(
                    row.get("Benchmarks")
                ):
                    for surface, canon in split_name(filters.strip_split(_clean(name))):
                        surface = filters.strip_split(surface)
                        yield surface, "Dataset", filters.strip_split(canon), "PwC"
                for name in _semi(row.get("SOTA Metrics")):
                    for surface, canon in split_name(name):
                        yield surface, "Metric", canon, "PwC"
    with (src / "pwc" / "all_tasks.txt").open(encoding="utf-8") as fh:
        for line in fh:
            for surface, canon in split_name(line):
                if surface:
                    yield surface, "Task", canon, "PwC"
    with (src / "pwc" / "task_hierarchy.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for name in [row["Parent Task"], *_semi(row["Child Tasks"])]:
                for surface, canon in split_name(name.rstrip(".")):
                    yield surface, "Task", canon, "PwC"
    with (src / "pwc" / "synonyms.csv").open(encoding="utf-8") as fh:
        for row in csv.reader(fh, skipinitialspace=True):
            if row and row[0] != "task" and len(row) >= 2:
                task, synonym = _clean(row[0]), _clean(row[1])
                yield task, "Task", task, "PwC"
                yield synonym, "Task", task, "PwC"


def nlp_progress(src: Path, filters: Filters) -> Iterator[Entry]:
    tasks = json.loads((src / "pwc" / "nlp-progress.json").read_text("utf-8"))

    def walk(task: dict) -> Iterator[Entry]:
        for surface, canon in split_name(task["task"]):
            yield surface, "Task", canon, "NLP-progress"
        for syn in task.get("synonyms") or []:
            yield _clean(syn), "Task", _clean(task["task"]), "NLP-progress"
        for ds in task.get("datasets") or []:
            for surface, canon in split_name(filters.strip_split(_clean(ds["dataset"]))):
                yield surface, "Dataset", canon, "NLP-progress"
            sota = ds.get("sota") or {}
            for metric in sota.get("metrics") or []:
                for surface, canon in split_name(metric):
                    yield surface, "Metric", canon, "NLP-progress"
            for row in sota.get("rows") or []:
                name = _YEAR.sub("", _clean(row.get("model_name") or ""))
                if looks_like_model(name):
                    yield name, "Model", name, "NLP-progress"
        for sub in task.get("subtasks") or []:
            yield from walk(sub)

    for task in tasks:
        yield from walk(task)


def looks_like_model(name: str) -> bool:
    """A model name: at most two words, one with a capital inside or a digit ("XLNet-Large")."""
    words = name.split()
    if not words or len(words) > 2 or "+" in name:
        return False
    return any(re.search(r"[A-Za-z].*[A-Z]|\d", w) for w in words)


# -- build ------------------------------------------------------------------------------


def common_words(texts: Iterable[str], min_count: int) -> set[str]:
    """Words written in lower case at least ``min_count`` times in ``texts``.

    A one-word name whose lower-case form is such a word ("ALL", "ADD", "Backbone") is an
    English word, not a name, and is dropped unless ``plain_words`` allows it.
    """
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(_LOWER_WORD.findall(text))
    return {w for w, n in counts.items() if n >= min_count}


def training_texts(gold_dir: Path) -> Iterator[str]:
    """The texts of the training splits of the annotated corpora (never their dev splits)."""
    from kg.extract.corpora import policies, split

    for corpus in policies():
        train, _ = split(gold_dir, corpus)
        for doc in train:
            yield doc["text"]


def build(src: Path, filters: Filters, common: set[str] | None = None) -> list[dict[str, str]]:
    """The filtered, deduplicated gazetteer entries (a name given two types: most votes)."""
    raw: list[Entry] = [
        *ito_metrics(src),
        *ito_alternatives(src),
        *pwc_tables(src, filters),
        *nlp_progress(src, filters),
    ]
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    first: dict[tuple[str, str], Entry] = {}
    sources: dict[tuple[str, str], set[str]] = defaultdict(set)
    for text, type_, canonical, source in raw:
        text = _clean(text)
        if not text or not filters.keep(text, type_):
            continue
        type_ = filters.new_type(text, type_)
        key = text.lower()
        votes[key][type_] += 1
        sources[(key, type_)].add(source)
        first.setdefault((key, type_), (text, type_, _clean(canonical) or text, source))
    out = []
    for key, counter in votes.items():
        if common is not None and key in common and not filters.allowed_word(key):
            continue
        best = max(counter, key=lambda t: (counter[t], -TYPE_ORDER.index(t)))
        if " " not in key and "Dataset" in counter and best == "Task":
            best = "Dataset"  # one-word benchmarks listed as tasks: "TriviaQA", "GSM8K"
        text, type_, canonical, _ = first[(key, best)]
        out.append(
            {
                "text": text,
                "type": type_,
                "canonical": canonical,
                "source": "+".join(sorted(sources[(key, best)])),
            }
        )
    out.sort(key=lambda e: (e["type"], e["text"].lower(), e["text"]))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=Path, default=DEFAULT_SOURCES)
    ap.add_argument("--filters", type=Path, default=DATA / "gazetteer-filters.json")
    ap.add_argument("--out", type=Path, default=DATA / "gazetteer.jsonl")
    ap.add_argument(
        "--gold",
        type=Path,
        default=REPO.parent / "shared" / "gold",
        help="annotated corpora whose training texts tell English words from names",
    )
    ap.add_argument(
        "--report", action="store_true", help="list the plain words rejected, most frequent first"
    )
    args = ap.parse_args(argv)
    if not (args.sources / "SOURCES.md").is_file():
        print(f"error: {args.sources} has no SOURCES.md: pass --sources DIR", file=sys.stderr)
        return 2
    filters = Filters(args.filters)
    common = None
    if args.gold is not None:
        common = common_words(training_texts(args.gold), filters.common_min_count)
    entries = build(args.sources, filters, common)
    with args.out.open("w", encoding="utf-8") as fh:
        for e in entries:
            fh.write(json.dumps(e, ensure_ascii=False) + "\n")
    counts = Counter(e["type"] for e in entries)
    size = args.out.stat().st_size
    print(f"wrote {len(entries)} entries ({dict(counts)}), {size / 1e6:.2f} MB to {args.out}")
    if args.report:
        for type_, words in filters.rejected_words.items():
            print(type_, ", ".join(w for w, _ in words.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
