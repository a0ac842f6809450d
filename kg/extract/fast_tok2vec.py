"""spaCy's CNN tok2vec (``spacy.Tok2Vec.v2``) predicted with fewer operations.

The tok2vec is most of the extraction time. Its prediction is rewritten here for the
architecture the shipped model has (``MultiHashEmbed.v2`` into ``MaxoutWindowEncoder.v2``),
with the model's own weights:

- **the embedding's products are computed once, at load**: the embedding concatenates one
  hashed table row-sum per attribute (NORM, PREFIX, ...) and multiplies the result by the
  maxout's weights. The product is linear, so each table is multiplied by its block of the
  weights once, and a token's pre-activation is a sum of rows of those products (a third of
  the network's multiplications gone, and the concatenation with them);
- each attribute value is hashed and looked up once per batch (``numpy.unique``), not once per
  token;
- the maxout weights are reordered so that the pieces are contiguous blocks, and the layer
  normalisation reuses its mean.

The results are the same up to float rounding (sums in another order: at most ~1e-5 on values
of magnitude 1–10; a test compares both). Training, and any network of another shape, runs
thinc's own layers: :func:`speed_up` leaves them untouched and says so by returning False.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from thinc.api import Model

from kg.errors import ExtractError
from kg.extract.ops import max_of_pieces

# the layer names of spacy.Tok2Vec.v2 over MultiHashEmbed.v2 and MaxoutWindowEncoder.v2
_SHAPE = re.compile(
    r"extract_features>>list2ragged>>with_array\((ints-getitem>>hashembed\|?)+\)"
    r">>with_array\(maxout>>layernorm>>dropout\)>>ragged2list"
    r">>with_array\((residual\(expand_window>>maxout>>layernorm>>dropout\)(>>)?)+\)$")

Weights = tuple[np.ndarray, np.ndarray, int, int]


def speed_up(model: Model) -> bool:
    """Give a loaded tok2vec ``model`` the faster prediction; False if its shape differs.

    The original forward function stays reachable as ``model._func.thinc_forward``.

    Prediction reads the weights as they are now: parameter arrays replaced (as in loading
    other weights) are noticed and the products computed again; arrays changed in place are
    not (``load_pipeline``'s networks never train). Training (``is_train=True``) runs the
    original layers.
    """
    original = model._func
    if not _SHAPE.match(model.name) or hasattr(original, "thinc_forward"):
        return False
    cache: dict[str, Any] = {}

    def forward(model: Model, docs: Sequence[Any], is_train: bool) -> tuple[list, Callable]:
        if is_train:
            return original(model, docs, is_train)
        params = _params(model)
        held = cache.get("params", [])
        if len(held) != len(params) or any(a is not b for a, b in zip(held, params)):
            cache.clear()
            cache.update(_prepare(model), params=params)  # held: their ids stay unique
        return _predict(cache, docs), _no_backprop

    forward.thinc_forward = original  # type: ignore[attr-defined]
    model._func = forward
    return True


def _no_backprop(_: Any) -> Any:
    raise ExtractError("kg.extract.fast_tok2vec predicts only; train with `kg train`")


def _params(model: Model) -> list[Any]:
    """The parameter arrays the model holds (new arrays after loading other weights)."""
    return [node.get_param(name) for node in model.walk()
            for name in node.param_names if node.has_param(name)]


def _piece_major(maxout: Model) -> Weights:
    """A maxout's weights as (nI, nP * nO) and bias, piece by piece (contiguous pieces)."""
    n_out, n_pieces, n_in = (maxout.get_dim(d) for d in ("nO", "nP", "nI"))
    weights = maxout.get_param("W").reshape(n_out, n_pieces, n_in).transpose(1, 0, 2)
    bias = maxout.get_param("b").reshape(n_out, n_pieces).T
    return (np.ascontiguousarray(weights.reshape(n_pieces * n_out, n_in).T, dtype="f"),
            np.ascontiguousarray(bias.reshape(-1), dtype="f"), n_out, n_pieces)


def _prepare(model: Model) -> dict[str, Any]:
    """The products, offsets and reordered weights the prediction uses."""
    embed, encode = model.layers
    getitems = [n for n in embed.walk() if n.name == "ints-getitem"]
    tables = [n for n in embed.walk() if n.name == "hashembed"]
    maxouts = [n for n in model.walk() if n.name == "maxout"]
    norms = [(n.get_param("G"), n.get_param("b")) for n in model.walk() if n.name == "layernorm"]
    windows = [n.attrs["window_size"] for n in model.walk() if n.name == "expand_window"]
    weights, bias, n_out, n_pieces = _piece_major(maxouts[0])
    products, lookups, offset, start = [], [], 0, 0
    for getitem, table in zip(getitems, tables):
        rows = table.get_param("E")
        width = rows.shape[1]
        products.append(rows @ weights[start:start + width])
        lookups.append((getitem.attrs["index"][1], table.attrs["seed"], rows.shape[0], offset))
        start += width
        offset += rows.shape[0]
    return {
        "columns": embed.layers[0].attrs["columns"],
        "products": np.ascontiguousarray(np.concatenate(products), dtype="f"),
        "lookups": lookups, "bias": bias, "n_out": n_out, "n_pieces": n_pieces,
        "norms": norms, "layers": [_piece_major(m) for m in maxouts[1:]],
        "windows": windows, "pad": encode.attrs["pad"], "ops": model.ops,
    }


def _features(doc: Any, columns: list) -> np.ndarray:
    """A doc's attribute ids, as spaCy's feature extractor reads them."""
    ids = doc.to_array(columns)
    return ids.reshape((-1, len(columns))).astype("uint64", copy=False)


def _maxout(x: np.ndarray, n_out: int, n_pieces: int) -> np.ndarray:
    """Maxout of piece-major pre-activations (N, n_pieces * n_out)."""
    return max_of_pieces(x.reshape(len(x), n_pieces, n_out).transpose(0, 2, 1))


def _layernorm(x: np.ndarray, gain: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """thinc's LayerNorm (variance + 1e-8), in place on ``x``."""
    x -= x.mean(axis=1, keepdims=True)
    var = (x * x).mean(axis=1, keepdims=True)
    var += 1e-08
    x *= var ** -0.5
    x *= gain
    x += shift
    return x


def _predict(prep: dict[str, Any], docs: Sequence[Any]) -> list[np.ndarray]:
    ops = prep["ops"]
    ids = [_features(doc, prep["columns"]) for doc in docs]
    lengths = [len(a) for a in ids]
    n_out = prep["n_out"]
    flat = np.concatenate(ids) if ids else np.zeros((0, len(prep["columns"])), "uint64")
    # the embedding: per attribute, each distinct value hashed and summed once
    hidden = np.zeros((len(flat), n_out * prep["n_pieces"]), "f")
    if len(flat):
        for column, seed, n_rows, offset in prep["lookups"]:
            values, where = np.unique(flat[:, column], return_inverse=True)
            keys = ops.hash(values, seed) % n_rows
            keys += offset
            hidden += ops.gather_add(prep["products"], keys.astype("uint32"))[where]
    hidden += prep["bias"]
    embedded = _layernorm(_maxout(hidden, n_out, prep["n_pieces"]), *prep["norms"][0])
    # the encoder: thinc's with_array pads each non-empty doc with `pad` zero rows
    pad = prep["pad"]
    x = np.zeros((len(flat) + pad * (sum(1 for n in lengths if n) + 1), n_out), "f")
    starts, row, src = [], pad, 0
    for n in lengths:
        starts.append(row)
        if n:
            x[row:row + n] = embedded[src:src + n]
            src += n
            row += n + pad
    for (weights, bias, width, pieces), norm, window in zip(
            prep["layers"], prep["norms"][1:], prep["windows"]):
        pre = ops.seq2col(x, window) @ weights
        pre += bias
        x += _layernorm(_maxout(pre, width, pieces), *norm)
    return [x[s:s + n] if n else np.zeros((0, n_out), "f") for s, n in zip(starts, lengths)]
