"""Merge the records of one paper read from several places into one Paper.

Two records are the same paper when they share a DOI, an arXiv id, or a title key
(:func:`kg.ingest.identity.title_key`), unless they carry *different* DOIs or *different*
arXiv ids (then they are different papers that happen to share a title). So a listing
entry without ids and a JSONL record of the same title with an arXiv id become one paper,
whose id is then the strongest known: DOI, else arXiv id, else title key.

The merged paper keeps the first-seen value of each field, fills fields that were empty
from later records, collects every URL, and keeps every (file, line) source.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from kg.ingest.identity import paper_id, title_key
from kg.model import Paper

__all__ = ["PaperMerger", "merge_papers"]


def _keys(paper: Paper) -> list[str]:
    keys = []
    if paper.doi:
        keys.append(f"doi:{paper.doi}")
    if paper.arxiv_id:
        keys.append(f"arxiv:{paper.arxiv_id}")
    keys.append(title_key(paper.title))
    return keys


def _compatible(a: Paper, b: Paper) -> bool:
    if a.doi and b.doi and a.doi != b.doi:
        return False
    return not (a.arxiv_id and b.arxiv_id and a.arxiv_id != b.arxiv_id)


class PaperMerger:
    """Accumulates papers in first-seen order, merging records of the same paper."""

    def __init__(self) -> None:
        self._papers: list[Paper] = []
        self._index: dict[str, list[int]] = {}

    def add(self, paper: Paper) -> None:
        """Add one record: merged into an earlier paper it matches, else appended."""
        keys = _keys(paper)
        target = None
        for key in keys:
            for position in self._index.get(key, []):
                if _compatible(self._papers[position], paper):
                    target = position
                    break
            if target is not None:
                break
        if target is None:
            target = len(self._papers)
            self._papers.append(replace(paper, authors=list(paper.authors),
                                        urls=list(paper.urls), sources=list(paper.sources)))
        else:
            self._merge_into(self._papers[target], paper)
        for key in _keys(self._papers[target]):
            positions = self._index.setdefault(key, [])
            if target not in positions:
                positions.append(target)

    @staticmethod
    def _merge_into(kept: Paper, other: Paper) -> None:
        for name in ("abstract", "org", "date", "date_text", "upvotes", "doi", "arxiv_id",
                     "author_count"):
            if getattr(kept, name) in (None, "") and getattr(other, name) not in (None, ""):
                setattr(kept, name, getattr(other, name))
        if not kept.authors and other.authors:
            kept.authors = list(other.authors)
        kept.urls.extend(u for u in other.urls if u not in kept.urls)
        kept.sources.extend(s for s in other.sources if s not in kept.sources)
        kept.id = paper_id(title=kept.title, doi=kept.doi, arxiv_id=kept.arxiv_id)

    def papers(self) -> list[Paper]:
        """The merged papers, in the order each was first seen."""
        return list(self._papers)


def merge_papers(papers: Iterable[Paper]) -> list[Paper]:
    """Merge ``papers`` (records of several inputs) into distinct papers, first-seen order."""
    merger = PaperMerger()
    for paper in papers:
        merger.add(paper)
    return merger.papers()
