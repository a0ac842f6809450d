"""Reader of CSV (and TSV) tables of papers: a header row, then one paper a row.

Columns are matched case-insensitively by the names of
:data:`kg.ingest.record.FIELD_ALIASES`: ``title`` and ``abstract`` (or ``summary`` /
``text``) are required; ``id``, ``doi``, ``arxiv_id``, ``authors`` (``"A and B"`` or
``"A; B"``), ``date``, ``url``, ``org``, ``upvotes`` are optional. The delimiter is a tab
for ``.tsv`` files, else whichever of ``,`` ``;`` or tab the header uses most.
Quoted fields may span lines; a record's line is the line it starts on.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from kg.ingest.record import paper_from_fields
from kg.ingest.textfile import ProblemSink
from kg.model import Paper, Problem

__all__ = ["read"]

_DELIMITERS = (",", "\t", ";")


def read(name: str, lines: Iterable[tuple[int, str]], on_problem: ProblemSink,
         *, delimiter: str | None = None) -> Iterator[Paper]:
    """Yield one Paper per data row; malformed rows and rows without title/abstract are
    reported with their line and skipped."""
    numbered = iter(lines)
    current = [0]
    record: list[tuple[int, str]] = []  # the lines of the row being parsed
    pushback: list[tuple[int, str]] = []  # lines to read again after a malformed row

    def texts() -> Iterator[str]:
        while True:
            if pushback:
                number, text = pushback.pop(0)
            else:
                try:
                    number, text = next(numbered)
                except StopIteration:
                    return
            current[0] = number
            record.append((number, text))
            yield text + "\n"

    source = texts()
    header_text = ""
    for header_text in source:
        if header_text.strip():
            break
    if not header_text.strip():
        return
    header_line = current[0]
    sep = delimiter or max(_DELIMITERS, key=header_text.count)
    header = next(csv.reader([header_text], delimiter=sep))
    header = [h.strip().lstrip("\ufeff") for h in header]
    reader = csv.reader(source, delimiter=sep, strict=True)
    while True:
        record.clear()
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            start = record[0][0] if record else current[0]
            on_problem(Problem(name, start, f"malformed CSV row ({err}); skipped"))
            pushback[:0] = record[1:]  # a bad quote may have swallowed the rows after it
            continue
        start = record[0][0] if record else current[0]
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            on_problem(Problem(name, start, f"row has {len(row)} fields but the header at line "
                                            f"{header_line} has {len(header)}; skipped"))
            continue
        paper = paper_from_fields(dict(zip(header, row)), file=name, line=start)
        if isinstance(paper, str):
            on_problem(Problem(name, start, paper))
        else:
            yield paper
