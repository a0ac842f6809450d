"""Resolution of the hand-made fixture corpus: merges, keep-aparts, variants, types, log."""

from __future__ import annotations

import re

import pytest

from kg.model import ENTITY_TYPES, LINK_ROLES, Mention, Paper
from kg.resolve import resolve
from kg.resolve.normalise import is_generic


def entity_of(resolution, alias):
    found = [e for e in resolution.entities if alias in e.aliases]
    assert len(found) == 1, f"{alias!r} is in {len(found)} entities"
    return found[0]


def test_llama2_spellings_are_one_entity(resolution):
    ids = {entity_of(resolution, a).id for a in ("Llama 2", "LLaMA2", "LLaMA 2", "Llama-2")}
    assert ids == {"model/llama-2"}
    assert entity_of(resolution, "Llama 2").papers == ["p1", "p2", "p3"]


@pytest.mark.parametrize("a,b", [
    ("GPT-3", "GPT-4"), ("CIFAR-10", "CIFAR-100"), ("BERT", "RoBERTa"),
    ("Llama-2-7B", "Llama-2-70B"), ("Llama-2-7B", "Llama 2"), ("ResNet-50", "ResNet-101"),
    ("T5-base", "T5-large"), ("MoCo v2", "MoCo v3"), ("YOLOv5", "YOLOv8"),
    ("GPT-3.5", "GPT-3.5-turbo"), ("Llama 3", "Llama 3.1"), ("HumanEval", "HumanEval+"),
    ("ImageNet-R", "ImageNet-A"), ("ImageNet", "ImageNet-1K"), ("Video-LLaMA", "Video-LLaVA"),
    ("Qwen2.5-7B", "Qwen2.5-72B"), ("Phi-2", "Phi-3"), ("ROUGE-1", "ROUGE-L"),
    ("top-1 accuracy", "top-5 accuracy"), ("DINO", "DINOv2"), ("ViT-B/16", "ViT-L/16"),
    ("BERT-base", "BERT-large"), ("Mistral 7B", "Mixtral 8x7B"), ("SQuAD", "SQuAD 2.0"),
])
def test_families_stay_separate_entities(resolution, a, b):
    assert entity_of(resolution, a).id != entity_of(resolution, b).id


@pytest.mark.parametrize("variant,broader", [
    ("ImageNet-1K", "ImageNet"), ("ImageNet-R", "ImageNet"), ("Llama-2-7B", "Llama 2"),
    ("Llama-2-70B", "Llama 2"), ("Llama 3.1", "Llama 3"), ("GPT-3.5-turbo", "GPT-3.5"),
    ("BERT-base", "BERT"), ("HumanEval+", "HumanEval"), ("MMLU-Pro", "MMLU"),
    ("SQuAD 2.0", "SQuAD"), ("DINOv2", "DINO"), ("ViT-B/16", "ViT"),
])
def test_variants_are_linked_to_the_broader_entity(resolution, variant, broader):
    v, b = entity_of(resolution, variant), entity_of(resolution, broader)
    assert v.broader == [b.id]
    assert any(m.decision == "variant-of" and m.a == v.label and m.b == b.label
               for m in resolution.merges)


def test_unrelated_names_get_no_broader(resolution):
    for alias in ("RoBERTa", "GPT-4", "CIFAR-100", "Mixtral 8x7B", "Video-LLaVA", "ImageNet"):
        assert entity_of(resolution, alias).broader == []


def test_acronym_defined_once_resolves_everywhere(resolution):
    mim = entity_of(resolution, "Masked Image Modeling")
    assert "MIM" in mim.aliases and mim.label == "MIM"  # the most frequent form
    assert mim.papers == ["p2", "p3", "p7"]  # p3 uses bare MIM without defining it
    assert any(m.reason == "acronym" and m.a == "MIM" for m in resolution.merges)


def test_ambiguous_acronym_resolves_only_where_defined(resolution):
    continual = entity_of(resolution, "Continual learning")
    contrastive = entity_of(resolution, "Contrastive learning")
    assert continual.papers == ["p4"] and contrastive.papers == ["p5"]
    bare = [e for e in resolution.entities if e.label == "CL"]
    assert [e.papers for e in bare] == [["p6"]]  # the only entity labelled CL
    assert continual.label == "Continual learning" and contrastive.label == "Contrastive learning"
    ambiguous = [m for m in resolution.merges if m.reason == "acronym-ambiguous"]
    assert {m.b for m in ambiguous} == {"Continual learning", "Contrastive learning"}
    assert all(m.decision == "keep-apart" for m in ambiguous)


def test_spelling_and_plural_variants_merge_with_a_logged_reason(resolution):
    mim = entity_of(resolution, "Masked Image Modelling")
    assert "Masked Image Modeling" in mim.aliases
    fuzzy = [m for m in resolution.merges if m.reason == "fuzzy"]
    assert fuzzy and all(m.decision == "merge" and m.score >= 92 for m in fuzzy)
    vit = entity_of(resolution, "Vision Transformer")
    assert {"Vision Transformers", "ViT"} <= set(vit.aliases)
    assert any(m.reason == "plural" for m in resolution.merges)


def test_generic_mentions_never_become_entities(resolution):
    aliases = {a for e in resolution.entities for a in e.aliases}
    for generic in ("our method", "The dataset", "Baselines", "state-of-the-art models",
                    "This approach", "model", "dataset", "method"):
        assert generic not in aliases
    assert not [e.label for e in resolution.entities if is_generic(e.label)]


def test_near_misses_are_logged_as_keep_apart(resolution):
    apart = {(m.a, m.b): m for m in resolution.merges if m.decision == "keep-apart"}
    assert apart[("CIFAR-10", "CIFAR-100")].reason == "number-differs"
    assert apart[("Llama-2-70B", "Llama-2-7B")].reason == "number-differs"
    assert apart[("Video-LLaMA", "Video-LLaVA")].reason == "name-differs"
    assert all(m.score >= 90 for m in apart.values() if m.reason != "acronym-ambiguous")


def test_merge_log_accounts_for_every_alias(resolution):
    logged = {(m.a, m.b) for m in resolution.merges if m.decision == "merge"}
    touched = {x for pair in logged for x in pair}
    for entity in resolution.entities:
        for alias in entity.aliases:
            if len(entity.aliases) > 1:
                assert alias in touched, f"{alias!r} of {entity.id} joined without a log record"
    for m in resolution.merges:
        assert m.decision in {"merge", "keep-apart", "variant-of"} and m.reason
        assert 0 <= m.score <= 100


def test_one_type_per_entity_by_vote():
    paper = Paper("p", "T", "ImageNet, ImageNet and ImageNet again.")
    mentions = {"p": {"abstract": [Mention(0, 8, "Dataset", "ImageNet", 0.9, "ner"),
                                   Mention(10, 18, "Method", "ImageNet", 0.95, "ner"),
                                   Mention(23, 31, "Dataset", "ImageNet", 0.5, "ner")]}}
    (entity,) = resolve([paper], mentions).entities
    assert entity.type == "Dataset"
    assert entity.type_votes == {"Method": 1, "Dataset": 2}
    assert entity.id == "dataset/imagenet"


def test_entity_ids_are_deterministic_slugs(corpus, resolution):
    again = resolve(*corpus)
    assert [e.id for e in again.entities] == [e.id for e in resolution.entities]
    assert [m.to_dict() for m in again.merges] == [m.to_dict() for m in resolution.merges]
    for e in resolution.entities:
        assert re.fullmatch(r"[a-z]+/[a-z0-9][a-z0-9.-]*", e.id), e.id
        assert e.id.split("/")[0] == e.type.lower() and e.type in ENTITY_TYPES
    assert len({e.id for e in resolution.entities}) == len(resolution.entities)


def test_previous_entities_keep_their_ids(corpus):
    papers, mentions = corpus
    first = resolve([p for p in papers if p.id == "p2"], mentions)
    mim_id = entity_of(first, "Masked Image Modeling").id
    assert mim_id == "method/masked-image-modeling"
    fresh = resolve(papers, mentions)
    # p3 adds a bare MIM, which becomes the most frequent form: the label, and so the id
    assert entity_of(fresh, "Masked Image Modeling").id == "method/mim"
    seeded = resolve(papers, mentions, previous=first.entities)
    assert entity_of(seeded, "Masked Image Modelling").id == mim_id
    assert entity_of(seeded, "MIM").id == mim_id
    assert len({e.id for e in seeded.entities}) == len(seeded.entities)


def test_links_carry_roles_and_evidence(corpus, resolution):
    papers = {p.id: p for p in corpus[0]}
    roles = {(k.paper, k.entity, k.role) for k in resolution.links}
    assert ("p1", "method/llama-adapter", "proposes") in roles
    assert ("p1", "method/lora", "uses") in roles
    assert ("p1", "method/lora", "compares-with") in roles
    assert ("p1", "dataset/cifar-10", "evaluates-on") in roles
    assert ("p1", "dataset/cifar-100", "evaluates-on") in roles
    assert ("p1", "model/gpt-4", "compares-with") in roles
    assert ("p2", "model/llama-2-70b", "uses") in roles
    assert ("p3", "method/mim", "mentions") in roles
    assert ("p1", "model/llama-2", "proposes") not in roles  # "we propose X, a method for Y"
    for link in resolution.links:
        text = getattr(papers[link.paper], link.field)
        assert text[link.start:link.end] == link.text
        assert link.text in link.sentence and link.sentence in text
        assert link.role in LINK_ROLES and 0 <= link.confidence <= 1
        assert link.source == "fixture" and link.extractor_version


def test_one_link_per_paper_entity_role(resolution):
    keys = [(k.paper, k.entity, k.role) for k in resolution.links]
    assert len(keys) == len(set(keys))
    specific = {(p, e) for p, e, r in keys if r != "mentions"}
    assert not [k for k in keys if k[2] == "mentions" and k[:2] in specific]


def test_title_name_before_colon_is_proposed(resolution):
    title_links = [k for k in resolution.links if k.field == "title"]
    assert ("model/llama-2", "uses") in {(k.entity, k.role) for k in title_links}
    adapter = [k for k in resolution.links if k.entity == "method/llama-adapter"]
    assert [k.role for k in adapter] == ["proposes"]


def test_mention_role_from_the_extractor_wins():
    paper = Paper("p", "T", "BERT is everywhere.")
    m = Mention(0, 4, "Model", "BERT", 0.8, "cues", role="uses")
    (link,) = resolve([paper], {"p": {"abstract": [m]}}).links
    assert link.role == "uses" and link.confidence == 0.8


def _find_all(text, surface, etype):
    out, start = [], text.find(surface)
    while start >= 0:
        out.append(Mention(start, start + len(surface), etype, surface, 0.9, "fixture"))
        start = text.find(surface, start + 1)
    return out


def test_bare_acronym_joins_its_long_form_whatever_its_type():
    # extraction often mistypes a bare acronym (MAE as the metric); its long form decides,
    # and the votes stay as evidence
    papers = [Paper("a", "T", "Masked Autoencoders (MAE) are strong. MAE scales."),
              Paper("b", "T", "Methods: MoCo, DINO, MAE and data2vec."),
              Paper("c", "T", "MAE pre-training helps detection.")]
    mentions = {
        "a": {"abstract": _find_all(papers[0].abstract, "Masked Autoencoders", "Method")
              + _find_all(papers[0].abstract, "MAE", "Method")},
        "b": {"abstract": _find_all(papers[1].abstract, "MAE", "Metric")},
        "c": {"abstract": _find_all(papers[2].abstract, "MAE", "Model")},
    }
    (entity,) = resolve(papers, mentions).entities
    assert entity.label == "MAE" and entity.papers == ["a", "b", "c"]
    assert entity.type == "Method" and entity.type_votes == {"Method": 3, "Model": 1, "Metric": 1}


def test_previous_build_keeps_an_ambiguous_acronym_ambiguous(corpus, resolution):
    papers, mentions = corpus
    seeded = resolve(papers, mentions, previous=resolution.entities)
    assert [e.to_dict() for e in seeded.entities] == [e.to_dict() for e in resolution.entities]
    bare = [e for e in seeded.entities if e.label == "CL"]
    assert [e.papers for e in bare] == [["p6"]]


def test_variant_link_tolerates_a_mistyped_broader_entity():
    text = "LLaMA is open. Llama is small. LLaMA again. Llama-3 is newer."
    rows = [("LLaMA", "Dataset", 0), ("Llama", "Model", 15), ("LLaMA", "Dataset", 31),
            ("Llama-3", "Model", 44)]
    found = [Mention(s, s + len(t), ty, t, 0.9, "ner") for t, ty, s in rows]
    assert all(text[m.start:m.end] == m.text for m in found)
    r = resolve([Paper("p", "T", text)], {"p": {"abstract": found}})
    by_label = {e.label: e for e in r.entities}
    assert by_label["LLaMA"].type == "Dataset"  # outvoted, but once voted a Model
    assert by_label["Llama-3"].broader == [by_label["LLaMA"].id]


def test_label_drops_a_generic_head():
    text = "The Llama-2 architecture and the LLaMA2 architecture differ; ImageNet dataset."
    rows = [("Llama-2 architecture", "Model"), ("LLaMA2 architecture", "Model"),
            ("ImageNet dataset", "Dataset")]
    found = [Mention(text.index(t), text.index(t) + len(t), ty, t, 0.9, "ner") for t, ty in rows]
    r = resolve([Paper("p", "T", text)], {"p": {"abstract": found}})
    labels = {e.id: (e.label, e.aliases) for e in r.entities}
    assert labels["model/llama-2"] == ("Llama-2", ["Llama-2", "Llama-2 architecture",
                                                   "LLaMA2 architecture"])
    assert labels["dataset/imagenet"] == ("ImageNet", ["ImageNet", "ImageNet dataset"])


def test_head_stripping_does_not_depend_on_case():
    # an inner capital makes the first name-like, so its head is dropped; the second is
    # the same words in title case and must land in the same entity
    text = ("Knowledge INtegration and Diversion in diffusion models. "
            "Knowledge Integration and Diversion in Diffusion Models.")
    rows = ["Knowledge INtegration and Diversion in diffusion models",
            "Knowledge Integration and Diversion in Diffusion Models"]
    found = [Mention(text.index(t), text.index(t) + len(t), "Method", t, 0.9, "ner")
             for t in rows]
    r = resolve([Paper("p", "T", text)], {"p": {"abstract": found}})
    assert len(r.entities) == 1
    assert any(m.reason == "normalised-form" and m.decision == "merge" for m in r.merges)



def _typed(text, rows):
    """Mentions of ``rows`` (surface, type), each at its first place in ``text``."""
    found, at = [], {}
    for surface, etype in rows:
        start = text.index(surface, at.get(surface, 0))
        at[surface] = start + 1
        found.append(Mention(start, start + len(surface), etype, surface, 0.9, "ner"))
    return resolve([Paper("p", "T", text)], {"p": {"abstract": found}})


def test_a_dataset_head_is_kept_when_the_bare_name_is_a_task():
    text = "NLP is a field; NLP benchmarks and NLP datasets measure NLP progress."
    r = _typed(text, [("NLP", "Task"), ("NLP benchmarks", "Dataset"),
                      ("NLP datasets", "Dataset"), ("NLP", "Task")])
    by_id = {e.id: e for e in r.entities}
    assert by_id["task/nlp"].aliases == ["NLP"]
    assert by_id["dataset/nlp-benchmark"].aliases == ["NLP benchmarks"]
    assert by_id["dataset/nlp-dataset"].label == "NLP datasets"
    apart = [m for m in r.merges if m.reason == "head-changes-type"]
    assert [(m.a, m.b, m.decision) for m in apart] == [("NLP benchmarks", "NLP", "keep-apart"),
                                                        ("NLP datasets", "NLP", "keep-apart")]


@pytest.mark.parametrize("rows,entity", [
    ([("ImageNet", "Dataset"), ("ImageNet dataset", "Dataset")], "dataset/imagenet"),
    ([("FID", "Metric"), ("FID scores", "Metric")], "metric/fid"),
    ([("LoRA", "Method"), ("LoRA modules", "Method")], "method/lora"),
])
def test_a_head_that_keeps_the_kind_is_dropped(rows, entity):
    text = " and ".join(surface for surface, _ in rows) + "."
    (found,) = _typed(text, rows).entities
    assert found.id == entity and len(found.aliases) == 2


def test_a_metric_named_after_a_dataset_is_not_the_dataset():
    r = _typed("GLUE benchmark results: a GLUE score of 81.8 on GLUE.",
               [("GLUE benchmark", "Dataset"), ("GLUE score", "Metric"), ("GLUE", "Dataset")])
    assert sorted((e.id, tuple(e.aliases)) for e in r.entities) == [
        ("dataset/glue", ("GLUE", "GLUE benchmark")), ("metric/glue-score", ("GLUE score",))]


def test_a_challenge_named_after_a_disease_is_not_the_disease():
    text = ("The Diabetic Foot Ulcer Challenge (DFUC) collects images of diabetic foot "
            "ulcers; DFUC entries segment Diabetic foot ulcers.")
    r = _typed(text, [("Diabetic Foot Ulcer Challenge", "Dataset"), ("DFUC", "Dataset"),
                      ("diabetic foot ulcers", "Task"), ("Diabetic foot ulcers", "Task")])
    by_id = {e.id: e for e in r.entities}
    challenge = by_id["dataset/diabetic-foot-ulcer-challenge"]
    assert challenge.aliases == ["DFUC", "Diabetic Foot Ulcer Challenge"]
    assert by_id["task/diabetic-foot-ulcer"].aliases == ["Diabetic foot ulcers",
                                                         "diabetic foot ulcers"]
