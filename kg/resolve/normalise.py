"""Names of mentions: a cleaned surface form, its tokens and its matching key.

Two surface forms with the same key are one name: case, hyphens, spaces, accents, a
possessive, a trailing plural and a trailing generic head ("ImageNet dataset") do not
count. Digits always count, so a version, size or number can never vanish from a key.
A head that makes a dataset or a metric of a name ("benchmarks", "score") is kept when the
corpus types the bare name as something else (:func:`keeps_head`): "NLP benchmarks" are
not NLP, the task.

>>> name("LLaMA 2").key == name("Llama-2").key == name("LLaMA2").key == name("Llama 2").key
True
>>> name("CIFAR-10").key == name("CIFAR-100").key
False
>>> name("Llama-2-7B").tokens
('llama', '2', '7b')
>>> name("Vision Transformers").key == name("vision transformer").key
True
>>> name("our proposed model") is None, name("fine-") is None, name("300B") is None
(True, True, True)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from kg.resolve.lexicon import generic_words

_DASHES = re.compile(r"[\u2010-\u2015\u2212\u00ad]")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_TRAILING_PAREN = re.compile(r"^(.*\S)\s*\([^()]*\)$")
_POSSESSIVE = re.compile(r"(?:'s|s')$")
_EDGE_PUNCT = " \t\n.,;:!?\"'`()[]{}*"
_SEPARATORS = re.compile(r"[\s\-_/,:;()\[\]{}\"'`!?*|~^=<>&+@#$%\\]+")
_NON_DECIMAL_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")
_PLUS = re.compile(r"(?<=[^\W_])\+|\+(?=[^\W_])")
_VERSION_SPLIT = re.compile(r"(?<=[^\W\d_]{2})(?=[vV]\d)")
_TOKEN = re.compile(r"[vV]\d+(?:\.\d+)*|\d+(?:\.\d+)*[^\W\d_]*|[^\W\d_]+")
_VERSION = re.compile(r"v\d")
_ACRONYM_PLURAL = re.compile(r"^[A-Z][A-Za-z]*[A-Z]s$")
_NO_SINGULAR = ("ss", "us", "is", "as", "os", "ics", "series", "species", "news")


@dataclass(frozen=True)
class Name:
    """A resolvable name.

    Attributes
    ----------
    surface: the cleaned surface form (kept as an alias).
    core: the surface without a trailing generic head ("ImageNet" of "ImageNet dataset").
    full_key: the key of the whole surface, head included.
    tokens: lower-case, accent-folded tokens; letters and digits split ("llama", "2").
    key: the matching key; equal keys are the same name.
    head_type: the entity type the dropped head makes of the name ("Dataset" for "NLP
        benchmarks", "Metric" for "FID scores"), or "" when none was dropped or the head
        does not change the kind ("LAE framework").
    """

    surface: str
    tokens: tuple[str, ...]
    key: str
    core: str = ""
    full_key: str = ""
    head_type: str = ""

    def __post_init__(self) -> None:
        if not self.core:
            object.__setattr__(self, "core", self.surface)
        if not self.full_key:
            object.__setattr__(self, "full_key", self.key)

    def with_head(self) -> Name:
        """This name with its head kept in the key: "NLP benchmarks" as a name of its own.

        >>> name("NLP benchmarks").key, name("NLP benchmarks").with_head().key
        ('nlp', 'nlpbenchmark')
        """
        if self.core == self.surface:
            return self
        tokens = tokenize(self.surface)
        return Name(self.surface, tokens, key_of(tokens))

    @property
    def digits(self) -> tuple[str, ...]:
        """The tokens holding a digit: versions, sizes and numbers."""
        return tuple(t.lstrip("v") for t in self.tokens if any(c.isdigit() for c in t))

    @property
    def skeleton(self) -> str:
        """The letters-only tokens joined: the blocking key of fuzzy matching."""
        return "".join(t for t in self.tokens if t.isalpha())

    @property
    def text(self) -> str:
        """The tokens joined by spaces: the string fuzzy scores compare."""
        return " ".join(self.tokens)


def clean(text: str) -> str:
    """Tidy a surface form: Unicode, dashes, quotes, spaces, edge punctuation, possessive,
    a trailing parenthesised acronym and leading determiners.

    >>> clean("the  Masked Image Modeling (MIM)")
    'Masked Image Modeling'
    >>> clean("LLaMA2's")
    'LLaMA2'
    """
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _DASHES.sub("-", text)
    text = " ".join(text.split())
    paren = _TRAILING_PAREN.match(text)
    if paren:
        text = paren.group(1)
    text = text.strip(_EDGE_PUNCT)
    text = _POSSESSIVE.sub("", text).strip(_EDGE_PUNCT)
    words = text.split(" ")
    determiners = generic_words().determiners
    while len(words) > 1 and words[0].lower() in determiners:
        words = words[1:]
    return _trim(" ".join(words))


def _trim(text: str) -> str:
    """Drop a possessive and dangling last words ("ScatNet based", "FM3's")."""
    dangling = generic_words().dangling
    words = _POSSESSIVE.sub("", text.strip(_EDGE_PUNCT)).strip(_EDGE_PUNCT).split(" ")
    while len(words) > 1 and words[-1].lower() in dangling:
        words = words[:-1]
        words[-1] = _POSSESSIVE.sub("", words[-1].strip(_EDGE_PUNCT))
    return " ".join(words).strip(_EDGE_PUNCT)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _singular(token: str, original: str) -> str:
    if _ACRONYM_PLURAL.match(original):
        return token[:-1]
    if len(token) < 4 or original[1:] != original[1:].lower() or token.endswith(_NO_SINGULAR):
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith(("ches", "shes", "sses", "xes")):
        return token[:-2]
    if token.endswith("s"):
        return token[:-1]
    return token


def tokenize(text: str) -> tuple[str, ...]:
    """Lower-case, accent-folded tokens of ``text``, the last one singular.

    >>> tokenize("MoCo-v2"), tokenize("YOLOv8"), tokenize("LLMs"), tokenize("HumanEval+")
    (('moco', 'v2'), ('yolo', 'v8'), ('llm',), ('humaneval', 'plus'))
    """
    folded = _PLUS.sub(" plus ", _NON_DECIMAL_DOT.sub(" ", _fold(text)))
    originals: list[str] = []
    for piece in _SEPARATORS.split(folded):
        originals.extend(_TOKEN.findall(_VERSION_SPLIT.sub(" ", piece)))
    tokens = [t.lower() for t in originals]
    if tokens and tokens[-1].isalpha():
        tokens[-1] = _singular(tokens[-1], originals[-1])
    return tuple(tokens)


def key_of(tokens: tuple[str, ...]) -> str:
    """The matching key of ``tokens``: joined, "v2" as "2" after a word, "_" between numbers.

    >>> key_of(("llama", "2", "7b")), key_of(("moco", "v2"))
    ('llama2_7b', 'moco2')
    """
    parts: list[str] = []
    for i, token in enumerate(tokens):
        if i and _VERSION.match(token):
            token = token[1:]
        if parts and parts[-1][-1].isdigit() and token[0].isdigit():
            parts.append("_")
        parts.append(token)
    return "".join(parts)


def is_name_like(text: str) -> bool:
    """A digit, an inner capital ("ImageNet") or an all-caps word ("COCO")."""
    for word in re.split(r"[\s\-]+", text):
        if any(c.isdigit() for c in word) or any(c.isupper() for c in word[1:]):
            return True
    return False


@lru_cache(maxsize=1)
def _multiword_modifiers() -> re.Pattern[str]:
    phrases = sorted((m for m in generic_words().modifiers if " " in m), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, phrases)) + r")(?![\w-])")


def is_generic(surface: str) -> bool:
    """True when ``surface`` names nothing in particular ("our model", "baselines").

    >>> is_generic("state-of-the-art models"), is_generic("the dataset"), is_generic("BERT")
    (True, True, False)
    """
    words_ = generic_words()
    text = " ".join(_DASHES.sub("-", surface).lower().split()).strip(_EDGE_PUNCT)
    if not any(c.isalpha() for c in text) or len(text) < 2 or text in words_.phrases:
        return True
    text = _multiword_modifiers().sub(" ", text)
    words = [w for w in text.split() if w not in words_.determiners]
    while words and words[0] in words_.modifiers:
        words = words[1:]
    while len(words) > 1 and words[-2] in words_.modifiers:
        words = words[:-2] + words[-1:]
    if not words:
        return True
    words[-1] = _singular(words[-1], words[-1])
    rest = " ".join(words)
    if rest in words_.heads or rest in words_.phrases:
        return True
    return all(_singular(w, w) in words_.heads for w in words)


def _strip_head(surface: str) -> tuple[str, str]:
    """``surface`` without a trailing generic head, and the type that head makes of it."""
    lists = generic_words()
    words = surface.split(" ")
    for size in (2, 1):
        if len(words) > size:
            tail = " ".join(words[-size:]).lower()
            rest = " ".join(words[:-size])
            head = _singular(tail, tail)
            if head in lists.task_heads and not is_generic(rest):
                return rest, ""
            if head not in lists.name_heads and tail in lists.name_heads:
                head = tail
            if head in lists.name_heads and is_name_like(rest):
                return rest, lists.head_type(head)
    return surface, ""


def keeps_head(nm: Name, own_types: Mapping[str, int], bare_types: Mapping[str, int]) -> bool:
    """True when the head dropped from ``nm`` changes what is named: it makes a dataset or a
    metric of the name, the corpus types the headed form so, and the bare name otherwise.

    ``own_types`` are the type votes of the mentions of ``nm``'s headed form (same key, the
    same dataset- or metric-making head), ``bare_types`` those of the bare name (same key,
    no such head). With no bare mention there is nothing to tell apart.

    >>> keeps_head(name("NLP benchmarks"), {"Dataset": 2}, {"Method": 31, "Task": 29})
    True
    >>> keeps_head(name("ImageNet dataset"), {"Dataset": 5}, {"Dataset": 12, "Method": 1})
    False
    >>> keeps_head(name("FID scores"), {"Metric": 3}, {"Metric": 4})
    False
    >>> keeps_head(name("GLUE score"), {"Metric": 1}, {"Dataset": 8})  # a metric on a dataset
    True
    >>> keeps_head(name("GPT-3 dataset"), {"Model": 1}, {"Model": 9})  # typed as the model
    False
    """
    if not nm.head_type or not bare_types or not own_types:
        return False
    mostly = own_types.get(nm.head_type, 0) >= max(own_types.values())
    return mostly and bare_types.get(nm.head_type, 0) < max(bare_types.values())


@lru_cache(maxsize=200_000)
def name(text: str) -> Name | None:
    """The :class:`Name` of a mention's text, or ``None`` when it is generic or empty."""
    surface = clean(text)
    if not surface or surface[0] in "-/" or surface[-1] in "-/" or is_generic(surface):
        return None  # generic, or a fragment ("fine-")
    stripped, head_type = _strip_head(surface)
    core = _trim(stripped)
    tokens = tokenize(core)
    if not tokens or all(t[0].isdigit() for t in tokens):
        return None  # nothing, or a bare quantity ("200B")
    if core == surface:
        return Name(surface, tokens, key_of(tokens))
    return Name(surface, tokens, key_of(tokens), core, key_of(tokenize(surface)), head_type)
