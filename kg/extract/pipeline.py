"""Load the default extraction pipeline: tokenizer → tok2vec → NER → rules → arbiter.

The trained weights ship inside the package (``kg/extract/model``); nothing is downloaded.
The rule components are added at load time from their data files, so retraining the NER
and editing the rules are independent.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from kg.errors import ExtractError

#: Rule components added after the NER, in order, then the arbiter.
RULE_COMPONENTS: tuple[str, ...] = (
    "kg_model_names", "kg_abbreviations", "kg_cues", "kg_gazetteer")


def _greedy_ner(path: Path) -> dict[str, Any]:
    """Config overrides that load a trained ``ner`` (spaCy's factory) as ``kg_ner``
    (kg/extract/greedy_ner.py); none for a model without one."""
    config = spacy.util.load_config(path / "config.cfg")
    if config.get("components", {}).get("ner", {}).get("factory") != "ner":
        return {}
    return {"components": {"ner": {"factory": "kg_ner"}}}


def default_model_path() -> Path:
    """The packaged NER model directory."""
    return Path(__file__).parent / "model"


def _register() -> None:
    # importing the modules registers the tokenizer and the component factories
    import kg.extract.arbiter  # noqa: F401
    import kg.extract.greedy_ner  # noqa: F401
    import kg.extract.tokenizer  # noqa: F401

    for module in ("model_names", "abbreviations", "cues", "gazetteer"):
        __import__(f"kg.extract.{module}")


def load_pipeline(model: str | Path | None = None, *, rules: bool = True) -> Language:
    """Load the NER model and add the rule components and the arbiter.

    Parameters
    ----------
    model: a model directory written by ``kg train``; default: the packaged one.
    rules: add the rule components (abbreviations, cues, gazetteer); the arbiter is always
        added so that the output is ``doc.spans["kg_mentions"]``.
    """
    _register()
    path = Path(model) if model else default_model_path()
    if not (path / "config.cfg").exists():
        raise ExtractError(f"no trained model at {path}; reinstall kg, or run `kg train` "
                           "to rebuild it from the gold corpora")
    try:
        # the tokenizer comes from its registered factory (the config names it); the copy
        # saved beside the weights is the same rules, and reading it again costs 0.15 s;
        # the NER is spaCy's with a faster greedy decoder (same weights, same answers)
        nlp = spacy.load(path, exclude=["tokenizer"], config=_greedy_ner(path))
    except Exception as err:  # spaCy raises several kinds on a broken model
        raise ExtractError(f"cannot load the model at {path}: {err}; run `kg train`") from err
    _use_inference_ops(nlp)
    if rules:
        for name in RULE_COMPONENTS:
            nlp.add_pipe(name)
    nlp.add_pipe("kg_arbiter")
    nlp.max_length = 2_000_000
    return nlp


def _use_inference_ops(nlp: Language) -> None:
    """Run the network on :class:`kg.extract.ops.InferenceOps` (NumPy's BLAS, a lean maxout)
    and predict the tok2vec with :mod:`kg.extract.fast_tok2vec` (its embedding products
    computed once).

    thinc multiplies matrices with BLIS by default; on this kind of CPU (AVX-512) the
    OpenBLAS behind NumPy is about twice as fast for the tok2vec's products
    (``bench/gemm.py``), with the same results. Only this pipeline's layers change:
    thinc's global default, used by any other model in the process, stays as it was.
    """
    from kg.extract.fast_tok2vec import speed_up
    from kg.extract.ops import InferenceOps

    set_network_ops(nlp, InferenceOps())
    if "tok2vec" in nlp.pipe_names:
        speed_up(nlp.get_pipe("tok2vec").model)


def set_network_ops(nlp: Language, ops: Any) -> None:
    """Give every layer of ``nlp``'s networks (tok2vec, NER) the thinc ``ops``."""
    for _, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops


@lru_cache(maxsize=2)
def default_pipeline(rules: bool = True) -> Language:
    """The default pipeline, loaded once per process."""
    return load_pipeline(rules=rules)
