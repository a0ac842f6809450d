"""Reader of JSON Lines records (one JSON object a line) and of JSON arrays of records.

Each record needs ``title`` and ``abstract`` (or ``summary`` / ``text``); ``id``, ``doi``,
``arxiv_id``, ``authors`` (a list, or ``"A and B"`` / ``"A; B"``), ``date``, ``url``,
``org`` and ``upvotes`` are optional (see :data:`kg.ingest.record.FIELD_ALIASES`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from kg.ingest.record import paper_from_fields
from kg.ingest.textfile import ProblemSink
from kg.model import Paper, Problem

__all__ = ["read", "records"]

def _array_records(name: str, first: tuple[int, str], rest: Iterable[tuple[int, str]],
                   on_problem: ProblemSink) -> Iterator[tuple[int, Any]]:
    """``(line, value)`` of each element of a JSON array file (read whole)."""
    start = first[0]
    text = "\n".join([first[1]] + [t for _, t in rest])
    decoder = json.JSONDecoder()
    index = text.index("[") + 1
    line = start
    counted = 0
    while True:
        while index < len(text) and text[index] in " \t\r\n,":
            index += 1
        if index >= len(text) or text[index] == "]":
            return
        line += text.count("\n", counted, index)
        counted = index
        try:
            value, index = decoder.raw_decode(text, index)
        except json.JSONDecodeError as err:
            on_problem(Problem(name, err.lineno + start - 1,
                               f"malformed JSON ({err.msg}); rest of the array skipped"))
            return
        yield line, value


def records(name: str, lines: Iterable[tuple[int, str]],
            on_problem: ProblemSink) -> Iterator[tuple[int, Any]]:
    """``(line, parsed value)`` for each JSON line (or array element); bad lines reported."""
    iterator = iter(lines)
    first = True
    for number, text in iterator:
        stripped = text.strip()
        if not stripped:
            continue
        if first and stripped.startswith("["):  # a JSON array file, not JSON Lines
            yield from _array_records(name, (number, text), iterator, on_problem)
            return
        first = False
        try:
            value = json.loads(stripped)
        except json.JSONDecodeError as err:
            on_problem(Problem(name, number, f"malformed JSON ({err.msg} at column "
                                             f"{err.colno}); line skipped"))
            continue
        yield number, value


def read(name: str, lines: Iterable[tuple[int, str]], on_problem: ProblemSink) -> Iterator[Paper]:
    """Yield one Paper per JSON record; records that are not usable are reported."""
    for number, value in records(name, lines, on_problem):
        if not isinstance(value, dict):
            on_problem(Problem(name, number, f"expected a JSON object, got "
                                             f"{type(value).__name__}; skipped"))
            continue
        paper = paper_from_fields(value, file=name, line=number)
        if isinstance(paper, str):
            on_problem(Problem(name, number, paper))
        else:
            yield paper
