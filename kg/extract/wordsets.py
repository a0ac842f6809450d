"""A fast stand-in for spaCy's token ``Matcher`` on patterns of word sets.

The cue patterns of ``data/cues.json`` are sequences of word sets, some optional:
``[{"LOWER": {"IN": ["we", "paper"]}}, {"LOWER": {"IN": ["also"]}, "OP": "?"}, ...]``.
spaCy's ``Matcher`` tries every pattern at every token and calls a Python predicate for each
set, which made it most of the ``kg_cues`` component's time. :class:`WordSetMatcher` runs the
same state machine as spaCy's ``find_matches`` (spaCy 3.x, ``matcher.pyx``), with the sets as
hashes of lower-cased words, and opens a pattern only at a token that can start it (an opening
that cannot match is dropped there by spaCy too, leaving no trace). So it returns the same
``(match_id, start, end)`` tuples in the same order; ``tests/extract/test_wordsets.py``
compares the two. Patterns of any other shape are left to spaCy's ``Matcher``
(:meth:`WordSetMatcher.compile` returns ``None``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from spacy.attrs import LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc

#: One pattern token: the hashes of the lower-cased words it accepts, and whether it may be
#: skipped (``"OP": "?"``).
_Step = tuple[frozenset[int], bool]


class WordSetMatcher:
    """Match patterns of lower-cased word sets, as spaCy's ``Matcher`` would.

    Build it with :meth:`compile`; call it on a ``Doc`` for ``(match_id, start, end)`` tuples.
    """

    def __init__(self, rules: Sequence[tuple[int, list[_Step]]]) -> None:
        self.rules = list(rules)
        # the rules that can open at a word: the words of their steps up to the first one
        # that may not be skipped (spaCy rejects an opening at any other word at once)
        self.openers: dict[int, tuple[int, ...]] = {}
        for index, (_, steps) in enumerate(self.rules):
            words: set[int] = set()
            for step_words, optional in steps:
                words |= step_words
                if not optional:
                    break
            for word in words:
                self.openers[word] = (*self.openers.get(word, ()), index)
        for word, indices in self.openers.items():
            self.openers[word] = tuple(sorted(indices))

    @classmethod
    def compile(cls, rules: Sequence[tuple[str, list[dict[str, Any]]]]
                ) -> WordSetMatcher | None:
        """The matcher of ``(name, pattern)`` rules, added in this order to spaCy's
        ``Matcher``; ``None`` when a pattern uses anything but ``LOWER`` (a word or
        ``{"IN": [words]}``) and ``"OP": "?"``."""
        compiled = []
        for name, pattern in rules:
            steps = [_step(spec) for spec in pattern]
            if not steps or any(s is None for s in steps):
                return None
            compiled.append((get_string_id(name), steps))
        return cls(compiled)

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        """``(match_id, start, end)`` of every match, in the order of spaCy's ``Matcher``."""
        rules, openers = self.rules, self.openers
        states: list[tuple[int, int, int, int]] = []  # (rule, step, start, length)
        found: list[tuple[int, int, int]] = []  # (rule, start, length)
        for i, word in enumerate(doc.to_array(LOWER).tolist() if len(doc) else ()):
            opening = openers.get(word)
            if not states and opening is None:
                continue
            if opening is not None:
                states.extend((rule, 0, i, 0) for rule in opening)
            kept: list[tuple[int, int, int, int]] = []
            branches: list[tuple[int, int, int, int]] = []
            for rule, step, start, length in states:
                steps = rules[rule][1]
                while True:
                    words, optional = steps[step]
                    hit = word in words
                    final = step == len(steps) - 1
                    if not optional:
                        if hit and final:
                            found.append((rule, start, length + 1))
                        elif hit:
                            kept.append((rule, step + 1, start, length + 1))
                        break
                    if hit and final:  # with and without the optional last word
                        if length:
                            found.append((rule, start, length))
                        found.append((rule, start, length + 1))
                        break
                    if final:  # the optional last word is missing
                        found.append((rule, start, length))
                        break
                    if hit:  # take the optional word in a branch, skip it here
                        branches.append((rule, step + 1, start, length + 1))
                    step += 1
            states = kept + branches
        for rule, step, start, length in states:  # the text ended during optional words
            steps = rules[rule][1]
            if all(optional for _, optional in steps[step:]):
                found.append((rule, start, length))
        out: list[tuple[int, int, int]] = []
        seen: set[tuple[int, int, int]] = set()
        for rule, start, length in found:
            match = (rules[rule][0], start, start + length)
            if length and match not in seen:
                seen.add(match)
                out.append(match)
        return out


def _step(spec: dict[str, Any]) -> _Step | None:
    """The word set and optionality of one pattern token, or ``None`` for another shape."""
    if set(spec) - {"LOWER", "OP"} or spec.get("OP", "?") != "?" or "LOWER" not in spec:
        return None
    value = spec["LOWER"]
    if isinstance(value, str):
        words = [value]
    elif isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list) \
            and all(isinstance(w, str) for w in value["IN"]):
        words = value["IN"]
    else:
        return None
    return frozenset(get_string_id(w) for w in words), "OP" in spec
