"""User overrides of entity resolution: must-merge, must-keep-apart, variant-of and drop.

The file is JSON Lines: one JSON object a line; blank lines and lines starting with ``#``
are skipped. Each object has exactly one of these keys (plus an optional ``"note"``):

- ``{"merge": ["Llama 2", "Llama-2-chat"]}``: all the names are one entity;
- ``{"keep_apart": ["GPT-3.5", "GPT-3.5-turbo"]}``: no two of the names are ever merged;
- ``{"variant_of": ["ImageNet-1K", "ImageNet"]}``: the first is a variant of the second
  (``Entity.broader``), whether or not the rules found it;
- ``{"drop": ["AI"]}``: these names never become entities (like generic words).

Names are matched like mentions: case, hyphens, spaces and plurals do not count.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "overrides.jsonl"
>>> _ = path.write_text('# my fixes\\n{"merge": ["Llama 2", "Llama-2-chat"]}\\n')
>>> load_overrides(path).merges
[('Llama 2', 'Llama-2-chat')]
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import ResolveError

_KEYS = {"merge": 2, "keep_apart": 2, "variant_of": 2, "drop": 1}


@dataclass
class Overrides:
    """The rules of an overrides file, each a tuple of names, in file order."""

    merges: list[tuple[str, ...]] = field(default_factory=list)
    keep_apart: list[tuple[str, ...]] = field(default_factory=list)
    variant_of: list[tuple[str, str]] = field(default_factory=list)
    drop: list[str] = field(default_factory=list)


def _names(value: object, minimum: int, where: str, kind: str) -> tuple[str, ...]:
    if isinstance(value, str) and kind == "drop":
        value = [value]
    if (not isinstance(value, list) or len(value) < minimum
            or not all(isinstance(v, str) and v.strip() for v in value)):
        raise ResolveError(f"{where}: {kind!r} needs a list of at least {minimum} non-empty "
                           f"names, got {value!r}")
    if kind == "variant_of" and len(value) != 2:
        raise ResolveError(f"{where}: 'variant_of' needs exactly two names "
                           f"[variant, broader], got {value!r}")
    return tuple(v.strip() for v in value)


def load_overrides(path: str | Path) -> Overrides:
    """Read an overrides file; a malformed line raises :class:`ResolveError` naming file:line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ResolveError(f"{path}: cannot read the overrides file: {err}") from err
    rules = Overrides()
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{path}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            raise ResolveError(f"{where}: not a JSON object ({err.msg}); write one object a "
                               'line, e.g. {"merge": ["Llama 2", "Llama-2-chat"]}') from err
        if not isinstance(obj, dict):
            raise ResolveError(f"{where}: expected a JSON object, got {type(obj).__name__}")
        kinds = [k for k in obj if k != "note"]
        if len(kinds) != 1 or kinds[0] not in _KEYS:
            raise ResolveError(f"{where}: expected exactly one of {', '.join(_KEYS)} "
                               f"(and an optional note), got {', '.join(kinds) or 'nothing'}")
        kind = kinds[0]
        names = _names(obj[kind], _KEYS[kind], where, kind)
        if kind == "merge":
            rules.merges.append(names)
        elif kind == "keep_apart":
            rules.keep_apart.append(names)
        elif kind == "variant_of":
            rules.variant_of.append((names[0], names[1]))
        else:
            rules.drop.extend(names)
    return rules
