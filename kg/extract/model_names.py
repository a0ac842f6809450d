"""``kg_model_names``: mentions of widely known model families with their version and size.

A token that is a family name of ``data/model_families.json`` (or a family name glued to a
version, as in ``LLaMA2`` or ``Llama3-8B``, or joined to a flavour by an underscore, as in
``BERT_BASE``) starts a Model mention that extends over the
version, size and flavour tokens that follow: ``Llama 2``, ``Llama 3.1 8B Instruct``,
``GPT-4o``, ``T5 base``. Candidates go to ``doc.spans["kg_models"]`` with source ``"models"``.
A family name that is also a common word of the field (``MAE``, mean absolute error) is a
family only in a text that its ``context`` pattern matches (masked autoencoders, pre-training).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.spans import MODELS_KEY, add_span, register_extensions, token_texts

#: Family names written in lower case first.
_LOWER_FAMILIES = ("mT5", "mBART", "wav2vec")


@lru_cache(maxsize=1)
def families_config() -> dict[str, Any]:
    """The settings of ``data/model_families.json``."""
    text = resources.files("kg.extract").joinpath("data/model_families.json").read_text("utf-8")
    return json.loads(text)


class ModelNames:
    """Find family-name tokens and extend them over versions and flavours."""

    def __init__(self, config: dict[str, Any]) -> None:
        register_extensions()
        self.exact = {f for f in config["families"] if len(f) < 4}
        self.folded = {f.lower() for f in config["families"] if len(f) >= 4}
        self.version = re.compile(config["version"])
        self.flavours = {f.lower() for f in config["flavours"]}
        # a family name glued to a version or size: "LLaMA2", "Llama3-8B", "T5-11B"
        self.glued_exact = _glued(f for f in config["families"] if len(f) < 4)
        self.glued_folded = _glued((f for f in config["families"] if len(f) >= 4), re.IGNORECASE)
        #: names that are a family only in a text their pattern matches
        self.context = {name: re.compile(pattern)
                        for name, pattern in config.get("context", {}).items()
                        if not name.startswith("_")}
        # a family name and a flavour joined by an underscore: "BERT_BASE", "GPT_LARGE"
        flavours = "|".join(re.escape(f) for f in sorted(self.flavours, key=len, reverse=True))
        self.underscored = re.compile(rf"^(?P<family>[^_]+)_(?i:{flavours})$")

    def _family(self, t: str) -> bool:
        """Whether the capitalised word ``t`` names a model family."""
        if t in self.exact or t.lower() in self.folded:
            return True
        if any(c.isdigit() for c in t):
            return bool(self.glued_exact.match(t) or self.glued_folded.match(t))
        joined = self.underscored.match(t)
        return joined is not None and self._family(joined["family"])

    def _extends(self, t: str, after_version: bool) -> bool:
        return bool(self.version.match(t)) or (after_version and t.lower() in self.flavours)

    def __call__(self, doc: Doc) -> Doc:
        found: list[Span] = []
        words = token_texts(doc)
        n = len(words)
        end = 0
        # only a capitalised word (or mT5, mBART, wav2vec) can be a family name: "falcon",
        # "phi" are not, a family name is written as a name
        named = [i for i, w in enumerate(words)
                 if w[:1].isupper() or w.startswith(_LOWER_FAMILIES)]
        in_context: dict[str, bool] = {}  # each pattern searched once a text
        for i in named:
            if i < end or not self._family(words[i]):
                continue  # inside the previous mention, or no family name
            pattern = self.context.get(words[i])
            if pattern is not None:
                if words[i] not in in_context:
                    in_context[words[i]] = pattern.search(doc.text) is not None
                if not in_context[words[i]]:
                    continue  # "MAE" in a text about errors, not masked autoencoders
            end = i + 1
            versioned = any(c.isdigit() for c in words[i])
            while end < n and end - i < 6:
                word = words[end]
                if word in "-" and end + 1 < n and not doc[end].whitespace_ and \
                        self._extends(words[end + 1], True):
                    end += 2
                    versioned = True
                    continue
                if self._extends(word, versioned):
                    versioned = versioned or bool(self.version.match(word))
                    end += 1
                    continue
                break
            add_span(found, doc, i, end, "Model", source="models")
        doc.spans[MODELS_KEY] = found
        return doc


def _glued(names: Any, flags: int = 0) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"^(?:{alternatives})[-_]?(?:v?\d[\w.-]*|[a-z]\d*)$", flags)


@Language.factory("kg_model_names")
def make_model_names(nlp: Language, name: str) -> ModelNames:
    """The registered factory of the model-name component."""
    return ModelNames(families_config())
