"""Reader of BibTeX files, through bibtexparser 2.x.

Each entry needs ``title`` and ``abstract``; ``author`` (``Last, First and …``), ``year``
/ ``month`` / ``date``, ``doi``, ``eprint`` (an arXiv id when ``archiveprefix`` is arXiv
or it looks like one) and ``url`` are used when present. LaTeX in the fields is
normalised (:mod:`kg.ingest.normalise`) and case-protecting braces are dropped.
Malformed entries and duplicate keys are reported with their line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from typing import Any

from kg.ingest.identity import normalise_arxiv_id
from kg.ingest.normalise import normalise_title
from kg.ingest.record import flip_name, make_paper
from kg.ingest.textfile import ProblemSink
from kg.model import Paper, Problem

__all__ = ["read"]

_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


def _value(raw: Any) -> str:
    text = str(raw).strip()
    if len(text) >= 2 and text[0] + text[-1] in ("{}", '""'):
        text = text[1:-1]
    return text


def _authors(raw: str) -> list[str]:
    names = []
    for part in _AND.split(raw):
        name = flip_name(normalise_title(part))
        if name and name.lower() != "others":
            names.append(name)
    return names


def _date(fields: dict[str, str]) -> str | None:
    if fields.get("date"):
        return fields["date"]
    year = fields.get("year", "").strip()
    if not year:
        return None
    month, day = fields.get("month", "").strip(), fields.get("day", "").strip()
    if month and day:
        return f"{month[:3].title()} {day}, {year}"
    return f"{month[:3].title()} {year}" if month else year


def _paper(name: str, line: int, key: str, fields: dict[str, str],
           on_problem: ProblemSink) -> Paper | None:
    title, abstract = fields.get("title", "").strip(), fields.get("abstract", "").strip()
    if not title or not abstract:
        missing = " and no ".join(n for n, v in (("title", title), ("abstract", abstract))
                                  if not v)
        on_problem(Problem(name, line, f"BibTeX entry {key!r} has no {missing}; skipped"))
        return None
    eprint = fields.get("eprint", "")
    prefix = fields.get("archiveprefix", fields.get("eprinttype", "")).lower()
    arxiv = eprint if eprint and (prefix == "arxiv" or normalise_arxiv_id(eprint)) else None
    return make_paper(title=title, abstract=abstract, file=name, line=line,
                      authors=_authors(fields.get("author", "")), date=_date(fields),
                      urls=[fields["url"]] if fields.get("url") else [],
                      doi=fields.get("doi") or None, arxiv_id=arxiv)


def read(name: str, lines: Iterable[tuple[int, str]], on_problem: ProblemSink) -> Iterator[Paper]:
    """Yield one Paper per BibTeX entry (the file is parsed whole)."""
    import bibtexparser
    from bibtexparser import model

    numbered = list(lines)
    if not numbered:
        return
    offset = numbered[0][0]  # start_line of bibtexparser is 0-based
    parser_log = logging.getLogger("bibtexparser")
    level = parser_log.level
    parser_log.setLevel(logging.ERROR)  # its warnings become our one-line problems
    try:
        library = bibtexparser.parse_string("\n".join(text for _, text in numbered))
    finally:
        parser_log.setLevel(level)
    found: list[tuple[int, str, dict[str, str]]] = []
    for entry in library.entries:
        fields = {f.key.lower(): _value(f.value) for f in entry.fields}
        found.append((entry.start_line + offset, entry.key, fields))
    for block in library.failed_blocks:
        line = block.start_line + offset
        if isinstance(block, model.DuplicateBlockKeyBlock):
            entry = block.ignore_error_block
            on_problem(Problem(name, line, f"duplicate BibTeX key {block.key!r}; "
                                           "entry read anyway"))
            if isinstance(entry, model.Entry):
                found.append((line, entry.key,
                               {f.key.lower(): _value(f.value) for f in entry.fields}))
            continue
        err = getattr(block, "error", None)
        error = " ".join(str(getattr(err, "abort_reason", None) or err or "syntax error").split())
        on_problem(Problem(name, line, f"malformed BibTeX entry ({error[:160]}); skipped"))
    for line, key, fields in sorted(found, key=lambda item: item[0]):
        paper = _paper(name, line, key, fields, on_problem)
        if paper is not None:
            yield paper
