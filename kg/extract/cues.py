"""Cue rules: mentions and link roles stated by the words around them.

The rules live in ``data/cues.json``. Each has a token-Matcher pattern for its trigger and
says on which side of the trigger the mention X stands:

- ``we propose X``, ``called X`` → role ``proposes``;
- ``evaluated / tested / experiments on X`` → ``Dataset``, role ``evaluates-on``;
  ``trained / fine-tuned on X`` → ``Dataset``, role ``uses``;
- ``X dataset / corpus / benchmark / treebank`` → ``Dataset`` (the head noun included);
- ``X score`` → ``Metric`` ("BLEU score");
- ``outperforms X``, ``compared with X`` → role ``compares-with``; ``X outperforms / achieves``
  → X is a mention (no role);
- ``we use X``, ``based on X`` → role ``uses`` (only when the NER found X);
- a title opening with a name and a colon ("UL2: Unifying ...") → role ``proposes``
  (``title_name`` in ``cues.json``).

The pipeline has no tagger or parser, so X is either an entity of ``doc.ents`` standing right
there, or a name: a run of words with a capital or a digit ("Masked Image Modeling",
"MR-MAE", "Llama 3.1 8B"), possibly joined by connectors ("Bag-of-Words"). Untyped names get
Model when they look like a model (CamelCase or a digit), else Method. In a headline-cased
text (a title) a capital is no sign of a name: only CamelCase, capitals inside a word or digits
are. A cue still emits an
entity the NER found, to carry its role hint. Spans go to ``doc.spans["kg_cues"]`` with
``kg_source == "cues"``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from kg.errors import ExtractError
from kg.extract.gazetteer import model_suffixes
from kg.extract.spans import CUES_KEY, ENTITY_TYPES, ROLES, add_span, register_extensions
from kg.extract.wordsets import WordSetMatcher

SOURCE = "cues"
DEFAULT_DATA = "data/cues.json"
_CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2,}[a-z]")


@dataclass(frozen=True)
class Cue:
    """One rule of ``cues.json``."""

    name: str
    side: str
    type: str | None
    role: str | None
    list: bool
    include_trigger: bool
    needs_entity: bool
    pattern: list[dict[str, Any]]


def read_cues(path: str | Path | None = None) -> dict[str, Any]:
    """The cue specification of ``path`` (default: the packaged ``data/cues.json``), checked."""
    where = str(path) if path else f"kg/extract/{DEFAULT_DATA}"
    try:
        if path is None:
            text = resources.files("kg.extract").joinpath(DEFAULT_DATA).read_text("utf-8")
        else:
            text = Path(path).read_text("utf-8")
        spec = json.loads(text)
    except OSError as err:
        raise ExtractError(f"cannot read cues {where}: {err.strerror}") from err
    except ValueError as err:
        raise ExtractError(f"{where}: not valid JSON ({err}); fix the file") from err
    cues = []
    for n, raw in enumerate(spec.get("cues", [])):
        try:
            cue = Cue(**raw)
        except TypeError as err:
            raise ExtractError(f"{where}: cue #{n} {raw.get('name')!r}: {err}") from err
        if cue.side not in ("after", "before"):
            raise ExtractError(f"{where}: cue {cue.name!r}: side must be 'after' or 'before'")
        if cue.type is not None and cue.type not in ENTITY_TYPES:
            raise ExtractError(
                f"{where}: cue {cue.name!r}: type {cue.type!r} not in {ENTITY_TYPES}"
            )
        if cue.role is not None and cue.role not in ROLES:
            raise ExtractError(f"{where}: cue {cue.name!r}: role {cue.role!r} not in {ROLES}")
        cues.append(cue)
    spec["cues"] = cues
    for type_ in spec.get("head_types", {}):
        if type_ not in ENTITY_TYPES:
            raise ExtractError(f"{where}: head_types: {type_!r} is not one of {ENTITY_TYPES}")
    return spec


def head_types(path: str | Path | None = None) -> dict[str, str]:
    """Head word → type, from ``head_types`` of the cues file ("accuracy" → "Metric")."""
    spec = read_cues(path)
    return {w.lower(): t for t, words in spec.get("head_types", {}).items() for w in words}


def _sentence_start(token: Token) -> bool:
    if token.i == 0:
        return True
    prev = token.doc[token.i - 1]
    return prev.text in (".", "!", "?", ":", ";") or "\n" in prev.text_with_ws


def _is_year(text: str) -> bool:
    return len(text) == 4 and text.isdigit() and text[:2] in ("19", "20")


def _has_letters(token: Token) -> bool:
    """At least two characters, one of them a letter: "T5" yes, "5" or "d" no."""
    return len(token.text) >= 2 and any(c.isalpha() for c in token.text)


def ends_sentence(doc: Doc) -> bool:
    """Whether ``doc`` ends with a full stop: a sentence, not a title.

    The same as ``doc.text.rstrip().endswith(".")``, read from the last tokens that are not
    all white space (``doc.text`` joins every token).
    """
    for i in range(len(doc) - 1, -1, -1):
        text = doc[i].text.rstrip()
        if text:
            return text.endswith(".")
    return False


def is_headline(doc: Doc) -> bool:
    """Whether ``doc`` is a headline-cased title ("Should VLMs be Pre-trained with Image
    Data?"): not ended by a full stop, and most content words (not stop words, not the part
    after a hyphen) capitalised."""
    if ends_sentence(doc):
        return False
    words = [t.text for t in doc if len(t.text) >= 3 and t.is_alpha and not t.is_upper
             and not t.is_stop and not (t.i and doc[t.i - 1].text == "-"
                                        and not doc[t.i - 1].whitespace_)]
    capitals = sum(w[0].isupper() for w in words)
    return capitals >= 2 and capitals >= 0.7 * len(words)


def looks_like_model(span: Span) -> bool:
    """CamelCase or a digit: "LLaMA", "GPT-4", "ResNet-50"."""
    return any(_CAMEL.search(t.text) or any(c.isdigit() for c in t.text) for t in span)


class CueTagger:
    """The ``kg_cues`` pipeline component (see the module docstring).

    Parameters
    ----------
    nlp
        The pipeline (its vocab holds the Matcher).
    name
        The component name.
    path
        A cues JSON file; ``None`` for the packaged one.
    """

    def __init__(self, nlp: Language, name: str = "kg_cues", *, path: str | None = None) -> None:
        register_extensions()
        self.name = name
        spec = read_cues(path)
        self.cues: dict[str, Cue] = {c.name: c for c in spec["cues"]}
        self.skip = {w.lower() for w in spec["skip"]}
        self.not_names = {w.lower() for w in spec["not_names"]}
        self.connectors = set(spec["connectors"])
        self.max_tokens = int(spec["max_name_tokens"])
        self.suffixes = model_suffixes()
        self.heads = {w.lower(): t for t, ws in spec.get("head_types", {}).items() for w in ws}
        self.languages = {w.lower() for w in spec.get("languages", [])}
        self.title_name: dict[str, Any] = spec.get("title_name", {})
        self.title_not_names = {w.lower() for w in self.title_name.get("not_names", [])}
        self.matcher = Matcher(nlp.vocab)
        self._headline = False
        self.by_id = {nlp.vocab.strings.add(name): cue for name, cue in self.cues.items()}
        for cue in self.cues.values():
            try:
                self.matcher.add(cue.name, [cue.pattern])
            except ValueError as err:
                raise ExtractError(f"cue {cue.name!r}: bad token pattern: {err}") from err
        # the same matches as the Matcher, 8x faster, when the patterns are word sets
        self.find: WordSetMatcher | Matcher = WordSetMatcher.compile(
            [(c.name, c.pattern) for c in self.cues.values()]) or self.matcher

    # -- names ------------------------------------------------------------------------

    def _is_name(self, token: Token) -> bool:
        text = token.text
        if token.lower_ in self.not_names or not any(c.isalnum() for c in text):
            return False
        if not any(c.isupper() or c.isdigit() for c in text):
            return False
        # in a headline ("Do Not Worry if You Do Not Have Data"), a capital says nothing
        if self._headline and all(p[1:].islower() for p in text.split("-") if p):
            return False
        # a capitalised plain word opening a sentence ("Training data") is not a name
        if token.is_title and text[1:].islower() and _sentence_start(token):
            nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
            return nxt is not None and self._is_name_strict(nxt)
        return True

    def _is_name_strict(self, token: Token) -> bool:
        text = token.text
        return token.lower_ not in self.not_names and any(c.isupper() or c.isdigit() for c in text)

    def _name_after(self, doc: Doc, i: int) -> tuple[int, int] | None:
        if i >= len(doc) or not self._is_name(doc[i]) or not _has_letters(doc[i]):
            return None
        if i + 2 < len(doc) and doc[i + 1].lower_ in ("'s", "’s"):
            return self._name_after(doc, i + 2)  # "Apple's OpenELM": the name is the owned one
        end = i + 1
        while end < len(doc) and end - i < self.max_tokens:
            tok = doc[end]
            if self._is_name(tok):
                end += 1
            elif (
                tok.text in self.connectors
                and end + 1 < len(doc)
                and (self._is_name(doc[end + 1]) or doc[end + 1].lower_ in self.suffixes)
                and end - i + 2 <= self.max_tokens
            ):
                end += 2
            else:
                break
        return i, end

    def _name_before(self, doc: Doc, end: int) -> tuple[int, int] | None:
        if end <= 0 or not self._is_name(doc[end - 1]):
            return None
        start = end - 1
        while start > 0 and end - start < self.max_tokens:
            tok = doc[start - 1]
            if self._is_name(tok):
                start -= 1
            elif (
                tok.text in self.connectors
                and start - 2 >= 0
                and self._is_name(doc[start - 2])
                and end - start + 2 <= self.max_tokens
            ):
                start -= 2
            else:
                break
        while start < end and not _has_letters(doc[start]):
            start += 1
        return (start, end) if start < end else None

    # -- mentions ---------------------------------------------------------------------

    def _target_after(
        self, doc: Doc, i: int, starts: dict[int, Span], cue: Cue
    ) -> tuple[int, int, Span | None] | None:
        while i < len(doc) and doc[i].lower_ in self.skip:
            i += 1
        if i in starts:
            ent = starts[i]
            return ent.start, ent.end, ent
        if cue.needs_entity:
            return None
        found = self._name_after(doc, i)
        if found is None or self._not_a_mention(doc, *found):
            return None
        return (*found, None)

    def _target_before(
        self, doc: Doc, end: int, ends: dict[int, Span], cue: Cue
    ) -> tuple[int, int, Span | None] | None:
        if end in ends:
            ent = ends[end]
            return ent.start, ent.end, ent
        if cue.needs_entity:
            return None
        found = self._name_before(doc, end)
        if found is None or self._not_a_mention(doc, *found):
            return None
        return (*found, None)

    def _not_a_mention(self, doc: Doc, start: int, end: int) -> bool:
        """A language pair ("English-German") or a cited author ("Li et al.", "Li (2011)")."""
        parts = [p for t in doc[start:end] for p in t.lower_.split("-") if p]
        if parts and all(p in self.languages for p in parts):
            return True
        after = [t.text for t in doc[end : end + 4]]
        if after[:1] == ["and"]:  # "Zaidan and Smith (2011)": two authors
            after = after[2:]
        return bool(after) and (
            after[0] == "et" or (after[0] == "(" and len(after) > 1 and _is_year(after[1]))
        )

    def _label(self, span: Span, ent: Span | None, cue: Cue) -> str:
        if ent is not None and (cue.type is None or ent.label_ in ("Task", "Metric", cue.type)):
            return ent.label_
        if cue.type is not None:
            return cue.type
        if span[-1].lower_ in self.heads:
            return self.heads[span[-1].lower_]
        return "Model" if looks_like_model(span) else "Method"

    def __call__(self, doc: Doc) -> Doc:
        self._headline = is_headline(doc)
        ents = doc.ents
        starts = {e.start: e for e in ents}
        ends = {e.end: e for e in ents}
        group: list[Span] = []
        seen: set[tuple[int, int]] = set()
        for match_id, start, end in self.find(doc):
            cue = self.by_id[match_id]
            targets = []
            if cue.side == "after":
                target = self._target_after(doc, end, starts, cue)
                while target is not None:
                    targets.append(target)
                    if not cue.list:
                        break
                    target = self._next_in_list(doc, target[1], starts, cue)
            else:
                target = self._target_before(doc, start, ends, cue)
                if target is not None:
                    targets.append(target)
            for t_start, t_end, ent in targets:
                if cue.include_trigger and cue.side == "before":
                    if ent is None or ent.label_ == cue.type:
                        t_end = end
                if (t_start, t_end) in seen:
                    continue
                seen.add((t_start, t_end))
                label = self._label(doc[t_start:t_end], ent, cue)
                add_span(
                    group, doc, t_start, t_end, label, source=SOURCE, role=cue.role
                )
        named = self._title_name(doc)
        if named is not None and named[:2] not in seen:
            start, end, label = named
            add_span(group, doc, start, end, label, source=SOURCE,
                     role=self.title_name.get("role"))
        group.sort(key=lambda s: (s.start, s.end))
        doc.spans[CUES_KEY] = group
        return doc

    def _title_name(self, doc: Doc) -> tuple[int, int, str] | None:
        """The name opening a title before a colon ("UL2: ..."), typed (see ``title_name``
        in ``cues.json``), or ``None``."""
        spec = self.title_name
        if not spec or len(doc) > int(spec["max_text_tokens"]) \
                or ends_sentence(doc):
            return None
        colon = next((t.i for t in doc[: int(spec["max_tokens"]) + 1] if t.text == ":"), None)
        if not colon:
            return None
        name = doc[:colon]
        first = name[0].text
        shaped = bool(_CAMEL.search(first)) or any(c.isdigit() for c in first) \
            or sum(c.isupper() for c in first) >= 2
        single = len(name) == 1 and first[:1].isupper() and first.lower() not in \
            self.title_not_names and first.lower() not in self.not_names
        if not (shaped or single) or any(t.text in (",", ";", "(") for t in name):
            return None
        end = colon
        while end > 1 and doc[end - 1].lower_ in spec["drop_words"]:
            end -= 1
        head = ""
        for t in doc[colon + 1:]:
            if t.lower_ in spec["head_ends"]:
                break
            head = t.lower_
        if head in spec["dataset_words"]:
            label = "Dataset"
        elif head in spec["model_words"] or looks_like_model(doc[:end]):
            label = "Model"
        else:
            label = "Method"
        return 0, end, label

    def _next_in_list(
        self, doc: Doc, i: int, starts: dict[int, Span], cue: Cue
    ) -> tuple[int, int, Span | None] | None:
        """The next item of "X, Y and Z" after an item ending at token ``i``."""
        j = i
        if j < len(doc) and doc[j].text == ",":
            j += 1
        if j < len(doc) and doc[j].lower_ in ("and", "or"):
            j += 1
        if j == i:
            return None
        return self._target_after(doc, j, starts, cue)


@Language.factory("kg_cues", default_config={"path": None})
def make_cues(nlp: Language, name: str, path: str | None) -> CueTagger:
    """Factory of the ``kg_cues`` component."""
    return CueTagger(nlp, name, path=path)
