"""The span helpers read token texts and the doc's text from arrays, as spaCy would give them."""

from __future__ import annotations

import pytest
import spacy

from kg.extract.spans import doc_text, token_texts
from kg.extract.tokenizer import make_tokenizer

TEXTS = ["", " ", "BERT", "Top-1 accuracy on ImageNet-1K.  Two spaces,\tatab\n\nand lines ",
         "  leading spaces and a trailing one ", "Ünïcödé – «quotes» $x^2$ <b>x</b>"]


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    nlp = spacy.blank("en")
    nlp.tokenizer = make_tokenizer(nlp)
    return nlp


@pytest.mark.parametrize("text", TEXTS)
def test_texts_are_spacys(nlp: spacy.language.Language, text: str) -> None:
    doc = nlp(text)
    assert token_texts(doc) == [t.text for t in doc]
    assert doc_text(doc) == doc.text == text
