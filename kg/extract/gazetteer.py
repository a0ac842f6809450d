"""Gazetteer matching: known task, dataset, metric and model names.

The names come from ``data/gazetteer.jsonl`` (built by ``tools/build_gazetteer.py`` from ITO
and Papers with Code, CC BY-SA 4.0, see ``data/GAZETTEER-LICENSE.md``), one JSON object a
line: ``{"text", "type", "canonical", "source"}``.

Short or acronym-like names (all capitals, at most 5 characters, or one word containing a
digit) match case-sensitively, so "IS" or "Cora" do not match "is" or "cora"; the others match
in any case. Of overlapping matches the longest wins ("semantic segmentation" over
"segmentation"); a model name grows over a glued size suffix listed in
``data/gazetteer-filters.json`` ("RoBERTa-large"); a dataset name of several words also
matches as one token with hyphens ("PASCAL-Context" for "PASCAL Context"). Each match
becomes a span of ``doc.spans["kg_gazetteer"]`` labelled with the name's type, with ``kg_source ==
"gazetteer"`` and ``span.kb_id_`` set to the canonical name.

Names are not tokenized: the component looks the text of token-aligned spans up in two
dictionaries. That keeps loading fast and leaves the pipeline's tokenizer cache alone
(tokenizing the 14k names with it fills the cache, which stops growing at 10k entries, with
names: measured, later tokenizing ran 9x slower, 3.8 → 0.43 MB/s).
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

from spacy.attrs import IDX, IS_ALPHA, IS_PUNCT, IS_SPACE, LENGTH, LIKE_NUM
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.errors import ExtractError
from kg.extract.spans import (
    ENTITY_TYPES,
    GAZETTEER_KEY,
    add_span,
    doc_text,
    register_extensions,
    token_texts,
)

SOURCE = "gazetteer"
_DIGIT = re.compile(r"\d")
DEFAULT_DATA = "data/gazetteer.jsonl"
FILTERS = "data/gazetteer-filters.json"


def model_suffixes() -> frozenset[str]:
    """Size or variant words that may follow a model name after a hyphen ("-large")."""
    spec = json.loads(resources.files("kg.extract").joinpath(FILTERS).read_text("utf-8"))
    return frozenset(spec["model_suffixes"])


def is_case_sensitive(text: str) -> bool:
    """Whether ``text`` must match with its exact case.

    All capitals, at most 5 characters, or one word with a digit ("ImageNet-1K"); a name of
    several words with a digit ("Top-1 Accuracy") matches in any case.

    Examples
    --------
    >>> [is_case_sensitive(t) for t in ("BLEU", "Cora", "ImageNet-1K", "top-1 accuracy")]
    [True, True, True, False]
    """
    all_caps = text.upper() == text and text.lower() != text
    digit_word = " " not in text and _DIGIT.search(text) is not None
    return all_caps or len(text) <= 5 or digit_word


def read_entries(path: str | Path | None = None) -> list[dict[str, str]]:
    """The gazetteer entries of ``path`` (default: the packaged ``data/gazetteer.jsonl``)."""
    if path is None:
        text = resources.files("kg.extract").joinpath(DEFAULT_DATA).read_text("utf-8")
        where = f"kg/extract/{DEFAULT_DATA}"
    else:
        try:
            text = Path(path).read_text("utf-8")
        except OSError as err:
            raise ExtractError(
                f"cannot read gazetteer {path}: {err.strerror}; pass an existing JSONL file"
            ) from err
        where = str(path)
    numbered = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    try:  # one parse of the whole file is 3x faster than a parse per line
        entries = json.loads("[" + ",".join(line for _, line in numbered) + "]")
    except ValueError:
        entries = None
    if entries is None or not all(isinstance(e, dict) for e in entries):
        entries = [_parse_line(where, n, line) for n, line in numbered]
    for (n, _), entry in zip(numbered, entries):
        try:
            text_, type_ = entry["text"], entry["type"]
        except KeyError as err:
            raise ExtractError(
                f"{where}:{n}: not a gazetteer entry (no {err}); {_EXPECTED}"
            ) from err
        if type_ not in ENTITY_TYPES:
            raise ExtractError(f"{where}:{n}: type {type_!r} is not one of {ENTITY_TYPES}")
        entry.setdefault("canonical", text_)
    return entries


_EXPECTED = (
    'expected {"text", "type", "canonical", "source"}: rebuild with tools/build_gazetteer.py'
)


def _parse_line(where: str, n: int, line: str) -> dict[str, str]:
    try:
        entry = json.loads(line)
    except ValueError as err:
        raise ExtractError(f"{where}:{n}: not a gazetteer entry ({err}); {_EXPECTED}") from err
    if not isinstance(entry, dict):
        raise ExtractError(f"{where}:{n}: not a gazetteer entry (not an object); {_EXPECTED}")
    return entry


#: A token that is a name plus a glued size or version ("ImageNet-1K", "COCO-2017", "GLUE-v2").
_VARIANT = re.compile(r"^(.+?)-(\d+(?:\.\d+)?[kKmM]?|v\d+(?:\.\d+)?)$")


class Gazetteer:
    """The ``kg_gazetteer`` pipeline component (see the module docstring).

    Matching looks token-aligned spans of the document up in two dictionaries (exact text and
    lower-cased text), so the names need no tokenizing at load time and the pipeline's
    tokenizer cache stays untouched.

    Parameters
    ----------
    nlp
        The pipeline (unused; kept for the factory signature).
    name
        The component name.
    path
        A gazetteer JSONL file; ``None`` for the packaged one.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "kg_gazetteer",
        *,
        path: str | None = None,
    ) -> None:
        register_extensions()
        self.name = name
        self.exact: dict[str, tuple[str, str]] = {}
        self.lower: dict[str, tuple[str, str]] = {}
        self.max_words = 1
        self.first_words: set[str] = set()  # the first word of each name of several words
        self.prefixes: set[str] = set()  # its first word, two words, ... (lower-cased)
        for entry in read_entries(path):
            text = " ".join(entry["text"].split())
            value = (entry["type"], entry["canonical"])
            if is_case_sensitive(text):
                self.exact.setdefault(text, value)
            else:
                self.lower.setdefault(text.lower(), value)
            self.max_words = max(self.max_words, text.count(" ") + 1)
            if " " in text:
                self.first_words.add(text.split(" ", 1)[0].lower())
                words = text.lower().split(" ")
                self.prefixes.update(" ".join(words[:k]) for k in range(1, len(words)))
        self.max_tokens = 3 * self.max_words
        #: every lower-cased name and first word of a name: a token that is none of these,
        #: spaced from the next and without a hyphen, starts no match
        self.openers = {k.lower() for k in self.exact} | set(self.lower) | self.first_words
        self.suffixes = model_suffixes()

    def _grow_model(self, doc: Doc, span: Span) -> Span:
        """``RoBERTa`` + ``-large`` → ``RoBERTa-large``: size suffixes glued by a hyphen."""
        end = span.end
        while (
            end + 1 < len(doc)
            and doc[end].text == "-"
            and not doc[end - 1].whitespace_
            and not doc[end].whitespace_
            and doc[end + 1].lower_ in self.suffixes
        ):
            end += 2
        return span if end == span.end else Span(doc, span.start, end, label=span.label_)

    def matches(self, doc: Doc) -> list[Span]:
        """Every gazetteer name in ``doc`` as a labelled span (overlaps included)."""
        if not len(doc):
            return []
        # token offsets, kinds and texts from arrays: a Token object per token costs more
        cols = doc.to_array([IDX, LENGTH, IS_ALPHA, LIKE_NUM, IS_PUNCT, IS_SPACE]).T
        words_ = token_texts(doc)
        text = doc_text(doc, words_)
        n = len(words_)
        useful = ((cols[2] | cols[3]) | ((cols[4] | cols[5]) == 0)).astype(bool).tolist()
        starts = cols[0].tolist()
        ends = (cols[0] + cols[1]).tolist()
        # spaced[j]: a space before token j (or j is the end)
        spaced = [True] + [starts[j] > ends[j - 1] for j in range(1, n)] + [True]
        # a name can start only at a token glued to the next, a hyphenated one (ImageNet-1K)
        # or one whose lower-cased text opens a name: skip the others at once
        openers = self.openers
        todo = [i for i, w in enumerate(words_) if useful[i]
                and (not spaced[i + 1] or "-" in w or w.lower() in openers)]
        exact, lower, first_words = self.exact, self.lower, self.first_words
        prefixes = self.prefixes
        found: list[Span] = []
        for i in todo:
            word = words_[i]
            folded = word.lower()
            variant = _VARIANT.match(word) if "-" in word else None
            if variant:  # a known dataset with a glued size or version: ImageNet-1K, COCO-2017
                hit = exact.get(variant.group(1)) or lower.get(variant.group(1).lower())
                if hit is not None and hit[0] == "Dataset":
                    found.append(Span(doc, i, i + 1, label="Dataset", kb_id=hit[1]))
            hit = exact.get(word) or lower.get(folded)
            if hit is None and variant is None and "-" in word:
                # a dataset of several words written with hyphens: PASCAL-Context
                spaced_out = word.replace("-", " ")
                hit = exact.get(spaced_out) or lower.get(spaced_out.lower())
                if hit is not None and hit[0] != "Dataset":
                    hit = None
            if hit is not None:
                found.append(Span(doc, i, i + 1, label=hit[0], kb_id=hit[1]))
            if i + 1 < n and spaced[i + 1] and folded not in first_words:
                continue  # the common case: a lone word that starts no name of several words
            words = 1
            for j in range(i + 1, min(n, i + self.max_tokens)):
                if spaced[j]:
                    words += 1
                    if words > self.max_words or "\n" in text[ends[j - 1] : starts[j]]:
                        break
                    if words == 2 and text[starts[i] : ends[j - 1]].lower() not in first_words:
                        break  # no name of several words starts with this word
                    if words > 2 and " ".join(text[starts[i] : ends[j - 1]].split()).lower() \
                            not in prefixes:
                        break  # nor with these words
                if not useful[j]:
                    continue
                surface = text[starts[i] : ends[j]]
                if words > 1:
                    surface = " ".join(surface.split())
                hit = exact.get(surface) or lower.get(surface.lower())
                if hit is not None:
                    found.append(Span(doc, i, j + 1, label=hit[0], kb_id=hit[1]))
        return found

    def __call__(self, doc: Doc) -> Doc:
        group: list[Span] = []
        for span in filter_spans(self.matches(doc)):
            kb_id = span.kb_id_
            if span.label_ == "Model":
                span = self._grow_model(doc, span)
            out = add_span(
                group, doc, span.start, span.end, span.label_, source=SOURCE
            )
            out.kb_id_ = kb_id
        doc.spans[GAZETTEER_KEY] = group
        return doc


@Language.factory(
    "kg_gazetteer",
    default_config={"path": None},
)
def make_gazetteer(
    nlp: Language, name: str, path: str | None
) -> Gazetteer:
    """Factory of the ``kg_gazetteer`` component."""
    return Gazetteer(nlp, name, path=path)
