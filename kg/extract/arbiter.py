"""``kg_arbiter``: combine the NER and the rule components into the final mentions.

Candidates come from ``doc.ents`` (source ``"ner"``) and the span groups of the rule
components (:mod:`kg.extract.spans`). They are taken in the priority order of
``data/arbiter.json``; a candidate is kept when it overlaps no kept mention and is not a
generic phrase ("our model", "the dataset", "baselines"). A role hint from any candidate on
exactly the same tokens is carried over. Kept mentions lose leading and trailing function
words ("joint training of", "wherein fine-tuning"); a Metric named after its task keeps only
the measure ("classification accuracy" -> "accuracy"). The result is
``doc.spans["kg_mentions"]``, sorted,
non-overlapping, each span with ``kg_score``, ``kg_source`` and ``kg_role`` set (and
``kg_ner_p``, the NER's probability, on the NER's mentions).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.spans import SOURCES, SPAN_KEYS, register_extensions

MENTIONS_KEY = "kg_mentions"


@lru_cache(maxsize=1)
def head_types() -> dict[str, str]:
    """Head word → type, from ``data/head_types.json`` (``tools/build_head_types.py``)."""
    text = resources.files("kg.extract").joinpath("data/head_types.json").read_text("utf-8")
    return {h: v["type"] for h, v in json.loads(text)["heads"].items()}


@lru_cache(maxsize=1)
def arbiter_config() -> dict[str, Any]:
    """The arbitration settings of ``data/arbiter.json``."""
    text = resources.files("kg.extract").joinpath("data/arbiter.json").read_text("utf-8")
    return json.loads(text)


class Arbiter:
    """Pick non-overlapping mentions from all candidates, by source priority."""

    def __init__(self, config: dict[str, Any]) -> None:
        register_extensions()
        self.priority: list[str] = config["priority"]
        self.enabled: dict[str, bool] = config["enabled"]
        self.gazetteer_types = set(config.get("gazetteer_types", []))
        self.extend_from: list[str] = config.get("extend_ner_from", [])
        self.confidence: dict[str, dict[str, float]] = config["confidence"]
        by_p = config.get("ner_probability", {})
        self.ner_bands: list[float] = by_p.get("bands", [])
        self.ner_precision: list[float | None] = by_p.get("precision", [])
        self.generic = {g.lower() for g in config["generic"]}
        ml = config.get("model_like", {})
        self.model_like = bool(ml.get("enabled"))
        self.model_like_max = int(ml.get("max_tokens", 3))
        self.architectures = {a.lower() for a in ml.get("architectures", [])}
        edges = config.get("edges", {})
        self.trailing = {w.lower() for w in edges.get("trailing_words", [])}
        self.leading = {w.lower() for w in edges.get("leading_words", [])}
        self.propagate_types = set(config.get("propagate", {}).get("types", []))
        retype = config.get("retype_by_head", {})
        self.head_types: dict[str, str] = head_types() if retype.get("enabled") else {}
        self.retype = set(retype.get("types", []))
        self.determiners = tuple(sorted((d.lower() + " " for d in config["generic_determiners"]),
                                        key=len, reverse=True))
        self.not_of_type = _texts_by_type(config.get("not_of_type", {}))
        self.type_of = {text: t for t, texts in _texts_by_type(config.get("type_of", {})).items()
                        for text in texts}
        measures = config.get("bare_measures", {})
        # lower case, longest first: compared with the end of a mention's text
        self.measures = sorted({m.lower() for m in measures.get("measures", [])}, key=len,
                               reverse=True)
        self.task_word = re.compile(measures.get("task_word", "(?!)"))
        self.known_types = set(config.get("known_names", {}).get("types", []))

    def score(self, source: str, label: str, p: float | None = None) -> float:
        """A mention's score: how often mentions like it were right on the dev splits
        (``bench/calibrate.py``): NER mentions of similar probability ``p`` if known, else
        the source's mentions of this type."""
        if p is not None and self.ner_bands:
            band = bisect_right(self.ner_bands, p) - 1
            if 0 <= band < len(self.ner_precision) and self.ner_precision[band] is not None:
                return float(self.ner_precision[band])
        table = self.confidence.get(source, {})
        return table.get(label, table.get("*", 0.5))

    def is_generic(self, text: str) -> bool:
        """Whether a mention text is a generic phrase ("our model") rather than a name."""
        t = _folded(text)
        stripped = t.startswith(self.determiners)  # most texts open with none of them
        while stripped:
            stripped = False
            for det in self.determiners:
                if t.startswith(det):
                    t = t[len(det):]
                    stripped = True
        return len(t) < 2 or t in self.generic or not any(c.isalpha() for c in t)

    def fixed_types(self, kept: list[Span]) -> list[Span]:
        """Give the texts of ``type_of`` their type ("NLP" is a Task), then drop the mentions
        whose text ``not_of_type`` lists for their type ("learning rate" is no Metric)."""
        out = []
        for m in kept:
            text = _folded(m.text)
            label = self.type_of.get(text, m.label_)
            if text in self.not_of_type.get(label, ()):
                continue
            out.append(m if label == m.label_ else _moved(m, m.start, m.end, label))
        return out

    def bare_measures(self, doc: Doc, kept: list[Span]) -> None:
        """A Metric whose measure follows a task word keeps only the measure
        (``bare_measures`` of ``arbiter.json``: "classification accuracy" -> "accuracy")."""
        for i, m in enumerate(kept):
            if m.label_ != "Metric" or len(m) < 2:
                continue
            text = m.text.lower()
            for measure in self.measures:
                if not text.endswith(measure) or len(text) == len(measure):
                    continue
                at = m.end_char - len(measure)
                start = next((t.i for t in m[1:] if t.idx == at), None)
                if start is not None and self.task_word.fullmatch(doc[start - 1].text):
                    kept[i] = _moved(m, start, m.end, m.label_)
                break

    def looks_like_model(self, span: Span) -> bool:
        """Whether a Method span is shaped like a trained model's name (RoBERTa, GPT-4, T5)."""
        if len(span) > self.model_like_max:
            return False
        text = span.text
        letters = "".join(filter(str.isalpha, text))
        if not letters or letters.lower() in self.architectures \
                or text.lower() in self.architectures:
            return False
        # letters with digits (GPT-4), or mixed case inside one word (RoBERTa, LLaMA, MoCo)
        return any(c.isdigit() for c in text) or any(
            any(c.isupper() for c in t.text[1:]) and any(c.islower() for c in t.text)
            for t in span)

    @staticmethod
    def harmonise_abbreviations(doc: Doc, kept: list[Span]) -> None:
        """Give every kept short form of an abbreviation the type of its kept long form."""
        pairs = doc._.kg_abbreviations  # registered with the arbiter's extensions
        if not pairs:
            return
        by_tokens = {(m.start, m.end): m for m in kept}
        types: dict[str, str] = {}
        for short, long in pairs:
            lf = by_tokens.get((long.start, long.end))
            if lf is not None:
                types.setdefault(short.text, lf.label_)
        for i, m in enumerate(kept):
            label = types.get(m.text)
            if label is not None and m.label_ != label:
                kept[i] = _moved(m, m.start, m.end, label)

    def tidy(self, doc: Doc, kept: list[Span]) -> list[Span]:
        """Boundary hygiene (``edges`` of ``arbiter.json``): drop leading and trailing
        function words."""
        out: list[Span] = []
        for m in kept:
            start, end = m.start, m.end
            while end - start > 1 and doc[end - 1].lower_ in self.trailing:
                end -= 1
            while end - start > 1 and doc[start].lower_ in self.leading:
                start += 1
            if (start, end) == (m.start, m.end):
                out.append(m)
                continue
            if doc[start:end].text.lower() in self.trailing or \
                    self.is_generic(doc[start:end].text):
                continue
            out.append(_moved(m, start, end, m.label_))
        out.sort(key=lambda x: x.start)
        return out

    def retype_by_head(self, doc: Doc, kept: list[Span]) -> None:
        """Give a Method/Task/Dataset mention the type its head word says in the training
        data ("joint training": Method), when that is another of these types."""
        for i, m in enumerate(kept):
            wanted = self.head_types.get(m[-1].lower_)
            if wanted and wanted != m.label_ and m.label_ in self.retype \
                    and wanted in self.retype:
                kept[i] = _moved(m, m.start, m.end, wanted,
                                 score=self.score(m._.kg_source, wanted, m._.kg_ner_p))

    def propagate(self, doc: Doc, kept: list[Span]) -> list[Span]:
        """Mark the other occurrences of each kept name (``propagate`` of ``arbiter.json``)."""
        shaped = [m for m in kept if m.label_ in self.propagate_types
                  and any(c.isupper() or c.isdigit() for c in m.text)]
        if not shaped:
            return kept
        words = doc.to_array(ORTH).tolist()  # the tokens' texts as string ids
        names: dict[tuple[int, ...], Span] = {}
        for m in shaped:
            names.setdefault(tuple(words[m.start:m.end]), m)
        taken = bytearray(len(doc))
        for m in kept:
            taken[m.start:m.end] = b"\x01" * len(m)
        added: list[Span] = []
        for parts, m in names.items():
            k = len(parts)
            i = -1
            while True:
                try:  # the next occurrence of the name's first word
                    i = words.index(parts[0], i + 1, len(words) - k + 1)
                except ValueError:
                    break
                if tuple(words[i:i + k]) == parts and not any(taken[i:i + k]):
                    span = Span(doc, i, i + k, label=m.label_)
                    ext = span._
                    ext.kg_source = "propagation"
                    ext.kg_score = self.score("propagation", m.label_)
                    ext.kg_role = None
                    added.append(span)
                    taken[i:i + k] = b"\x01" * k
        return sorted(kept + added, key=lambda x: x.start) if added else kept

    def candidates(self, doc: Doc) -> dict[str, list[Span]]:
        """Candidate spans by source name."""
        out: dict[str, list[Span]] = {"ner": list(doc.ents)}
        for key in SPAN_KEYS:
            if key in doc.spans:
                out.setdefault(SOURCES[key], []).extend(doc.spans[key])
        return out

    def known_names(self, cands: dict[str, list[Span]]) -> dict[tuple[int, int], str]:
        """Give an NER span the type of a gazetteer name on exactly its tokens, for the types
        of ``known_names`` ("SST-2" read as a Method is the Dataset Papers with Code lists);
        the mention's source is then the gazetteer. A short form the text defines is left
        alone: the text says what it stands for ("Clustering-On-Difficulty (COD)")."""
        ner = cands.get("ner", [])
        origin: dict[tuple[int, int], str] = {}
        if not ner or not self.known_types:
            return origin
        known = {(c.start, c.end): c.label_ for c in cands.get("gazetteer", [])
                 if c.label_ in self.known_types}
        if not known:
            return origin
        defined = {short.text for short, _ in ner[0].doc._.kg_abbreviations or ()}
        for k, n in enumerate(ner):
            label = known.get((n.start, n.end))
            if label is not None and label != n.label_ and n.text not in defined:
                ner[k] = Span(n.doc, n.start, n.end, label=label)
                origin[(n.start, n.end)] = "gazetteer"
        return origin

    @staticmethod
    def measures_named_after_models(cands: dict[str, list[Span]]) -> None:
        """Drop the model names inside a longer Metric of the NER or the gazetteer: the
        model's name is part of the measure's ("Inception Score", "CLIP score")."""
        models = cands.get("models")
        if not models:
            return
        metrics = [(c.start, c.end) for source in ("ner", "gazetteer")
                   for c in cands.get(source, []) if c.label_ == "Metric" and len(c) > 1]
        if metrics:
            cands["models"] = [m for m in models if not any(
                s <= m.start and m.end <= e and e - s > len(m) for s, e in metrics)]

    def extend(self, cands: dict[str, list[Span]]) -> dict[tuple[int, int], str]:
        """Let a longer candidate of the same type replace the NER span it contains.

        The NER often drops a name's modifiers ("accuracy" in "top-1 accuracy"); a
        gazetteer or cue span over the whole name then takes the NER span's place.
        """
        ner = cands.get("ner", [])
        origin: dict[tuple[int, int], str] = {}
        if not ner or not self.extend_from:
            return origin
        by_start: dict[int, list[int]] = {}
        for k, n in enumerate(ner):
            for i in range(n.start, n.end):
                by_start.setdefault(i, []).append(k)
        for source in self.extend_from:
            for c in cands.get(source, []):
                if source == "gazetteer" and c.label_ not in self.gazetteer_types:
                    continue
                inside = {k for i in range(c.start, c.end) for k in by_start.get(i, [])}
                if len(inside) != 1:
                    continue
                k = inside.pop()
                n = ner[k]
                if n.label_ == c.label_ and c.start <= n.start and n.end <= c.end \
                        and len(c) > len(n):
                    ner[k] = c
                    origin[(c.start, c.end)] = source
        return origin

    def __call__(self, doc: Doc) -> Doc:
        cands = self.candidates(doc)
        self.measures_named_after_models(cands)
        origin = self.known_names(cands)
        origin.update(self.extend(cands))
        taken = bytearray(len(doc))
        kept: list[Span] = []
        roles: dict[tuple[int, int], str] = {}
        read: set[tuple[int, int]] = set()  # spans on the same tokens share their extensions
        for spans in cands.values():
            for s in spans:
                if (s.start, s.end) in read:
                    continue
                read.add((s.start, s.end))
                role = s._.kg_role if s.has_extension("kg_role") else None
                if role:
                    roles[(s.start, s.end)] = role
        for source in self.priority:
            if not self.enabled.get(source, False):
                continue
            for s in sorted(cands.get(source, []), key=lambda x: (x.start, -len(x))):
                if source == "gazetteer" and s.label_ not in self.gazetteer_types:
                    continue
                if any(taken[s.start:s.end]) or self.is_generic(s.text):
                    continue
                label = s.label_
                if label == "Method" and self.model_like and self.looks_like_model(s):
                    label = "Model"
                m = Span(doc, s.start, s.end, label=label)
                ext = m._  # one extension accessor for the three values
                ext.kg_source = origin.get((s.start, s.end), source) if source == "ner" \
                    else source
                ext.kg_ner_p = s._.kg_ner_p if source == "ner" else None
                ext.kg_score = self.score(source, label, ext.kg_ner_p)
                ext.kg_role = roles.get((s.start, s.end))
                kept.append(m)
                taken[s.start:s.end] = b"\x01" * (s.end - s.start)
        kept = self.tidy(doc, kept)
        self.retype_by_head(doc, kept)
        self.harmonise_abbreviations(doc, kept)
        if self.type_of or self.not_of_type:
            kept = self.fixed_types(kept)
        if self.measures:
            self.bare_measures(doc, kept)
        kept = self.propagate(doc, kept)
        doc.spans[MENTIONS_KEY] = kept
        return doc


def _folded(text: str) -> str:
    """A mention text as the arbiter's lists hold it: lower-cased, white space collapsed."""
    return " ".join(text.lower().split())


def _texts_by_type(table: dict[str, Any]) -> dict[str, set[str]]:
    """The text lists of ``not_of_type`` / ``type_of`` by type, folded (:func:`_folded`)."""
    return {t: {_folded(x) for x in texts} for t, texts in table.items() if not t.startswith("_")}


def _moved(m: Span, start: int, end: int, label: str, *, score: float | None = None) -> Span:
    """A kept mention with new tokens or type, keeping its source, role and (unless given)
    score."""
    span = Span(m.doc, start, end, label=label)
    old, new = m._, span._
    new.kg_source, new.kg_role, new.kg_ner_p = old.kg_source, old.kg_role, old.kg_ner_p
    new.kg_score = old.kg_score if score is None else score
    return span


@Language.factory("kg_arbiter")
def make_arbiter(nlp: Language, name: str) -> Arbiter:
    """The registered factory of the arbiter."""
    return Arbiter(arbiter_config())
