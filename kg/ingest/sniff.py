"""Guess the format of an input file from its extension and its first lines.

Content wins over a misleading extension where it is unambiguous (a ``.txt`` file whose
first line is a JSON object is JSONL); ``--format`` (the ``format`` argument of the
readers) overrides both.
"""

from __future__ import annotations

import json
from pathlib import Path

from kg.ingest.arxiv import looks_like_arxiv
from kg.ingest.record import FIELD_ALIASES
from kg.ingest.textfile import head, inner_suffix

__all__ = ["sniff", "EXTENSIONS"]

#: Format suggested by a file extension (lower-cased, with the dot).
EXTENSIONS: dict[str, str] = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".csv": "csv", ".tsv": "csv",
    ".bib": "bibtex", ".bibtex": "bibtex",
    ".txt": "hf", ".md": "hf",
}


def _first_lines(path: Path, count: int = 40) -> list[str]:
    text = head(path, 65536).decode("utf-8", errors="replace").lstrip("\ufeff")
    return [line for line in text.splitlines() if line.strip()][:count]


def _json_format(first: str) -> str:
    try:
        value = json.loads(first)
    except json.JSONDecodeError:
        return "jsonl"
    return "arxiv" if isinstance(value, dict) and looks_like_arxiv(value) else "jsonl"


def _csv_header(line: str) -> bool:
    """True if ``line`` is a delimited header row with a title and an abstract column."""
    for sep in (",", "\t", ";"):
        cells = {cell.strip().strip('"').strip().lower() for cell in line.split(sep)}
        if len(cells) > 1 and "title" in cells and cells & set(FIELD_ALIASES["abstract"]):
            return True
    return False


def sniff(path: Path) -> str:
    """The format name of ``path`` (one of ``kg.ingest.FORMATS``).

    JSON objects → ``jsonl``, or ``arxiv`` when the first record has the arXiv dump's
    fields; ``@type{`` entries → ``bibtex``; a header row with ``title`` and
    ``abstract`` columns → ``csv``; anything else → ``hf`` (saved listing pages).
    """
    suffix = inner_suffix(path)
    lines = _first_lines(path)
    first = lines[0].strip() if lines else ""
    if first.startswith("{"):
        return _json_format(first)
    if first.startswith("["):
        return "jsonl"
    if suffix in (".bib", ".bibtex") or any(
            line.lstrip().startswith("@") and "{" in line for line in lines[:10]):
        return "bibtex"
    if suffix in (".csv", ".tsv") or _csv_header(first):
        return "csv"
    if suffix in EXTENSIONS and EXTENSIONS[suffix] != "hf":
        return EXTENSIONS[suffix]
    return "hf"
