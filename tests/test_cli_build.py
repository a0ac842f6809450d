"""``kg build`` through the command line (click's CliRunner): the documented behaviour.

These run the whole pipeline (ingest → extract → resolve → graph → outputs).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

FIXTURES = Path(__file__).parent / "ingest" / "fixtures"


def run(*args: str):
    from kg.cli import cli

    return CliRunner().invoke(cli, ["build", *args], catch_exceptions=False)


def papers_of(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "papers.jsonl").read_text("utf-8").splitlines()]


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


@pytest.fixture(scope="module")
def default_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("build") / "kg-out"
    result = run("--out", str(out), "--quiet")
    return out, result


def test_build_without_input_uses_the_bundled_listings(default_build):
    out, result = default_build
    assert result.exit_code == 0, result.output
    assert "bundled sample listings" in result.stderr
    assert "Hugging Face daily papers" in result.stderr
    papers = papers_of(out)
    assert len(papers) == 369
    assert sum(len(p["sources"]) for p in papers) == 471
    assert len({p["id"] for p in papers}) == 369
    first = papers[0]
    assert {"id", "title", "abstract", "date", "authors", "sources", "urls",
            "entities"} <= set(first)
    entities = [json.loads(line) for line in
                (out / "entities.jsonl").read_text("utf-8").splitlines()]
    assert entities and {e["type"] for e in entities} <= {
        "Method", "Model", "Dataset", "Metric", "Task"}
    known = {e["id"] for e in entities}
    assert all(set(p["entities"]) <= known for p in papers)
    results = [json.loads(line) for line in
               (out / "results.jsonl").read_text("utf-8").splitlines()]
    assert results and all(r["metric"] in known for r in results)
    assert all(r["dataset"] in known | {None} and r["entity"] in known | {None}
               for r in results)
    # the summary: papers, entities, links, files written, time
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("369 papers, ") and " entities, " in summary
    assert " links, " in summary and " results, " in summary and " files written to " in summary
    assert summary.endswith(" s")


def test_second_build_into_the_same_out_replaces_it(default_build):
    out, first = default_build
    assert first.exit_code == 0, first.output
    result = run(str(FIXTURES / "hf_meta.txt"), "--out", str(out), "--quiet", "--no-html")
    assert result.exit_code == 0, result.output
    papers = papers_of(out)
    assert [p["title"].split(":")[0] for p in papers] == [
        "UniTabE", "How2Everything", "TÜLU 3", "Zero-Shot Needs Data"]
    assert not (out / "html").exists()  # nothing of the previous build is left
    assert leftovers(out.parent) == []


def test_bad_file_among_good_ones_is_reported_and_the_rest_built(tmp_path):
    out = tmp_path / "out"
    binary = tmp_path / "data.bin"
    binary.write_bytes(b"\x00\x01\x02 not text")
    result = run(str(FIXTURES / "hf_blank.txt"), str(FIXTURES / "bad.jsonl"), str(binary),
                 "--out", str(out), "--quiet", "--no-html")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert any(f"{FIXTURES / 'bad.jsonl'}:2: " in line and "malformed JSON" in line
               for line in lines)
    assert any(f"{binary}:1: " in line and "binary file" in line for line in lines)
    titles = {p["title"] for p in papers_of(out)}
    assert titles == {
        "Zero-Shot Needs Data: Concept Frequency Determines Performance",
        "Continual Pre-Training of Large Language Models: How to (re)warm your model?",
        "Good Paper One", "Good Paper Two"}


def test_no_readable_input_exits_3_and_writes_nothing(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "out"
    result = run(str(empty), str(tmp_path / "missing.csv"), "--out", str(out), "--quiet")
    assert result.exit_code == 3
    assert "kg: error: no paper could be read" in result.stderr
    assert f"{empty}: error: empty file" in result.stderr
    assert not out.exists()


def test_unknown_format_exits_2(tmp_path):
    result = run(str(FIXTURES / "papers.jsonl"), "--format", "xml", "--out",
                 str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "unknown input format 'xml'" in result.stderr
