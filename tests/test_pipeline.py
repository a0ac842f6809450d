"""The build facade: stages, extraction backends, the extraction cache."""

from __future__ import annotations

import json

import pytest

from kg import distributed
from kg.cache import CACHE_FILE, MentionCache, extractor_id
from kg.model import Mention
from kg.pipeline import STAGES, BuildResult, build
from tests.pipeline_support import assert_isomorphic, sample_papers, write_jsonl, write_rules_model


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return write_rules_model(tmp_path_factory.mktemp("model") / "rules")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    papers = sample_papers(30)
    path = tmp_path_factory.mktemp("corpus") / "papers.jsonl"
    write_jsonl(path, papers + papers[:3])  # three records twice: merged, extracted once
    return path


@pytest.fixture(scope="module")
def single(model, corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("single") / "out"
    return build([corpus], out=out, model=model, html=False, n_process=1)


def test_build_reports_stages_and_counts(single):
    assert isinstance(single, BuildResult)
    assert len(single.papers) == 30
    assert set(single.timings) == set(STAGES)
    assert all(t >= 0 for t in single.timings.values())
    distinct = {t for p in single.papers for t in (p.title, p.abstract) if t.strip()}
    assert single.extracted == len(distinct)
    assert single.cached == 0
    assert single.entities and single.links
    assert str(CACHE_FILE) in single.files


def test_worker_processes_give_the_same_graph(model, corpus, single, monkeypatch):
    monkeypatch.setattr(distributed, "PARTITION_SIZE", 7)  # several partitions, kept in order
    result = build([corpus], model=model, html=False, n_process=2, cache=False)
    assert result.extracted == single.extracted
    assert_isomorphic(result.graph, single.graph)


def test_rebuild_into_the_same_directory_uses_the_cache(model, corpus, single):
    again = build([corpus], out=single.out_dir, model=model, html=False)
    assert again.extracted == 0
    assert again.cached == single.extracted
    assert_isomorphic(again.graph, single.graph)


def test_cache_file_holds_every_text_of_the_build(single, model):
    cache = MentionCache.load(single.out_dir / CACHE_FILE, extractor_id(model))
    assert len(cache) == single.extracted
    papers = single.papers
    assert all(p.abstract in cache for p in papers)


def test_cache_of_another_extractor_is_not_used(single, model):
    assert len(MentionCache.load(single.out_dir / CACHE_FILE, "kg-extract/0.0")) == 0
    assert extractor_id(model) != extractor_id(None)


def test_cache_round_trip_and_damaged_lines(tmp_path):
    cache = MentionCache("x/1")
    mentions = [Mention(0, 4, "Model", "BERT", 0.8123456789, "ner", "uses"),
                Mention(9, 14, "Dataset", "SQuAD", 0.5, "gazetteer")]
    cache.put("BERT on SQuAD", mentions)
    cache.put("", [])
    path = tmp_path / "c" / "mentions.jsonl"
    cache.save(path)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("{not json\n")
        fh.write(json.dumps({"key": 3}) + "\n")
    loaded = MentionCache.load(path, "x/1")
    assert len(loaded) == 2
    assert loaded.get("BERT on SQuAD") == mentions
    assert loaded.get("") == []
    assert loaded.restrict(["BERT on SQuAD", "other"]).get("BERT on SQuAD") == mentions
    assert len(MentionCache.load(tmp_path / "missing.jsonl", "x/1")) == 0


def test_backend_choice(model):
    assert isinstance(distributed.backend(texts=10, model=str(model)), distributed.InProcess)
    pool = distributed.backend(texts=10, n_process=2, model=str(model))
    try:
        assert isinstance(pool, distributed.LocalProcesses)
        parts = [["We propose FooNet for machine translation."], [], ["BLEU."]]
        found = list(pool.map(parts))
        assert [len(r) for r in found] == [1, 0, 1]
        assert found[0][0][0].text == "FooNet" and found[2][0][0].text == "BLEU"
    finally:
        pool.close()
    from kg.errors import UsageError

    with pytest.raises(UsageError):
        distributed.backend(n_process=0)
