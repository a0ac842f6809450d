"""The tok2vec's faster prediction gives thinc's vectors (to float rounding) and entities."""

from __future__ import annotations

import numpy as np
import pytest
import spacy
from thinc.api import Model, NumpyOps

from kg.errors import ExtractError
from kg.extract.fast_tok2vec import speed_up
from kg.extract.pipeline import default_model_path, load_pipeline, set_network_ops

TEXTS = [
    "We fine-tune Llama-2 with Direct Preference Optimization (DPO) on MMLU.",
    "", "BERT", "  \n two  spaces\tand a tab ",
    "Top-1 accuracy on ImageNet-1K; FID on CIFAR-10 for image generation. " * 40,
    "", "Die Methode erzielt 3,5 % mehr auf SQuAD 2.0 $\\mathcal{O}(n^2)$ <b>x</b>.",
]


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_pipeline(rules=False)


def _thinc(model: Model, docs: list) -> list[np.ndarray]:
    return model._func.thinc_forward(model, docs, False)[0]


def test_the_shipped_tok2vec_is_sped_up(nlp) -> None:  # type: ignore[no-untyped-def]
    model = nlp.get_pipe("tok2vec").model
    assert hasattr(model._func, "thinc_forward")
    assert speed_up(model) is False  # once is enough


def test_vectors_equal_thincs_to_float_rounding(nlp) -> None:  # type: ignore[no-untyped-def]
    model = nlp.get_pipe("tok2vec").model
    docs = [nlp.make_doc(t) for t in TEXTS]
    ours, theirs = model.predict(docs), _thinc(model, docs)
    assert [len(a) for a in ours] == [len(d) for d in docs]
    assert sum(len(a) for a in ours) > 500
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)
    # one doc alone gets the vectors it gets in a batch (thinc pads each doc)
    alone = model.predict(docs[:1])[0]
    np.testing.assert_allclose(alone, ours[0], rtol=1e-5, atol=1e-5)


def test_entities_are_the_same(nlp) -> None:  # type: ignore[no-untyped-def]
    plain = spacy.load(default_model_path(), exclude=["tokenizer"])
    plain.tokenizer = nlp.tokenizer
    set_network_ops(plain, NumpyOps(use_blis=False))
    texts = [t for t in TEXTS if t] * 2
    ours = [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in nlp.pipe(texts)]
    theirs = [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in plain.pipe(texts)]
    assert ours == theirs
    assert sum(map(len, ours)) > 10


def test_new_weights_are_noticed(nlp) -> None:  # type: ignore[no-untyped-def]
    model = load_pipeline(rules=False).get_pipe("tok2vec").model
    docs = [nlp.make_doc(TEXTS[0])]
    before = model.predict(docs)[0]
    table = next(n for n in model.walk() if n.name == "hashembed")
    table.set_param("E", table.get_param("E") * 3)
    after = model.predict(docs)[0]
    assert not np.allclose(before, after, atol=1e-3)
    np.testing.assert_allclose(after, _thinc(model, docs)[0], rtol=1e-4, atol=1e-4)


def test_training_runs_thincs_layers() -> None:
    plain = spacy.load(default_model_path(), exclude=["tokenizer"])
    model = plain.get_pipe("tok2vec").model
    for node in model.walk():  # training without dropout gives prediction's numbers
        if "dropout_rate" in node.attrs:
            node.attrs["dropout_rate"] = 0.0
    docs = [plain.make_doc(TEXTS[0])]
    expected = model.predict(docs)[0]
    assert speed_up(model) is True
    vectors, backprop = model.begin_update(docs)
    assert np.array_equal(vectors[0], expected)  # thinc's own layers, to the bit
    backprop([np.ones_like(vectors[0])])
    with pytest.raises(ExtractError, match="predicts only"):
        model._func(model, docs, False)[1]([np.ones_like(vectors[0])])


def test_other_shapes_are_left_alone() -> None:
    other = Model("extract_features>>something_else", lambda model, X, is_train: (X, None))
    func = other._func
    assert speed_up(other) is False
    assert other._func is func
