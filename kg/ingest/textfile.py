"""Open an input file safely and stream its lines, reporting bad files as problems.

Every reader gets its text through :func:`open_lines`: a missing path, a directory, an
unreadable, empty or binary file becomes one :class:`kg.model.Problem` and no lines; bytes
that are not UTF-8 are decoded with U+FFFD replacement characters and reported once (at
the first bad line). Files are read line by line, so a 100k-abstract dump streams.
"""

from __future__ import annotations

import codecs
import gzip
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from kg.model import Problem

__all__ = ["ProblemSink", "display_name", "check_file", "open_lines", "head", "inner_suffix"]

ProblemSink = Callable[[Problem], None]

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_SNIFF_BYTES = 8192
_GZIP_MAGIC = b"\x1f\x8b"


def _open_binary(path: Path) -> BinaryIO:
    """Open ``path`` for reading bytes; gzip files (e.g. a ``.jsonl.gz`` dump) are
    decompressed on the fly."""
    fh = open(path, "rb")
    if fh.read(2) == _GZIP_MAGIC:
        fh.close()
        return gzip.open(path, "rb")  # type: ignore[return-value]
    fh.seek(0)
    return fh


def inner_suffix(path: Path) -> str:
    """The lower-cased extension of ``path``, ignoring a trailing ``.gz``."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def display_name(path: Path) -> str:
    """How ``path`` is named in sources and messages.

    Files shipped inside the installed ``kg`` package are named relative to it
    (``kg/data/listings/000_….txt``) so that outputs do not depend on where kg is
    installed; other paths are kept as given.
    """
    package_root = Path(__file__).resolve().parent.parent
    try:
        inside = path.resolve().relative_to(package_root)
    except (ValueError, OSError):
        return str(path)
    return str(Path("kg") / inside)


def head(path: Path, size: int = _SNIFF_BYTES) -> bytes:
    """The first ``size`` bytes of ``path`` (``b""`` if it cannot be read)."""
    try:
        with _open_binary(path) as fh:
            return fh.read(size)
    except (OSError, EOFError):
        return b""


def _wide_encoding(start: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if start.startswith(bom):
            return encoding
    return None


def check_file(path: Path, name: str, on_problem: ProblemSink) -> bool:
    """Return True if ``path`` is a readable, non-empty text file; else report why."""
    hint = "check the path"
    try:
        if not path.exists():
            on_problem(Problem(name, None, f"no such file; {hint}", "error"))
            return False
        if path.is_dir():
            on_problem(Problem(name, None, "is a directory; give the files inside it "
                                           f"(e.g. {name}/*.txt)", "error"))
            return False
        with _open_binary(path) as fh:
            start = fh.read(_SNIFF_BYTES)
    except (OSError, EOFError) as err:
        reason = getattr(err, "strerror", None) or err
        fix = "check its permissions" if isinstance(err, PermissionError) else "check the file"
        on_problem(Problem(name, None, f"cannot be read ({reason}); {fix}", "error"))
        return False
    if not start.strip():
        on_problem(Problem(name, None, "empty file; nothing to read", "error"))
        return False
    if b"\x00" in start and _wide_encoding(start) is None:
        line = start[: start.index(b"\x00")].count(b"\n") + 1
        on_problem(Problem(name, line, "binary file (NUL bytes), not text; skipped", "error"))
        return False
    return True


def open_lines(path: Path, name: str, on_problem: ProblemSink, *,
               check: bool = True) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, text)`` for each line of ``path`` (newline stripped).

    Nothing is yielded for a file that :func:`check_file` rejects (``check=False`` when
    the caller has checked it already). UTF-8 (with or without a BOM) is expected;
    UTF-16/32 files with a BOM are decoded as such.
    """
    if check and not check_file(path, name, on_problem):
        return
    try:
        wide = _wide_encoding(head(path, 4))
        if wide is not None:
            with _open_binary(path) as fh:
                text = fh.read().decode(wide, errors="replace")
            for number, line in enumerate(text.splitlines(), 1):
                yield number, line
            return
        warned = False
        with _open_binary(path) as fh:
            for number, raw in enumerate(fh, 1):
                if number == 1 and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8):]
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError:
                    line = raw.decode("utf-8", errors="replace")
                    if not warned:
                        warned = True
                        on_problem(Problem(name, number, "not valid UTF-8; decoded with "
                                           "replacement characters (re-save the file as "
                                           "UTF-8 to keep every character)"))
                yield number, line.rstrip("\r\n")
    except (OSError, EOFError) as err:
        reason = getattr(err, "strerror", None) or err
        on_problem(Problem(name, None, f"reading stopped ({reason}); check the file", "error"))
