"""Paper→entity links: the role the text gives a mention, and the sentence as evidence.

The role is the mention's own (set by an extraction cue rule) when it has one; otherwise
the nearest cue of ``data/cues.tsv`` in the mention's sentence decides ("we propose X" →
proposes, "using X" → uses, "evaluated on X" → evaluates-on, "outperforms X" →
compares-with); a name that opens the title before a colon ("LOOK: ...") is proposed;
everything else is "mentions".

>>> text = "We propose MR-MAE. It outperforms MAE on ImageNet-1K."
>>> [role(text, *span, "Method") for span in [(11, 17), (34, 37)]]
['proposes', 'compares-with']
>>> role(text, 41, 52, "Dataset")
'evaluates-on'
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

from kg.model import LINK_ROLES
from kg.resolve.lexicon import cues

#: At most this many words (other mentions not counted) between a "before" cue and its mention.
MAX_GAP_WORDS = 8
#: A "before" cue does not reach over a clause break or a preposition that starts a new
#: phrase ("we propose X, a method for Y": Y is not proposed).
_CLAUSE_BREAK = re.compile(r"[;:]|\b(?:while|whereas|but|which|that|where|although|however|"
                           r"for|of|in|into|to|from|by|than|because|since|when|if)\b",
                           re.IGNORECASE)
#: Between another mention and this one, a cue still applies only over a coordination
#: ("evaluated on A, B and C"), not over other words ("we present A, a new B model").
_COORDINATION = re.compile(r"[\s,;/()\[\]]*(?:(?:and|or|as well as|and/or)\b[\s,]*)?",
                           re.IGNORECASE)
#: A "proposes" cue reaches at most this many words, none of them a verb in -ing
#: ("we introduce a loss combining X": X is not proposed).
MAX_PROPOSES_GAP = 5
_MARK = "\x00"
#: A comma right after a word (not after another mention of a list) ends the cue's phrase.
_PHRASE_END = re.compile(r"^\s*,|[^\s\x00],")
_SENTENCE_END = re.compile(r"[.!?](?=\s+[\"'(\[]?[A-Z0-9])")
_ABBREVIATIONS = ("e.g", "i.e", "et al", "vs", "etc", "fig", "eq", "cf", "approx", "resp",
                  "no", "sec", "tab", "al")


@lru_cache(maxsize=4096)
def sentences(text: str) -> tuple[tuple[int, int], ...]:
    """``(start, end)`` offsets of the sentences of ``text``.

    >>> t = "We use e.g. BERT. It works (see Fig. 2). Done"
    >>> [t[s:e] for s, e in sentences(t)]
    ['We use e.g. BERT.', 'It works (see Fig. 2).', 'Done']
    """
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        word = text[max(start, match.start() - 8): match.start()].split(" ")[-1].lower()
        word = word.lstrip("([{\"'")
        if word.rstrip(".") in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            continue
        spans.append((start, match.end()))
        start = match.end()
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        spans.append((start, len(text.rstrip())))
    return tuple(spans)


def sentence_at(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the sentence holding ``text[start:end]`` (the whole text if none)."""
    for s, e in sentences(text):
        if s <= start < max(e, s + 1):
            return s, max(e, end)
    return 0, len(text)


def _blank(text: str, offset: int, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` (starting at ``offset``) with the given spans replaced by a placeholder."""
    chars = list(text)
    for s, e in spans:
        for i in range(max(s - offset, 0), min(e - offset, len(chars))):
            chars[i] = _MARK
    return re.sub(f"{_MARK}+", f" {_MARK} ", "".join(chars))


def _overlapping(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Every match of ``pattern`` in ``text``, overlapping ones included."""
    pos = 0
    while (match := pattern.search(text, pos)) is not None:
        yield match
        pos = match.start() + 1


def _before_role(prefix: str, entity_type: str) -> str | None:
    best: tuple[int, int, str] | None = None
    for cue in cues():
        if cue.side != "before" or (cue.types is not None and entity_type not in cue.types):
            continue
        for match in _overlapping(cue.pattern, prefix):
            gap = prefix[match.end():]
            words = [w for w in gap.split() if w != _MARK]
            if len(words) > MAX_GAP_WORDS or _CLAUSE_BREAK.search(gap):
                continue
            if _MARK in gap and not _COORDINATION.fullmatch(gap[gap.rindex(_MARK) + 1:]):
                continue
            if _PHRASE_END.search(gap):
                continue  # "Compared to closed-source LLMs, X outperforms": X is the subject
            if cue.role == "proposes" and (len(words) > MAX_PROPOSES_GAP
                                           or any(w.endswith("ing") for w in words)):
                continue
            if cue.role == "compares-with" and any(c.isdigit() for c in gap):
                continue  # "more than 99% accuracy" compares numbers, not with a name
            rank = (match.end(), match.end() - match.start(), cue.role)
            if best is None or rank[:2] > best[:2]:
                best = rank
    return best[2] if best else None


def _after_role(suffix: str, entity_type: str) -> str | None:
    for cue in cues():
        if cue.side == "after" and (cue.types is None or entity_type in cue.types):
            if cue.pattern.search(suffix):
                return cue.role
    return None


def role(text: str, start: int, end: int, entity_type: str, *, field: str = "abstract",
         given: str | None = None, others: Sequence[tuple[int, int]] = ()) -> str:
    """The link role of the mention ``text[start:end]`` of an entity of ``entity_type``.

    ``others`` are the spans of the other mentions of the text: they do not count as words
    between a cue and this mention ("evaluated on A, B and C": C is evaluated on too).
    """
    if given in LINK_ROLES:
        return given  # type: ignore[return-value]
    if field == "title" and not text[:start].strip() and text[end:].lstrip().startswith(":"):
        return "proposes"
    s, e = sentence_at(text, start, end)
    prefix = _blank(text[s:start], s, [o for o in others if o[0] >= s and o[1] <= start])
    found = _before_role(prefix, entity_type) or _after_role(text[end:e], entity_type)
    return found or "mentions"
