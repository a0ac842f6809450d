"""Read papers from listings, JSONL, CSV, BibTeX and the arXiv metadata dump.

>>> papers = read_papers(bundled_listings())
>>> len(papers), sum(len(p.sources) for p in papers)
(369, 471)

Bad input never stops reading: each bad file or record is passed to ``on_problem`` as a
:class:`kg.model.Problem` naming the file and line, and the rest is read. Only when no
paper at all could be read does :func:`read_papers` raise :class:`kg.errors.InputError`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path

from kg.errors import InputError, UsageError
from kg.ingest import arxiv, bibtex, hf_listing, jsonl, tabular
from kg.ingest.merge import PaperMerger
from kg.ingest.sniff import sniff
from kg.ingest.textfile import check_file, display_name, inner_suffix, open_lines
from kg.model import Paper, Problem

__all__ = ["FORMATS", "bundled_listings", "iter_papers", "read_papers"]

#: Input formats, as accepted by ``--format``.
FORMATS: tuple[str, ...] = ("hf", "jsonl", "csv", "bibtex", "arxiv")

_READERS = {
    "hf": hf_listing.read,
    "jsonl": jsonl.read,
    "csv": tabular.read,
    "bibtex": bibtex.read,
    "arxiv": arxiv.read,
}

_log = logging.getLogger("kg.ingest")


def _log_problem(problem: Problem) -> None:
    _log.warning("%s", problem)


def bundled_listings() -> list[Path]:
    """The five sample listings shipped with kg, sorted by name.

    They are Hugging Face daily-papers pages saved as text: arXiv abstracts as listed by
    Hugging Face daily papers (huggingface.co/papers). See ``kg/data/listings/README.md``.
    """
    folder = resources.files("kg").joinpath("data", "listings")
    return sorted(Path(str(item)) for item in folder.iterdir()
                  if item.is_file() and item.name.endswith(".txt"))


def _check_format(format: str | None) -> None:
    if format is not None and format not in FORMATS:
        raise UsageError(f"unknown input format {format!r}; use one of {', '.join(FORMATS)}")


def iter_papers(path: str | Path, format: str | None = None,
                on_problem: Callable[[Problem], None] | None = None) -> Iterator[Paper]:
    """Yield the papers of one file as read, un-merged and streaming.

    Parameters
    ----------
    path: the file to read.
    format: one of :data:`FORMATS`; ``None`` sniffs it from the extension and content.
    on_problem: called with each bad file or record (default: logged as a warning).
    """
    _check_format(format)
    report = on_problem or _log_problem
    path = Path(path)
    name = display_name(path)
    if not check_file(path, name, report):
        return
    fmt = format or sniff(path)
    lines = open_lines(path, name, report, check=False)
    if fmt == "csv":
        papers = tabular.read(name, lines, report,
                              delimiter="\t" if inner_suffix(path) == ".tsv" else None)
    else:
        papers = _READERS[fmt](name, lines, report)
    count = 0
    for paper in papers:
        count += 1
        yield paper
    if count == 0:
        report(Problem(name, None, f"no paper found when read as {fmt!r}; check the file "
                                   f"or give --format (one of {', '.join(FORMATS)})", "error"))


def read_papers(paths: Iterable[str | Path], *, format: str | None = None,
                on_problem: Callable[[Problem], None] | None = None,
                previous: Iterable[Paper] = ()) -> list[Paper]:
    """Read every file and merge the records of each paper into one Paper.

    Parameters
    ----------
    paths: the input files (a file given twice is read once).
    format: one of :data:`FORMATS` for every file; ``None`` sniffs each file.
    on_problem: called with each bad file or record (default: logged as a warning).
    previous: papers of an earlier build; the records of ``paths`` are merged into them
        exactly as a full rebuild reading the old inputs first would merge them.

    Returns
    -------
    The distinct papers in first-seen order; each keeps every (file, line) it came from.

    Raises
    ------
    InputError: when no paper at all could be read from ``paths``.
    """
    _check_format(format)
    report = on_problem or _log_problem
    merger = PaperMerger()
    for paper in previous:
        merger.add(paper)
    added = 0
    seen: set[Path] = set()
    names: list[str] = []
    for raw in paths:
        path = Path(raw)
        try:
            resolved = path.resolve()
        except OSError:
            resolved = path
        if resolved in seen:
            continue
        seen.add(resolved)
        names.append(str(path))
        for paper in iter_papers(path, format, report):
            merger.add(paper)
            added += 1
    if not added:
        shown = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
        raise InputError(f"no paper could be read from {len(names)} input(s) ({shown or 'none'}); "
                         "see the messages above, check the paths or give --format")
    return merger.papers()
