"""Reader of the arXiv metadata snapshot (JSON Lines, one paper a line).

Uses the field names of the public arXiv metadata dump: ``id``, ``submitter``,
``authors``, ``title``, ``comments``, ``journal-ref``, ``doi``, ``report-no``,
``categories``, ``license``, ``abstract``, ``versions``, ``update_date``,
``authors_parsed``. The date is that of the first version (the submission), else
``update_date``. The file is streamed line by line, so the full dump can be read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from kg.ingest.jsonl import records
from kg.ingest.record import make_paper, parse_date, split_authors
from kg.ingest.textfile import ProblemSink
from kg.model import Paper, Problem

__all__ = ["read", "FIELDS", "looks_like_arxiv"]

#: Fields of a record of the arXiv metadata dump.
FIELDS = frozenset({"id", "submitter", "authors", "title", "comments", "journal-ref", "doi",
                    "report-no", "categories", "license", "abstract", "versions",
                    "update_date", "authors_parsed"})
#: Fields only the arXiv dump has (used to tell it from generic JSONL).
_MARKERS = frozenset({"submitter", "authors_parsed", "versions", "update_date",
                      "journal-ref", "report-no", "categories"})


def looks_like_arxiv(record: dict[str, Any]) -> bool:
    """True if ``record`` has an ``id`` and at least two fields only the arXiv dump has."""
    return "id" in record and len(_MARKERS & set(record)) >= 2


def _authors(record: dict[str, Any]) -> list[str]:
    parsed = record.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        for parts in parsed:
            if isinstance(parts, list) and parts:
                last, first = str(parts[0]).strip(), str(parts[1]).strip() if len(parts) > 1 else ""
                suffix = str(parts[2]).strip() if len(parts) > 2 else ""
                names.append(" ".join(p for p in (first, last, suffix) if p))
        return split_authors(names)
    return split_authors(record.get("authors"))


def _date(record: dict[str, Any]) -> tuple[str | None, str | None]:
    versions = record.get("versions")
    if isinstance(versions, list) and versions and isinstance(versions[0], dict):
        created = versions[0].get("created")
        iso, text = parse_date(created)
        if iso:
            return iso, text
    return parse_date(record.get("update_date"))


def read(name: str, lines: Iterable[tuple[int, str]], on_problem: ProblemSink) -> Iterator[Paper]:
    """Yield one Paper per record of the dump; unusable records are reported."""
    for number, record in records(name, lines, on_problem):
        if not isinstance(record, dict):
            on_problem(Problem(name, number, "expected a JSON object; skipped"))
            continue
        title, abstract = record.get("title"), record.get("abstract")
        missing = [n for n, v in (("title", title), ("abstract", abstract))
                   if not isinstance(v, str) or not v.strip()]
        if missing:
            on_problem(Problem(name, number, f"arXiv record {record.get('id')!r} has no "
                                             f"{' and no '.join(missing)}; skipped"))
            continue
        iso, text = _date(record)
        yield make_paper(title=str(title), abstract=str(abstract), file=name, line=number,
                         authors=_authors(record), date=iso, date_text=text,
                         doi=str(record.get("doi") or "").split()[0] if record.get("doi")
                         else None,
                         arxiv_id=str(record.get("id") or "") or None)
