"""Cut long texts at sentence ends: for extraction (100 kB pieces) and for training chunks."""

from __future__ import annotations


def sentence_cuts(text: str, max_chars: int, *, min_fraction: float = 0.5
                  ) -> list[tuple[int, int]]:
    """(start, end) pieces of at most ``max_chars`` that cover ``text``, cut after '. '.

    A cut falls at the last '. ' after ``min_fraction`` of the window, else at the window end.
    """
    if len(text) <= max_chars:
        return [(0, len(text))]
    out = []
    start = 0
    while start < len(text):
        end = min(len(text), start + max_chars)
        if end < len(text):
            cut = text.rfind(". ", start + int(max_chars * min_fraction), end)
            end = cut + 2 if cut != -1 else end
        out.append((start, end))
        start = end
    return out
