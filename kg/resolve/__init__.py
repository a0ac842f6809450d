"""Entity resolution: mentions → canonical entities, paper→entity links and a merge log.

normalise (names and keys) → match (blocking + rapidfuzz, family guards) → cluster
(union–find with keep-apart constraints) → acronyms, variants, types by vote → links
(roles from cue words, evidence sentences). The facade is :func:`resolve`.
"""

from __future__ import annotations

from kg.resolve.normalise import Name, name
from kg.resolve.overrides import Overrides, load_overrides
from kg.resolve.resolver import Resolution, resolve

__all__ = ["resolve", "Resolution", "load_overrides", "Overrides", "name", "Name"]
