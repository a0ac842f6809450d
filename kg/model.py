"""The records that flow through kg: Paper → Mention → Entity/Link/Result.

These frozen-ish dataclasses are the contract between stages (ingest, extract, resolve,
graph, outputs). Stages exchange these and nothing else.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: The five entity types of the schema, in a stable order.
ENTITY_TYPES: tuple[str, ...] = ("Method", "Model", "Dataset", "Metric", "Task")

#: Roles a paper→entity link can carry; "mentions" when the text says nothing more.
LINK_ROLES: tuple[str, ...] = ("proposes", "uses", "evaluates-on", "compares-with", "mentions")

#: The component name a :class:`Result` carries as provenance.
RESULT_SOURCE = "results"

#: The kinds of a :class:`Result`: a score ("85.8% top-1 accuracy") or a stated change of
#: one ("improves top-1 accuracy by 2.1%").
RESULT_KINDS: tuple[str, ...] = ("score", "change")


@dataclass(frozen=True)
class Source:
    """Where a record came from: a file and the 1-based line its record starts on."""

    file: str
    line: int


@dataclass
class Paper:
    """One paper as read from an input file (after normalisation).

    ``authors`` holds names when the input gives them; ``author_count`` is set when only a
    count is known (e.g. "• 5 authors" in a Hugging Face listing). ``date`` is ISO 8601
    (``YYYY-MM-DD``) when the year is known; ``date_text`` keeps what the input said.
    """

    id: str
    title: str
    abstract: str
    authors: list[str] = field(default_factory=list)
    author_count: int | None = None
    org: str | None = None
    date: str | None = None
    date_text: str | None = None
    upvotes: int | None = None
    urls: list[str] = field(default_factory=list)
    doi: str | None = None
    arxiv_id: str | None = None
    sources: list[Source] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (sources as ``{"file", "line"}`` objects)."""
        return asdict(self)


@dataclass(frozen=True)
class Mention:
    """One entity mention found in a text.

    ``start``/``end`` are character offsets into the text (end exclusive); ``source`` names
    the pipeline component that produced it (e.g. ``"ner"``, ``"gazetteer"``); ``role`` is
    a link role when a cue in the sentence states it ("we propose X" → ``"proposes"``).
    """

    start: int
    end: int
    type: str
    text: str
    score: float
    source: str
    role: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``kg extract`` output form of the mention."""
        return {
            "start": self.start,
            "end": self.end,
            "type": self.type,
            "text": self.text,
            "score": round(self.score, 4),
            "source": self.source,
        }


@dataclass
class Entity:
    """A canonical entity shared by papers: one node per real method, model, dataset…"""

    id: str
    label: str
    type: str
    aliases: list[str] = field(default_factory=list)
    papers: list[str] = field(default_factory=list)
    type_votes: dict[str, int] = field(default_factory=dict)
    broader: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The ``entities.jsonl`` line of the entity."""
        return asdict(self)


@dataclass(frozen=True)
class Link:
    """A paper→entity link with its role, confidence and evidence.

    ``field`` says which text of the paper holds the evidence (``"abstract"`` or
    ``"title"``); ``start``/``end`` are offsets into that text and ``sentence`` is the
    sentence around the mention.
    """

    paper: str
    entity: str
    role: str
    confidence: float
    field: str
    start: int
    end: int
    text: str
    sentence: str
    source: str
    extractor_version: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the link."""
        return asdict(self)


@dataclass(frozen=True)
class Result:
    """A result a paper reports: ``value`` by ``metric`` (entity ids), maybe on ``dataset``
    for ``entity``.

    ``kind`` is ``"score"`` (an absolute score: "85.8% top-1 accuracy") or ``"change"`` (a
    stated change of the metric: "improves top-1 accuracy by 2.1%", "+2.2% over MAE"); a
    change's ``value`` is signed (a gain positive, a reduction negative) and ``baseline``
    the entity it is compared with, when the sentence names it. ``value`` is the number as
    a decimal string ("85.8", "-1.3"), ``value_text`` as written ("85.8%", "+2.2%", "2.1%"
    of "by 2.1%"); ``start``/``end`` are the offsets of ``value_text`` in the paper's
    ``field`` text and ``sentence`` the sentence around it; ``source`` and
    ``extractor_version`` name what found it.
    """

    paper: str
    metric: str
    value: str
    value_text: str
    field: str
    start: int
    end: int
    sentence: str
    dataset: str | None = None
    entity: str | None = None
    source: str = RESULT_SOURCE
    extractor_version: str = "unknown"
    kind: str = "score"
    baseline: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``results.jsonl`` line of the result."""
        return asdict(self)


@dataclass(frozen=True)
class Merge:
    """One resolution decision, kept in ``merges.jsonl``.

    ``decision`` is ``"merge"``, ``"keep-apart"`` or ``"variant-of"``; ``reason`` names the
    rule (e.g. ``"normalised-form"``, ``"acronym"``, ``"fuzzy"``, ``"override"``).
    """

    a: str
    b: str
    decision: str
    reason: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the decision."""
        return asdict(self)


@dataclass(frozen=True)
class Problem:
    """A bad input record or file: reported on one line, and the build goes on."""

    file: str
    line: int | None
    message: str
    severity: str = "warning"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.severity}: {self.message}"
