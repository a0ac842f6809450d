"""Link roles from cue words, sentence evidence, and the cue data file."""

from __future__ import annotations

import pytest

from kg.errors import ResolveError
from kg.resolve import lexicon
from kg.resolve.links import role, sentence_at, sentences


def role_of(text, mention, etype="Method", **kw):
    start = text.index(mention)
    return role(text, start, start + len(mention), etype, **kw)


@pytest.mark.parametrize("text,mention,etype,expected", [
    ("We propose MR-MAE, which learns both.", "MR-MAE", "Method", "proposes"),
    ("In this paper, we introduce TinyLlama.", "TinyLlama", "Model", "proposes"),
    ("A new method, dubbed LAE, is shown.", "LAE", "Method", "proposes"),
    ("We fine-tune Llama 2 on our data.", "Llama 2", "Model", "uses"),
    ("Our model is built on top of CLIP.", "CLIP", "Model", "uses"),
    ("Results on ImageNet are strong.", "ImageNet", "Dataset", "evaluates-on"),
    ("We evaluate on CIFAR-10 and SVHN.", "SVHN", "Dataset", "evaluates-on"),
    ("It outperforms GPT-4 by 3 points.", "GPT-4", "Model", "compares-with"),
    ("Compared to DPO, the method is faster.", "DPO", "Method", "compares-with"),
    ("It is better than PPO.", "PPO", "Method", "compares-with"),
    ("ViT is used as the backbone.", "ViT", "Model", "uses"),
    ("BERT remains popular.", "BERT", "Model", "mentions"),
    ("We propose X, a method for Y.", "Y", "Method", "mentions"),
    ("The recently proposed DPO works.", "DPO", "Method", "mentions"),
    ("We propose a loss; ResNet is old.", "ResNet", "Model", "mentions"),
    ("We introduce a triple loss combining distillation.", "distillation", "Method", "mentions"),
    ("Tasks, namely visual entailment, are hard.", "visual entailment", "Task", "mentions"),
    ("It retains more than 99% accuracy here.", "accuracy", "Metric", "mentions"),
    ("We pretrain 3B models on the Wikipedia corpus.", "Wikipedia corpus", "Dataset", "uses"),
    ("We train our model with up to 0.5B parameters on PDE data.", "PDE data", "Dataset", "uses"),
    ("Compared to closed-source LLMs, MEDITRON outperforms it.", "MEDITRON", "Model",
     "mentions"),
    ("In LM fine-tuning, model reweighting helps.", "model reweighting", "Method", "mentions"),
])
def test_role_from_cue_words(text, mention, etype, expected):
    assert role_of(text, mention, etype) == expected


def test_other_mentions_do_not_count_as_gap_words():
    text = "We evaluate on Long Range Arena A, Long Range Arena B, Long Range Arena C and D."
    # without the other mentions, their words count and their commas end the phrase
    others = [(text.index(m), text.index(m) + len(m)) for m in
              ("Long Range Arena A", "Long Range Arena B", "Long Range Arena C")]
    assert role_of(text, "D.", "Dataset") == "mentions"
    assert role_of(text, "D.", "Dataset", others=others) == "evaluates-on"


def test_a_cue_reaches_over_coordinated_mentions_only():
    text = "We present FIBER (a fusion model), a new VL model architecture."
    spans = [(text.index("FIBER"), text.index("FIBER") + 5)]
    assert role_of(text, "VL", "Model", others=spans) == "mentions"
    assert role_of(text, "FIBER", "Model", others=[]) == "proposes"
    text = "We use BERT and RoBERTa with ALBERT."
    spans = [(text.index(m), text.index(m) + len(m)) for m in ("BERT", "RoBERTa")]
    assert role_of(text, "RoBERTa", "Model", others=spans[:1]) == "uses"
    assert role_of(text, "ALBERT", "Model", others=spans) == "mentions"


def test_title_prefix_before_colon_is_proposed():
    title = "LOOK: Leave-One-Out K-Nearest-Neighbor pre-training"
    assert role_of(title, "LOOK", field="title") == "proposes"
    assert role_of(title, "LOOK", field="abstract") == "mentions"


def test_given_role_wins_and_unknown_role_is_ignored():
    assert role_of("BERT remains popular.", "BERT", given="uses") == "uses"
    assert role_of("BERT remains popular.", "BERT", given="invented") == "mentions"


def test_sentences_respect_abbreviations_and_decimals():
    text = "We use e.g. BERT and GPT-3.5. Scores rise by 2.5 points (Fig. 3). Smith et al. agree"
    assert [text[s:e] for s, e in sentences(text)] == [
        "We use e.g. BERT and GPT-3.5.", "Scores rise by 2.5 points (Fig. 3).",
        "Smith et al. agree"]
    s, e = sentence_at(text, text.index("points"), text.index("points") + 6)
    assert text[s:e].startswith("Scores")


def test_bad_cue_file_names_the_line(tmp_path):
    path = tmp_path / "cues.tsv"
    path.write_text("# header\nproposes\tbefore\t*\t\\bwe propose\\b\nsteals\tbefore\t*\tx\n")
    with pytest.raises(ResolveError, match=rf"{path}:3: unknown role 'steals'"):
        lexicon.cues(path)
    path.write_text("uses\tbefore\t*\t(unclosed\n")
    with pytest.raises(ResolveError, match=rf"{path}:1: bad regex"):
        lexicon.cues(path)


def test_bad_generic_file_names_the_line(tmp_path):
    path = tmp_path / "generic.txt"
    path.write_text("[heads]\nmodel\n[nouns]\nx\n")
    with pytest.raises(ResolveError, match=rf"{path}:3: unknown section \[nouns\]"):
        lexicon.generic_words(path)
