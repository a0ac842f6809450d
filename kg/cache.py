"""The extraction cache: the mentions of each text, keyed by text hash and extractor.

A build keeps the mentions it found in ``DIR/cache/mentions.jsonl`` so that
``kg build --update DIR NEW_INPUT`` extracts only the texts it has not seen. An entry is
valid only for the extractor that produced it: the key hashes the extractor id
(:data:`kg.extract.VERSION`, plus the model directory when one is given) with the text, so
a new extractor version never reuses old mentions.

The file starts with a header line ``{"cache": "kg-mentions", "format": 1, "extractor": ...}``
followed by one line per text: ``{"key": sha256, "mentions": [[start, end, type, text,
score, source, role], ...]}``.

Examples
--------
>>> from kg.model import Mention
>>> cache = MentionCache("kg-extract/1.0")
>>> cache.put("We use BERT.", [Mention(7, 11, "Model", "BERT", 0.9, "ner")])
>>> cache.get("We use BERT.")[0].text
'BERT'
>>> cache.get("Something else.") is None
True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path

from kg.errors import OutputError
from kg.model import Mention

#: Where a build directory keeps its cache, relative to the directory.
CACHE_FILE = Path("cache") / "mentions.jsonl"
_MAGIC = "kg-mentions"
_FORMAT = 1


def extractor_id(model: str | Path | None = None) -> str:
    """The identity of an extractor: ``kg.extract.VERSION``, plus a hash of a given model.

    Parameters
    ----------
    model: a model directory used instead of the packaged one; its ``meta.json`` and
        ``config.cfg`` are hashed so that two different models never share entries.
    """
    from kg.extract import VERSION

    if model is None:
        return str(VERSION)
    digest = hashlib.sha256()
    for name in ("meta.json", "config.cfg"):
        path = Path(model) / name
        if path.exists():
            digest.update(path.read_bytes())
    return f"{VERSION}+model:{digest.hexdigest()[:16]}"


def _encode(m: Mention) -> list[object]:
    return [m.start, m.end, m.type, m.text, m.score, m.source, m.role]


def _decode(row: list[object]) -> Mention:
    start, end, type_, text, score, source, role = row
    return Mention(int(start), int(end), str(type_), str(text), float(score),  # type: ignore[arg-type]
                   str(source), None if role is None else str(role))


class MentionCache:
    """Mentions by text, for one extractor.

    Parameters
    ----------
    extractor: the extractor id (see :func:`extractor_id`); part of every key.
    """

    def __init__(self, extractor: str) -> None:
        self.extractor = extractor
        self._rows: dict[str, list[list[object]]] = {}
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._rows)

    def key(self, text: str) -> str:
        """The key of ``text``: SHA-256 of the extractor id and the text."""
        return hashlib.sha256(f"{self.extractor}\x00{text}".encode()).hexdigest()

    def get(self, text: str) -> list[Mention] | None:
        """The cached mentions of ``text``, or ``None`` when it was never extracted."""
        row = self._rows.get(self.key(text))
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return [_decode(r) for r in row]

    def __contains__(self, text: str) -> bool:
        return self.key(text) in self._rows

    def put(self, text: str, mentions: Iterable[Mention]) -> None:
        """Remember the mentions of ``text``."""
        self._rows[self.key(text)] = [_encode(m) for m in mentions]

    def restrict(self, texts: Iterable[str]) -> MentionCache:
        """A cache holding only the entries of ``texts`` (what a build keeps)."""
        kept = MentionCache(self.extractor)
        for text in texts:
            k = self.key(text)
            if k in self._rows:
                kept._rows[k] = self._rows[k]
        return kept

    # files -------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path, extractor: str) -> MentionCache:
        """Read a cache file; entries of another extractor, or a missing file, give none.

        A damaged line is skipped (its text is extracted again): the cache only saves time.
        """
        cache = cls(extractor)
        path = Path(path)
        if not path.exists():
            return cache
        with open(path, encoding="utf-8", errors="replace") as fh:
            header = _json(fh.readline())
            if (not isinstance(header, dict) or header.get("cache") != _MAGIC
                    or header.get("format") != _FORMAT or header.get("extractor") != extractor):
                return cache
            for line in fh:
                row = _json(line)
                if isinstance(row, dict) and isinstance(row.get("key"), str) and isinstance(
                        row.get("mentions"), list):
                    cache._rows[row["key"]] = row["mentions"]
        return cache

    def save(self, path: str | Path) -> None:
        """Write the cache to ``path`` (its directory is created)."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(json.dumps({"cache": _MAGIC, "format": _FORMAT,
                                     "extractor": self.extractor}) + "\n")
                for key in sorted(self._rows):
                    fh.write(json.dumps({"key": key, "mentions": self._rows[key]},
                                        ensure_ascii=False) + "\n")
        except OSError as err:
            raise OutputError(f"cannot write the extraction cache {path}: {err}; check the "
                              "output directory and free space") from err

    def writer(self) -> Callable[[object, Path], list[str]]:
        """A :data:`kg.export.WRITERS`-style writer that saves this cache into a build dir."""

        def write_cache(_graph: object, directory: Path) -> list[str]:
            self.save(Path(directory) / CACHE_FILE)
            return [CACHE_FILE.as_posix()]

        return write_cache


def _json(line: str) -> object:
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        return None
