"""The tokenizer keeps scientific names whole and still splits ordinary hyphenation."""

from __future__ import annotations

import pytest
import spacy

from kg.extract.tokenizer import make_tokenizer


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    nlp = spacy.blank("en")
    nlp.tokenizer = make_tokenizer(nlp)
    return nlp


@pytest.mark.parametrize("name", ["ImageNet-1K", "GPT-3.5", "SatMAE++", "MoCo-v2", "256×256",
                                  "mAP@0.5", "Llama-2-70B-Chat", "XLM-R", "CIFAR-10", "7B"])
def test_names_stay_whole(nlp: spacy.language.Language, name: str) -> None:
    doc = nlp(f"We train {name}, then stop.")
    assert name in [t.text for t in doc]


def test_llama_with_size_keeps_numbers(nlp: spacy.language.Language) -> None:
    assert [t.text for t in nlp("Llama 3.1 8B")] == ["Llama", "3.1", "8B"]


@pytest.mark.parametrize(("text", "tokens"), [
    ("BERT-based", ["BERT", "-", "based"]),
    ("pre-training", ["pre", "-", "training"]),
    ("XLM-R.", ["XLM-R", "."]),
    ("BLEU(%)", ["BLEU", "(", "%", ")"]),
    ("(MIM)", ["(", "MIM", ")"]),
    ("1%", ["1", "%"]),
])
def test_splits(nlp: spacy.language.Language, text: str, tokens: list[str]) -> None:
    assert [t.text for t in nlp(text)] == tokens
