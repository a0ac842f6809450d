"""Reported results: "MR-MAE achieves 85.8% top-1 accuracy on ImageNet-1K" → a Result.

A result is a number next to a Metric mention of the same sentence of an abstract, of one of
two kinds.

A *score* (``kind="score"``) is the number before the metric ("85.8% top-1 accuracy", "a 3.5
FID") or after it ("an FID of 3.5", "accuracy reaches 85.8%", "(BLEU 28.4)", the second
number of "accuracy from 60.3% to 73.2%"). Its dataset is the nearest Dataset mention of the
sentence (after the number first: "... on ImageNet-1K"); its entity the nearest Model (or
name-like Method, or one the paper proposes) before the number with no comparison between
them ("MR-MAE ... achieves"), or, in a sentence about the paper's own work ("We ...", "Our
model ..."), the one Model or Method the paper proposes.

A *change* (``kind="change"``) is a number stated as a change of the metric: "improves
top-1 accuracy by 2.1%", "+2.2% mIoU", "a 4-point BLEU gain", "reduces the FID by 1.3",
"outperforms X by 3.1 mAP", "a 51.3% reduction in MSE", or a comparison right after a score
("achieves 85.8% top-1 accuracy, surpassing MAE by +2.2%"). Its value is signed by the
direction the text states: a sign on the number, else the word ("increases", "higher" up;
"reduces", "drops", "lower" down); "improves", "outperforms", "gain" say better, not up or
down, so they count as up except for a lower-is-better metric (FID, perplexity, error,
loss...), where the change is left out. Dataset and entity are found as for a score (the
entity before the word of change); its ``baseline`` is the one Model or Method the sentence
compares with ("outperforms GPT-4 by", "over MAE", "than Llama-2").

Precision first: no result is a number inside a mention ("GPT-4", "ImageNet-1K"), a change of
relative size ("2x faster", "50% less memory", "90% of", "a 96% reduction in trainable
parameters": no change of a resource such as parameters, FLOPs, memory or time is read), one
of a list or range ("by 1.3%
and 3.6%", "3-5%"), the first number of "from 60.3% to 73.2%", or a number without a Metric
mention next to it; in a sentence that pairs values by position ("..., respectively") a score
keeps its metric but names no dataset or entity, and no change is read. The patterns are
data: ``data/results.json``.

>>> text = "MR-MAE achieves 85.8% top-1 accuracy on ImageNet-1K, surpassing MAE by +2.2%."
>>> spans = [(0, 6, "mr-mae"), (22, 36, "top-1-accuracy"), (40, 51, "imagenet"),
...          (64, 67, "mae")]
>>> types = {"mr-mae": "Model", "top-1-accuracy": "Metric", "imagenet": "Dataset",
...          "mae": "Model"}
>>> [(r.kind, r.value, r.value_text, r.metric, r.dataset, r.entity, r.baseline)
...  for r in find_results("p1", text, spans, types)]  # doctest: +NORMALIZE_WHITESPACE
[('score', '85.8', '85.8%', 'top-1-accuracy', 'imagenet', 'mr-mae', None),
 ('change', '2.2', '+2.2%', 'top-1-accuracy', 'imagenet', 'mr-mae', 'mae')]
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
#: A number as a change may write it: with a sign ("+2.2%", "−1.3", "(-0.4"; a hyphen only
#: after a space or bracket: not "GPT-4") and as "4-point".
_CHANGE_NUMBER = re.compile(r"(?<![\w.\-/^+−±])(?P<sign>[+−]\s?|-(?=\d))?(?P<number>\d+(?:\.\d+)?)"
                            r"(?P<percent>\s?%(?:\s?[pP]\b)?|\s?pp\b)?"
                            r"(?![\w]|\.\d|[/^]|-(?!points?\b))")
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
    change_up: re.Pattern[str]
    change_down: re.Pattern[str]
    change_better: re.Pattern[str]
    lower_is_better: re.Pattern[str]
    change_resource_metric: re.Pattern[str]
    change_by: re.Pattern[str]
    change_of: re.Pattern[str]
    change_verb: re.Pattern[str]
    change_unit: re.Pattern[str]
    change_metric_gap: re.Pattern[str]
    change_noun_after: re.Pattern[str]
    change_noun_gap: re.Pattern[str]
    change_noun_after_metric: re.Pattern[str]
    change_metric_before: re.Pattern[str]
    change_metric_to_by: re.Pattern[str]
    change_metric_to_noun: re.Pattern[str]
    change_after_score: re.Pattern[str]
    change_relative_size: re.Pattern[str]
    change_list_before: re.Pattern[str]
    change_list_after: re.Pattern[str]
    baseline_after: re.Pattern[str]


@lru_cache(maxsize=1)
def patterns() -> _Patterns:
    """The patterns of ``data/results.json``, compiled (case-insensitive)."""
    text = resources.files("kg.resolve").joinpath("data/results.json").read_text("utf-8")
    spec = json.loads(text)
    return _Patterns(**{name: re.compile(spec[name], re.IGNORECASE)
                        for name in _Patterns.__dataclass_fields__})


def lower_is_better(metric: str) -> bool:
    """Whether a lower value of the metric named ``metric`` is better (FID, perplexity,
    error rate, loss, MSE...: ``lower_is_better`` in ``data/results.json``).

    >>> lower_is_better("FID"), lower_is_better("top-1 accuracy")
    (True, False)
    """
    return bool(patterns().lower_is_better.search(metric))


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
    flat: str | None = None  # the abstract with lines joined, made once when first needed
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
        scores: list[tuple[Result, _Span]] = []
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
            score = Result(paper, metric.entity, value, abstract[start:end], "abstract",
                           start, end, sentence, dataset, entity, SOURCE, version)
            scores.append((score, metric))
            out.append(score)
        if not by_position:
            if flat is None:  # the same offsets; "." of the change patterns spans lines
                flat = abstract.replace("\n", " ")
            out.extend(_changes(paper, abstract, flat, s_start, s_end, inside, metrics,
                                datasets, types, scores, subjects, version))
    return out


def _changes(paper: str, text: str, flat: str, s_start: int, s_end: int,
             inside: Sequence[_Span], metrics: Sequence[_Span], datasets: Sequence[_Span],
             types: Mapping[str, str], scores: Sequence[tuple[Result, _Span]],
             proposed: Sequence[str], version: str) -> list[Result]:
    """The change results of one sentence (``text[s_start:s_end]``), in text order;
    ``flat`` is ``text`` with its line breaks made spaces, ``metrics`` and ``datasets``
    the Metric and Dataset mentions among ``inside``, the sentence's mentions."""
    scored = {r.start for r, _ in scores}
    sentence = text[s_start:s_end]
    out: list[Result] = []
    for match in _CHANGE_NUMBER.finditer(text, s_start, s_end):
        start, end = match.start(), match.end()
        if match.start("number") in scored or \
                any(sp.start < end and start < sp.end for sp in inside):
            continue  # a score, or part of a name: "GPT-4", "ImageNet-1K"
        found = _change(flat, s_start, s_end, match, metrics, scores)
        if found is None:
            continue
        metric, sign, cue, mid, better = found
        number = match.group("number")
        value = _decimal(("-" if sign < 0 else "") + number)
        if value is None:
            continue
        baseline = _baseline(flat, match, mid if better else None, inside, types, proposed,
                             s_end)
        before = [sp for sp in inside if sp.entity != baseline]
        entity = _subject(flat, before, types, cue, sentence, proposed)
        text_end = match.end("percent") if match.group("percent") else match.end("number")
        between = [sp for sp in datasets if cue <= sp.start and sp.end <= start]
        dataset = between[-1].entity if between else _nearest(datasets, end)
        out.append(Result(paper, metric.entity, value, text[start:text_end], "abstract",
                          start, text_end, sentence, dataset, entity, SOURCE, version,
                          kind="change", baseline=baseline))
    return out


def _change(text: str, s_start: int, s_end: int, match: re.Match[str],
            metrics: Sequence[_Span], scores: Sequence[tuple[Result, _Span]]
            ) -> tuple[_Span, int, int, tuple[int, int] | None, bool] | None:
    """Whether the number of ``match`` is a stated change of a Metric mention: ``(metric,
    sign, start of the cue, span between the word of change and "by", whether the word
    says better: "improves", "outperforms")``."""
    pat = patterns()
    start, end = match.start(), match.end()
    before, rest = text[s_start:start], text[end:s_end]
    unit = pat.change_unit.match(rest)
    after = end + (unit.end() if unit else 0)
    if pat.change_relative_size.match(text[after:s_end]) or \
            pat.change_list_after.match(text[after:s_end]) or \
            pat.change_list_before.search(before) or re.search(r"\bfrom\s*$", before):
        return None  # "2x faster", "50% less", "1.3% and 3.6%", "from 60.3% to"
    explicit = match.group("sign")
    word: str | None = None
    cue = start
    mid: tuple[int, int] | None = None
    metric: _Span | None = None
    following = _metric_after(text, after, s_end, metrics, pat.change_metric_gap)
    by = pat.change_by.search(before)
    of = None if by else pat.change_of.search(before)
    verb = None if by or of else pat.change_verb.search(before)
    if by:
        word, cue = by.group("word"), s_start + by.start("word")
        mid = (s_start + by.end("word"), s_start + by.end("mid"))
        metric = following or _metric_in(text, mid, metrics, by.group("word"))
    elif of:
        word, cue = of.group("word"), s_start + of.start("word")
        metric = following or next(
            (sp for sp in reversed(metrics) if sp.end <= cue
             and pat.change_metric_to_noun.match(text[sp.end:cue])), None)
    elif verb:
        word, cue, metric = verb.group("word"), s_start + verb.start("word"), following
    else:
        noun = pat.change_noun_after.match(text[after:s_end])
        if noun:
            word = noun.group("word")
            metric = _metric_after(text, after + noun.end(), s_end, metrics,
                                   pat.change_noun_gap)
        elif following is not None:
            tail = pat.change_noun_after_metric.match(text[following.end:s_end])
            if tail:
                word, metric = tail.group("word"), following
            elif explicit:
                metric = following  # "+2.2% mIoU"
    if metric is None and (by or of or explicit):
        metric = _score_metric(text, cue, start, metrics, scores)
    if metric is None or pat.change_resource_metric.search(text[metric.start:metric.end]):
        return None  # "a 96% reduction in trainable parameters": a relative size
    sign = _sign(explicit, word, text[metric.start:metric.end])
    if sign is None:
        return None
    return metric, sign, cue, mid, bool(word and pat.change_better.match(word))


def _metric_after(text: str, position: int, end: int, metrics: Sequence[_Span],
                  gap: re.Pattern[str]) -> _Span | None:
    """The first Metric mention after ``position`` if only ``gap`` stands between them."""
    for sp in metrics:
        if sp.start >= position:
            return sp if sp.start <= end and gap.match(text[position:sp.start]) else None
    return None


def _metric_in(text: str, mid: tuple[int, int], metrics: Sequence[_Span],
               word: str) -> _Span | None:
    """The Metric mention right after the word of change, before "by": "improves (the)
    top-1 accuracy (on ImageNet) by"."""
    pat = patterns()
    for sp in metrics:
        if mid[0] <= sp.start and sp.end <= mid[1]:
            if pat.change_metric_before.match(text[mid[0]:sp.start]) and \
                    pat.change_metric_to_by.match(text[sp.end:mid[1]]):
                return sp
            return None
    return None


def _score_metric(text: str, cue: int, start: int, metrics: Sequence[_Span],
                  scores: Sequence[tuple[Result, _Span]]) -> _Span | None:
    """The metric of the score the change follows: "achieves 85.8% top-1 accuracy after
    fine-tuning, surpassing MAE by +2.2%" (no other metric between them)."""
    pat = patterns()
    for score, metric in reversed(scores):
        if score.end <= cue and metric.end <= cue:
            if pat.change_after_score.match(text[max(score.end, metric.end):cue]) and \
                    not any(metric.end <= sp.start < start for sp in metrics):
                return metric
            return None
    return None


def _sign(explicit: str | None, word: str | None, metric: str) -> int | None:
    """+1 or -1: the direction of the value the text states (see the module docstring);
    None when it does not say, or says both ways."""
    pat = patterns()
    stated = None if not explicit else (1 if explicit.strip() == "+" else -1)
    said = None
    if word:
        if pat.change_up.match(word):
            said = 1
        elif pat.change_down.match(word):
            said = -1
        elif pat.change_better.match(word) and stated is None:
            return None if lower_is_better(metric) else 1
    if stated is not None and said is not None and stated != said:
        return None
    return stated if stated is not None else said


def _baseline(text: str, match: re.Match[str], mid: tuple[int, int] | None,
              inside: Sequence[_Span], types: Mapping[str, str], proposed: Sequence[str],
              s_end: int) -> str | None:
    """The one Model or Method the change is compared with: between a word of change and
    "by" ("outperforms GPT-4 by", "improves FCOS by"; after the last number there) or
    after the change ("over MAE", "than Llama-2", "relative to SimVP")."""
    pat = patterns()

    def named(sp: _Span) -> bool:
        return _named(text, sp, types, proposed)

    if mid is not None:
        numbers = [m.end() for m in _NUMBER.finditer(text, *mid)]
        first = numbers[-1] if numbers else mid[0]
        between = [sp for sp in inside if first <= sp.start and sp.end <= mid[1] and named(sp)]
        if between:
            return between[0].entity if len(between) == 1 else None
    for sp in inside:
        if sp.start >= match.end() and sp.start <= s_end:
            if named(sp) and pat.baseline_after.match(text[match.end():sp.start]):
                return sp.entity
            if types[sp.entity] in _SUBJECT_TYPES:
                return None
    return None


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


def _named(text: str, sp: _Span, types: Mapping[str, str], proposed: Sequence[str]) -> bool:
    """Whether the mention ``sp`` can be what a result is of (or compared with): a Model, or
    a Method the paper proposes or that is written as a name ("MR-MAE base", "SFT")."""
    return types[sp.entity] == "Model" or (types[sp.entity] == "Method" and (
        sp.entity in proposed or bool(_NAME_LIKE.search(text[sp.start:sp.end]))))


def _subject(text: str, inside: Sequence[_Span], types: Mapping[str, str], position: int,
             sentence: str, proposed: Sequence[str]) -> str | None:
    """The Model or Method the sentence reports a score of, when it says: the nearest Model
    (or named Method, or one the paper proposes) before the number with no comparison between them
    ("X outperforms the baseline's accuracy of 35.9%" is not X's), else the one Model or
    Method the paper proposes when the sentence speaks of the paper's own work ("We ...",
    "Our model ...")."""
    pat = patterns()
    named = [sp for sp in inside if sp.end <= position and _named(text, sp, types, proposed)]
    if named:
        nearest = named[-1]
        if pat.compared.search(text[max(0, nearest.start - 40):nearest.start]) or \
                pat.comparison.search(text[nearest.end:position]):
            return None  # "beats iGPT-L on accuracy from 60.3% to 73.2%": not iGPT-L's
        return nearest.entity
    if len(proposed) == 1 and pat.subject_words.match(sentence):
        return proposed[0]
    return None
