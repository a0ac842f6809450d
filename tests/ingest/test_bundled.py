"""The sample listings shipped as package data (the embedded default of ``kg build``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest import bundled_listings, read_papers

#: The shared corpus beside the repository (CI clones main with shared/ beside it).
SHARED_LISTINGS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "hf-daily-papers"


def test_five_bundled_listings_found_through_the_package():
    files = bundled_listings()
    assert [f.suffix for f in files] == [".txt"] * 5
    assert all(f.is_file() and f.parent.name == "listings" for f in files)
    readme = files[0].parent / "README.md"
    assert "Hugging Face daily papers" in readme.read_text("utf-8")


def test_bundled_copies_equal_the_shared_corpus():
    if not SHARED_LISTINGS.is_dir():
        pytest.skip("no shared/ corpus beside the repository to compare with")
    shared = sorted(SHARED_LISTINGS.glob("*.txt"))
    assert [f.name for f in bundled_listings()] == [f.name for f in shared]
    for mine, theirs in zip(bundled_listings(), shared):
        assert mine.read_bytes() == theirs.read_bytes()


def test_bundled_sources_are_named_relative_to_the_package():
    papers = read_papers(bundled_listings())
    assert (len(papers), sum(len(p.sources) for p in papers)) == (369, 471)
    files = {s.file for p in papers for s in p.sources}
    assert files == {f"kg/data/listings/{f.name}" for f in bundled_listings()}
