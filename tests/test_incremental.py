"""``build(update=DIR)`` / ``kg build --update DIR NEW_INPUT``: incremental builds."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg.cache import CACHE_FILE
from kg.pipeline import build
from tests.pipeline_support import (
    assert_isomorphic,
    sample_papers,
    write_jsonl,
    write_rules_model,
    write_texts,
)


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return write_rules_model(tmp_path_factory.mktemp("model") / "rules")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    old, new = sample_papers(20), sample_papers(12, skip=20)
    # the new input repeats two old papers: they merge into the existing ones
    return write_jsonl(folder / "old.jsonl", old), write_jsonl(folder / "new.jsonl",
                                                               new + old[:2])


def test_update_equals_a_full_rebuild(model, inputs, tmp_path):
    old, new = inputs
    full = build([old, new], out=tmp_path / "full", model=model, html=False)
    first = build([old], out=tmp_path / "inc", model=model, html=False)
    updated = build([new], update=tmp_path / "inc", model=model, html=False)
    assert updated.out_dir == tmp_path / "inc"
    assert updated.cached == first.extracted  # no old text extracted again
    assert updated.extracted == full.extracted - first.extracted
    assert len(updated.papers) == 32
    assert [p.id for p in updated.papers] == [p.id for p in full.papers]
    assert_isomorphic(updated.graph, full.graph)
    # the cache went through the atomic replace and now covers both inputs
    lines = (tmp_path / "inc" / CACHE_FILE).read_text("utf-8").splitlines()
    assert len(lines) - 1 == full.extracted


def test_old_texts_come_from_the_cache(model, tmp_path):
    old = write_texts(tmp_path / "old.jsonl", [("Old paper", "We propose FooNet for parsing.")])
    new = write_texts(tmp_path / "new.jsonl", [("New paper", "We propose BarNet for parsing.")])
    build([old], out=tmp_path / "dir", model=model, html=False)
    path = tmp_path / "dir" / CACHE_FILE
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    for row in rows[1:]:  # tamper with the cached mentions: the update must reuse them
        for m in row["mentions"]:
            if m[3] == "FooNet":
                m[3] = "Zzyzx"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    updated = build([new], update=tmp_path / "dir", model=model, html=False)
    labels = {e.label for e in updated.entities}
    assert "Zzyzx" in labels and "BarNet" in labels and "FooNet" not in labels


def test_existing_entities_keep_their_ids_and_gain_aliases(model, tmp_path):
    old = write_texts(tmp_path / "old.jsonl",
                      [("Old", "We propose FooNet, a new model for machine translation.")])
    new = write_texts(tmp_path / "new.jsonl", [
        ("New one", "We propose Foo-Net, a method evaluated with BLEU."),
        ("New two", "We propose Foo-Net, a method for parsing."),
    ])
    first = build([old], out=tmp_path / "dir", model=model, html=False)
    (foonet,) = [e for e in first.entities if e.label == "FooNet"]
    updated = build([new], update=tmp_path / "dir", model=model, html=False)
    (same,) = [e for e in updated.entities if "Foo-Net" in e.aliases]
    assert same.id == foonet.id  # the IRI of an existing entity does not change
    assert set(same.aliases) == {"FooNet", "Foo-Net"}
    assert len(same.papers) == 3
    from kg.graph.rdf import entity_iri

    assert entity_iri(same.id) == entity_iri(foonet.id)


def test_update_through_the_cli(model, inputs, tmp_path):
    from kg.cli import cli

    old, new = inputs
    out = tmp_path / "dir"
    runner = CliRunner()
    first = runner.invoke(cli, ["build", str(old), "--out", str(out), "--model", str(model),
                                "--quiet", "--no-html"], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    result = runner.invoke(cli, ["build", "--update", str(out), str(new), "--model", str(model),
                                 "--quiet", "--no-html"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "new texts extracted" in result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("32 papers, ")
    papers = [json.loads(line) for line in (out / "papers.jsonl").read_text("utf-8").splitlines()]
    assert len(papers) == 32


def test_update_of_a_missing_directory_fails_clearly(model, inputs, tmp_path):
    from kg.errors import GraphError

    with pytest.raises(GraphError, match="not a directory"):
        build([inputs[1]], update=tmp_path / "nothing", model=model, html=False)
