"""Acronym definitions found in text: "Masked Image Modeling (MIM)" defines MIM.

The long form is found with the Schwartz–Hearst algorithm (PSB 2003): the characters of
the short form are matched right to left inside the words before the parenthesis, the
first one at the start of a word.

>>> definitions("the central role of Masked Image Modeling (MIM) in vision")
[('MIM', 'Masked Image Modeling')]
>>> definitions("Large language models (LLMs) are routinely pre-trained")
[('LLMs', 'Large language models')]
>>> definitions("results (e.g. ImageNet) and scores (FID)")
[]
"""

from __future__ import annotations

import re

_SHORT = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9\-\.]{1,11})\s*[;,)]")
_WORD = re.compile(r"\S+")


def _looks_like_acronym(short: str) -> bool:
    letters = [c for c in short if c.isalpha()]
    return sum(c.isupper() for c in short) >= 2 and len(letters) >= 2


def _long_form(short: str, candidate: str) -> str | None:
    """Schwartz–Hearst: the shortest tail of ``candidate`` that spells ``short``."""
    chars = short[:-1] if short.endswith("s") and short[:-1].isupper() else short
    s_idx, l_idx = len(chars) - 1, len(candidate) - 1
    while s_idx >= 0:
        c = chars[s_idx].lower()
        if not c.isalnum():
            s_idx -= 1
            continue
        while l_idx >= 0 and (candidate[l_idx].lower() != c
                              or (s_idx == 0 and l_idx > 0 and candidate[l_idx - 1].isalnum())):
            l_idx -= 1
        if l_idx < 0:
            return None
        l_idx -= 1
        s_idx -= 1
    start = candidate.rfind(" ", 0, l_idx + 1) + 1
    long = candidate[start:].strip(" ,;:-")
    if len(long.split()) < 2 and "-" not in long:
        return None
    if len(long) <= len(short) or not long[:1].isalnum():
        return None
    return long


def definitions(text: str) -> list[tuple[str, str]]:
    """The ``(short, long)`` acronym definitions of ``text``, in order."""
    found = []
    for match in _SHORT.finditer(text):
        short = match.group(1).rstrip(".-")
        if not _looks_like_acronym(short):
            continue
        before = text[: match.start()].rstrip()
        words = _WORD.findall(before[-200:])
        size = min(len(short) + 5, 2 * len(short))
        candidate = " ".join(words[-size:])
        for stop in (".", ";", ":", "(", ")", ","):
            candidate = candidate.rsplit(stop + " ", 1)[-1]
        long = _long_form(short, candidate)
        if long:
            found.append((short, long))
    return found
