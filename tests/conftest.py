"""Shared test setup: the repository on sys.path and the sample listings."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: The shared corpus beside the repository (as on CI: a clone with shared/ beside it).
SHARED_LISTINGS = ROOT.parent / "shared" / "corpus" / "hf-daily-papers"


@pytest.fixture(scope="session")
def listings_dir() -> Path:
    """The Hugging Face daily-papers listings: the shared corpus if present, else the
    copies bundled in ``kg/data/listings``."""
    if SHARED_LISTINGS.is_dir() and any(SHARED_LISTINGS.glob("*.txt")):
        return SHARED_LISTINGS
    return ROOT / "kg" / "data" / "listings"
