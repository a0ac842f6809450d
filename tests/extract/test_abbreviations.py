"""kg_abbreviations: Schwartz-Hearst pairs both ways round, typed by the NER, propagated."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

import kg.extract.abbreviations  # noqa: F401  (registers the factory)
from kg.extract.abbreviations import match_initials, match_long_form, max_words, short_form_ok
from kg.extract.spans import ABBREVIATIONS_KEY
from kg.extract.tokenizer import make_tokenizer


def make_nlp(entities: list[tuple[str, str]]) -> Language:
    """Tokenizer, an entity ruler standing in for the NER, then kg_abbreviations."""
    nlp = spacy.blank("en")
    nlp.tokenizer = make_tokenizer(nlp)
    if entities:
        ruler = nlp.add_pipe("entity_ruler")
        ruler.add_patterns([{"label": label, "pattern": text} for text, label in entities])
    nlp.add_pipe("kg_abbreviations")
    return nlp


def emitted(doc: spacy.tokens.Doc) -> list[tuple[str, str, int]]:
    return [(s.text, s.label_, s.start_char) for s in doc.spans[ABBREVIATIONS_KEY]]


def test_long_form_then_short_form_and_later_bare_use() -> None:
    nlp = make_nlp([("Masked Image Modeling", "Method")])
    text = "We study Masked Image Modeling (MIM) for vision. Later, MIM scales well."
    doc = nlp(text)
    assert [(s.text, lf.text) for s, lf in doc._.kg_abbreviations] == [
        ("MIM", "Masked Image Modeling")
    ]
    assert emitted(doc) == [
        ("Masked Image Modeling", "Method", 9),
        ("MIM", "Method", 32),
        ("MIM", "Method", text.rindex("MIM")),
    ]
    spans = list(doc.spans[ABBREVIATIONS_KEY])
    assert {s._.kg_source for s in spans} == {"abbreviations"}
    assert all(s._.kg_score is None for s in spans)  # the arbiter scores final mentions
    assert all(s._.kg_role is None for s in spans)


def test_short_form_then_long_form_in_brackets() -> None:
    nlp = make_nlp([("Masked Image Modeling", "Method")])
    doc = nlp("MIM (Masked Image Modeling) is popular. We scale MIM and MIMs.")
    assert [(s.text, lf.text) for s, lf in doc._.kg_abbreviations] == [
        ("MIM", "Masked Image Modeling")
    ]
    assert [t for t, _, _ in emitted(doc)] == ["MIM", "Masked Image Modeling", "MIM", "MIMs"]
    assert {label for _, label, _ in emitted(doc)} == {"Method"}


def test_short_form_typed_by_the_ner_types_the_long_form() -> None:
    nlp = make_nlp([("ViT", "Model")])
    doc = nlp("The Vision Transformer (ViT) is strong; ViT-style patches help. ViT wins.")
    assert ("Vision Transformer", "Model", 4) in emitted(doc)
    # "ViT-style" is tokenized "ViT" "-" "style": its "ViT" is a whole token too
    assert [t for t, _, _ in emitted(doc)].count("ViT") == 3


def test_overlapping_entity_types_the_pair() -> None:
    nlp = make_nlp([("Preference Optimization", "Method")])
    doc = nlp("We use Direct Preference Optimization (DPO). DPO is simple.")
    assert {(t, label) for t, label, _ in emitted(doc)} == {
        ("Direct Preference Optimization", "Method"),
        ("DPO", "Method"),
    }


def test_entity_off_the_head_does_not_type_the_pair() -> None:
    nlp = make_nlp([("ImageNet", "Dataset")])
    doc = nlp("We revisit ImageNet pre-training (INP) for detection.")
    assert [(s.text, lf.text) for s, lf in doc._.kg_abbreviations] == [
        ("INP", "ImageNet pre-training")
    ]
    assert emitted(doc) == []


def test_untyped_pair_is_kept_but_not_emitted() -> None:
    nlp = make_nlp([])
    doc = nlp("We study Masked Image Modeling (MIM). MIM scales.")
    assert len(doc._.kg_abbreviations) == 1
    assert emitted(doc) == []


@pytest.mark.parametrize(
    "text",
    [
        "The results (see Table 2) are good.",
        "As shown before (Liu et al., 2019), it works.",
        "It was released in 2019 (2019).",
        "We combine the feature loss (Features) and others.",
        "A gain (i.e. more) matters.",
    ],
)
def test_no_false_pairs(text: str) -> None:
    doc = make_nlp([])(text)
    assert doc._.kg_abbreviations == []


def test_initials_give_the_whole_long_form() -> None:
    doc = make_nlp([])("This paper summarizes Category Cooccurrence Restrictions (CCRs) here.")
    ((short, long),) = doc._.kg_abbreviations
    assert (short.text, long.text) == ("CCRs", "Category Cooccurrence Restrictions")


def test_ptb_escaped_brackets() -> None:
    doc = make_nlp([])("We use a conditional random field -LRB- CRF -RRB- tagger.")
    ((short, long),) = doc._.kg_abbreviations
    assert (short.text, long.text) == ("CRF", "conditional random field")


def test_long_form_does_not_cross_a_comma() -> None:
    doc = make_nlp([])("For automatic prompts, we compare template search (Auto T).")
    assert [lf.text for _, lf in doc._.kg_abbreviations] in ([], ["template search"])


def test_empty_and_bracket_only_texts() -> None:
    nlp = make_nlp([("BERT", "Model")])
    for text in ["", "()", "( (", "BERT ()", ")"]:
        doc = nlp(text)
        assert doc._.kg_abbreviations == []


def test_algorithm_helpers() -> None:
    assert match_long_form("MIM", "we use masked image modeling") == 7
    assert match_long_form("XYZ", "masked image modeling") is None
    assert match_initials("BoW", ["a", "bag", "of", "words"]) == 1
    assert match_initials("CNN", ["very", "deep", "network"]) is None
    assert max_words("MIM") == 6 and max_words("TRANSFORMR") == 15
    assert short_form_ok("MIM", require_upper=True)
    assert not short_form_ok("mim", require_upper=True)
    assert short_form_ok("mim", require_upper=False)
    assert not short_form_ok("M", require_upper=True)
    assert not short_form_ok("-MIM", require_upper=True)
    assert not short_form_ok("ABCDEFGHIJK", require_upper=True)


def test_head_word_decides_the_type() -> None:
    nlp = make_nlp([("Word Prediction Accuracy", "Method")])
    doc = nlp("We report Word Prediction Accuracy (WPA). WPA rises.")
    assert {label for _, label, _ in emitted(doc)} == {"Metric"}
    off = spacy.blank("en")
    off.tokenizer = make_tokenizer(off)
    off.add_pipe("entity_ruler").add_patterns([{"label": "Method", "pattern": "WPA"}])
    off.add_pipe("kg_abbreviations", config={"use_head_types": False})
    doc = off("We report Word Prediction Accuracy (WPA).")
    assert {label for _, label, _ in emitted(doc)} == {"Method"}


def test_task_short_forms_are_not_propagated_by_default() -> None:
    nlp = make_nlp([("machine translation", "Task")])
    doc = nlp("We study machine translation (MT). MT systems improve.")
    assert [t for t, _, _ in emitted(doc)] == ["machine translation", "MT"]
    everything = spacy.blank("en")
    everything.tokenizer = make_tokenizer(everything)
    ruler = everything.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "Task", "pattern": "machine translation"}])
    everything.add_pipe("kg_abbreviations", config={"propagate": ["Task"]})
    doc = everything("We study machine translation (MT). MT systems improve.")
    assert [t for t, _, _ in emitted(doc)] == ["machine translation", "MT", "MT"]


def test_plural_short_form_finds_its_singular() -> None:
    nlp = make_nlp([("Non-Parametric Transformers", "Model")])
    doc = nlp("We introduce Non-Parametric Transformers (NPTs). Each NPT attends; NPTs win.")
    assert [t for t, _, _ in emitted(doc)] == ["Non-Parametric Transformers", "NPTs", "NPT",
                                              "NPTs"]
    assert {label for _, label, _ in emitted(doc)} == {"Model"}
    # a two-letter form ending in "s" is not read as a plural
    assert kg.extract.abbreviations._other_number("GANs") == ["GAN"]
    assert kg.extract.abbreviations._other_number("Ms") == ["Mss"]
    assert kg.extract.abbreviations._other_number("CNN") == ["CNNs"]
