"""The Dask backend: extraction on a LocalCluster gives the single-process graph."""

from __future__ import annotations

import pytest

from kg.pipeline import build
from tests.pipeline_support import assert_isomorphic, sample_papers, write_jsonl, write_rules_model

pytest.importorskip("distributed")


def test_dask_local_cluster_build_equals_single_process(tmp_path, monkeypatch):
    from kg import distributed

    model = write_rules_model(tmp_path / "rules")
    corpus = write_jsonl(tmp_path / "papers.jsonl", sample_papers(30))
    monkeypatch.setattr(distributed, "PARTITION_SIZE", 8)  # 8 partitions over 2 workers
    single = build([corpus], model=model, html=False, n_process=1, cache=False)
    on_dask = build([corpus], model=model, html=False, dask="local", cache=False)
    assert on_dask.extracted == single.extracted == 60
    assert_isomorphic(on_dask.graph, single.graph)


def test_unreachable_scheduler_is_a_usage_error(tmp_path):
    from kg.distributed import DaskBackend
    from kg.errors import UsageError

    with pytest.raises(UsageError, match="cannot connect"):
        DaskBackend("tcp://127.0.0.1:1", model=str(tmp_path), timeout=2)
