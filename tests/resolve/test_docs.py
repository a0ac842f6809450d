"""The examples in the docstrings of resolution and the graph API run (doctests)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["kg.resolve.normalise", "kg.resolve.acronyms", "kg.resolve.match",
           "kg.resolve.cluster", "kg.resolve.links", "kg.resolve.overrides",
           "kg.resolve.resolver", "kg.graph.nx"]


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_run(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{module} has no examples"
    assert result.failed == 0
