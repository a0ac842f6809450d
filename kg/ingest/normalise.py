"""Text normalisation of titles and abstracts: LaTeX remnants, lost escapes, whitespace.

Abstracts copied from arXiv listings carry LaTeX source (``T\\"ULU``, ``\\%``,
``models~(LLMs)``, ``$O(n)$``) and escapes whose backslash was lost on the way
(``scratchx2013even``, ``256times256``, ``sim 1%``). :func:`normalise_text` turns them into
plain Unicode text. The tables live in ``kg/ingest/data/normalise.json``.

A rule that works on text *without* a backslash only fires where the bare word cannot be
English: ``times`` glued to a number (``7.9times faster``) or in scientific notation
(``2.2 times 10^15``), never in ``five times faster`` or ``56 times operations``;
``sim`` directly before a number, never ``sim2real``; ``xHHHH`` only for dash, quote and
ellipsis code points glued to a preceding letter, never ``0x2013``, ``1920x2013`` or a
standalone ``x2013``.

Examples
--------
>>> normalise_text('we introduce T\\\\"ULU 3, up to 5\\\\%  better')
'we introduce TÜLU 3, up to 5% better'
>>> normalise_text("trained from scratchx2013even at 256times256, (sim 1% of epochs)")
'trained from scratch–even at 256×256, (~1% of epochs)'
>>> normalise_text("five times faster than language models~(LLMs)")
'five times faster than language models (LLMs)'
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["normalise_text", "normalise_title", "fold"]


@lru_cache(maxsize=1)
def _tables() -> dict[str, Any]:
    text = resources.files("kg.ingest").joinpath("data/normalise.json").read_text("utf-8")
    return json.loads(text)


def _alternation(names: list[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


#: (a substring the text must contain for the rule to apply, pattern, replacement)
Rule = tuple[str, re.Pattern[str], "str | Callable[[re.Match[str]], str]"]


@lru_cache(maxsize=1)
def _rules() -> list[Rule]:
    """Compile the tables into an ordered list of rules."""
    t = _tables()
    accents: dict[str, str] = t["accents"]
    letters: dict[str, str] = t["letters"]
    escaped: dict[str, str] = t["escaped_chars"]
    commands: dict[str, str] = t["commands"]
    sym_accents = "".join(re.escape(k) for k in accents if not k.isalpha())
    word_accents = "".join(k for k in accents if k.isalpha())

    def accent(m: re.Match[str]) -> str:
        return unicodedata.normalize("NFC", m.group("base") + accents[m.group("acc")])

    def command(m: re.Match[str]) -> str:
        name = m.group(1)
        return commands.get(name, name)

    def href(m: re.Match[str]) -> str:
        url, label = m.group(1).strip(), m.group(2).strip()
        return url if not label or label in url else f"{label} ({url})"

    wrappers = _alternation(t["wrappers"])
    lost_wrappers = _alternation(t["lost_wrappers"])
    codepoints = "|".join(t["unicode_escapes"]["codepoints"])
    delimiters = _alternation(t["math_delimiters"])
    rules: list[Rule] = [
        # $...$ inline math holding math (a command, ^, _ or braces, or one letter)
        ("$", re.compile(r"(?<![\\$])\$(?=\S)((?:[^$\n]*?[\\^_{}=][^$\n]*?)|[A-Za-z])(?<=\S)\$"),
         r"\1"),
        ("\\", re.compile(delimiters), ""),
        ("\\", re.compile(r"\\href\s*\{([^{}]*)\}\s*\{([^{}]*)\}"), href),
        # accents: {\"U}, \"{U}, \"U, \'\i, \c{c}
        ("\\", re.compile(rf"\{{\\(?P<acc>[{sym_accents}])\s*\{{?\\?(?P<base>[A-Za-z])\}}?\}}"),
         accent),
        ("\\", re.compile(rf"\\(?P<acc>[{sym_accents}])\s*\{{?\\?(?P<base>[A-Za-z])\}}?"), accent),
        ("\\", re.compile(rf"\\(?P<acc>[{word_accents}])\s*\{{\\?(?P<base>[A-Za-z])\}}"), accent),
        ("\\", re.compile(rf"\{{?\\({_alternation(list(letters))})\}}?(?![A-Za-z])(?:\{{\}})?"),
         lambda m: letters[m.group(1)]),
        ("\\", re.compile(r"\\(?:cite[pt]?|ref|eqref|label|footnote)\s*\{[^{}]*\}"), ""),
        ("\\", re.compile(rf"\\(?:{wrappers})\s*\{{([^{{}}]*)\}}"), r"\1"),
        ("\\", re.compile(r"\\([A-Za-z]+)(?:\{\})?"), command),
        ("\\", re.compile(f"\\\\([{''.join(re.escape(k) for k in escaped)}])"),
         lambda m: escaped[m.group(1)]),
        ("\\", re.compile(r"\\(?=[^A-Za-z])"), ""),
        # a LaTeX tie (non-breaking space) between words: models~(LLMs), e.g.~BERT
        ("~", re.compile(r"(?<=[A-Za-z.)\]])~(?=[A-Za-z0-9(\[])"), " "),
    ]
    for rule in t["lost_backslash"]:
        rules.append((rule["trigger"], re.compile(rule["pattern"]), rule["replace"]))
    rules += [
        ("{", re.compile(rf"(?<![A-Za-z])(?:{lost_wrappers})\{{([^{{}}]*)\}}"), r"\1"),
        ("{", re.compile(r"(?<=[\^_])\{([A-Za-z0-9]+)\}"), r"\1"),
        ("x", re.compile(rf"(?<=[A-Za-z])x(?i:({codepoints}))(?=[A-Za-z\s)]|$)"),
         lambda m: chr(int(m.group(1), 16))),
        # an \href that lost its backslash: https://x.org/a{x.org/a} keeps the URL once
        ("{", re.compile(r"(https?://(?:www\.)?([^\s{}]+?))\{(?:https?://)?(?:www\.)?\2/?\}"),
         r"\1"),
    ]
    return rules


_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{2,6}|#x[0-9A-Fa-f]{2,5});")
_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Return ``text`` as plain, NFC-normalised Unicode with whitespace collapsed.

    Parameters
    ----------
    text: a title or abstract as read from an input file.
    """
    if not text:
        return ""
    for ch in _tables()["invisible"]:
        text = text.replace(ch, "")
    text = unicodedata.normalize("NFC", text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    for trigger, pattern, repl in _rules():
        if trigger not in text:
            continue
        text = pattern.sub(repl, text)
        if "{" in pattern.pattern and "{" in text:
            # nested groups like \textbf{\textit{x}} unwrap one level per pass
            for _ in range(3):
                again = pattern.sub(repl, text)
                if again == text:
                    break
                text = again
    text = _SPACE.sub(" ", text).strip()
    return unicodedata.normalize("NFC", text)


def normalise_title(title: str) -> str:
    """Normalise a title like an abstract, also dropping BibTeX case-protecting braces."""
    text = normalise_text(title)
    if "{" in text:
        text = re.sub(r"\{([^{}]*)\}", r"\1", text)
    return text


def fold(text: str) -> str:
    """Case-, accent-, punctuation- and space-insensitive form of ``text`` (for keys).

    >>> fold("T\\u00dcLU 3: Pushing  Frontiers!")
    'tulu 3 pushing frontiers'
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.findall(r"[^\W_]+", text))
