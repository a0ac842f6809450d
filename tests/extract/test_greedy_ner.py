"""The batch-wide greedy NER decoder gives spaCy's own decoder's entities, text for text."""

from __future__ import annotations

import random

import numpy as np
import pytest
from spacy.pipeline._parser_internals.stateclass import StateClass
from spacy.pipeline.ner import EntityRecognizer

from kg.extract.greedy_ner import (
    BEGIN,
    LAST,
    UNIT,
    GreedyEntityRecognizer,
    decode,
    move_table,
    valid_moves,
)
from kg.extract.pipeline import default_pipeline

TEXTS = [
    "We propose Masked Image Modeling (MIM) for pre-training vision transformers. On "
    "ImageNet-1K, our MR-MAE reaches 85.8% top-1 accuracy, outperforming BEiT and MAE.",
    "We fine-tune Llama-2 with Direct Preference Optimization (DPO) and report FID on "
    "CIFAR-10 and BLEU on WMT14 English-German for machine translation.",
    "",
    "BERT",
    "GPT-4 \n\n   SQuAD  \t F1   ROUGE-L \n",  # whitespace tokens: no entity starts there
    "Semantic segmentation on ADE20K and Cityscapes with mIoU; object detection on COCO "
    "with mAP@0.5. " * 6,
    "The paper on named entity recognition. " * 40,
]


@pytest.fixture(scope="module")
def nlp():
    return default_pipeline(rules=False)


def _tensors(nlp, texts):
    return list(nlp.get_pipe("tok2vec").pipe(nlp.make_doc(t) for t in texts))


def _spacy_entities(ner, docs):
    docs = [doc.copy() for doc in docs]
    EntityRecognizer.set_annotations(ner, docs, EntityRecognizer.predict(ner, docs))
    return [[(e.start, e.end, e.label_) for e in doc.ents] for doc in docs]


def _spans(decoded):
    return [[(start, end, label) for start, end, label, _ in ents] for ents in decoded]


def test_the_pipeline_decodes_with_the_batch_wide_decoder(nlp) -> None:
    assert isinstance(nlp.get_pipe("ner"), GreedyEntityRecognizer)


def test_same_entities_as_spacys_decoder(nlp) -> None:
    ner = nlp.get_pipe("ner")
    docs = _tensors(nlp, TEXTS)
    expected = _spacy_entities(ner, docs)
    assert sum(map(len, expected)) > 20  # the texts do hold entities
    assert _spans(decode(ner, docs)) == expected
    # one text at a time (no batch neighbours) and in another order
    assert [_spans(decode(ner, [doc]))[0] for doc in docs] == expected
    assert _spans(decode(ner, docs[::-1])) == expected[::-1]


def test_sentence_starts_bound_entities_as_in_spacy(nlp) -> None:
    ner = nlp.get_pipe("ner")
    docs = _tensors(nlp, TEXTS[:2])
    for doc in docs:
        for token in doc[1:]:
            token.is_sent_start = token.i % 3 == 0
    expected = _spacy_entities(ner, docs)
    assert _spans(decode(ner, docs)) == expected
    assert expected != _spacy_entities(ner, _tensors(nlp, TEXTS[:2]))  # starts did matter


def test_annotations_match_spacys_token_by_token(nlp) -> None:
    ner = nlp.get_pipe("ner")
    ours = _tensors(nlp, TEXTS)
    theirs = [doc.copy() for doc in ours]
    EntityRecognizer.set_annotations(ner, theirs, EntityRecognizer.predict(ner, theirs))
    list(ner.pipe(ours))
    for a, b in zip(ours, theirs):
        assert [(t.ent_iob_, t.ent_type_) for t in a] == [(t.ent_iob_, t.ent_type_) for t in b]


def test_preset_entities_go_to_spacys_decoder(nlp) -> None:
    ner = nlp.get_pipe("ner")
    docs = _tensors(nlp, TEXTS[:1])
    doc = docs[0]
    doc.set_ents([doc.char_span(11, 32, label="Task")], default="unmodified")
    expected = _spacy_entities(ner, docs)
    assert (2, 5, "Task") in expected[0]  # kept by spaCy's decoder
    ner(doc)
    assert [(e.start, e.end, e.label_) for e in doc.ents] == expected[0]


def test_valid_moves_are_spacys_on_random_walks(nlp) -> None:
    """Every move's validity, ours against spaCy's, along random valid move sequences over
    texts with whitespace tokens and sentence starts."""
    ner = nlp.get_pipe("ner")
    kinds, numbers, _ = move_table(ner)
    names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
    docs = [nlp.make_doc(t) for t in (TEXTS[1], TEXTS[4], "BERT", "a  b \n c d")]
    for token in docs[0][1:]:
        token.is_sent_start = token.i % 4 == 0
    rng = random.Random(7)
    seen = set()
    for doc in docs:
        space = doc.to_array("IS_SPACE").astype(bool)
        starts = doc.to_array("SENT_START") == 1
        for _ in range(20):
            state, opened, label = StateClass(doc), False, 0
            for t in range(len(doc)):
                theirs = np.array([ner.moves.is_valid(state, m) for m in names], dtype=bool)
                two_left = len(doc) - t >= 2
                ours = valid_moves(kinds, numbers, np.array([opened]), np.array([label]),
                                   np.array([two_left]), np.array([two_left and starts[t + 1]]),
                                   space[t:t + 1])[0]
                assert ours.tolist() == theirs.tolist(), (doc.text, t)
                move = rng.choice(np.flatnonzero(theirs).tolist())
                seen.add((kinds[move], bool(space[t])))
                ner.moves.apply_transition(state, names[move])
                if kinds[move] == BEGIN:
                    opened, label = True, numbers[move]
                elif kinds[move] in (LAST, UNIT):
                    opened = False
            assert state.is_final()
    assert {(BEGIN, False), (LAST, True)} <= seen  # entities began, and ran over blanks


def test_entity_probability_is_the_product_of_its_moves_softmax(nlp) -> None:
    """Recomputed with spaCy's own step model, move by move, for one text."""
    ner = nlp.get_pipe("ner")
    doc = _tensors(nlp, TEXTS[1:2])[0]
    names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
    state = ner.moves.init_batch([doc])[0]
    step_model = ner.model.predict([doc])
    expected, logp, start = [], 0.0, 0
    while not state.is_final():
        scores = step_model.predict([state])[0]
        valid = np.array([ner.moves.is_valid(state, m) for m in names])
        best = int(np.where(valid, scores, -np.inf).argmax())
        lp = scores[best] - np.log(np.exp(scores[valid]).sum())
        move, _, label = names[best].partition("-")
        t = len(doc) - state.buffer_length()
        if move == "B":
            logp, start = lp, t
        elif move == "I":
            logp += lp
        elif move in "LU":
            expected.append((start if move == "L" else t, t + 1, label,
                             float(np.exp(logp + lp if move == "L" else lp))))
        ner.moves.apply_transition(state, names[best])
    got = decode(ner, [doc])[0]
    assert [e[:3] for e in got] == [e[:3] for e in expected] and len(got) > 3
    assert [e[3] for e in got] == pytest.approx([e[3] for e in expected], rel=1e-4)
    assert all(0.0 < e[3] <= 1.0 for e in got) and min(e[3] for e in got) < 0.99
    annotated = list(ner.pipe([_tensors(nlp, TEXTS[1:2])[0]]))[0]
    assert [e._.kg_ner_p for e in annotated.ents] == [e[3] for e in got]
