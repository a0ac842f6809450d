"""Turn the raw fields of one input record into a normalised :class:`kg.model.Paper`.

Shared by every reader: text normalisation, author lists, dates, URLs and the paper id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date as Date
from datetime import datetime
from typing import Any

from kg.ingest.identity import normalise_arxiv_id, normalise_doi, paper_id
from kg.ingest.normalise import normalise_text, normalise_title
from kg.model import Paper, Source

__all__ = ["make_paper", "paper_from_fields", "split_authors", "flip_name", "parse_date",
           "find_urls", "FIELD_ALIASES"]

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"{}|\\^`]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\"*"
_PAIRS = {")": "(", "]": "[", "}": "{"}


def find_urls(text: str) -> list[str]:
    """URLs in ``text`` (``http(s)://`` or ``www.``), trailing punctuation stripped.

    >>> find_urls("Code: https://github.com/a/b. Data (see https://x.org/d).")
    ['https://github.com/a/b', 'https://x.org/d']
    """
    found: list[str] = []
    for m in _URL.finditer(text):
        url = m.group(0)
        while url:
            last = url[-1]
            if last in _TRAILING:
                url = url[:-1]
            elif last in _PAIRS and url.count(last) > url.count(_PAIRS[last]):
                url = url[:-1]
            else:
                break
        if "." in url and url not in found:
            found.append(url)
    return found


def flip_name(name: str) -> str:
    """``"Last, First"`` → ``"First Last"``; other names unchanged."""
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        if last and first:
            return f"{first} {last}"
    return name.strip()


_AND = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*")


def split_authors(value: Any) -> list[str]:
    """Author names from a list or a string.

    A string is split on ``;`` when it has one (each part may be ``Last, First``),
    else on commas and ``and``: ``"A and B"``, ``"A; B"``, ``"A, B and C"``.
    """
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        names = []
        for item in value:
            if isinstance(item, dict):
                item = item.get("name") or " ".join(
                    str(item.get(k, "")) for k in ("given", "family") if item.get(k))
            names.extend(split_authors(item) if isinstance(item, str) and ";" in item
                         else [normalise_text(str(item))])
        return [n for n in names if n]
    text = normalise_text(str(value))
    if not text:
        return []
    if ";" in text:
        parts = [flip_name(p) for p in text.split(";")]
    else:
        parts = _AND.split(text)
    return [p.strip() for p in parts if p and p.strip()]


_DATE_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%a, %d %b %Y %H:%M:%S %Z",
                 "%a, %d %b %Y", "%Y/%m/%d", "%d.%m.%Y", "%b %d %Y", "%B %d %Y")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


def parse_date(text: str | None) -> tuple[str | None, str | None]:
    """``(ISO date or None, text as given)``; ISO only when year, month and day are known.

    >>> parse_date("Jul 18, 2023")
    ('2023-07-18', 'Jul 18, 2023')
    >>> parse_date("Jul 30")
    (None, 'Jul 30')
    """
    if text is None:
        return None, None
    given = " ".join(str(text).split())
    if not given:
        return None, None
    m = _ISO.match(given)
    try:
        if m:
            return Date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat(), given
    except ValueError:
        return None, given
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(given, fmt).date().isoformat(), given
        except ValueError:
            continue
    return None, given


def make_paper(
    *,
    title: str,
    abstract: str,
    file: str,
    line: int,
    authors: Iterable[str] = (),
    author_count: int | None = None,
    org: str | None = None,
    date: str | None = None,
    date_text: str | None = None,
    upvotes: int | None = None,
    urls: Iterable[str] = (),
    doi: str | None = None,
    arxiv_id: str | None = None,
) -> Paper:
    """A normalised Paper with its id; ``date`` may be ISO or free text (parsed here)."""
    clean_title = normalise_title(title)
    clean_abstract = normalise_text(abstract)
    iso, given = parse_date(date)
    bare_doi = normalise_doi(doi)
    bare_arxiv = normalise_arxiv_id(arxiv_id)
    all_urls = [u for u in urls if u]
    for url in find_urls(clean_abstract):
        if url not in all_urls:
            all_urls.append(url)
    names = [n for n in authors if n]
    return Paper(
        id=paper_id(title=clean_title, doi=bare_doi, arxiv_id=bare_arxiv),
        title=clean_title,
        abstract=clean_abstract,
        authors=names,
        author_count=author_count,
        org=normalise_text(org) if org else None,
        date=iso,
        date_text=date_text if date_text is not None else given,
        upvotes=upvotes,
        urls=all_urls,
        doi=bare_doi,
        arxiv_id=bare_arxiv,
        sources=[Source(file, line)],
    )


#: Field names accepted in JSONL and CSV records (case-insensitive), by Paper field.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "abstract": ("abstract", "summary", "text"),
    "authors": ("authors", "author"),
    "date": ("date", "published", "year"),
    "doi": ("doi",),
    "arxiv_id": ("arxiv_id", "arxiv", "eprint"),
    "id": ("id",),
    "url": ("url", "urls", "link"),
    "org": ("org", "organization", "organisation"),
    "upvotes": ("upvotes",),
}


def _field(record: dict[str, Any], name: str) -> Any:
    lowered = {str(k).strip().lower(): v for k, v in record.items()}
    for alias in FIELD_ALIASES[name]:
        value = lowered.get(alias)
        if value not in (None, "", []):
            return value
    return None


def paper_from_fields(record: dict[str, Any], *, file: str, line: int) -> Paper | str:
    """A Paper from a JSONL/CSV record, or a message saying what is missing.

    ``id`` is used when it is a DOI or an arXiv id; other local ids (``"1"``, ``"p7"``)
    are not globally unique, so the title key is used instead.
    """
    title = _field(record, "title")
    abstract = _field(record, "abstract")
    missing = [n for n, v in (("title", title), ("abstract", abstract))
               if not isinstance(v, str) or not v.strip()]
    if missing:
        return (f"record has no {' and no '.join(missing)} "
                f"(fields: {', '.join(sorted(map(str, record))) or 'none'}); skipped")
    local_id = _field(record, "id")
    local_id = str(local_id) if local_id is not None else None
    doi = _field(record, "doi") or (local_id if normalise_doi(local_id) else None)
    arxiv = _field(record, "arxiv_id") or (local_id if normalise_arxiv_id(local_id) else None)
    url = _field(record, "url")
    urls = [url] if isinstance(url, str) else [str(u) for u in url or []]
    upvotes = _field(record, "upvotes")
    date = _field(record, "date")
    return make_paper(
        title=str(title), abstract=str(abstract), file=file, line=line,
        authors=split_authors(_field(record, "authors")),
        org=_field(record, "org"),
        date=str(date) if date is not None else None,
        upvotes=int(upvotes) if isinstance(upvotes, (int, str)) and str(upvotes).isdigit()
        else None,
        urls=[u.strip() for u in urls if u.strip()],
        doi=str(doi) if doi else None, arxiv_id=str(arxiv) if arxiv else None,
    )
