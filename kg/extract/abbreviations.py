"""Abbreviation detection (Schwartz & Hearst 2003) and type propagation.

Finds definitions written either way round:

- ``Masked Image Modeling (MIM)``: the short form in brackets, the long form before it;
- ``MIM (Masked Image Modeling)``: the short form before the brackets, the long form inside.

A short form has 2-10 characters, at least one letter (an upper-case one by default), starts
with a letter or digit and is not a capitalised word ("Features"). Its long form is first
sought as the words whose initials spell it ("Category Cooccurrence Restrictions (CCRs)"),
then by the backward character-matching rule: every letter or digit of the short form, right
to left, must occur in the long form in that order, the first one at the start of a word. The
long form spans at most ``min(|A| + 5, 2 |A|)`` words (``|A|`` the short form's length in
characters), crosses no sentence punctuation, comma or bracket, and has no more content
words than the short form has letters and digits.

The pairs are kept on ``doc._.kg_abbreviations`` as ``(short Span, long Span)``. When either
form is an entity of ``doc.ents``, or an entity overlaps the short form or the last word (the
head) of the long form, both forms get that entity's type (or the type a head word implies:
"Word Prediction Accuracy" is a Metric, see ``head_types`` in ``data/cues.json``) and every
other bare occurrence of the short form (a whole-token match; not for Task by default) is
emitted too, into ``doc.spans["kg_abbrv"]`` with ``kg_source == "abbreviations"``. A pair
that the NER did not type emits nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.cues import head_types
from kg.extract.spans import ABBREVIATIONS_KEY, add_span, register_extensions, token_texts

SOURCE = "abbreviations"

#: Opening → closing bracket tokens (PTB escapes included: some corpora use them).
_BRACKETS = {"(": ")", "[": "]", "-LRB-": "-RRB-", "-LSB-": "-RSB-"}
#: Tokens a long form never crosses.
_BARRIERS = {".", ",", ";", ":", "!", "?", "(", ")", "[", "]", "-LRB-", "-RRB-", "-LSB-", "-RSB-"}
#: Words an acronym may skip: "Bag of Words (BoW)", "Word Sense Disambiguation".
_FUNCTION_WORDS = {"a", "an", "and", "by", "for", "from", "in", "of", "on", "the", "to", "with"}


@dataclass(frozen=True)
class _Candidate:
    short: Span
    window: Span
    reversed: bool


def short_form_ok(text: str, *, require_upper: bool) -> bool:
    """Whether ``text`` can be a short form: 2-10 characters, a letter, alphanumeric start."""
    if not 2 <= len(text) <= 10 or not text[0].isalnum():
        return False
    if not any(c.isalpha() for c in text):
        return False
    if require_upper and not any(c.isupper() for c in text):
        return False
    # a capitalised word ("Features", "Targets") is not an abbreviation
    return not (len(text) > 3 and text[0].isupper() and text[1:].isalpha() and text[1:].islower())


def max_words(short: str) -> int:
    """The longest long form (in words) allowed for ``short``: ``min(|A| + 5, 2 |A|)``."""
    n = len(short)
    return min(n + 5, 2 * n)


def match_initials(short: str, words: list[str]) -> int | None:
    """Index of the first of ``words`` whose initials spell ``short``, or ``None``.

    Tried before :func:`match_long_form`, which prefers the shortest long form and so cuts
    "Category Cooccurrence Restrictions (CCRs)" to "Cooccurrence Restrictions". Function
    words inside the long form may be skipped; a plural "s" ending the short form is ignored.

    Examples
    --------
    >>> match_initials("CCRs", ["of", "Category", "Cooccurrence", "Restrictions"])
    1
    >>> match_initials("BoW", ["a", "bag", "of", "words"])
    1
    """
    letters = [c.lower() for c in short if c.isalnum()]
    if len(short) > 2 and short[-1] == "s" and short[-2].isupper():
        letters = letters[:-1]
    if len(letters) < 2:
        return None
    li, wi = len(letters) - 1, len(words) - 1
    while li >= 0 and wi >= 0:
        word = words[wi]
        if word[:1].lower() == letters[li]:
            li -= 1
        elif word.lower() not in _FUNCTION_WORDS or li == len(letters) - 1:
            return None
        wi -= 1
    return wi + 1 if li < 0 else None


def match_long_form(short: str, text: str) -> int | None:
    """Where the long form of ``short`` starts in ``text`` (which it must end), or ``None``.

    Right to left, each letter or digit of ``short`` must be found in ``text`` before the
    previous one; the first one must start a word.

    Examples
    --------
    >>> match_long_form("MIM", "we use masked image modeling")
    7
    >>> match_long_form("XYZ", "masked image modeling") is None
    True
    """
    s = len(short) - 1
    i = len(text) - 1
    while s >= 0:
        c = short[s].lower()
        if not c.isalnum():
            s -= 1
            continue
        while i >= 0 and (text[i].lower() != c or (s == 0 and i > 0 and text[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i -= 1
        s -= 1
    return i + 1


class AbbreviationDetector:
    """The ``kg_abbreviations`` pipeline component (see the module docstring).

    Parameters
    ----------
    nlp
        The pipeline (unused; kept for the factory signature).
    name
        The component name.
    require_upper
        Short forms need an upper-case letter (drops "(i.e.)", "(see)" and the like).
    plurals
        Also emit the short form followed by "s" ("CNNs" after "... (CNN)"), and a plural
        short form without it ("NPT" after "... (NPTs)").
    use_head_types
        A long form ending in a head word of ``cues.json``'s ``head_types`` ("... Accuracy",
        "... Corpus") takes that type instead of the NER's.
    propagate
        The types whose bare short forms are emitted. Not Task by default: a bare "MT" or
        "NLP" is almost never annotated on its own (it modifies "MT systems", "NLP tasks").
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "kg_abbreviations",
        *,
        require_upper: bool = True,
        plurals: bool = True,
        use_head_types: bool = True,
        propagate: tuple[str, ...] = ("Method", "Model", "Dataset", "Metric"),
    ) -> None:
        register_extensions()
        self.name = name
        self.require_upper = require_upper
        self.plurals = plurals
        self.head_types = head_types() if use_head_types else {}
        self.propagate = set(propagate)

    def __call__(self, doc: Doc) -> Doc:
        pairs = self.find_pairs(doc)
        doc._.kg_abbreviations = pairs
        doc.spans[ABBREVIATIONS_KEY] = self._emit(doc, pairs)
        return doc

    # -- detection -------------------------------------------------------------------

    def _candidates(self, doc: Doc) -> list[_Candidate]:
        out: list[_Candidate] = []
        texts = token_texts(doc)
        n = len(texts)
        # no opening bracket lies inside a pair of brackets taken: each opening is tried
        for i in [i for i, text in enumerate(texts) if text in _BRACKETS]:
            close = _BRACKETS[texts[i]]
            j = i + 1
            while j < n and j - i <= 12 and texts[j] != close and texts[j] not in _BRACKETS:
                j += 1
            if j >= n or texts[j] != close or j == i + 1:
                continue
            inner = doc[i + 1 : j]
            short_text = inner.text
            if len(inner) <= 3 and short_form_ok(short_text, require_upper=self.require_upper):
                window = self._window_before(doc, i, max_words(short_text))
                if window is not None:
                    out.append(_Candidate(inner, window, reversed=False))
            elif i > 0 and len(inner) >= 2:
                short = doc[i - 1 : i]
                if short_form_ok(short.text, require_upper=self.require_upper) and len(
                    inner
                ) <= max_words(short.text):
                    out.append(_Candidate(short, inner, reversed=True))
        return out

    @staticmethod
    def _window_before(doc: Doc, bracket: int, words: int) -> Span | None:
        start = bracket
        while start > 0 and bracket - start < words and doc[start - 1].text not in _BARRIERS:
            start -= 1
        return doc[start:bracket] if start < bracket else None

    def find_pairs(self, doc: Doc) -> list[tuple[Span, Span]]:
        """All (short form, long form) definitions in ``doc``, in text order."""
        pairs: list[tuple[Span, Span]] = []
        for cand in self._candidates(doc):
            long = self._long_form(cand)
            if long is not None:
                pairs.append((cand.short, long))
        return pairs

    @staticmethod
    def _long_form(cand: _Candidate) -> Span | None:
        window, short = cand.window, cand.short.text
        words = [t for t in window if any(c.isalnum() for c in t.text)]
        at_word = match_initials(short, [t.text for t in words])
        if at_word is not None:
            first = words[at_word].i
        else:
            at = match_long_form(short, window.text)
            if at is None:
                return None
            char = window.start_char + at
            first = next(t.i for t in window if t.idx + len(t) > char)
            long_words = window.doc[first : window.end].text.split()
            content = [w for w in long_words if w.lower() not in _FUNCTION_WORDS]
            if len(content) > sum(c.isalnum() for c in short):
                return None
        if cand.reversed and first != window.start:
            return None
        long = window.doc[first : window.end]
        if len(long.text) <= len(short) or short in long.text.split():
            return None
        return long

    # -- typing and propagation ------------------------------------------------------

    def _emit(self, doc: Doc, pairs: list[tuple[Span, Span]]) -> list[Span]:
        group: list[Span] = []
        taken: set[tuple[int, int]] = set()
        typed: dict[tuple[str, ...], str] = {}
        definitions: set[tuple[int, int]] = set()
        token_ents = _token_ents(doc)
        for short, long in pairs:
            label = _type_of(token_ents, short, long)
            if label is None:
                continue
            label = self.head_types.get(long[-1].lower_, label)
            if label in self.propagate:
                typed.setdefault(tuple(t.text for t in short), label)
            for span in (long, short):
                key = (span.start, span.end)
                definitions.add(key)
                if key not in taken:
                    taken.add(key)
                    add_span(group, doc, span.start, span.end, label, source=SOURCE)
        if typed:
            covered_to = [0] * (len(doc) + 1)  # the furthest end of a definition over each token
            for d_start, d_end in definitions:
                for i in range(d_start, d_end):
                    covered_to[i] = max(covered_to[i], d_end)
            for start, end, label in self._occurrences(doc, typed):
                if (start, end) in taken or covered_to[start] >= end:
                    continue
                taken.add((start, end))
                add_span(group, doc, start, end, label, source=SOURCE)
        group.sort(key=lambda s: (s.start, s.end))
        return group

    def _occurrences(
        self, doc: Doc, typed: dict[tuple[str, ...], str]
    ) -> list[tuple[int, int, str]]:
        found: list[tuple[int, int, str]] = []
        texts = token_texts(doc)
        for parts, label in typed.items():
            k = len(parts)
            forms = {parts}
            if self.plurals:
                forms |= {(*parts[:-1], number) for number in _other_number(parts[-1])}
            firsts = {form[0] for form in forms}
            found.extend((i, i + k, label) for i in range(len(texts) - k + 1)
                         if texts[i] in firsts and tuple(texts[i : i + k]) in forms)
        return found


def _other_number(word: str) -> list[str]:
    """The plural of a short form and, for a plural one, its singular: "NPTs" ↔ "NPT"."""
    if len(word) > 2 and word.endswith("s") and word[-2].isupper():
        return [word[:-1]]
    return [word + "s"]


def _token_ents(doc: Doc) -> list[Span | None]:
    """The NER entity over each token (or ``None``), computed once per document."""
    out: list[Span | None] = [None] * len(doc)
    for ent in doc.ents:
        for i in range(ent.start, ent.end):
            out[i] = ent
    return out


def _type_of(token_ents: list[Span | None], short: Span, long: Span) -> str | None:
    """The entity type of the pair, or ``None`` when the NER typed neither form.

    An entity that is exactly one of the forms wins; otherwise the entity overlapping the
    most tokens among those that overlap the short form or cover the long form's last word
    (its head: "ImageNet" in "ImageNet pre-training" does not type the pair).
    """
    head = long.end - 1
    ents = {id(e): e for i in (*range(long.start, long.end), *range(short.start, short.end))
            if (e := token_ents[i]) is not None}
    best: tuple[int, str] | None = None
    for ent in sorted(ents.values(), key=lambda e: e.start):
        for span in (long, short):
            if ent.start == span.start and ent.end == span.end:
                return ent.label_
    for ent in sorted(ents.values(), key=lambda e: e.start):
        if ent.start < short.end and short.start < ent.end:
            overlap = min(ent.end, short.end) - max(ent.start, short.start)
        elif ent.start <= head < ent.end:
            overlap = min(ent.end, long.end) - max(ent.start, long.start)
        else:
            continue
        if best is None or overlap > best[0]:
            best = (overlap, ent.label_)
    return best[1] if best else None


@Language.factory(
    "kg_abbreviations",
    default_config={
        "require_upper": True,
        "plurals": True,
        "use_head_types": True,
        "propagate": ["Method", "Model", "Dataset", "Metric"],
    },
)
def make_abbreviations(
    nlp: Language,
    name: str,
    require_upper: bool,
    plurals: bool,
    use_head_types: bool,
    propagate: list[str],
) -> AbbreviationDetector:
    """Factory of the ``kg_abbreviations`` component."""
    return AbbreviationDetector(
        nlp,
        name,
        require_upper=require_upper,
        plurals=plurals,
        use_head_types=use_head_types,
        propagate=tuple(propagate),
    )
