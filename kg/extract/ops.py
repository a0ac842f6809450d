"""The thinc operations the extraction network runs on: faster for prediction, same numbers.

Two changes from thinc's ``NumpyOps``, both measured on the tok2vec's shapes
(``bench/gemm.py``):

- matrix products on NumPy's OpenBLAS instead of thinc's BLIS: about twice the speed on
  this kind of CPU (AVX-512);
- maxout takes the largest piece with NumPy's ``maximum`` and does not record which piece
  won (only training needs that): 28 → 4 ms for 33k tokens × 96 × 3, the same values.

For prediction only: a backward pass through maxout raises.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from thinc.api import NumpyOps

from kg.errors import ExtractError


class InferenceOps(NumpyOps):
    """thinc's NumpyOps with NumPy's BLAS and a maxout for prediction only."""

    name = "kg-inference"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("use_blis", False)
        super().__init__(**kwargs)

    def maxout(self, X: Any) -> tuple[Any, None]:  # noqa: N803 (thinc's argument name)
        """The largest of the pieces (last axis) of ``X``; which piece won is not kept."""
        return max_of_pieces(X), None

    def backprop_maxout(self, dY: Any, which: Any, P: int) -> Any:  # noqa: N803
        """Refuse: these operations do not record the winning pieces training needs."""
        if which is None:
            raise ExtractError("the extraction pipeline's network runs prediction-only "
                               "operations (kg.extract.ops.InferenceOps); train with "
                               "`kg train`, which uses thinc's own")
        return super().backprop_maxout(dY, which, P)


def max_of_pieces(x: Any) -> Any:
    """The largest of the pieces (last axis) of ``x``, with NumPy's ``maximum``; ``x`` may be
    a strided view."""
    best = x[..., 0].copy()
    for piece in range(1, x.shape[-1]):
        np.maximum(best, x[..., piece], out=best)
    return best
