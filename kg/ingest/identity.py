"""Paper identity: DOI and arXiv id normalisation and the stable id of a paper.

Rules (also in the README):

- A DOI gives ``doi:<doi>`` (lower-cased, without ``https://doi.org/`` or ``doi:``).
- Else an arXiv id gives ``arxiv:<id>`` (without ``arXiv:``, the abs/pdf URL prefix and the
  version suffix): ``arxiv:2307.12345``, ``arxiv:hep-th/9901001``.
- Else the title gives ``title:<first 16 hex digits of the SHA-1 of the folded title>``,
  where folding casefolds, strips accents and collapses punctuation and spaces, so
  ``"TÜLU 3: Pushing Frontiers"`` and ``"Tulu 3 -- pushing frontiers"`` share one key.

Every paper also has its title key (:func:`title_key`), used by :mod:`kg.ingest.merge`
to join records of one paper that carry different id schemes.

Examples
--------
>>> paper_id(doi="https://doi.org/10.1000/ABC.1", arxiv_id="2307.12345v2", title="X")
'doi:10.1000/abc.1'
>>> paper_id(arxiv_id="arXiv:2307.12345v2", title="X")
'arxiv:2307.12345'
>>> paper_id(title="UL2: Unifying Language Learning Paradigms")
'title:457bb7a38f5d46e0'
"""

from __future__ import annotations

import hashlib
import re

from kg.ingest.normalise import fold

__all__ = ["normalise_doi", "normalise_arxiv_id", "title_key", "paper_id"]

_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_ARXIV_PREFIX = re.compile(r"^(?:https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/|arxiv:\s*)",
                           re.IGNORECASE)
_ARXIV_NEW = re.compile(r"^(\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?$")
_ARXIV_OLD = re.compile(r"^([a-z][a-z.-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?$",
                        re.IGNORECASE)


def normalise_doi(value: str | None) -> str | None:
    """Return the lower-cased bare DOI in ``value``, or ``None`` if it is not a DOI."""
    if not value:
        return None
    doi = _DOI_PREFIX.sub("", value.strip()).strip().rstrip(".").lower()
    return doi if _DOI.match(doi) else None


def normalise_arxiv_id(value: str | None) -> str | None:
    """Return the bare versionless arXiv id in ``value``, or ``None`` if it is not one.

    >>> normalise_arxiv_id("https://arxiv.org/abs/2307.12345v3")
    '2307.12345'
    >>> normalise_arxiv_id("math.GT/0309136v1")
    'math.GT/0309136'
    """
    if not value:
        return None
    text = _ARXIV_PREFIX.sub("", value.strip()).strip()
    m = _ARXIV_NEW.match(text) or _ARXIV_OLD.match(text)
    return m.group(1) if m else None


def title_key(title: str) -> str:
    """The ``title:`` key of a (normalised) title; equal for titles equal up to case,
    accents, punctuation and spacing."""
    digest = hashlib.sha1(fold(title).encode("utf-8")).hexdigest()
    return f"title:{digest[:16]}"


def paper_id(*, title: str, doi: str | None = None, arxiv_id: str | None = None) -> str:
    """The id of a paper: DOI, else arXiv id, else title key (arguments already normalised
    or raw; they are normalised again here)."""
    bare_doi = normalise_doi(doi)
    if bare_doi:
        return f"doi:{bare_doi}"
    bare_arxiv = normalise_arxiv_id(arxiv_id)
    if bare_arxiv:
        return f"arxiv:{bare_arxiv}"
    return title_key(title)
