"""The word lists of entity resolution, read from the data files beside this module.

``data/generic.txt`` holds the determiners, generic modifiers, generic heads and stop
phrases that make a mention generic, and the heads dropped from a name's key (with the
type that the dataset- and metric-making ones give it); ``data/variants.txt`` the words
that name a version, size or flavour ("base", "chat", "turbo"); ``data/cues.tsv`` the role
cues of links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg.errors import ResolveError
from kg.model import ENTITY_TYPES, LINK_ROLES

DATA_DIR = Path(__file__).with_name("data")


@dataclass(frozen=True)
class GenericWords:
    """The lists of ``generic.txt`` (lower case).

    ``name_heads`` holds every head dropped after a name-like name, the dataset- and
    metric-making ones included; ``dataset_heads`` and ``metric_heads`` are those two.
    """

    determiners: frozenset[str]
    modifiers: frozenset[str]
    heads: frozenset[str]
    name_heads: frozenset[str]
    task_heads: frozenset[str]
    dangling: frozenset[str]
    phrases: frozenset[str]
    dataset_heads: frozenset[str] = frozenset()
    metric_heads: frozenset[str] = frozenset()

    def head_type(self, head: str) -> str:
        """The entity type a head makes of the name it follows ("benchmark": "Dataset",
        "score": "Metric"), or "" for a head that does not change the kind ("model")."""
        if head in self.dataset_heads:
            return "Dataset"
        if head in self.metric_heads:
            return "Metric"
        return ""


@dataclass(frozen=True)
class Cue:
    """One role cue of ``cues.tsv``: ``pattern`` found ``side`` of a mention of ``types``."""

    role: str
    side: str
    types: frozenset[str] | None
    pattern: re.Pattern[str]


def _lines(path: Path) -> list[tuple[int, str]]:
    rows = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if line.strip():
            rows.append((number, line))
    return rows


@cache
def generic_words(path: Path | None = None) -> GenericWords:
    """Read ``generic.txt``: its ``[determiners]``, ``[modifiers]``, ``[heads]``, ``[name-heads]``,
    ``[task-heads]``, ``[dangling]``, ``[phrases]``, ``[dataset-heads]`` and ``[metric-heads]``
    sections."""
    path = path or DATA_DIR / "generic.txt"
    names = ("determiners", "modifiers", "heads", "name-heads", "task-heads", "dangling",
             "phrases", "dataset-heads", "metric-heads")
    sections: dict[str, set[str]] = {name: set() for name in names}
    current: set[str] | None = None
    for number, line in _lines(path):
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            name = line[1:-1]
            if name not in sections:
                raise ResolveError(f"{path}:{number}: unknown section [{name}]; "
                                   f"use one of {', '.join(sections)}")
            current = sections[name]
        elif current is None:
            raise ResolveError(f"{path}:{number}: {line!r} is outside a section; "
                               "start the file with a [section] line")
        else:
            current.add(line.lower())
    sections["name-heads"] |= sections["dataset-heads"] | sections["metric-heads"]
    return GenericWords(*(frozenset(sections[name]) for name in names))


@cache
def variant_words(path: Path | None = None) -> frozenset[str]:
    """Read ``variants.txt``: words that name a version, size or flavour."""
    path = path or DATA_DIR / "variants.txt"
    return frozenset(line.strip().lower() for _, line in _lines(path))


@cache
def cues(path: Path | None = None) -> tuple[Cue, ...]:
    """Read ``cues.tsv`` (role, side, types, regex), validating every line."""
    path = path or DATA_DIR / "cues.tsv"
    out = []
    for number, line in _lines(path):
        parts = line.split("\t")
        if len(parts) != 4:
            raise ResolveError(f"{path}:{number}: expected 4 tab-separated columns "
                               f"(role, side, types, regex), found {len(parts)}")
        role, side, types, regex = parts
        if role not in LINK_ROLES:
            raise ResolveError(f"{path}:{number}: unknown role {role!r}; use one of "
                               f"{', '.join(LINK_ROLES)}")
        if side not in ("before", "after"):
            raise ResolveError(f"{path}:{number}: side must be 'before' or 'after', not {side!r}")
        wanted = None if types == "*" else frozenset(t.strip() for t in types.split(","))
        if wanted is not None and not wanted <= set(ENTITY_TYPES):
            raise ResolveError(f"{path}:{number}: unknown type in {types!r}; use '*' or "
                               f"{', '.join(ENTITY_TYPES)}")
        try:
            pattern = re.compile(regex, re.IGNORECASE)
        except re.error as err:
            raise ResolveError(f"{path}:{number}: bad regex {regex!r}: {err}") from err
        out.append(Cue(role, side, wanted, pattern))
    return tuple(out)
