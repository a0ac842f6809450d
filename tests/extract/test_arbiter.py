"""kg_arbiter: priorities, generic phrases, model-shaped names, abbreviations, extension."""

from __future__ import annotations

import copy

import pytest
import spacy
from spacy.tokens import Span

from kg.extract.arbiter import MENTIONS_KEY, Arbiter, arbiter_config
from kg.extract.spans import (
    CUES_KEY,
    GAZETTEER_KEY,
    MODELS_KEY,
    add_span,
    register_extensions,
)
from kg.extract.tokenizer import make_tokenizer


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    register_extensions()
    nlp = spacy.blank("en")
    nlp.tokenizer = make_tokenizer(nlp)
    return nlp


def run(doc: spacy.tokens.Doc, **changes: object) -> list[tuple[str, str, str]]:
    config = copy.deepcopy(arbiter_config())
    config.update(changes)
    Arbiter(config)(doc)
    return [(s.text, s.label_, s._.kg_source) for s in doc.spans[MENTIONS_KEY]]


def test_generic_phrases_are_dropped(nlp: spacy.language.Language) -> None:
    doc = nlp("Our model beats the baselines and the proposed method on the Pile.")
    doc.ents = [Span(doc, 0, 2, "Model"), Span(doc, 3, 5, "Method"), Span(doc, 6, 9, "Method"),
                Span(doc, 10, 12, "Dataset")]
    assert run(doc) == [("the Pile", "Dataset", "ner")]


def test_hyperparameters_are_no_metrics(nlp: spacy.language.Language) -> None:
    doc = nlp("A lower Learning  Rate and batch size raise accuracy; weight decay helps.")
    doc.ents = [Span(doc, 2, 5, "Metric"), Span(doc, 6, 8, "Metric"), Span(doc, 9, 10, "Metric"),
                Span(doc, 11, 13, "Method")]
    assert run(doc) == [("accuracy", "Metric", "ner"), ("weight decay", "Method", "ner")]
    # whichever component found it
    doc = nlp("We anneal the learning rate.")
    found: list[Span] = []
    add_span(found, doc, 3, 5, "Metric", source="gazetteer")
    doc.spans[GAZETTEER_KEY] = found
    assert run(doc) == []
    assert run(doc, not_of_type={}) == [("learning rate", "Metric", "gazetteer")]


def test_a_metric_named_after_its_task_keeps_the_measure(nlp: spacy.language.Language) -> None:
    doc = nlp("Classification accuracy, WSD accuracy and parsing F1-score rose, "
              "as did top-1 accuracy, word error rate and BLEU.")
    doc.ents = [Span(doc, 0, 2, "Metric"), Span(doc, 3, 5, "Metric"),
                Span(doc, 6, 10, "Metric"), Span(doc, 14, 16, "Metric"),
                Span(doc, 17, 20, "Metric"), Span(doc, 21, 22, "Metric")]
    measures = [(t, label) for t, label, _ in run(doc)]
    assert measures == [("accuracy", "Metric"), ("accuracy", "Metric"), ("F1-score", "Metric"),
                        ("top-1 accuracy", "Metric"), ("word error rate", "Metric"),
                        ("BLEU", "Metric")]
    assert [t for t, _, _ in run(doc, bare_measures={})][:3] == [
        "Classification accuracy", "WSD accuracy", "parsing F1-score"]
    # only Metrics: a Task ending so stays whole
    doc = nlp("We study parsing accuracy.")
    doc.ents = [Span(doc, 2, 4, "Task")]
    assert run(doc) == [("parsing accuracy", "Task", "ner")]


def test_research_fields_are_tasks(nlp: spacy.language.Language) -> None:
    doc = nlp("Transformers changed NLP and Computer  Vision, and CV too.")
    doc.ents = [Span(doc, 0, 1, "Method"), Span(doc, 2, 3, "Method"), Span(doc, 4, 7, "Method"),
                Span(doc, 9, 10, "Method")]
    assert run(doc) == [("Transformers", "Method", "ner"), ("NLP", "Task", "ner"),
                        ("Computer  Vision", "Task", "ner"), ("CV", "Method", "ner")]
    assert run(doc, type_of={})[1] == ("NLP", "Method", "ner")


def test_software_libraries_are_methods_not_models(nlp: spacy.language.Language) -> None:
    doc = nlp("Built with PyTorch on top of RoBERTa.")
    doc.ents = [Span(doc, 2, 3, "Method"), Span(doc, 6, 7, "Method")]
    assert run(doc) == [("PyTorch", "Method", "ner"), ("RoBERTa", "Model", "ner")]


def test_model_shaped_methods_become_models(nlp: spacy.language.Language) -> None:
    doc = nlp("RoBERTa and LSTM and Masked Image Modeling and GPT-4")
    doc.ents = [Span(doc, 0, 1, "Method"), Span(doc, 2, 3, "Method"),
                Span(doc, 4, 7, "Method"), Span(doc, 8, 9, "Method")]
    assert [t for _, t, _ in run(doc)] == ["Model", "Method", "Method", "Model"]


def test_ner_wins_overlaps_and_others_fill_gaps(nlp: spacy.language.Language) -> None:
    doc = nlp("We evaluate BERT on the WMT corpus with BLEU.")
    doc.ents = [Span(doc, 2, 3, "Method")]
    cues: list[Span] = []
    add_span(cues, doc, 2, 3, "Model", source="cues", role="uses")
    add_span(cues, doc, 5, 7, "Dataset", source="cues")
    doc.spans[CUES_KEY] = cues
    gaz: list[Span] = []
    add_span(gaz, doc, 8, 9, "Metric", source="gazetteer")
    doc.spans[GAZETTEER_KEY] = gaz
    out = run(doc)
    assert out == [("BERT", "Method", "ner"), ("WMT corpus", "Dataset", "cues"),
                   ("BLEU", "Metric", "gazetteer")]
    assert doc.spans[MENTIONS_KEY][0]._.kg_role == "uses"


def test_gazetteer_name_extends_ner_span(nlp: spacy.language.Language) -> None:
    doc = nlp("It reaches 85.8% top-1 accuracy.")
    acc = next(t.i for t in doc if t.text == "accuracy")
    doc.ents = [Span(doc, acc, acc + 1, "Metric")]
    gaz: list[Span] = []
    add_span(gaz, doc, acc - 1, acc + 1, "Metric", source="gazetteer")
    doc.spans[GAZETTEER_KEY] = gaz
    assert run(doc, extend_ner_from=["gazetteer"]) == [("top-1 accuracy", "Metric", "gazetteer")]
    doc.spans[GAZETTEER_KEY] = gaz
    assert run(doc, extend_ner_from=[]) == [("accuracy", "Metric", "ner")]


def test_a_known_dataset_name_retypes_the_ner_span(nlp: spacy.language.Language) -> None:
    doc = nlp("We train on SST-2 and report EMD.")
    sst, emd = (next(t.i for t in doc if t.text == w) for w in ("SST-2", "EMD"))
    doc.ents = [Span(doc, sst, sst + 1, "Method"), Span(doc, emd, emd + 1, "Method")]
    gaz: list[Span] = []
    add_span(gaz, doc, sst, sst + 1, "Dataset", source="gazetteer")
    add_span(gaz, doc, emd, emd + 1, "Metric", source="gazetteer")
    doc.spans[GAZETTEER_KEY] = gaz
    # only the listed types retype: "EMD" stays the NER's Method
    assert run(doc) == [("SST-2", "Dataset", "gazetteer"), ("EMD", "Method", "ner")]
    doc.spans[GAZETTEER_KEY] = gaz
    # without it, the shape of the name makes the NER's Method a Model
    assert run(doc, known_names={}) == [("SST-2", "Model", "ner"), ("EMD", "Method", "ner")]


def test_a_short_form_the_text_defines_is_not_retyped(nlp: spacy.language.Language) -> None:
    import kg.extract.abbreviations  # noqa: F401  (registers Doc._.kg_abbreviations)

    doc = nlp("We propose a Clustering-On-Difficulty (COD) framework. COD works.")
    cod = [t.i for t in doc if t.text == "COD"]
    doc.ents = [Span(doc, i, i + 1, "Method") for i in cod]
    doc._.kg_abbreviations = [(doc[cod[0]:cod[0] + 1], doc[cod[0] - 2:cod[0] - 1])]
    gaz: list[Span] = []
    for i in cod:  # Papers with Code lists a dataset "COD"
        add_span(gaz, doc, i, i + 1, "Dataset", source="gazetteer")
    doc.spans[GAZETTEER_KEY] = gaz
    assert run(doc) == [("COD", "Method", "ner"), ("COD", "Method", "ner")]
    doc._.kg_abbreviations = []
    doc.spans[GAZETTEER_KEY] = gaz
    assert run(doc) == [("COD", "Dataset", "gazetteer"), ("COD", "Dataset", "gazetteer")]


def test_a_model_name_inside_a_measure_is_part_of_it(nlp: spacy.language.Language) -> None:
    doc = nlp("The Inception Score rises and Inception is frozen.")
    doc.ents = [Span(doc, 1, 3, "Metric")]
    models: list[Span] = []
    add_span(models, doc, 1, 2, "Model", source="models")
    add_span(models, doc, 5, 6, "Model", source="models")
    doc.spans[MODELS_KEY] = models
    assert run(doc) == [("Inception Score", "Metric", "ner"), ("Inception", "Model", "models")]


def test_trailing_function_words_are_dropped(nlp: spacy.language.Language) -> None:
    doc = nlp("This removes joint training of generator networks.")
    doc.ents = [Span(doc, 2, 5, "Task"), Span(doc, 5, 7, "Method")]
    assert run(doc, retype_by_head={}) == [("joint training", "Task", "ner"),
                        ("generator networks", "Method", "ner")]
    doc = nlp("We add dropout with care.")
    doc.ents = [Span(doc, 2, 4, "Method")]
    assert run(doc) == [("dropout", "Method", "ner")]
    assert run(doc, edges={}) == [("dropout with", "Method", "ner")]
    text = "It adds a stage, wherein downstream fine-tuning is done."
    doc = nlp(text)
    doc.ents = [doc.char_span(text.index("wherein"), text.index(" is"), "Method")]
    assert run(doc) == [("downstream fine-tuning", "Method", "ner")]


def test_a_whole_definition_is_kept_whole(nlp: spacy.language.Language) -> None:
    # SciERC and TDMSci annotate most definitions as one mention; resolution reads both forms
    doc = nlp("It follows Direct Preference Optimization (DPO) closely.")
    doc.ents = [Span(doc, 2, 8, "Method")]
    doc._.kg_abbreviations = [(doc[6:7], doc[2:5])]
    assert run(doc) == [("Direct Preference Optimization (DPO)", "Method", "ner")]


def test_a_name_marks_its_other_occurrences(nlp: spacy.language.Language) -> None:
    text = "UL2 20B beats T5 with an encoder. Later UL2 20B and T5 again; no encoder."
    doc = nlp(text)
    doc.ents = [doc.char_span(0, 7, "Model"), doc.char_span(14, 16, "Model"),
                doc.char_span(25, 32, "Method")]
    assert run(doc) == [("UL2 20B", "Model", "ner"), ("T5", "Model", "ner"),
                        ("encoder", "Method", "ner"), ("UL2 20B", "Model", "propagation"),
                        ("T5", "Model", "propagation")]
    # lower-case words are not names: the NER's reading of each "encoder" stands
    assert run(doc, propagate={}) == [("UL2 20B", "Model", "ner"), ("T5", "Model", "ner"),
                                      ("encoder", "Method", "ner")]


def test_the_head_word_retypes_methods_tasks_and_datasets(nlp: spacy.language.Language) -> None:
    doc = nlp("It needs joint training and text classification on the Penn Treebank.")
    doc.ents = [Span(doc, 2, 4, "Task"), Span(doc, 5, 7, "Method"), Span(doc, 9, 11, "Method")]
    assert [(t, ty) for t, ty, _ in run(doc)] == [
        ("joint training", "Method"), ("text classification", "Task"),
        ("Penn Treebank", "Dataset")]
    assert [ty for _, ty, _ in run(doc, retype_by_head={})] == ["Task", "Method", "Method"]


def test_ner_mentions_score_by_their_probability(nlp: spacy.language.Language) -> None:
    doc = nlp("We use BERT and LoRA and Adam on SQuAD.")
    bert, lora, adam = Span(doc, 2, 3, "Model"), Span(doc, 4, 5, "Method"), Span(doc, 6, 7,
                                                                                  "Method")
    doc.ents = [bert, lora, adam, Span(doc, 8, 9, "Dataset")]
    bert._.kg_ner_p, lora._.kg_ner_p, adam._.kg_ner_p = 0.99, 0.1, 0.6
    config = copy.deepcopy(arbiter_config())
    config["ner_probability"] = {"bands": [0.0, 0.5, 0.98], "precision": [0.2, None, 0.9]}
    config["confidence"]["ner"] = {"*": 0.4, "Dataset": 0.6}
    Arbiter(config)(doc)
    got = {s.text: (s._.kg_score, s._.kg_ner_p) for s in doc.spans[MENTIONS_KEY]}
    assert got == {"BERT": (0.9, 0.99), "LoRA": (0.2, 0.1),
                   "Adam": (0.4, 0.6),  # a band with too few mentions: the type's figure
                   "SQuAD": (0.6, None)}  # probability unknown (e.g. spaCy's decoder)
