"""Fixtures of the resolution tests: hand-made papers with their mentions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.model import Mention, Paper

FIXTURES = Path(__file__).parent / "fixtures"


def _find(text: str, surface: str, nth: int) -> int:
    start = -1
    for _ in range(nth):
        start = text.find(surface, start + 1)
        if start < 0:
            raise AssertionError(f"fixture: {surface!r} #{nth} not in {text!r}")
    return start


def _mentions(text: str, rows: list[list]) -> list[Mention]:
    out = []
    for row in rows:
        surface, etype = row[0], row[1]
        nth = row[2] if len(row) > 2 else 1
        start = _find(text, surface, nth)
        out.append(Mention(start, start + len(surface), etype, surface, 0.9, "fixture"))
    return out


def load_fixture(name: str = "papers.json") -> tuple[list[Paper], dict]:
    """Papers and ``mentions[paper_id][field]`` from a fixture file.

    Each mention row is ``[surface, type]`` or ``[surface, type, n]`` for the n-th
    occurrence of ``surface`` in the text.
    """
    rows = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    papers, mentions = [], {}
    for row in rows:
        paper = Paper(row["id"], row["title"], row["abstract"])
        papers.append(paper)
        mentions[paper.id] = {"title": _mentions(paper.title, row.get("title_mentions", [])),
                              "abstract": _mentions(paper.abstract, row.get("mentions", []))}
    return papers, mentions


@pytest.fixture(scope="module")
def corpus() -> tuple[list[Paper], dict]:
    return load_fixture()


@pytest.fixture(scope="module")
def resolution(corpus):
    from kg.resolve import resolve

    papers, mentions = corpus
    return resolve(papers, mentions)
