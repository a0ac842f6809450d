"""kg.export: the output directory is replaced atomically and never left half-written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kg import export
from kg.errors import OutputError
from kg.model import Entity, Link, Merge, Paper, Source


class FakeGraph:
    """The four record lists a writer reads, built from kg.model records."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self._papers = [
            Paper(id=f"title:{tag}1", title=f"Paper one {tag}", abstract="We use BERT.",
                  author_count=5, date="2023-07-18", date_text="Jul 18, 2023",
                  urls=["https://github.com/a/b"],
                  sources=[Source("a.txt", 3), Source("b.txt", 7)]),
            Paper(id=f"title:{tag}2", title=f"Paper two {tag}", abstract="We use SQuAD.",
                  authors=["Ada Lovelace"], sources=[Source("a.txt", 9)]),
        ]
        self._entities = [Entity(id="model/bert", label="BERT", type="Model",
                                 aliases=["BERT"], papers=[f"title:{tag}1"])]
        self._links = [Link(paper=f"title:{tag}1", entity="model/bert", role="uses",
                            confidence=0.9, field="abstract", start=7, end=11, text="BERT",
                            sentence="We use BERT.", source="ner", extractor_version="t")]
        self._merges = [Merge(a="BERT", b="Bert", decision="merge", reason="normalised-form",
                              score=1.0)]

    def papers(self) -> list[Paper]:
        return self._papers

    def entities(self) -> list[Entity]:
        return self._entities

    def links(self) -> list[Link]:
        return self._links

    def merges(self) -> list[Merge]:
        return self._merges

    def results(self) -> list[Any]:
        return []


@pytest.fixture
def records_only(monkeypatch):
    """Only the JSONL record writer (the graph-format writers need a real graph)."""
    monkeypatch.setattr(export, "WRITERS", [export.write_records])


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_first_write_follows_the_directory_contract(tmp_path, records_only):
    out = tmp_path / "out"
    files = export.write_outputs(FakeGraph("a"), out, html=False)
    assert files == ["papers.jsonl", "entities.jsonl", "links.jsonl", "merges.jsonl",
                     "results.jsonl"]
    assert sorted(p.name for p in out.iterdir()) == sorted(files)
    first, second = read_jsonl(out / "papers.jsonl")
    assert {"id", "title", "abstract", "date", "authors", "sources", "urls",
            "entities"} <= set(first)
    assert first["sources"] == [{"file": "a.txt", "line": 3}, {"file": "b.txt", "line": 7}]
    assert (first["authors"], first["entities"], first["date"]) == (5, ["model/bert"],
                                                                    "2023-07-18")
    assert (second["authors"], second["entities"]) == (["Ada Lovelace"], [])
    (entity,) = read_jsonl(out / "entities.jsonl")
    assert {"id", "label", "type", "aliases", "papers"} <= set(entity)
    assert leftovers(tmp_path) == []


def test_second_write_replaces_the_previous_build(tmp_path, records_only):
    out = tmp_path / "out"
    export.write_outputs(FakeGraph("a"), out, html=False)
    (out / "stale.txt").write_text("from an older build", "utf-8")
    export.write_outputs(FakeGraph("b"), out, html=False)
    assert not (out / "stale.txt").exists()
    titles = [p["title"] for p in read_jsonl(out / "papers.jsonl")]
    assert titles == ["Paper one b", "Paper two b"]
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("error", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_a_failing_writer_leaves_the_previous_build_intact(tmp_path, monkeypatch, error):
    out = tmp_path / "out"
    monkeypatch.setattr(export, "WRITERS", [export.write_records])
    export.write_outputs(FakeGraph("a"), out, html=False)
    before = snapshot(out)
    seen: list[Path] = []

    def failing_writer(graph, directory: Path) -> list[str]:
        (directory / "half.ttl").write_text("@prefix", "utf-8")
        seen.append(directory)
        raise error

    monkeypatch.setattr(export, "WRITERS", [export.write_records, failing_writer])
    with pytest.raises(type(error)):
        export.write_outputs(FakeGraph("b"), out, html=False)
    assert seen and seen[0] != out and not seen[0].exists()  # the temp dir is gone
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


def test_a_failing_first_write_leaves_no_directory(tmp_path, monkeypatch):
    def failing_writer(graph, directory: Path) -> list[str]:
        raise RuntimeError("boom")

    monkeypatch.setattr(export, "WRITERS", [failing_writer])
    with pytest.raises(RuntimeError):
        export.write_outputs(FakeGraph("a"), tmp_path / "out", html=False)
    assert list(tmp_path.iterdir()) == []


def test_out_that_is_a_file_is_an_output_error(tmp_path, records_only):
    out = tmp_path / "out"
    out.write_text("not a directory", "utf-8")
    with pytest.raises(OutputError, match="not a directory"):
        export.write_outputs(FakeGraph("a"), out, html=False)
    assert out.read_text("utf-8") == "not a directory"
    assert leftovers(tmp_path) == []


def test_parallel_writers_write_the_same_files(tmp_path):
    from kg.graph import KnowledgeGraph
    from tests.query.minigraph import mini_graph

    mini = mini_graph()
    kg = KnowledgeGraph(mini.papers(), mini.entities(), mini.links(), mini.merges())
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    timings: dict[str, float] = {}
    files = export.write_outputs(kg, serial, html=False, processes=1)
    assert export.write_outputs(kg, parallel, html=False, processes=2, timings=timings) == files
    assert snapshot(serial) == snapshot(parallel)
    assert set(timings) == {"write_records", "write_rdf", "write_graph_formats"}


def failing_rdf(graph, directory: Path) -> list[str]:
    (directory / "half.nt").write_text("<a>", "utf-8")
    raise OutputError("disk full in the child")


failing_rdf.__name__ = "write_rdf"


def test_a_failing_writer_in_a_child_process_leaves_the_previous_build(tmp_path, monkeypatch):
    out = tmp_path / "out"
    monkeypatch.setattr(export, "WRITERS", [export.write_records])
    export.write_outputs(FakeGraph("a"), out, html=False)
    before = snapshot(out)
    monkeypatch.setattr(export, "WRITERS", [export.write_records, failing_rdf])
    with pytest.raises(OutputError, match="disk full in the child"):
        export.write_outputs(FakeGraph("b"), out, html=False, processes=2)
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


def test_writers_are_not_forked_beyond_the_memory_budget(tmp_path, monkeypatch):
    from kg.graph import KnowledgeGraph
    from tests.query.minigraph import mini_graph

    mini = mini_graph()
    kg = KnowledgeGraph(mini.papers(), mini.entities(), mini.links(), mini.merges())
    monkeypatch.setattr(export, "PARALLEL_MIN_LINKS", 1)
    monkeypatch.setattr(export, "PARALLEL_MEMORY", export._rss())  # room for this process only

    def no_fork(*args, **kwargs):
        raise AssertionError("a writer was forked")

    monkeypatch.setattr(export.mp, "get_context", no_fork)
    files = export.write_outputs(kg, tmp_path / "out", html=False)
    assert "graph.nt" in files and (tmp_path / "out" / "graph.nt").stat().st_size > 0
