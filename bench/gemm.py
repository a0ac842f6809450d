"""The extraction network's thinc operations: BLIS, NumPy's OpenBLAS, and kg's InferenceOps.

Usage: python bench/gemm.py [--reps 5]

Times, in CPU seconds of one thread (BLAS limited to one thread, as in extraction), the
products of the tok2vec's shapes alone, then the tok2vec and the NER of the shipped model
on the bundled abstracts with each backend, alternating in one process so that the
machine's noise hits all alike (minimum and median of ``--reps``). The shipped pipeline
runs ``InferenceOps`` ("kg": NumPy's products and a lean maxout, kg/extract/ops.py).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, not an installed copy

import numpy  # noqa: E402
from thinc.api import NumpyOps  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import kg  # noqa: E402
from kg.extract.ops import InferenceOps  # noqa: E402
from kg.extract.pipeline import load_pipeline, set_network_ops  # noqa: E402
from kg.ingest import bundled_listings, read_papers  # noqa: E402
from kg.pipeline import texts_of  # noqa: E402

BACKENDS = {"blis": NumpyOps(use_blis=True), "numpy": NumpyOps(use_blis=False),
            "kg": InferenceOps()}


def _cpu(fn, reps: int) -> list[float]:
    out = []
    for _ in range(reps):
        t = time.process_time()
        fn()
        out.append(time.process_time() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    print(f"measuring {kg.__file__}", file=sys.stderr)
    with threadpool_limits(limits=1, user_api="blas"):
        rng = numpy.random.default_rng(0)
        print("| product (m×k · k×n) | " + " | ".join(f"{b} GFLOP/CPU-s" for b in BACKENDS)
              + " |\n|---|" + "---:|" * len(BACKENDS))
        for m, k, n in ((8000, 288, 288), (8000, 576, 288), (1500, 288, 288)):
            a = rng.random((m, k), dtype="float32")
            b = rng.random((n, k), dtype="float32")
            row = []
            for ops in BACKENDS.values():
                ops.gemm(a, b, trans2=True)
                best = min(_cpu(lambda o=ops, x=a, y=b: o.gemm(x, y, trans2=True), 20))
                row.append(f"{2 * m * k * n / best / 1e9:.0f}")
            print(f"| {m}×{k} · {k}×{n} | " + " | ".join(row) + " |")

        texts = sorted({t for t in texts_of(read_papers(bundled_listings())) if t.strip()})
        nlp = load_pipeline(rules=False)
        tok2vec, ner = nlp.get_pipe("tok2vec"), nlp.get_pipe("ner")
        times: dict[str, dict[str, list[float]]] = {b: {"tok2vec": [], "ner": []}
                                                    for b in BACKENDS}
        for _ in range(args.reps):
            for name, ops in BACKENDS.items():
                set_network_ops(nlp, ops)
                docs = list(nlp.tokenizer.pipe(texts))  # fresh: the NER decodes unlabelled docs
                t = time.process_time()
                done = list(tok2vec.pipe(docs, batch_size=64))
                times[name]["tok2vec"].append(time.process_time() - t)
                t = time.process_time()
                list(ner.pipe(done, batch_size=64))
                times[name]["ner"].append(time.process_time() - t)
    tokens = sum(len(d) for d in docs)
    print(f"\n{len(texts)} bundled texts, {tokens:,} tokens, {args.reps} alternating runs "
          "(CPU s, min / median)\n")
    print("| backend | tok2vec | NER |\n|---|---:|---:|")
    for name, t in times.items():
        print(f"| {name} | " + " | ".join(
            f"{min(t[c]):.2f} / {statistics.median(t[c]):.2f}" for c in ("tok2vec", "ner"))
            + " |")


if __name__ == "__main__":
    main()
