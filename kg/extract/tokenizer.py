"""A tokenizer that keeps scientific names whole.

spaCy's English tokenizer splits ``MoCo-v2``, ``ImageNet-1K`` and ``XLM-R.`` in the wrong
places. This one starts from the English rules and changes three things:

- a hyphen splits only before a lower-case word (``BERT-based``, ``pre-training``), never
  inside a name (``ImageNet-1K``, ``MoCo-v2``, ``Llama-2-70B-Chat``, ``XLM-R``);
- number-unit suffixes stay on the number (``7B``, ``1K``, ``300B``), except ``%``;
- a final period after a capital leaves the name (``XLM-R.`` → ``XLM-R`` ``.``), and an
  opening bracket glued to a word splits off (``BLEU(%)`` → ``BLEU`` ``(`` ``%`` ``)``).

Registered as ``kg_tokenizer.v1`` so a saved pipeline's config can name it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import spacy
from spacy.lang.char_classes import ALPHA, ALPHA_LOWER, ALPHA_UPPER, CONCAT_QUOTES, HYPHENS
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

_HYPHEN_BEFORE_WORD = rf"(?<=[{ALPHA}0-9])(?:{HYPHENS})(?=[{ALPHA_LOWER}]{{2}})"
_INFIXES = [
    r"\.\.+",
    r"…",
    rf"(?<=[{ALPHA_LOWER}])\.(?=[{ALPHA_UPPER}][{ALPHA_LOWER}])",
    rf"(?<=[{ALPHA}]),(?=[{ALPHA}])",
    _HYPHEN_BEFORE_WORD,
    rf"(?<=[{ALPHA}0-9])[:<>=/](?=[{ALPHA}])",
    rf"(?<=[{ALPHA}])\((?=[{ALPHA}0-9%])",
    rf"(?<=[{ALPHA}0-9%])\)(?=[{ALPHA}])",
]


def _suffixes(nlp: Language) -> list[str]:
    keep = []
    for rule in nlp.Defaults.suffixes or []:
        # drop "number + unit" rules: 7B, 1K and 300B stay one token
        if rule.startswith("(?<=[0-9])(?:") and "%" not in rule:
            continue
        if rule.startswith("(?<=[0-9])") and "km" in rule:
            continue
        keep.append(rule)
    keep.append(rf"(?<=[{ALPHA}0-9{CONCAT_QUOTES}+\-]{{2}}[{ALPHA_UPPER}0-9+])\.")
    keep.append(r"(?<=[0-9])%")
    return keep


def make_tokenizer(nlp: Language) -> Tokenizer:
    """A :class:`spacy.tokenizer.Tokenizer` for ``nlp`` with the rules above."""
    prefixes = compile_prefix_regex(nlp.Defaults.prefixes or [])
    suffixes = compile_suffix_regex(_suffixes(nlp))
    infixes = compile_infix_regex(_INFIXES)
    rules = {
        k: v
        for k, v in (nlp.Defaults.tokenizer_exceptions or {}).items()
        if not re.search(r"[A-Za-z]-[A-Za-z]", k)
    }
    return Tokenizer(
        nlp.vocab,
        rules=rules,
        prefix_search=prefixes.search,
        suffix_search=suffixes.search,
        infix_finditer=infixes.finditer,
        token_match=None,
        url_match=nlp.Defaults.url_match,
    )


@spacy.registry.tokenizers("kg_tokenizer.v1")
def create_tokenizer() -> Callable[[Language], Tokenizer]:
    """The registered factory used by the pipeline config."""
    return make_tokenizer
