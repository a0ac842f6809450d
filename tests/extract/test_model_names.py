"""kg_model_names: known model families with their versions, sizes and flavours."""

from __future__ import annotations

import pytest
import spacy

import kg.extract.model_names  # noqa: F401  (registers the factory)
from kg.extract.spans import MODELS_KEY
from kg.extract.tokenizer import make_tokenizer


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    nlp = spacy.blank("en")
    nlp.tokenizer = make_tokenizer(nlp)
    nlp.add_pipe("kg_model_names")
    return nlp


def names(nlp: spacy.language.Language, text: str) -> list[str]:
    doc = nlp(text)
    assert all(s.label_ == "Model" for s in doc.spans[MODELS_KEY])
    return [s.text for s in doc.spans[MODELS_KEY]]


def test_spellings_of_a_versioned_family(nlp: spacy.language.Language) -> None:
    text = "We compare Llama 2, LLaMA2, LLaMA 2 and Llama-2 on MMLU."
    assert names(nlp, text) == ["Llama 2", "LLaMA2", "LLaMA 2", "Llama-2"]


def test_versions_sizes_and_flavours(nlp: spacy.language.Language) -> None:
    text = "Llama 3.1 8B Instruct beats GPT-3.5-turbo, GPT-4o and T5 base; Qwen2.5-72B too."
    assert names(nlp, text) == ["Llama 3.1 8B Instruct", "GPT-3.5-turbo", "GPT-4o", "T5 base",
                                "Qwen2.5-72B"]


def test_flavour_needs_a_version(nlp: spacy.language.Language) -> None:
    assert names(nlp, "BERT large models") == ["BERT"]


def test_a_flavour_joined_by_an_underscore(nlp: spacy.language.Language) -> None:
    text = "pre-training BERT_BASE and GPT_base, not BERT_SCORE or FOO_BASE or NEW_BERT"
    assert names(nlp, text) == ["BERT_BASE", "GPT_base"]


def test_lower_case_words_are_not_names(nlp: spacy.language.Language) -> None:
    assert names(nlp, "the falcon and the phi of the mistral wind") == []


def test_a_family_that_is_also_a_measure_needs_its_context(nlp: spacy.language.Language) -> None:
    assert names(nlp, "The model reaches an MAE of 0.52 and an RMSE of 0.8.") == []
    assert names(nlp, "Masked Autoencoders (MAE) learn by reconstruction.") == ["MAE"]
    assert names(nlp, "We compare MoCo and MAE pre-training.") == ["MoCo", "MAE"]
