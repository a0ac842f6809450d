"""User overrides: the file format, its errors, and their effect on resolution and the CLI."""

from __future__ import annotations

import json

import pytest

from kg.errors import ResolveError
from kg.resolve import load_overrides, resolve


def write(tmp_path, *lines):
    path = tmp_path / "overrides.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def entity_of(resolution, alias):
    (found,) = [e for e in resolution.entities if alias in e.aliases]
    return found


def test_overrides_file_is_parsed(tmp_path):
    path = write(tmp_path, "# comment", "",
                 '{"merge": ["GPT-3", "GPT-4"], "note": "one family for this study"}',
                 '{"keep_apart": ["Llama 2", "LLaMA2", "Llama-2"]}',
                 '{"variant_of": ["Mixtral 8x7B", "Mistral 7B"]}', '{"drop": "LoRA"}')
    rules = load_overrides(path)
    assert rules.merges == [("GPT-3", "GPT-4")]
    assert rules.keep_apart == [("Llama 2", "LLaMA2", "Llama-2")]
    assert rules.variant_of == [("Mixtral 8x7B", "Mistral 7B")]
    assert rules.drop == ["LoRA"]


@pytest.mark.parametrize("line,message", [
    ('{"merge": ["only one"]}', "at least 2"),
    ('{"merge": "GPT-3"}', "list"),
    ('{"fuse": ["a", "b"]}', "expected exactly one of"),
    ('{"merge": ["a", "b"], "drop": ["c"]}', "expected exactly one of"),
    ('{"variant_of": ["a", "b", "c"]}', "exactly two"),
    ('["merge", "a", "b"]', "expected a JSON object"),
    ('{"merge": ["a", "b"]', "not a JSON object"),
    ('{"keep_apart": ["a", ""]}', "non-empty"),
])
def test_malformed_line_names_file_and_line(tmp_path, line, message):
    path = write(tmp_path, "# fine", '{"merge": ["x", "y"]}', line)
    with pytest.raises(ResolveError) as err:
        load_overrides(path)
    assert f"{path}:3:" in str(err.value) and message in str(err.value)


def test_missing_file_is_a_resolve_error(tmp_path):
    with pytest.raises(ResolveError, match="cannot read"):
        load_overrides(tmp_path / "nope.jsonl")


def test_overrides_change_the_resolution(tmp_path, corpus):
    path = write(tmp_path, '{"merge": ["GPT-3", "GPT-4"]}',
                 '{"keep_apart": ["Llama 2", "LLaMA2"]}',
                 '{"keep_apart": ["Masked Image Modeling", "Masked Image Modelling"]}',
                 '{"variant_of": ["Mixtral 8x7B", "Mistral 7B"]}', '{"drop": ["LoRA"]}')
    r = resolve(*corpus, overrides=path)
    assert entity_of(r, "GPT-3") is entity_of(r, "GPT-4")
    assert entity_of(r, "Llama 2").id != entity_of(r, "LLaMA2").id
    assert entity_of(r, "Masked Image Modeling").id != entity_of(r, "Masked Image Modelling").id
    assert entity_of(r, "Mixtral 8x7B").broader == [entity_of(r, "Mistral 7B").id]
    assert not [e for e in r.entities if "LoRA" in e.aliases]
    assert not [k for k in r.links if "lora" in k.entity]
    reasons = {(m.a, m.b, m.decision, m.reason) for m in r.merges}
    assert ("GPT-3", "GPT-4", "merge", "override") in reasons
    assert ("Llama 2", "LLaMA2", "keep-apart", "override") in reasons
    assert ("Mixtral 8x7B", "Mistral 7B", "variant-of", "override") in reasons


def test_keep_apart_blocks_transitive_merges(tmp_path, corpus):
    # MIM joins "Masked Image Modeling" by acronym; keeping MIM apart from the British
    # spelling must also keep the fuzzy merge of the two spellings from joining them
    path = write(tmp_path, '{"keep_apart": ["MIM", "Masked Image Modelling"]}')
    r = resolve(*corpus, overrides=path)
    assert entity_of(r, "MIM").id != entity_of(r, "Masked Image Modelling").id
    refused = [m for m in r.merges if m.decision == "keep-apart" and m.reason == "override"]
    assert len(refused) >= 2  # the rule itself and the merge it refused


def test_cli_build_applies_overrides_and_writes_the_merge_log(tmp_path, corpus, monkeypatch):
    click_testing = pytest.importorskip("click.testing")
    import kg.pipeline
    from kg.cli import cli

    papers, mentions = corpus
    by_title = {p.title: mentions[p.id] for p in papers}

    def fake_extract_stage(found, store, **_):
        out = {p.id: by_title[p.title] for p in found}
        for p in found:
            store.put(p.title, out[p.id]["title"])
            store.put(p.abstract, out[p.id]["abstract"])
        return out, 2 * len(found), 0

    monkeypatch.setattr(kg.pipeline, "extract_stage", fake_extract_stage)
    source = tmp_path / "papers.jsonl"
    source.write_text("".join(json.dumps({"title": p.title, "abstract": p.abstract}) + "\n"
                              for p in papers), encoding="utf-8")
    rules = write(tmp_path, '{"merge": ["GPT-3", "GPT-4"]}')
    out = tmp_path / "out"
    result = click_testing.CliRunner().invoke(
        cli, ["build", str(source), "--out", str(out), "--overrides", str(rules), "--no-html",
              "-q"])
    assert result.exit_code == 0, result.output
    merges = [json.loads(line) for line in (out / "merges.jsonl").read_text().splitlines()]
    assert {"a": "GPT-3", "b": "GPT-4", "decision": "merge", "reason": "override",
            "score": 100.0} in merges
    entities = [json.loads(line) for line in (out / "entities.jsonl").read_text().splitlines()]
    llama = [e for e in entities if e["id"] == "model/llama-2"]
    assert llama and {"Llama 2", "LLaMA2", "LLaMA 2", "Llama-2"} <= set(llama[0]["aliases"])

    bad = write(tmp_path, '{"merge": ["GPT-3"]}')
    result = click_testing.CliRunner().invoke(
        cli, ["build", str(source), "--out", str(out), "--overrides", str(bad), "--no-html"])
    assert result.exit_code == 5
    assert f"{bad}:1:" in result.output
