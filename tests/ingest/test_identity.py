"""Paper ids and the merging of records of one paper."""

from __future__ import annotations

import pytest

from kg.ingest.identity import normalise_arxiv_id, normalise_doi, paper_id, title_key
from kg.ingest.merge import merge_papers
from kg.ingest.record import make_paper


@pytest.mark.parametrize(("raw", "expected"), [
    ("10.1000/ABC.1", "10.1000/abc.1"), ("https://doi.org/10.1000/X", "10.1000/x"),
    ("doi: 10.48550/arXiv.2411.15124", "10.48550/arxiv.2411.15124"),
    ("not a doi", None), ("", None), (None, None),
])
def test_normalise_doi(raw, expected):
    assert normalise_doi(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("2307.12345", "2307.12345"), ("2307.12345v3", "2307.12345"),
    ("arXiv:2307.12345v1", "2307.12345"), ("https://arxiv.org/abs/2307.12345v2", "2307.12345"),
    ("https://arxiv.org/pdf/2307.12345.pdf", "2307.12345"), ("0704.0001", "0704.0001"),
    ("hep-th/9901001v2", "hep-th/9901001"), ("math.GT/0309136", "math.GT/0309136"),
    ("p7", None), ("12345", None), (None, None),
])
def test_normalise_arxiv_id(raw, expected):
    assert normalise_arxiv_id(raw) == expected


def test_paper_id_prefers_doi_then_arxiv_then_title():
    assert paper_id(title="T", doi="10.1000/X", arxiv_id="2307.12345") == "doi:10.1000/x"
    assert paper_id(title="T", arxiv_id="2307.12345v4") == "arxiv:2307.12345"
    key = paper_id(title="Some Title")
    assert key.startswith("title:") and len(key) == len("title:") + 16
    assert key == title_key("some title!") == title_key("  SOME   title ")
    assert title_key("Qwen2.5 Technical Report") != title_key("Qwen2.5-1M Technical Report")


def paper(title: str, line: int, **fields):
    return make_paper(title=title, abstract=f"Abstract of {title}.", file="f.txt", line=line,
                      **fields)


def test_merge_keeps_first_seen_order_and_every_source():
    merged = merge_papers([paper("A", 1), paper("B", 2), paper("a", 3), paper("C", 4),
                           paper("B.", 5)])
    assert [p.title for p in merged] == ["A", "B", "C"]
    assert [[s.line for s in p.sources] for p in merged] == [[1, 3], [2, 5], [4]]


def test_merge_fills_missing_fields_and_upgrades_the_id():
    first = paper("Shared Title", 1, author_count=5, date="Jul 30")
    second = paper("Shared title", 2, arxiv_id="2307.00001v2", authors=["A B"],
                   urls=["https://x.org"], org="Org", date="2023-07-30")
    (merged,) = merge_papers([first, second])
    assert merged.id == "arxiv:2307.00001" and merged.arxiv_id == "2307.00001"
    assert (merged.author_count, merged.authors, merged.org) == (5, ["A B"], "Org")
    assert (merged.date, merged.date_text) == ("2023-07-30", "Jul 30")  # first text kept
    assert merged.urls == ["https://x.org"]
    assert first.sources == [first.sources[0]]  # inputs are not modified


def test_same_title_with_different_ids_stays_apart():
    a = paper("Introduction", 1, arxiv_id="2301.00001")
    b = paper("Introduction", 2, arxiv_id="2301.00002")
    c = paper("Introduction", 3)  # no id: joins the first compatible paper
    d = paper("Other Title", 4, arxiv_id="2301.00002")  # same arXiv id, other title
    merged = merge_papers([a, b, c, d])
    assert [(p.id, [s.line for s in p.sources]) for p in merged] == [
        ("arxiv:2301.00001", [1, 3]), ("arxiv:2301.00002", [2, 4])]


def test_same_doi_merges_despite_different_titles():
    merged = merge_papers([paper("Title v1", 1, doi="10.1000/abc"),
                           paper("Title, revised", 2, doi="https://doi.org/10.1000/ABC")])
    assert len(merged) == 1 and merged[0].id == "doi:10.1000/abc"
