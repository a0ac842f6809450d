"""Reported results: "MR-MAE achieves 85.8% top-1 accuracy on ImageNet-1K" → a Result.

A result is a number next to a Metric mention of the same sentence of an abstract: the
number before the metric ("85.8% top-1 accuracy", "a 3.5 FID") or after it ("an FID of
3.5", "accuracy reaches 85.8%", "(BLEU 28.4)", the second number of "accuracy from 60.3%
to 73.2%"). Its dataset is the nearest Dataset mention of the sentence (after the number
first: "... on ImageNet-1K"); its entity the nearest Model (or name-like Method, or one the
paper proposes) before the number with no comparison between them ("MR-MAE ...
achieves"), or, in a sentence about the paper's own work ("We ...", "Our model ..."), the
one Model or Method the paper proposes.

Precision first: a number stated as a change ("by 2.1%", "+0.3%", "a gain of 4 points",
"2x faster", "50% less", the first number of "from 60.3% to 73.2%") is not a result, nor a
number inside a mention ("GPT-4", "ImageNet-1K"); in a sentence that pairs values by
position ("..., respectively") a result keeps its metric but names no dataset or entity.
The patterns are data: ``data/results.json``.

>>> text = "MR-MAE achieves 85.8% top-1 accuracy on ImageNet-1K, up by +2.2%."
>>> spans = [(0, 6, "mr-mae"), (22, 36, "top-1-accuracy"), (40, 51, "imagenet")]
>>> types = {"mr-mae": "Model", "top-1-accuracy": "Metric", "imagenet": "Dataset"}
>>> [(r.value, r.value_text, r.metric, r.dataset, r.entity)
...  for r in find_results("p1", text, spans, types)]
[('85.8', '85.8%', 'top-1-accuracy', 'imagenet', 'mr-mae')]
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from kg.model import RESULT_SOURCE, Result
from kg.resolve.links import sentences

#: The component name results carry as provenance (beside the extractor version).
SOURCE = RESULT_SOURCE
#: A number: digits with an optional decimal part and percent sign, not glued to a word,
#: a dash or a dot before it ("GPT-4", "v1.5", "x2" are not values).
_NUMBER = re.compile(r"(?<![\w.\-/^])(\d+(?:\.\d+)?)(\s?%)?(?![\w]|\.\d|[-/^])")
#: A name rather than a phrase: a capital after the first letter, or a digit ("MR-MAE base",
#: "ResNet", "T5"; not "Five-fold cross validation").
_NAME_LIKE = re.compile(r"^.+?[A-Z0-9]")
#: A "sentence" longer than this is not prose (a table, markup, a run-on list) and is not
#: read for results; the bound also keeps the work per sentence small.
MAX_SENTENCE_CHARS = 1000
#: Entity types a result can be "of".
_SUBJECT_TYPES = ("Model", "Method")


class _Span(NamedTuple):
    start: int
    end: int
    entity: str


@dataclass(frozen=True)
class _Patterns:
    value_then_metric: re.Pattern[str]
    metric_then_value: re.Pattern[str]
    metric_from_to: re.Pattern[str]
    change_before: re.Pattern[str]
    change_after: re.Pattern[str]
    skip_sentence: re.Pattern[str]
    subject_words: re.Pattern[str]
    comparison: re.Pattern[str]
    compared: re.Pattern[str]


@lru_cache(maxsize=1)
def patterns() -> _Patterns:
    """The patterns of ``data/results.json``, compiled (case-insensitive)."""
    text = resources.files("kg.resolve").joinpath("data/results.json").read_text("utf-8")
    spec = json.loads(text)
    return _Patterns(**{name: re.compile(spec[name], re.IGNORECASE)
                        for name in _Patterns.__dataclass_fields__})


def _decimal(text: str) -> str | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return format(value.normalize(), "f") if value.is_finite() else None  # "85.80" → "85.8"


def find_results(paper: str, abstract: str, spans: Sequence[tuple[int, int, str]],
                 types: Mapping[str, str], *, proposed: Collection[str] = (),
                 version: str = "unknown") -> list[Result]:
    """The results of one paper's abstract.

    ``spans`` are the ``(start, end, entity id)`` of every resolved mention of the abstract
    (any order), ``types`` maps entity ids to types, ``proposed`` holds the entities the
    paper proposes.
    """
    pat = patterns()
    own = sorted(_Span(*sp) for sp in spans if sp[2] in types)
    if not own or not abstract:
        return []
    starts = [sp.start for sp in own]
    subjects = [e for e in dict.fromkeys(proposed) if types.get(e) in _SUBJECT_TYPES]
    out: list[Result] = []
    for s_start, s_end in sentences(abstract):
        if s_end - s_start > MAX_SENTENCE_CHARS:
            continue  # not prose (a table, markup, a run-on list): nothing reads as a score
        sentence = abstract[s_start:s_end]
        inside = [sp for sp in own[bisect_left(starts, s_start):bisect_left(starts, s_end)]
                  if sp.end <= s_end]
        metrics = [sp for sp in inside if types[sp.entity] == "Metric"]
        if not metrics:
            continue
        datasets = [sp for sp in inside if types[sp.entity] == "Dataset"]
        by_position = bool(pat.skip_sentence.search(sentence))  # "..., respectively"
        taken: set[int] = set()
        for match in _NUMBER.finditer(abstract, s_start, s_end):
            start, end = match.start(), match.end()
            if any(sp.start <= start < sp.end for sp in inside):
                continue  # part of a name: "GPT-4", "ImageNet-1K"
            if pat.change_before.search(abstract[s_start:start]) or \
                    pat.change_after.match(abstract[end:s_end]):
                continue
            metric = _metric_next_to(abstract, start, end, metrics, taken, match.group(2),
                                     by_position)
            value = _decimal(match.group(1))
            if metric is None or value is None:
                continue
            taken.add(metric.start)
            dataset = entity = None
            if not by_position:
                dataset = _nearest(datasets, end)
                entity = _subject(abstract, inside, types, start, sentence, subjects)
            out.append(Result(paper, metric.entity, value, abstract[start:end], "abstract",
                              start, end, sentence, dataset, entity, SOURCE, version))
    return out


def _metric_next_to(text: str, start: int, end: int, metrics: Sequence[_Span],
                    taken: set[int], percent: str | None, by_position: bool) -> _Span | None:
    """The Metric mention right after the number ("85.8% accuracy") or right before it
    ("accuracy of 85.8%"), by the patterns; one number per metric mention. A whole number
    before a plural ("200 trainable parameters") counts things: not a score. In a sentence
    that pairs by position, only a metric right after the number counts from the left
    ("70.6 and 17.04 for IS and FID, respectively": 17.04 is not the IS)."""
    pat = patterns()
    for sp in sorted(metrics):
        if sp.start >= end and sp.start not in taken:
            gap = text[end:sp.start]
            if by_position and gap.strip() not in ("", "%"):
                break
            if pat.value_then_metric.match(gap):
                if percent is None and "." not in text[start:end] and \
                        text[sp.start:sp.end].endswith("s"):
                    return None
                if pat.change_after.match(text[sp.end:sp.end + 40]):
                    return None  # "86.3% win rate improvements"
                return sp
            break
    before = [sp for sp in metrics if sp.end <= start and sp.start not in taken
              and (pat.metric_then_value.match(text[sp.end:start])
                   or pat.metric_from_to.match(text[sp.end:start]))]
    return max(before, key=lambda sp: sp.end) if before else None


def _nearest(datasets: Sequence[_Span], position: int) -> str | None:
    """The Dataset mention nearest after ``position``, else the nearest before it."""
    after = [sp for sp in datasets if sp.start >= position]
    if after:
        return min(after).entity
    before = [sp for sp in datasets if sp.end <= position]
    return max(before, key=lambda sp: sp.end).entity if before else None


def _subject(text: str, inside: Sequence[_Span], types: Mapping[str, str], position: int,
             sentence: str, proposed: Sequence[str]) -> str | None:
    """The Model or Method the sentence reports a score of, when it says: the nearest Model
    (or named Method, or one the paper proposes) before the number with no comparison between them
    ("X outperforms the baseline's accuracy of 35.9%" is not X's), else the one Model or
    Method the paper proposes when the sentence speaks of the paper's own work ("We ...",
    "Our model ...")."""
    pat = patterns()
    named = [sp for sp in inside if sp.end <= position and (
        types[sp.entity] == "Model" or (types[sp.entity] == "Method" and (
            sp.entity in proposed or _NAME_LIKE.search(text[sp.start:sp.end]))))]
    if named:
        nearest = named[-1]
        if pat.compared.search(text[max(0, nearest.start - 40):nearest.start]) or \
                pat.comparison.search(text[nearest.end:position]):
            return None  # "beats iGPT-L on accuracy from 60.3% to 73.2%": not iGPT-L's
        return nearest.entity
    if len(proposed) == 1 and pat.subject_words.match(sentence):
        return proposed[0]
    return None
