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
    "ViT-X is 2x faster at the same accuracy.",
    "LoRA lifts accuracy from 60.3% on ImageNet.",
    "We tune only 200 trainable parameters.",                    # counts things
    "ViT-X uses 50% less data at equal accuracy.",
    "ViT-X was trained in 2021 on ImageNet.",                    # no metric next to it
    "The 3 variants of ViT-X are evaluated by accuracy.",
])
def test_changes_counts_and_lists_are_not_results(text: str) -> None:
    assert results(text) == []


@pytest.mark.parametrize("text", [
    "ViT-X improves top-1 accuracy by 2.1% on ImageNet.",
    "ViT-X beats BERT by +0.3% accuracy.",
    "Accuracy improves 9.3 BLEU over BERT.",
])
def test_a_stated_change_is_a_change_not_a_score(text: str) -> None:
    found = find_results("p", text, spans(text), TYPES)
    assert [r.kind for r in found] == ["change"]


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


def test_a_megabyte_of_broken_lines_reads_its_changes() -> None:
    # the change patterns read the text with its line breaks made spaces: made once per
    # abstract, not once per sentence (that was 1 MB copied per sentence)
    sentence = "ViT-X reaches 85.3% accuracy on ImageNet and improves\nF1 by 0.92 in all. "
    n = 1_000_000 // len(sentence)
    one = spans(sentence.replace("\n", " "))
    many = [(s + i * len(sentence), e + i * len(sentence), k) for i in range(n)
            for s, e, k in one]
    got = find_results("p", sentence * n, many, TYPES)
    assert [r.kind for r in got] == ["score", "change"] * n
    assert {(r.value, r.metric) for r in got if r.kind == "change"} == {("0.92", "f1")}


def changes(text: str, proposed: tuple[str, ...] = ()) -> list[tuple]:
    """The change results of ``text``: value as written, signed value, metric, dataset,
    entity, baseline."""
    return [(r.value_text, r.value, r.metric, r.dataset, r.entity, r.baseline)
            for r in find_results("p", text, spans(text), TYPES, proposed=proposed)
            if r.kind == "change"]


@pytest.mark.parametrize("text, expected", [
    ("ViT-X improves top-1 accuracy by 2.1% on ImageNet.",
     ("2.1%", "2.1", "top1", "imagenet", "vit", None)),
    ("ViT-X beats BERT by +0.3% accuracy.", ("+0.3%", "0.3", "acc", None, "vit", "bert")),
    ("Accuracy improves 9.3 BLEU over BERT.", ("9.3", "9.3", "bleu", None, None, "bert")),
    ("ViT-X outperforms BERT by 3.1 F1 on SST-2.",
     ("3.1", "3.1", "f1", "sst2", "vit", "bert")),
    ("ViT-X gets +2.2% top-1 accuracy over BERT on ImageNet.",
     ("+2.2%", "2.2", "top1", "imagenet", "vit", "bert")),
    ("LoRA yields a 4-point BLEU gain.", ("4", "4", "bleu", None, "lora", None)),
    ("BERT shows accuracy gains of up to 7% on SST-2.",
     ("7%", "7", "acc", "sst2", "bert", None)),
    ("ViT-X has 3.5 points higher accuracy than BERT.",
     ("3.5", "3.5", "acc", None, "vit", "bert")),
    ("ViT-X improves the accuracy on COCO by 1.3 points.",
     ("1.3", "1.3", "acc", "coco", "vit", None)),
])
def test_a_number_stated_as_a_change_of_a_metric_is_a_change(text: str,
                                                              expected: tuple) -> None:
    assert changes(text) == [expected]
    assert len(results(text)) == 1  # not also a score


@pytest.mark.parametrize("text, value", [
    ("ViT-X reduces the FID by 1.3 on COCO.", "-1.3"),         # the word says down
    ("ViT-X achieves a 12.5% reduction in FID.", "-12.5"),
    ("ViT-X shows a 1.2 point drop in F1.", "-1.2"),
    ("ViT-X reduces accuracy by 2%.", "-2"),
    ("ViT-X gets −0.4 FID on COCO.", "-0.4"),                   # a sign on the number
    ("ViT-X increases the FID by 2.", "2"),                     # up, even for a lower-is-better
    ("ViT-X improves accuracy by 2%.", "2"),                    # better: up for accuracy
    ("ViT-X improves the FID by -1.3.", "-1.3"),                # better, and the sign says down
])
def test_the_sign_is_the_direction_the_text_states(text: str, value: str) -> None:
    assert [c[1] for c in changes(text)] == [value]


@pytest.mark.parametrize("text", [
    "ViT-X improves FID by 1.3 on COCO.",       # better, but up or down? not stated: left out
    "ViT-X outperforms BERT by 0.8 FID.",
    "ViT-X reduces the FID by +1.3.",           # the word and the sign disagree
])
def test_a_change_whose_direction_is_not_stated_is_left_out(text: str) -> None:
    assert results(text) == []


@pytest.mark.parametrize("text", [
    "ViT-X is 3 times faster at equal accuracy.",                   # relative size
    "ViT-X needs 3 times fewer trainable parameters.",
    "ViT-X improves accuracy by 2x.",
    "ViT-X reaches 90% of the accuracy of BERT.",
    "ViT-X brings a 96% reduction in trainable parameters.",        # a resource
    "ViT-X improves accuracy by 1.3% and 3.6% on ImageNet and COCO.",  # a list
    "ViT-X shows accuracy gains of 3-5% on COCO.",                  # a range
    "ViT-X shows accuracy gains of 3–5% on COCO.",
    "ViT-X improves by 2.1% over BERT.",                            # no metric
    "ViT-X improves BERT by 2.1% on ImageNet, a strong accuracy.",  # not next to it
    "ViT-X and BERT improve accuracy by 2% and 3%, respectively.",   # pairs by position
])
def test_relative_sizes_lists_ranges_and_changes_without_a_metric_are_left_out(
        text: str) -> None:
    assert changes(text) == []


def test_a_number_inside_a_name_is_not_a_change() -> None:
    NAMES["ViT-X-2"], TYPES["vit2"] = "vit2", "Model"
    try:
        assert changes("ViT-X-2 improves accuracy by 2% over BERT.") == [
            ("2%", "2", "acc", None, "vit2", "bert")]
    finally:
        del NAMES["ViT-X-2"], TYPES["vit2"]


def test_a_comparison_after_a_score_changes_that_scores_metric() -> None:
    text = ("ViT-X reaches 85.8% top-1 accuracy on ImageNet, surpassing BERT by +2.2% and "
            "LoRA by +0.3%.")
    assert results(text)[0] == ("85.8%", "85.8", "top1", "imagenet", "vit")
    assert changes(text) == [("+2.2%", "2.2", "top1", "imagenet", "vit", "bert"),
                             ("+0.3%", "0.3", "top1", "imagenet", "vit", "lora")]


def test_the_baseline_is_the_one_model_compared_with() -> None:
    # the one improved ("improves BERT by"), after the last number before "by"
    assert [c[5] for c in changes("ViT-X improves BERT by 2.1 F1, LoRA by 1.1 F1.")] == [
        "bert", "lora"]
    # two compared at once: none of them
    assert changes("ViT-X outperforms BERT and LoRA by 2.1 F1.") == [
        ("2.1", "2.1", "f1", None, "vit", None)]
    # a model after the change that is not compared with is not the baseline
    assert changes("ViT-X improves accuracy by 2% with BERT features.") == [
        ("2%", "2", "acc", None, "vit", None)]


def test_a_sentence_about_the_paper_credits_its_change_to_what_it_proposes() -> None:
    text = "We propose LoRA. Our method improves accuracy by 3.2% on SST-2 over BERT."
    assert changes(text, proposed=("lora",)) == [("3.2%", "3.2", "acc", "sst2", "lora", "bert")]
