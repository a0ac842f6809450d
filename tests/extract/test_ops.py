"""The prediction-only thinc operations give the network's numbers unchanged."""

from __future__ import annotations

import numpy as np
import pytest
from thinc.api import NumpyOps

from kg.errors import ExtractError
from kg.extract.ops import InferenceOps
from kg.extract.pipeline import load_pipeline, set_network_ops

TEXTS = ["We fine-tune Llama-2 with Direct Preference Optimization (DPO) on MMLU.",
         "Top-1 accuracy on ImageNet-1K; FID on CIFAR-10 for image generation.", "BERT", ""]


def test_maxout_takes_the_largest_piece() -> None:
    x = np.random.default_rng(0).standard_normal((50, 7, 3)).astype("f")
    best, which = InferenceOps().maxout(x)
    assert which is None
    assert np.array_equal(best, NumpyOps().maxout(x)[0])
    assert np.array_equal(best, x.max(axis=2))


def test_backward_through_maxout_refuses() -> None:
    with pytest.raises(ExtractError, match="prediction-only"):
        InferenceOps().backprop_maxout(np.zeros((2, 3), "f"), None, 3)


def test_network_outputs_are_thincs_to_the_bit() -> None:
    nlp = load_pipeline(rules=False)
    model = nlp.get_pipe("tok2vec").model
    thinc_forward = model._func.thinc_forward  # thinc's layers, not kg.extract.fast_tok2vec
    outputs = {}
    for ops in (NumpyOps(use_blis=False), InferenceOps()):
        set_network_ops(nlp, ops)
        outputs[type(ops)] = thinc_forward(model, [nlp.make_doc(t) for t in TEXTS], False)[0]
    ours, theirs = outputs[InferenceOps], outputs[NumpyOps]
    assert sum(len(a) for a in ours) > 20
    assert all(np.array_equal(a, b) for a, b in zip(ours, theirs))
