"""Reader of Hugging Face daily-papers pages saved as text (huggingface.co/papers).

An entry is a title line, an abstract line, then optionally the page's meta lines::

    UniTabE: A Universal Pretraining Protocol for Tabular Foundation Model in Data Science
    Recent advancements in NLP have witnessed ...
      • 5 authors                  (or the submitting organisation, e.g. "allenai Ai2")
    ·
    Jul 18, 2023                   (year optional; a trailing number is the upvote count)

Every layout of the saved pages is read: entries separated by blank lines or not, the page
header lines (``new``, ``Subscribe``, ``Daily Papers``, the page date …) anywhere, and a
header glued onto the first title (``SubscribeNo "Zero-Shot" …``). The line patterns live
in ``kg/ingest/data/hf_listing.json``.

A header or meta line never becomes a paper, and a title is never taken for an abstract:
a line counts as an abstract only if it is long (``abstract_min_chars``) or reads as
sentences (ends with a full stop and has ``abstract_min_words`` words). A title with no
abstract after it, or an abstract with no title before it, is reported and skipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from kg.ingest.record import make_paper
from kg.ingest.textfile import ProblemSink
from kg.model import Paper, Problem

__all__ = ["read"]


@dataclass(frozen=True)
class _Patterns:
    header: frozenset[str]
    glued: tuple[str, ...]
    authors: re.Pattern[str]
    separator: re.Pattern[str]
    date: re.Pattern[str]
    min_chars: int
    min_words: int


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    raw: dict[str, Any] = json.loads(
        resources.files("kg.ingest").joinpath("data/hf_listing.json").read_text("utf-8"))
    return _Patterns(
        header=frozenset(raw["header_lines"]),
        glued=tuple(sorted(raw["glued_prefixes"], key=len, reverse=True)),
        authors=re.compile(raw["authors_line"]),
        separator=re.compile(raw["separator_line"]),
        date=re.compile(raw["date_line"]),
        min_chars=int(raw["abstract_min_chars"]),
        min_words=int(raw["abstract_min_words"]),
    )


def _is_meta(line: str, p: _Patterns) -> bool:
    return bool(line in p.header or p.authors.fullmatch(line) or p.separator.fullmatch(line)
                or p.date.fullmatch(line))


def _unglue(line: str, p: _Patterns) -> str:
    """Strip page-header text glued onto the start of a title (``SubscribeNo …``): a
    header phrase directly followed by a character that is neither a space nor lower-case.
    """
    for prefix in p.glued:
        if line.startswith(prefix) and len(line) > len(prefix):
            rest = line[len(prefix):]
            if not rest[0].isspace() and not rest[0].islower():
                return _unglue(rest, p)
    return line


def _looks_like_abstract(line: str, p: _Patterns) -> bool:
    if len(line) >= p.min_chars:
        return True
    return line.endswith(".") and len(line.split()) >= p.min_words


@dataclass
class _Entry:
    title: str
    line: int
    abstract: list[str]
    author_count: int | None = None
    org: str | None = None
    date: str | None = None
    upvotes: int | None = None
    meta: bool = False


_Line = tuple[int, str]


def _nonblank(lines: Iterable[_Line]) -> Iterator[tuple[int, str, _Line | None]]:
    """Stripped non-blank lines, each with the next one (or None at the end)."""
    prev: tuple[int, str] | None = None
    for number, text in lines:
        s = text.strip()
        if not s:
            continue
        if prev is not None:
            yield prev[0], prev[1], (number, s)
        prev = (number, s)
    if prev is not None:
        yield prev[0], prev[1], None


def read(name: str, lines: Iterable[tuple[int, str]], on_problem: ProblemSink) -> Iterator[Paper]:
    """Yield one Paper per entry of a saved listing page.

    Parameters
    ----------
    name: the file name used in sources and problems.
    lines: ``(line number, text)`` pairs of the file.
    on_problem: called for a title without abstract or an abstract without title.
    """
    p = _patterns()
    entry: _Entry | None = None
    state = "title"  # "title": expect a title; "abstract": title seen; "after": abstract seen

    def finish(e: _Entry) -> Paper:
        return make_paper(title=e.title, abstract=" ".join(e.abstract), file=name, line=e.line,
                          author_count=e.author_count, org=e.org, date=e.date,
                          upvotes=e.upvotes)

    def no_abstract(e: _Entry) -> None:
        on_problem(Problem(name, e.line, f"title {e.title[:60]!r} has no abstract after it; "
                                         "entry skipped"))

    after_header = True  # header text is glued only onto a line right after the header
    for number, raw, following in _nonblank(lines):
        line = _unglue(raw, p) if after_header else raw
        after_header = line in p.header
        if after_header:
            continue
        authors = p.authors.fullmatch(line)
        if authors:
            if entry is not None and state == "after":
                entry.author_count, entry.meta = int(authors.group("count")), True
            continue
        if p.separator.fullmatch(line):
            if entry is not None and state == "after":
                entry.meta = True
            continue
        date = p.date.fullmatch(line)
        if date:
            # an entry's date follows its "·"; a bare date line is the page date
            if entry is not None and state == "after" and entry.meta and entry.date is None:
                entry.date = date.group("date")
                if date.group("upvotes"):
                    entry.upvotes = int(date.group("upvotes"))
            continue
        next_line = following[1] if following else ""
        if (entry is not None and state == "after" and p.separator.fullmatch(next_line)
                and not _looks_like_abstract(line, p)):
            entry.org, entry.meta = line, True  # the submitting organisation before "·"
            continue
        is_abstract = _looks_like_abstract(line, p)
        if state == "abstract" and entry is not None:
            if is_abstract:
                entry.abstract.append(line)
                state = "after"
                continue
            no_abstract(entry)
        elif state == "after" and entry is not None:
            if is_abstract and not entry.meta:
                entry.abstract.append(line)  # a second paragraph of the abstract
                continue
            yield finish(entry)
        if is_abstract:
            on_problem(Problem(name, number, "abstract without a title before it; skipped"))
            entry, state = None, "title"
            continue
        entry, state = _Entry(title=line, line=number, abstract=[]), "abstract"
    if entry is not None and state == "abstract":
        no_abstract(entry)
    elif entry is not None and state == "after":
        yield finish(entry)
