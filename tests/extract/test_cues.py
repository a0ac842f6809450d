"""kg_cues: each cue of data/cues.json on a hand-written sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

import kg.extract.cues  # noqa: F401  (registers the factory)
from kg.errors import ExtractError
from kg.extract.cues import read_cues
from kg.extract.spans import CUES_KEY
from kg.extract.tokenizer import make_tokenizer


def make_nlp(entities: tuple[tuple[str, str], ...] = ()) -> Language:
    """Tokenizer, an entity ruler standing in for the NER, then kg_cues."""
    nlp = spacy.blank("en")
    nlp.tokenizer = make_tokenizer(nlp)
    if entities:
        ruler = nlp.add_pipe("entity_ruler")
        ruler.add_patterns([{"label": label, "pattern": text} for text, label in entities])
    nlp.add_pipe("kg_cues")
    return nlp


@pytest.fixture(scope="module")
def nlp() -> Language:
    return make_nlp()


def cues(nlp: Language, text: str) -> list[tuple[str, str, str | None]]:
    doc = nlp(text)
    spans = list(doc.spans[CUES_KEY])
    assert all(s._.kg_source == "cues" and s._.kg_score is None for s in spans)
    return [(s.text, s.label_, s._.kg_role) for s in spans]


def test_we_propose(nlp: Language) -> None:
    assert cues(nlp, "We propose MR-MAE, a masked autoencoder.") == [
        ("MR-MAE", "Method", "proposes")
    ]
    assert cues(nlp, "In this paper we introduce a novel Masked Image Modeling scheme.") == [
        ("Masked Image Modeling", "Method", "proposes")
    ]
    assert cues(nlp, "This paper presents SatMAE++ for imagery.") == [
        ("SatMAE++", "Model", "proposes")
    ]
    # no name after the cue: nothing
    assert cues(nlp, "We propose a simple method that works.") == []


def test_called(nlp: Language) -> None:
    assert cues(nlp, "a new objective, dubbed Direct Preference Optimization.") == [
        ("Direct Preference Optimization", "Method", "proposes")
    ]


def test_evaluated_on_a_list(nlp: Language) -> None:
    assert cues(nlp, "We evaluate on ImageNet-1K, COCO and ADE20K.") == [
        ("ImageNet-1K", "Dataset", "evaluates-on"),
        ("COCO", "Dataset", "evaluates-on"),
        ("ADE20K", "Dataset", "evaluates-on"),
    ]
    assert cues(nlp, "Experiments on the Long Range Arena show gains.") == [
        ("Long Range Arena", "Dataset", "evaluates-on")
    ]


def test_trained_on(nlp: Language) -> None:
    assert cues(nlp, "The model is pre-trained on the Pile.") == [("Pile", "Dataset", "uses")]


def test_dataset_head_noun_is_included(nlp: Language) -> None:
    assert cues(nlp, "We align the Europarl corpus and the BLLIP dataset.") == [
        ("Europarl corpus", "Dataset", None),
        ("BLLIP dataset", "Dataset", None),
    ]
    # a sentence-initial plain word is not a name; numbers are not names
    assert cues(nlp, "Training data is scarce. We use 10 datasets.") == []


def test_metric_score(nlp: Language) -> None:
    assert cues(nlp, "It improves the BLEU score and the F1 scores.") == [
        ("BLEU score", "Metric", None),
        ("F1 scores", "Metric", None),
    ]


def test_compares_with(nlp: Language) -> None:
    assert cues(nlp, "Our model outperforms BERT and RoBERTa-large.") == [
        ("BERT", "Method", "compares-with"),
        ("RoBERTa-large", "Model", "compares-with"),
    ]
    assert cues(nlp, "DPO is compared with PPO.") == [("PPO", "Method", "compares-with")]


def test_use_needs_an_entity() -> None:
    text = "We use LoRA adapters based on Llama-2."
    assert cues(make_nlp(), text) == []
    with_ner = make_nlp((("LoRA", "Method"), ("Llama-2", "Model")))
    assert cues(with_ner, text) == [("LoRA", "Method", "uses"), ("Llama-2", "Model", "uses")]


def test_entities_keep_their_type_and_get_the_role() -> None:
    nlp = make_nlp((("machine translation", "Task"), ("Europarl", "Dataset")))
    assert cues(nlp, "We evaluate on machine translation with the Europarl corpus.") == [
        ("machine translation", "Task", "evaluates-on"),
        ("Europarl corpus", "Dataset", None),
    ]


def test_robust_inputs(nlp: Language) -> None:
    for text in ["", "We propose", "evaluated on", "score", "$x$ score \\cite{a}"]:
        assert cues(nlp, text) == []


def test_bad_cue_files(tmp_path: Path) -> None:
    spec = json.loads(
        (Path(kg.extract.cues.__file__).parent / "data" / "cues.json").read_text("utf-8")
    )
    spec["cues"][0]["role"] = "likes"
    bad = tmp_path / "cues.json"
    bad.write_text(json.dumps(spec), "utf-8")
    with pytest.raises(ExtractError, match="role 'likes'"):
        read_cues(bad)
    bad.write_text("{", "utf-8")
    with pytest.raises(ExtractError, match="not valid JSON"):
        read_cues(bad)
    spec["cues"][0]["role"] = None
    spec["cues"][0]["pattern"] = [{"NOT_AN_ATTR": "x"}]
    bad.write_text(json.dumps(spec), "utf-8")
    nlp = spacy.blank("en")
    with pytest.raises(ExtractError, match="bad token pattern"):
        nlp.add_pipe("kg_cues", config={"path": str(bad)})


def test_language_pairs_and_citations_are_not_mentions(nlp: Language) -> None:
    assert cues(nlp, "Results on English-German and French are good.") == []
    assert cues(nlp, "It is compared to Zaidan and Smith (2011) and Koehn et al.") == []


def test_possessive_owner_is_not_the_name() -> None:
    import kg

    found = kg.extract("1.5-Pints outperforms Apple's OpenELM on MT-Bench.")[0]
    texts = {m["text"] for m in found}
    assert "OpenELM" in texts and "Apple" not in texts


def test_capitals_of_a_headline_are_no_names(nlp: Language) -> None:
    title = "Data, Data Everywhere: A Guide for Pretraining Dataset Construction"
    assert cues(nlp, title) == []
    assert cues(nlp, "Do Not Worry if You Do Not Have Data: Building Models Using Text") == []
    assert cues(nlp, "Should VLMs be Pre-trained with Image Data?") == []
    assert cues(nlp, "Demystifying High-Quality Data in Code Pretraining") == []
    # a sentence is no headline, however many capitals it has
    assert cues(nlp, "We train on Image Data.") == [("Image Data", "Dataset", "uses")]
    # names shaped as names still count in a headline
    assert cues(nlp, "Scaling Vision Transformers on the ImageNet-21K Dataset Quickly") == [
        ("ImageNet-21K Dataset", "Dataset", None)]
    # in running text a capitalised name is still a name
    assert ("Long Range Arena benchmark", "Dataset", None) in cues(
        nlp, "We report results on the Long Range Arena benchmark and beyond.")


def test_the_subject_of_outperforms_is_a_mention(nlp: Language) -> None:
    assert cues(nlp, "On 0-shot MMLU, UL2 20B outperforms T0.") == [
        ("UL2 20B", "Model", None), ("T0", "Model", "compares-with")]
    assert cues(nlp, "Our method outperforms the baselines.") == []


def test_a_name_opening_a_title_is_proposed(nlp: Language) -> None:
    def first(title: str) -> tuple[str, str, str | None] | None:
        found = [c for c in cues(nlp, title) if title.startswith(c[0])]
        return found[0] if found else None

    assert first("UL2: Unifying Language Learning Paradigms") == ("UL2", "Model", "proposes")
    assert first("Poseidon: Efficient Foundation Models for PDEs") == (
        "Poseidon", "Model", "proposes")
    assert first("Selfie: Self-supervised Pretraining for Image Embedding") == (
        "Selfie", "Method", "proposes")
    assert first("SSL4EO-S12: A Large-Scale Multi-Modal, Multi-Temporal Dataset for "
                 "Self-Supervised Learning in Earth Observation") == (
        "SSL4EO-S12", "Dataset", "proposes")
    assert first("1.5-Pints Technical Report: Pretraining in Days, Not Months") == (
        "1.5-Pints", "Model", "proposes")
    # phrases, common words, sentences and long texts are not names
    for text in ("Less is More: Selective Reduction of CT Data",
                 "Survey: Large Language Models for Everything",
                 "Never Train from Scratch: Fair Comparison of Long-Sequence Models",
                 "UL2: we unify paradigms.",
                 "Setup: " + "we train a model and test it on data " * 5):
        assert first(text) is None, text
