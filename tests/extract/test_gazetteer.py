"""kg_gazetteer: longest match, case rules, load time, and the data built from shared/."""

from __future__ import annotations

import importlib.util
import json
import time
from pathlib import Path
from types import ModuleType

import pytest
import spacy
from spacy.language import Language

import kg.extract.gazetteer  # noqa: F401  (registers the factory)
from kg.errors import ExtractError
from kg.extract.gazetteer import is_case_sensitive, read_entries
from kg.extract.spans import ENTITY_TYPES, GAZETTEER_KEY
from kg.extract.tokenizer import make_tokenizer

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "kg" / "extract" / "data"
SHARED = ROOT.parent / "shared"


def make_nlp(path: Path | None = FIXTURES / "gazetteer-small.jsonl") -> Language:
    nlp = spacy.blank("en")
    nlp.tokenizer = make_tokenizer(nlp)
    nlp.add_pipe("kg_gazetteer", config={"path": str(path) if path else None})
    return nlp


def found(doc: spacy.tokens.Doc) -> list[tuple[str, str]]:
    return [(s.text, s.label_) for s in doc.spans[GAZETTEER_KEY]]


@pytest.fixture(scope="module")
def small() -> Language:
    return make_nlp()


def test_longest_match_wins(small: Language) -> None:
    doc = small("We study semantic segmentation and Segmentation of scans.")
    assert found(doc) == [("semantic segmentation", "Task"), ("Segmentation", "Task")]
    assert found(small("Our BLEU score rises; BLEU too.")) == [
        ("BLEU score", "Metric"),
        ("BLEU", "Metric"),
    ]


def test_case_rules(small: Language) -> None:
    # short / all-caps / one word with a digit: exact case only
    assert found(small("it is what it IS on cora and Cora")) == [
        ("IS", "Metric"),
        ("Cora", "Dataset"),
    ]
    assert found(small("imagenet-1k versus ImageNet-1K")) == [("ImageNet-1K", "Dataset")]
    assert found(small("bleu and BLEU")) == [("BLEU", "Metric")]
    # longer names match in any case, also with a digit when they have several words
    assert found(small("PENN TREEBANK, penn treebank")) == [
        ("PENN TREEBANK", "Dataset"),
        ("penn treebank", "Dataset"),
    ]
    assert found(small("top-1 accuracy")) == [("top-1 accuracy", "Metric")]


def test_span_attributes(small: Language) -> None:
    doc = small("Top-1 Accuracy on Cora.")
    (one, two) = doc.spans[GAZETTEER_KEY]
    assert (one.kb_id_, one._.kg_score, one._.kg_source, one._.kg_role) == (
        "Accuracy", None, "gazetteer", None)
    assert (two.kb_id_, two._.kg_source) == ("Cora", "gazetteer")


def test_model_size_suffix_is_kept(small: Language) -> None:
    assert found(small("We fine-tune RoBERTa-large and RoBERTa-base-uncased.")) == [
        ("RoBERTa-large", "Model"),
        ("RoBERTa-base-uncased", "Model"),
    ]
    assert found(small("RoBERTa-based models")) == [("RoBERTa", "Model")]


def test_names_across_lines_and_odd_spacing(small: Language) -> None:
    assert found(small("on the Penn  Treebank")) == [("Penn  Treebank", "Dataset")]
    assert found(small("semantic\n\nsegmentation")) == [("segmentation", "Task")]


def test_a_dataset_written_with_hyphens(small: Language) -> None:
    assert found(small("results on Penn-Treebank")) == [("Penn-Treebank", "Dataset")]
    # other types keep their spelling: a hyphen often joins words that are no name
    assert found(small("Semantic-Segmentation")) == []


def test_robust_to_empty_and_markup(small: Language) -> None:
    assert found(small("")) == []
    assert found(small("<p>$\\mathcal{L}$ {{BLEU}} (Cora) </p>")) == [
        ("BLEU", "Metric"),
        ("Cora", "Dataset"),
    ]


def test_bad_files_raise_with_location(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match=r"gazetteer-bad-type.jsonl:2: type 'Gadget'"):
        read_entries(FIXTURES / "gazetteer-bad-type.jsonl")
    with pytest.raises(ExtractError, match=r"gazetteer-bad-json.jsonl:2: not a gazetteer entry"):
        read_entries(FIXTURES / "gazetteer-bad-json.jsonl")
    with pytest.raises(ExtractError, match="cannot read gazetteer"):
        read_entries(tmp_path / "missing.jsonl")


def test_is_case_sensitive() -> None:
    assert is_case_sensitive("BLEU") and is_case_sensitive("METEOR")
    assert is_case_sensitive("Cora") and is_case_sensitive("ImageNet-1K")
    assert not is_case_sensitive("Top-1 Accuracy")
    assert not is_case_sensitive("machine translation")


# -- the packaged data -------------------------------------------------------------------


def test_packaged_pipeline_loads_fast_and_leaves_tokenizer_alone() -> None:
    nlp = spacy.blank("en")
    nlp.tokenizer = make_tokenizer(nlp)
    n_strings = len(nlp.vocab.strings)
    start = time.perf_counter()
    nlp.add_pipe("kg_gazetteer")
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"kg_gazetteer took {elapsed:.2f}s to load"
    # nothing was tokenized: the vocab (and the tokenizer cache) saw no gazetteer name
    assert len(nlp.vocab.strings) == n_strings
    doc = nlp("We report top-1 accuracy on ImageNet and BLEU on WMT14 for machine translation.")
    assert ("machine translation", "Task") in found(doc)
    assert ("BLEU", "Metric") in found(doc)


def test_packaged_data_is_small_valid_and_filtered() -> None:
    path = DATA / "gazetteer.jsonl"
    assert path.stat().st_size < 3_000_000
    entries = read_entries()
    assert len(entries) > 5000
    assert {e["type"] for e in entries} <= set(ENTITY_TYPES)
    texts = [e["text"].lower() for e in entries]
    assert len(texts) == len(set(texts)), "names must be unique (case-insensitively)"
    filters = json.loads((DATA / "gazetteer-filters.json").read_text("utf-8"))
    stop = {s.lower() for s in filters["stoplist"]}
    assert not stop & set(texts)
    for generic in ("time", "image", "speed", "other", "classification", "all"):
        assert generic not in texts
    assert {"accuracy", "machine translation", "bleu"} <= set(texts)
    assert (DATA / "GAZETTEER-LICENSE.md").read_text("utf-8").count("CC BY-SA 4.0") >= 1


# -- the builder -------------------------------------------------------------------------


def load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_gazetteer", ROOT / "tools" / "build_gazetteer.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_builder_name_rules() -> None:
    b = load_builder()
    assert b.split_name("Exact Match (EM)") == [
        ("Exact Match", "Exact Match"),
        ("EM", "Exact Match"),
    ]
    assert b.split_name("Mean IoU (test)") == [("Mean IoU", "Mean IoU")]
    filters = b.Filters(DATA / "gazetteer-filters.json")
    assert filters.strip_split("COCO test-dev") == "COCO"
    assert filters.strip_split("BDD100K val") == "BDD100K"
    assert filters.keep("Accuracy", "Metric")
    assert not filters.keep("Time", "Task")
    assert not filters.keep("Other", "Task")
    assert not filters.keep("Image", "Task")
    assert not filters.keep("42", "Dataset")
    assert not filters.keep("ImageNet - 10% labeled data", "Dataset")
    assert filters.new_type("Continual Learning", "Task") == "Method"
    assert filters.new_type("Machine Translation", "Task") == "Task"
    assert b.looks_like_model("XLNet-Large") and not b.looks_like_model("Random Performance")


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "gazetteers").is_dir(), reason="shared/gazetteers not present")
def test_packaged_gazetteer_is_rebuilt_identically(tmp_path: Path) -> None:
    b = load_builder()
    out = tmp_path / "gazetteer.jsonl"
    assert b.main(["--out", str(out)]) == 0
    assert out.read_bytes() == (DATA / "gazetteer.jsonl").read_bytes()


def test_entry_without_text_is_reported() -> None:
    with pytest.raises(ExtractError, match=r"gazetteer-no-text.jsonl:2: not a gazetteer entry"):
        read_entries(FIXTURES / "gazetteer-no-text.jsonl")
