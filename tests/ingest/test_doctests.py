"""The Examples in the docstrings of kg.ingest run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["kg.ingest", "kg.ingest.normalise", "kg.ingest.identity", "kg.ingest.record"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
