"""The results rule: which numbers of an abstract are reported scores, and of what."""

from __future__ import annotations

import re

import pytest

from kg.model import Mention, Paper
from kg.resolve import resolve
from kg.resolve.results import find_results

TYPES = {"vit": "Model", "bert": "Model", "lora": "Method", "acc": "Metric",
         "top1": "Metric", "fid": "Metric", "bleu": "Metric", "params": "Metric",
         "f1": "Metric", "imagenet": "Dataset", "sst2": "Dataset", "coco": "Dataset"}
NAMES = {"ViT-X": "vit", "BERT": "bert", "LoRA": "lora", "top-1 accuracy": "top1",
         "accuracy": "acc", "FID": "fid", "BLEU": "bleu", "trainable parameters": "params",
         "F1": "f1", "ImageNet": "imagenet", "SST-2": "sst2", "COCO": "coco"}


def spans(text: str) -> list[tuple[int, int, str]]:
    """Every occurrence of a known name, longest names first, as the resolver hands them."""
    found: list[tuple[int, int, str]] = []
    for name in sorted(NAMES, key=len, reverse=True):
        for m in re.finditer(re.escape(name), text):
            if not any(s < m.end() and m.start() < e for s, e, _ in found):
                found.append((m.start(), m.end(), NAMES[name]))
    return found


def results(text: str, proposed: tuple[str, ...] = ()) -> list[tuple]:
    return [(r.value_text, r.value, r.metric, r.dataset, r.entity)
            for r in find_results("p", text, spans(text), TYPES, proposed=proposed)]


@pytest.mark.parametrize("text, expected", [
    ("ViT-X reaches 85.80% top-1 accuracy on ImageNet.",
     [("85.80%", "85.8", "top1", "imagenet", "vit")]),
    ("On ImageNet, ViT-X achieves an FID of 3.5.", [("3.5", "3.5", "fid", "imagenet", "vit")]),
    ("BERT gets an accuracy of 91.2% on SST-2 (F1 = 0.90).",
     [("91.2%", "91.2", "acc", "sst2", "bert"), ("0.90", "0.9", "f1", "sst2", "bert")]),
    ("It improves translation (BLEU 28.4).", [("28.4", "28.4", "bleu", None, None)]),
])
def test_scores_next_to_a_metric_are_results(text: str, expected: list[tuple]) -> None:
    assert results(text) == expected


@pytest.mark.parametrize("text", [
    "ViT-X improves top-1 accuracy by 2.1% on ImageNet.",        # a change, not a score
    "ViT-X beats BERT by +0.3% accuracy.",
    "ViT-X is 2x faster at the same accuracy.",
    "LoRA lifts accuracy from 60.3% on ImageNet.",
    "We tune only 200 trainable parameters.",                    # counts things
    "ViT-X uses 50% less data at equal accuracy.",
    "Accuracy improves 9.3 BLEU over BERT.",
    "ViT-X was trained in 2021 on ImageNet.",                    # no metric next to it
    "The 3 variants of ViT-X are evaluated by accuracy.",
])
def test_changes_counts_and_lists_are_not_results(text: str) -> None:
    assert results(text) == []


def test_a_sentence_pairing_by_position_names_no_dataset_or_entity() -> None:
    text = "ViT-X and BERT reach 80% and 90% accuracy on ImageNet and SST-2, respectively."
    assert results(text) == [("90%", "90", "acc", None, None)]


def test_values_before_a_list_of_metrics_pair_by_position_only() -> None:
    text = ("We reach an IS of 175.1 and FID of 4.17, while BERT obtains 70.6 and 17.04 for "
            "IS and FID, respectively.")
    NAMES["IS"], TYPES["is"] = "is", "Metric"
    try:
        assert [r[:3] for r in results(text)] == [("175.1", "175.1", "is"),
                                                  ("4.17", "4.17", "fid")]
    finally:
        del NAMES["IS"], TYPES["is"]


def test_a_model_named_as_compared_is_not_the_subject() -> None:
    text = "ViT-X beats BERT on accuracy from 60.3% to 73.2%."
    assert results(text) == [("73.2%", "73.2", "acc", None, None)]


def test_the_second_number_of_from_to_is_the_result() -> None:
    text = "LoRA lifts the accuracy of BERT from 60.3% to 73.2% on SST-2."
    assert results(text) == [("73.2%", "73.2", "acc", "sst2", "bert")]


def test_a_number_inside_a_name_is_not_a_value() -> None:
    NAMES["ResNet-50"] = "resnet"
    TYPES["resnet"] = "Model"
    try:
        assert results("ResNet-50 accuracy is 76.1% on ImageNet.") == [
            ("76.1%", "76.1", "acc", "imagenet", "resnet")]
    finally:
        del NAMES["ResNet-50"], TYPES["resnet"]


def test_the_entity_is_not_the_one_compared_with() -> None:
    text = "We push BERT to an accuracy of 49.3% and outperform the baseline accuracy of 35.9%."
    assert [(v, e) for v, _, _, _, e in results(text)] == [("49.3%", "bert"), ("35.9%", None)]


def test_a_sentence_about_the_paper_credits_what_it_proposes() -> None:
    text = "We propose LoRA. Our method reaches 88.1% accuracy on SST-2."
    assert results(text, proposed=("lora",)) == [("88.1%", "88.1", "acc", "sst2", "lora")]
    assert results(text) == [("88.1%", "88.1", "acc", "sst2", None)]


def test_resolution_finds_results_from_every_mention_not_only_linked_ones() -> None:
    abstract = ("We propose ViT-X. ViT-X reaches an accuracy of 82.6% on ImageNet and an "
                "accuracy of 84.5% on COCO.")
    paper = Paper("p1", "ViT-X", abstract)
    found = {"p1": {"abstract": [
        Mention(s, e, TYPES[k], abstract[s:e], 0.9, "ner", "proposes" if s == 11 else None)
        for s, e, k in spans(abstract)]}}
    resolution = resolve([paper], found)
    got = [(r.value_text, r.dataset, r.entity, abstract[r.start:r.end])
           for r in resolution.results]
    ids = {e.label: e.id for e in resolution.entities}
    assert got == [("82.6%", ids["ImageNet"], ids["ViT-X"], "82.6%"),
                   ("84.5%", ids["COCO"], ids["ViT-X"], "84.5%")]
    assert len([lk for lk in resolution.links if lk.entity == ids["accuracy"]]) == 1


def test_a_megabyte_of_text_is_read_sentence_by_sentence() -> None:
    sentence = "ViT-X reaches 85.3% accuracy on ImageNet and 0.92 F1 with 1,024 tokens. "
    n = 1_000_000 // len(sentence)
    one = spans(sentence)
    many = [(s + i * len(sentence), e + i * len(sentence), k) for i in range(n)
            for s, e, k in one]

    def found(text: str) -> list[tuple]:
        return [(r.value_text, r.metric, r.dataset, r.entity)
                for r in find_results("p", text, many, TYPES)]

    got = found(sentence * n)
    assert len(got) == 2 * n
    assert set(got) == {("85.3%", "acc", "imagenet", "vit"), ("0.92", "f1", "imagenet", "vit")}
    # a "sentence" of 1 MB (markup, a table) is not prose: nothing in it reads as a score
    assert found((sentence * n).replace(". ", "; ")) == []
