"""The annotated corpora: reading them, and the fixed train / dev splits.

Splits are fixed and documented so that no dev document is ever trained on:

- SciERC, SciNLP: their own ``*-dev.jsonl`` files;
- TDMSci: a 10% hold-out of ``tdmsci-train.jsonl``, the documents whose id hashes to 0 mod 10;
- GSAP-NER: publication fold 6 of 7 (publications sorted by id, 10 a fold), all its paragraphs;
- SciREX: train only.

The per-corpus policy (which of our types each annotates) lives in ``data/corpora.json``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from kg.extract.pieces import sentence_cuts

Doc = dict[str, Any]


@lru_cache(maxsize=1)
def policies() -> dict[str, dict[str, Any]]:
    """The corpus policies of ``data/corpora.json`` by corpus name."""
    text = resources.files("kg.extract").joinpath("data/corpora.json").read_text("utf-8")
    return {k: v for k, v in json.loads(text).items() if not k.startswith("_")}


def dev_corpora() -> tuple[str, ...]:
    """The corpora with a dev split (scored; SciREX is train-only), in policy order."""
    return tuple(name for name, policy in policies().items() if policy.get("dev"))


def read_gold(path: str | Path) -> list[Doc]:
    """Read a gold JSONL file (format of shared/gold/README.md)."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _bucket(doc_id: str, mod: int) -> int:
    return int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest(), 16) % mod


def _publication(doc_id: str) -> str:
    return doc_id.split("|", 1)[0]


def dev_test(corpus: str, all_docs: list[Doc]) -> Callable[[Doc], bool]:
    """Whether a document of the *training* file ``all_docs`` belongs to the corpus's
    held-out dev split (the GSAP-NER fold is read once for the file, not per document)."""
    dev = policies()[corpus].get("dev") or {}
    if "holdout_mod" in dev:
        mod = dev["holdout_mod"]
        return lambda doc: _bucket(doc["id"], mod) == 0
    if "fold" in dev:
        fold = gsap_fold(dev["fold"], dev["folds"], all_docs)
        return lambda doc: _publication(doc["id"]) in fold
    return lambda doc: False


def gsap_fold(fold: int, folds: int, docs: list[Doc]) -> set[str]:
    """The publications of GSAP-NER ``fold`` (publications sorted by id, split in ``folds``)."""
    pubs = sorted({_publication(d["id"]) for d in docs})
    size = -(-len(pubs) // folds)
    return set(pubs[fold * size : (fold + 1) * size])


def split(gold_dir: str | Path, corpus: str) -> tuple[list[Doc], list[Doc]]:
    """(train, dev) documents of ``corpus`` from ``gold_dir``."""
    policy = policies()[corpus]
    gold_dir = Path(gold_dir)
    train: list[Doc] = []
    dev: list[Doc] = []
    for name in policy["files"]:
        docs = read_gold(gold_dir / name)
        in_dev = dev_test(corpus, docs)
        for doc in docs:
            (dev if in_dev(doc) else train).append(doc)
    spec = policy.get("dev")
    if spec and "holdout_mod" not in spec and "fold" not in spec:
        dev = read_gold(gold_dir / spec["file"])
    return train, dev


def chunks(doc: Doc, max_chars: int = 2500) -> Iterator[Doc]:
    """Cut a long document at sentence ends into pieces of at most ``max_chars``.

    Entities crossing a cut are dropped from both pieces (there are almost none, since cuts
    fall after '. ').
    """
    text = doc["text"]
    cuts = sentence_cuts(text, max_chars, min_fraction=1 / 3)
    if len(cuts) == 1:
        yield doc
        return
    for n, (start, end) in enumerate(cuts):
        ents = [
            {**e, "start": e["start"] - start, "end": e["end"] - start}
            for e in doc["entities"]
            if e["start"] >= start and e["end"] <= end
        ]
        yield {**doc, "id": f"{doc['id']}#{n}", "text": text[start:end], "entities": ents}
