"""Fuzzy matching of names with blocking, and the rules that keep families apart.

Candidate pairs come from blocks of names sharing the first or the last four letters of
their letters-only skeleton, scored with ``rapidfuzz.fuzz.ratio`` on the spaced token
text; a block larger than ``MAX_BLOCK`` is split on a longer prefix. A candidate merges
only when :func:`decide` says so: same numbers, same number of tokens, no name-like
spelling (a digit, an inner capital or an all-caps word: "MiniLM" / "MiniPLM" are two
models, not a typo), and every differing token a long near-identical spelling of a common
word ("modeling"/"modelling").

>>> from kg.resolve.normalise import name
>>> decide(name("GPT-3"), name("GPT-4"), 80.0)
('keep-apart', 'number-differs')
>>> decide(name("Masked Image Modeling"), name("masked image modelling"), 97.7)
('merge', 'fuzzy')
>>> decide(name("Llama-2"), name("Llama-2-chat"), 93.0)
('keep-apart', 'suffix-differs')
>>> decide(name("graph construction"), name("graph reconstruction"), 94.7)
('keep-apart', 'word-differs')
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from kg.resolve.lexicon import variant_words
from kg.resolve.normalise import Name, is_name_like, key_of

#: Largest block compared all against all before it is split on a longer prefix.
MAX_BLOCK = 2000
#: Score (rapidfuzz ratio, 0–100) from which a guarded pair merges.
MERGE_THRESHOLD = 92.0
#: Score from which a pair is a candidate (and a refusal is logged).
CANDIDATE_THRESHOLD = 90.0


def _blocks(keys: list[str], names: dict[str, Name], side: str, size: int) -> Iterator[list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        skeleton = names[key].skeleton
        if skeleton:
            groups[skeleton[:size] if side == "prefix" else skeleton[-size:]].append(key)
    for block in groups.values():
        if len(block) > MAX_BLOCK and size < 12:
            yield from _blocks(block, names, side, size + 2)
        elif len(block) > 1:
            yield block


def candidates(names: dict[str, Name], cutoff: float = CANDIDATE_THRESHOLD
               ) -> list[tuple[float, str, str]]:
    """Pairs of keys scoring at least ``cutoff``, best first: ``(score, key_a, key_b)``."""
    import numpy as np
    from rapidfuzz import fuzz, process

    keys = sorted(names)
    seen: dict[tuple[str, str], float] = {}
    for side in ("prefix", "suffix"):
        for block in _blocks(keys, names, side, 4):
            texts = [names[k].text for k in block]
            scores = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=cutoff,
                                   dtype=np.float32, workers=1)
            rows, cols = np.nonzero(np.triu(scores, 1))
            for i, j in zip(rows.tolist(), cols.tolist()):
                pair = (block[i], block[j]) if block[i] < block[j] else (block[j], block[i])
                seen[pair] = float(scores[i, j])
    return sorted(((s, a, b) for (a, b), s in seen.items()), key=lambda t: (-t[0], t[1], t[2]))


def decide(a: Name, b: Name, score: float) -> tuple[str, str]:
    """``("merge", "fuzzy")`` or ``("keep-apart", reason)`` for a candidate pair."""
    from rapidfuzz import fuzz

    if a.digits != b.digits:
        return "keep-apart", "number-differs"
    if len(a.tokens) != len(b.tokens):
        return "keep-apart", "suffix-differs"
    if min(len(a.key), len(b.key)) < 6:
        return "keep-apart", "too-short"
    named = is_name_like(a.surface) or is_name_like(b.surface)
    for x, y in zip(a.tokens, b.tokens):
        if x == y or _plural_pair(x, y):
            continue
        if named:
            return "keep-apart", "name-differs"  # MiniLM / MiniPLM: names, not typos
        if not _same_word(x, y, fuzz.ratio(x, y)):
            return "keep-apart", "word-differs"
    if score < MERGE_THRESHOLD:
        return "keep-apart", "below-threshold"
    return "merge", "fuzzy"


def _plural_pair(x: str, y: str) -> bool:
    """A plural the singular rule left alone ("VIews" / "views")."""
    short, long = sorted((x, y), key=len)
    return short.isalpha() and len(short) >= 3 and long in (short + "s", short + "es")


def _same_word(x: str, y: str, score: float) -> bool:
    """Two spellings of one word: long, alphabetic, near-identical, same start, same end
    (an "s"/"z" or a swap in the last three letters aside: "Twitetr"), and neither a
    prefixed or suffixed form of the other ("construction"/"reconstruction",
    "supervised"/"unsupervised", "encoding"/"decoding", "mechanics"/"mechanism",
    "extrapolating"/"extrapolation" are different words)."""
    if not (x.isalpha() and y.isalpha()):
        return False
    short, long = sorted((x, y), key=len)
    if len(short) < 6 or score < 85 or x[:2] != y[:2]:
        return False
    if (x[-2:].replace("z", "s") != y[-2:].replace("z", "s")
            and sorted(x[-3:]) != sorted(y[-3:])):
        return False  # another ending, not swapped letters: a derived word, not a respelling
    return short not in long


def is_variant_token(token: str) -> bool:
    """A token that names a version, size or flavour: "2", "7b", "v2", "r", "chat"."""
    return (any(c.isdigit() for c in token) or len(token) == 1
            or token in variant_words())


def broader_of(tokens: tuple[str, ...], index: dict[tuple[str, ...], str]
               ) -> tuple[str, tuple[str, ...], tuple[str, ...]] | None:
    """The nearest broader name of ``tokens`` in ``index``: ``(value, its tokens, extra)``.

    The broader name is a proper prefix that only lacks variant tokens (versions, sizes,
    flavours).

    >>> broader_of(("llama", "2", "7b"), {("llama",): "a", ("llama", "2"): "b"})
    ('b', ('llama', '2'), ('7b',))
    >>> broader_of(("llama", "3.1"), {("llama",): "a", ("llama", "3"): "b"})[0]
    'b'
    >>> broader_of(("roberta",), {("bert",): "a"}) is None
    True
    """
    for parent, extra in parents(tokens):
        if parent in index and len(key_of(parent)) >= 3 and any(t.isalpha() for t in parent):
            if all(is_variant_token(t) for t in extra):
                return index[parent], parent, extra
            return None
    return None


def parents(tokens: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Candidate broader names of ``tokens``, nearest first, with the tokens each lacks.

    A point release counts as a child of its major version: ("llama", "3.1") has the
    parents ("llama", "3") and ("llama",).
    """
    for cut in range(len(tokens), 0, -1):
        if cut < len(tokens):
            yield tokens[:cut], tokens[cut:]
        last = tokens[cut - 1]
        if "." in last and last.split(".")[0].isdigit():
            major = last.split(".")[0]
            yield tokens[:cut - 1] + (major,), (last[len(major):],) + tokens[cut:]


def variant_reason(extra: Iterable[str]) -> str:
    """Name the kind of difference a variant adds: version, size or flavour."""
    extra = list(extra)
    if any(t[:1] == "v" and t[1:2].isdigit() or t.replace(".", "").isdigit() for t in extra):
        return "version-of"
    if any(t[-1:] in ("b", "m", "k") and t[:-1].replace(".", "").isdigit() for t in extra):
        return "size-of"
    return "flavour-of"
