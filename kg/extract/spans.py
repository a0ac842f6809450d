"""The contract between the extraction components: span keys, types and Span extensions.

Every rule component writes candidate mentions as :class:`spacy.tokens.Span` objects into
``doc.spans[<its key>]``, with ``span.label_`` one of :data:`ENTITY_TYPES` and three
extensions set on each span:

- ``span._.kg_source``: the component that produced it (``"abbreviations"``, ...);
- ``span._.kg_role``: a link role hint (``"proposes"``, ``"uses"``, ``"evaluates-on"``,
  ``"compares-with"``) or ``None``.

``span._.kg_score`` is set by the arbiter alone, on the final mentions, from its table of
measured precision per source and type (``data/arbiter.json``): a component's own guess
would have nowhere to go, as spaCy shares Span extensions between same-offset spans.

The statistical NER runs first and fills ``doc.ents``; the rule components may read it.
The arbiter, last, merges ``doc.ents`` and the span groups into the final mentions.
"""

from __future__ import annotations

from spacy.attrs import ORTH, SPACY
from spacy.tokens import Doc, Span

from kg.errors import ExtractError
from kg.model import ENTITY_TYPES, LINK_ROLES

#: ``doc.spans`` key of each rule component.
ABBREVIATIONS_KEY = "kg_abbrv"
GAZETTEER_KEY = "kg_gazetteer"
CUES_KEY = "kg_cues"
MODELS_KEY = "kg_models"
SPAN_KEYS: tuple[str, ...] = (MODELS_KEY, ABBREVIATIONS_KEY, GAZETTEER_KEY, CUES_KEY)
#: The source name of each span group (spaCy keys Span extensions by offsets and label, so two
#: components' spans over the same tokens share ``kg_source``: the group says the source).
SOURCES: dict[str, str] = {MODELS_KEY: "models", ABBREVIATIONS_KEY: "abbreviations",
                           GAZETTEER_KEY: "gazetteer", CUES_KEY: "cues"}

#: The roles a cue may hint (``"mentions"`` is the default and never hinted).
ROLES: tuple[str, ...] = tuple(r for r in LINK_ROLES if r != "mentions")

__all__ = [
    "ABBREVIATIONS_KEY",
    "CUES_KEY",
    "ENTITY_TYPES",
    "GAZETTEER_KEY",
    "ROLES",
    "SPAN_KEYS",
    "add_span",
    "doc_text",
    "register_extensions",
    "token_texts",
]


def register_extensions() -> None:
    """Register the ``Span`` and ``Doc`` extensions used by the components (idempotent);
    ``kg_ner_p`` is the NER's probability of an entity (None where unknown)."""
    for name in ("kg_score", "kg_source", "kg_role", "kg_ner_p"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    if not Doc.has_extension("kg_abbreviations"):
        Doc.set_extension("kg_abbreviations", default=None)


def token_texts(doc: Doc) -> list[str]:
    """The text of each token of ``doc``, read from one array (no Token object per token)."""
    strings = doc.vocab.strings
    return [strings[orth] for orth in doc.to_array(ORTH).tolist()] if len(doc) else []


def doc_text(doc: Doc, texts: list[str] | None = None) -> str:
    """``doc.text`` joined from one array of token texts (no Token object per token);
    ``texts``: the doc's :func:`token_texts`, if the caller has them already."""
    if not len(doc):
        return ""
    spaces = doc.to_array(SPACY).tolist()
    words = token_texts(doc) if texts is None else texts
    return "".join([w + " " if sp else w for w, sp in zip(words, spaces)])


def add_span(
    group: list[Span],
    doc: Doc,
    start: int,
    end: int,
    label: str,
    *,
    source: str,
    role: str | None = None,
) -> Span:
    """Make the token span ``doc[start:end]`` with its extensions set and append it to ``group``.

    Parameters
    ----------
    group
        The list of spans that will be assigned to ``doc.spans[key]``.
    doc
        The document.
    start, end
        Token offsets (end exclusive).
    label
        One of :data:`ENTITY_TYPES`.
    source, role
        Values of ``kg_source`` and ``kg_role``.

    Returns
    -------
    Span
        The new span.
    """
    if label not in ENTITY_TYPES:
        raise ExtractError(
            f"span label {label!r} is not one of {ENTITY_TYPES}: fix the component's data file"
        )
    if role is not None and role not in ROLES:
        raise ExtractError(
            f"span role {role!r} is not one of {ROLES}: fix the component's data file"
        )
    span = Span(doc, start, end, label=label)
    span._.kg_source = source
    span._.kg_role = role
    group.append(span)
    return span
