"""The packaged head-word types are what tools/build_head_types.py builds from the gold data."""

from __future__ import annotations

import importlib.util
import json
from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOLD_DIR = ROOT.parent / "shared" / "gold"


@pytest.mark.skipif(not GOLD_DIR.is_dir(), reason="shared/gold is not beside the repo")
def test_packaged_head_types_are_rebuilt_from_the_training_splits() -> None:
    spec = importlib.util.spec_from_file_location("build_head_types",
                                                  ROOT / "tools" / "build_head_types.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    built = tool.build(str(GOLD_DIR))
    packaged = json.loads(resources.files("kg.extract").joinpath("data/head_types.json")
                          .read_text("utf-8"))
    assert built == packaged
    heads = packaged["heads"]
    assert heads["training"]["type"] == "Method" and heads["classification"]["type"] == "Task"
    assert all(v["type"] in ("Method", "Task", "Dataset") for v in heads.values())
