"""Names and keys: which surface forms are one name, which never are."""

from __future__ import annotations

import pytest

from kg.resolve.match import decide
from kg.resolve.normalise import is_generic, keeps_head, name

SAME = [
    ("Llama-2", "Llama 2", "LLaMA2", "LLaMA 2", "llama-2's"),
    ("Vision Transformer", "Vision Transformers", "vision-transformers"),
    ("LLaMA-Adapter", "Llama Adapter", "LLaMA-adapters"),
    ("ImageNet", "the ImageNet dataset", "ImageNet benchmark"),
    ("MoCo v2", "MoCo-v2", "MoCov2", "MOCO V2"),
    ("ResNet-50", "ResNet50", "resnet 50"),
    ("TÜLU 2", "Tulu-2", "TULU2"),
    ("GNNs", "GNN"),
    ("Masked Image Modeling (MIM)", "masked image modeling"),
    ("In-Context Learning", "in-context learning of"), ("Linear Expansion", "Linear Expansion of"),
    ("FM3", "FM3's", "FM3's architecture"), ("ScatNet", "ScatNet based", "ScatNet based models"),
    ("classification task", "classification", "classification tasks"), ("NLU tasks", "NLU"),
    # spellings found in the bundled listings
    ("LLaMav2-7B", "Llama-2-7B", "LLaMA 2 7B"), ("LLaMa 3", "LLaMA3", "Llama 3"),
    ("ImageNet-1K", "ImageNet-1k", "ImageNet 1K"), ("Qwen 2.5", "Qwen2.5"), ("GPT3", "GPT-3"),
]

# families that must never share a key: versions, sizes, numbers and suffixes
APART = [
    ("GPT-3", "GPT-4"), ("GPT-3.5", "GPT-3.5-turbo"), ("GPT-4", "GPT-4o"), ("GPT-4", "GPT-4V"),
    ("CIFAR-10", "CIFAR-100"), ("BERT", "RoBERTa"), ("BERT", "ALBERT"), ("BERT", "mBERT"),
    ("Llama-2-7B", "Llama-2-70B"), ("Llama 2 7B", "Llama 27B"), ("ResNet-50", "ResNet-101"),
    ("T5-base", "T5-large"), ("MoCo v2", "MoCo v3"), ("YOLOv5", "YOLOv8"),
    ("HumanEval", "HumanEval+"), ("MMLU", "MMLU-Pro"), ("ImageNet-1K", "ImageNet-21K"),
    ("ImageNet", "ImageNet-R"), ("SQuAD", "SQuAD 2.0"), ("ROUGE-1", "ROUGE-L"),
    ("top-1 accuracy", "top-5 accuracy"), ("Qwen2.5-7B", "Qwen2.5-72B"), ("Phi-2", "Phi-3"),
    ("Stable Diffusion 1.5", "Stable Diffusion 2.1"), ("DINO", "DINOv2"), ("BLEU-1", "BLEU-4"),
    ("Mistral 7B", "Mixtral 8x7B"), ("Llama", "LLaVA"), ("Video-LLaMA", "Video-LLaVA"),
    ("ViT-B/16", "ViT-L/16"), ("WMT14", "WMT16"), ("Gemini 1.5 Pro", "Gemini 1.5 Flash"),
    ("EfficientNet-B0", "EfficientNet-B7"), ("MNIST", "Fashion-MNIST"), ("PaLM", "PaLM 2"),
    # families found in the bundled listings
    ("ImageNet-22K", "ImageNet21K"), ("CC-12M", "CC-3M"), ("TeleChat2", "TeleChat2.5"),
    ("ERNIE 2.0", "ERNIE 3.0"), ("SQuAD 2.0", "SQuAD v1"), ("Sentinel-1", "Sentinel 2"),
    ("Qwen2.5", "Qwen2.5-1M"), ("ConceptualCaptions12M", "ConceptualCaptions3M"),
    ("GPT-4o", "GPT-4o-mini"), ("iGPT-L", "iGPT-XL"), ("LongBench", "LongBench-E"),
    ("Falcon-7B", "Falcon-180B"), ("PaLM-540B", "PaLM 62B"), ("How2Bench", "How2Mine"),
    ("MiniLM", "MiniPLM"), ("LLaVA-Med", "LLaVA-Mad"), ("DeBERTa", "DeBERTaa"),
    # one word apart, a fuzzy score ≥ 90: prefixed, negated or opposite words
    ("graph construction", "graph reconstruction"), ("supervised segmentation",
     "unsupervised segmentation"), ("neural encoding", "neural decoding"),
    ("image inpainting", "image outpainting"), ("symmetric attention", "asymmetric attention"),
    ("explicit feedback modeling", "implicit feedback modeling"),
    # one word apart by its ending: derived words, not respellings (bundled listings)
    ("statistical mechanics", "statistical mechanisms"), ("graph generation", "graph generator"),
]


@pytest.mark.parametrize("forms", SAME, ids=lambda f: f[0])
def test_variants_of_spelling_share_a_key(forms):
    keys = {name(f).key for f in forms}
    assert len(keys) == 1, keys


@pytest.mark.parametrize("a,b", APART, ids=lambda v: str(v))
def test_families_never_share_a_key_nor_fuzzy_merge(a, b):
    from rapidfuzz import fuzz

    na, nb = name(a), name(b)
    assert na.key != nb.key
    assert decide(na, nb, fuzz.ratio(na.text, nb.text))[0] == "keep-apart"


def test_spelling_variants_fuzzy_merge():
    a, b = name("Masked Image Modeling"), name("Masked Image Modelling")
    assert decide(a, b, 97.7) == ("merge", "fuzzy")
    a, b = name("Tranformer networks"), name("Transformer networks")
    assert decide(a, b, 95.0) == ("merge", "fuzzy")
    a, b = name("layer normalization"), name("layer normalisation")
    assert decide(a, b, 92.3) == ("merge", "fuzzy")
    a, b = name("Twitetr bot detection"), name("Twitter bot detection")  # a swap at the end
    assert decide(a, b, 95.2) == ("merge", "fuzzy")
    a, b = name("Tranformer-XL"), name("Transformer-XL")  # name-like: no guessing
    assert decide(a, b, 95.0) == ("keep-apart", "name-differs")
    a, b = name("Layer-wise Ensemble of Different Views"), name("Layer-wise Ensemble of VIews")
    assert decide(a, b, 98.7)[0] == "keep-apart"  # a word fewer
    b = name("Layer-wise Ensemble of different VIews")
    assert decide(a, b, 98.7) == ("merge", "fuzzy")


@pytest.mark.parametrize("text", ["our model", "the dataset", "this approach", "baselines",
                                  "method", "model", "state-of-the-art models", "Our method",
                                  "the proposed framework", "existing methods", "LLMs",
                                  "large language models", "These models", "a new benchmark",
                                  "prior work", "2023", "(a)", "it", "SOTA methods",
                                  "model size", "generalization", "fine-tune",
                                  "computational cost", "Among them", "300B", "fine-"])
def test_generic_mentions_have_no_name(text):
    assert name(text) is None


@pytest.mark.parametrize("text", ["BERT", "diffusion models", "graph neural networks",
                                  "Masked Image Modeling", "ImageNet", "reinforcement learning",
                                  "Long Range Arena", "F1 score", "LoRA"])
def test_specific_mentions_are_not_generic(text):
    assert not is_generic(text)
    assert name(text) is not None


def test_tokens_split_letters_from_digits_and_keep_versions():
    assert name("Llama-2-70B-Chat").tokens == ("llama", "2", "70b", "chat")
    assert name("YOLOv8").tokens == ("yolo", "v8")
    assert name("GPT-3.5-turbo").tokens == ("gpt", "3.5", "turbo")
    assert name("Llama 2 7B").key != name("Llama 27B").key


@pytest.mark.parametrize("text,bare,head_type", [
    ("ImageNet dataset", "ImageNet", "Dataset"), ("GLUE benchmark", "GLUE", "Dataset"),
    ("NLP benchmarks", "NLP", "Dataset"), ("ODQA datasets", "ODQA", "Dataset"),
    ("WMT14 corpus", "WMT14", "Dataset"), ("BabyLM Challenge", "BabyLM", "Dataset"),
    ("FID scores", "FID", "Metric"), ("GLUE score", "GLUE", "Metric"),
    ("LAE framework", "LAE", ""), ("LoRA modules", "LoRA", ""), ("NLU tasks", "NLU", ""),
])
def test_a_dropped_head_records_the_type_it_makes(text, bare, head_type):
    nm = name(text)
    assert nm.key == name(bare).key and nm.core == bare
    assert nm.head_type == head_type
    assert nm.with_head().key == nm.full_key != nm.key
    assert nm.with_head().core == text and nm.with_head().head_type == ""


def test_challenge_is_dropped_only_after_a_name():
    # a challenge named after a disease is not the disease (bundled listings: DFUC)
    assert name("Diabetic Foot Ulcer Challenge").key != name("Diabetic foot ulcers").key
    assert name("Diabetic Foot Ulcer Challenge").head_type == ""
    assert name("BabyLM Challenge").key == name("BabyLM").key


@pytest.mark.parametrize("text,own_types,bare_types,kept", [
    ("NLP benchmarks", {"Dataset": 1}, {"Task": 29, "Method": 31}, True),  # not the field
    ("Open-QA benchmarks", {"Dataset": 1}, {"Task": 2}, True),
    ("SurgeNetXL dataset", {"Dataset": 1}, {"Model": 4}, True),
    ("GLUE score", {"Metric": 1}, {"Dataset": 8}, True),  # a metric reported on the benchmark
    ("ImageNet dataset", {"Dataset": 3}, {"Dataset": 12, "Method": 1}, False),
    ("FID scores", {"Metric": 2}, {"Metric": 4}, False),
    ("GPT-3 dataset", {"Model": 1}, {"Model": 9}, False),  # the extractor read the model
    ("C4 dataset", {"Dataset": 1}, {}, False),  # no bare mention: nothing to tell apart
    ("LoRA modules", {"Method": 1}, {"Task": 3}, False),  # the head does not change the kind
])
def test_a_dataset_or_metric_head_is_kept_when_the_bare_name_is_another_type(
        text, own_types, bare_types, kept):
    assert keeps_head(name(text), own_types, bare_types) is kept
