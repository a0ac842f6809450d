"""Entity resolution: mentions of all papers → canonical entities, links and a merge log.

The steps, each logged in ``Resolution.merges`` with a reason and a score:

1. every non-generic mention gets a :class:`~kg.resolve.normalise.Name`; equal keys are one
   node (case, hyphen, space, plural and generic-head variants: ``"normalised-form"``,
   ``"case-or-separator"``, ``"plural"``), except that a dataset- or metric-making head
   is kept when the bare name is mostly typed otherwise ("NLP benchmarks" / the task NLP,
   logged ``"keep-apart"``, ``"head-changes-type"``);
2. the user's overrides are applied first (``"override"``), then the aliases of the
   previous build's entities are joined again (``"previous-build"``), then a name joins
   the head-stripped form of the same words (``"normalised-form"``);
3. fuzzy candidates from blocking merge when :func:`kg.resolve.match.decide` allows it
   (``"fuzzy"``); refused pairs scoring ≥ 90 are logged as ``"keep-apart"``;
4. acronyms defined anywhere in the corpus ("Masked Image Modeling (MIM)") join their long
   form (``"acronym"``) unless the corpus defines them with several long forms; then only
   the defining paper's own uses join its long form (``"acronym-local"``) and the log
   says ``"acronym-ambiguous"``;
5. each cluster becomes an :class:`~kg.model.Entity`: the type with most mention votes,
   the most frequent surface form (without a generic head) as label, every surface form as
   an alias, and an id kept from ``previous`` or minted from the label;
6. a name that is another name plus version/size/flavour tokens ("Llama-2-7B", "ImageNet-1K")
   is linked to it with ``Entity.broader`` (decision ``"variant-of"``), never merged;
7. every mention becomes a link with its role and evidence (:mod:`kg.resolve.links`), one
   per (paper, entity, role), keeping the best-scored mention's evidence.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.model import ENTITY_TYPES, Entity, Link, Mention, Merge, Paper, Result
from kg.resolve import links as link_rules
from kg.resolve.acronyms import definitions
from kg.resolve.cluster import Clusters
from kg.resolve.match import CANDIDATE_THRESHOLD, broader_of, candidates, decide, variant_reason
from kg.resolve.normalise import Name, keeps_head, name, tokenize
from kg.resolve.overrides import Overrides, load_overrides
from kg.resolve.results import find_results

FIELDS: tuple[str, ...] = ("title", "abstract")
_COMPATIBLE = {"Method": "Method/Model", "Model": "Method/Model"}


@dataclass
class Resolution:
    """What :func:`resolve` found.

    Attributes
    ----------
    entities: the canonical entities, sorted by id.
    links: one paper→entity link per (paper, entity, role), in paper order.
    merges: every resolution decision, in the order it was taken.
    results: the scores the abstracts report (:mod:`kg.resolve.results`), in paper order.
    """

    entities: list[Entity] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)


@dataclass(frozen=True)
class _Occurrence:
    paper: str
    field: str
    mention: Mention
    name: Name


def extractor_version() -> str:
    """``kg.extract.VERSION`` when the extractor is importable, else ``"unknown"``."""
    try:
        from kg.extract import VERSION
    except Exception:  # the extractor is optional for resolution
        return "unknown"
    return str(VERSION)


def _slug(tokens: Sequence[str]) -> str:
    """Tokens joined by hyphens, a lone letter glued to its number ("t5-base", "f1")."""
    parts: list[str] = []
    for token in (re.sub(r"[^a-z0-9.]", "", t) for t in tokens):
        if parts and len(parts[-1]) == 1 and parts[-1].isalpha() and token[:1].isdigit():
            parts[-1] += token
        else:
            parts.append(token)
    slug = "-".join(parts).strip("-.")
    slug = re.sub(r"-{2,}", "-", slug)
    if not slug:
        slug = "x" + hashlib.sha1(" ".join(tokens).encode()).hexdigest()[:10]
    return slug


def _groups(entity: Entity) -> set[str]:
    """The type groups an entity was voted into (Method and Model are one group)."""
    return {_COMPATIBLE.get(t, t) for t in [entity.type, *entity.type_votes]}


def _merge_reason(a: str, b: str) -> str:
    fa, fb = (re.sub(r"[\W_]", "", s.lower()) for s in (a, b))
    if fa == fb:
        return "case-or-separator"
    if fa.rstrip("s") == fb.rstrip("s"):
        return "plural"
    return "normalised-form"


class _Resolver:
    def __init__(self, papers: Sequence[Paper], rules: Overrides,
                 previous: Sequence[Entity] | None) -> None:
        self.papers = list(papers)
        self.rules = rules
        self.previous = list(previous or [])
        self.merges: list[Merge] = []
        self.clusters = Clusters()
        self.names: dict[str, Name] = {}
        self.pinned: set[str] = set()
        self.virtual: dict[str, set[str]] = defaultdict(set)
        self.short_nodes: set[str] = set()
        self.defined: dict[str, dict[str, str]] = {}
        self.shorts: dict[str, str] = {}
        self.local_shorts: dict[tuple[str, str], str] = {}
        self.kept_heads: set[str] = set()

    # nodes -----------------------------------------------------------------------------
    def node(self, nm: Name) -> str:
        pinned = "=" + nm.surface.lower()
        return pinned if pinned in self.pinned else nm.key

    def add(self, nm: Name, *, virtual: bool = False) -> str:
        node = self.node(nm)
        if node not in self.clusters:
            self.clusters.add(node, nm)
            self.names[node] = nm
        if virtual:
            self.virtual[node].add(nm.surface)
        return node

    def log(self, a: str, b: str, decision: str, reason: str, score: float) -> None:
        self.merges.append(Merge(a, b, decision, reason, round(float(score), 2)))

    def join(self, a: str, b: str, reason: str, score: float, *, automatic: bool = True,
             label_a: str | None = None, label_b: str | None = None) -> bool:
        la, lb = label_a or self.names[a].surface, label_b or self.names[b].surface
        refusal = self.clusters.refusal(a, b, automatic=automatic)
        if refusal is not None:
            self.log(la, lb, "keep-apart", refusal, score)
            return False
        if self.clusters.find(a) != self.clusters.find(b):
            self.clusters.union(a, b)
            self.log(la, lb, "merge", reason, score)
        return True

    # steps -----------------------------------------------------------------------------
    def collect(self, mentions: Mapping[str, Mapping[str, Sequence[Mention]]]
                ) -> list[_Occurrence]:
        drop = {nm.key for nm in map(name, self.rules.drop) if nm is not None}
        same_key = [(a, b) for group in self.rules.keep_apart for a in group for b in group
                    if a < b and name(a) and name(b) and name(a).key == name(b).key]  # type: ignore[union-attr]
        for a, b in same_key:
            self.pinned.update({"=" + name(a).surface.lower(), "=" + name(b).surface.lower()})  # type: ignore[union-attr]
        found = []
        for paper in self.papers:
            for fld in FIELDS:
                for mention in mentions.get(paper.id, {}).get(fld, []):
                    if mention.type not in ENTITY_TYPES:
                        continue
                    nm = name(mention.text)
                    if nm is None or nm.key in drop:
                        continue
                    found.append(_Occurrence(paper.id, fld, mention, nm))
        own: dict[str, Counter[str]] = defaultdict(Counter)  # types of "NLP benchmarks"
        bare: dict[str, Counter[str]] = defaultdict(Counter)  # types of "NLP"
        bare_forms: dict[str, Counter[str]] = defaultdict(Counter)
        for occ in found:
            if occ.name.head_type:
                own[occ.name.full_key][occ.mention.type] += 1
            else:
                bare[occ.name.key][occ.mention.type] += 1
                bare_forms[occ.name.key][occ.name.surface] += 1
        out = []
        for occ in found:
            nm = occ.name
            if keeps_head(nm, own[nm.full_key], bare[nm.key]):
                occ = _Occurrence(occ.paper, occ.field, occ.mention, nm.with_head())
                if self.node(occ.name) not in self.kept_heads:
                    self.kept_heads.add(self.node(occ.name))
                    votes, forms = bare[nm.key], bare_forms[nm.key]
                    other = max(forms, key=lambda s: (forms[s], s))
                    share = 100.0 * (1 - votes[nm.head_type] / sum(votes.values()))
                    self.log(nm.surface, other, "keep-apart", "head-changes-type", share)
            self.add(occ.name)
            out.append(occ)
        return out

    def apply_overrides(self) -> None:
        for group in self.rules.merges:
            named = [(text, name(text)) for text in group]
            nodes = [(text, self.add(nm, virtual=True)) for text, nm in named if nm is not None]
            for (ta, a), (tb, b) in zip(nodes, nodes[1:]):
                self.join(a, b, "override", 100.0, automatic=False, label_a=ta, label_b=tb)
        for group in self.rules.keep_apart:
            nodes = [(text, self.add(nm, virtual=True)) for text in group
                     if (nm := name(text)) is not None]
            for i, (ta, a) in enumerate(nodes):
                for tb, b in nodes[i + 1:]:
                    self.clusters.keep_apart(a, b)
                    self.log(ta, tb, "keep-apart", "override", 100.0)

    def apply_previous(self) -> None:
        """Join the aliases of each previous entity again, except acronyms defined in the
        corpus: the acronym step decides those (an ambiguous one must stay ambiguous)."""
        for entity in self.previous:
            nodes = []
            for alias in [entity.label, *entity.aliases]:
                nm = name(alias)
                if (nm is not None and self.node(nm) in self.clusters
                        and self.node(nm) not in self.defined):
                    nodes.append(self.node(nm))
            for a, b in zip(nodes, nodes[1:]):
                self.join(a, b, "previous-build", 100.0)

    def heads(self) -> None:
        """Join a name to the head-stripped form of the same words ("Diffusion Models" was not
        stripped where "DiffusION models" was: both are one name)."""
        stripped = {nm.full_key: node for node, nm in self.names.items()
                    if nm.full_key != nm.key and not node.startswith("=")}
        for node, nm in list(self.names.items()):
            other = stripped.get(nm.key)
            if other is not None and other != node and not node.startswith("="):
                self.join(node, other, "normalised-form", 100.0)

    def fuzzy(self) -> None:
        keyed = {node: nm for node, nm in self.names.items() if not node.startswith("=")}
        for score, a, b in candidates(keyed, CANDIDATE_THRESHOLD):
            decision, reason = decide(keyed[a], keyed[b], score)
            if decision == "merge":
                self.join(a, b, reason, score)
            elif self.clusters.find(a) != self.clusters.find(b):
                self.log(keyed[a].surface, keyed[b].surface, decision, reason, score)

    def find_definitions(self) -> None:
        """Collect the acronym definitions of every paper (acronym node → paper → long node)."""
        defined: dict[str, dict[str, str]] = defaultdict(dict)
        shorts: dict[str, str] = {}
        for paper in self.papers:
            for text in (paper.title, paper.abstract):
                for short, long in definitions(text or ""):
                    s_name, l_name = name(short), name(long)
                    if s_name is None or l_name is None or s_name.key == l_name.key:
                        continue
                    s_node = self.node(s_name)
                    if s_node not in self.clusters:
                        continue
                    if paper.id not in defined[s_node]:
                        defined[s_node][paper.id] = self.add(l_name, virtual=True)
                        self.local_shorts[(s_node, paper.id)] = s_name.surface
                    shorts.setdefault(s_node, s_name.surface)
        self.defined, self.shorts = defined, shorts

    def acronyms(self, occurrences: list[_Occurrence]) -> list[str]:
        """Join acronyms to their long forms; return the node of each occurrence."""
        nodes = [self.node(o.name) for o in occurrences]
        defined, shorts = self.defined, self.shorts
        local: dict[tuple[str, str], str] = {}
        for s_node in sorted(defined):
            by_paper = defined[s_node]
            roots = Counter(self.clusters.find(n) for n in by_paper.values())
            if len(roots) == 1:
                long_node = next(iter(by_paper.values()))
                if self.join(s_node, long_node, "acronym", 100.0,
                             label_a=shorts[s_node], label_b=self.names[long_node].surface):
                    self.short_nodes.add(s_node)
                continue
            for root, count in sorted(roots.items(), key=lambda rc: (-rc[1], rc[0])):
                self.log(shorts[s_node], self.names[root].surface, "keep-apart",
                         "acronym-ambiguous", 100.0 * count / sum(roots.values()))
            for paper_id, long_node in sorted(by_paper.items()):
                here = f"{paper_id}\x1f{s_node}"
                self.clusters.add(here, None)
                self.names[here] = self.names[s_node]
                self.clusters.union(here, long_node)
                self.log(self.local_shorts[(s_node, paper_id)], self.names[long_node].surface,
                         "merge", "acronym-local", 100.0)
                local[(paper_id, s_node)] = here
                self.short_nodes.add(here)
        return [local.get((o.paper, n), n) for o, n in zip(occurrences, nodes)]

    # entities ----------------------------------------------------------------------------
    def entities(self, occurrences: list[_Occurrence], nodes: list[str]
                 ) -> tuple[list[Entity], dict[str, str], dict[str, set[tuple[str, ...]]]]:
        by_root: dict[str, list[int]] = defaultdict(list)
        for i, node in enumerate(nodes):
            by_root[self.clusters.find(node)].append(i)
        previous_ids: dict[str, str] = {}
        for entity in self.previous:
            for alias in [entity.label, *entity.aliases]:
                nm = name(alias)
                if nm is not None and self.node(nm) not in self.defined:
                    previous_ids.setdefault(self.node(nm), entity.id)
        drafts = []
        for root, indices in by_root.items():
            surfaces = Counter(occurrences[i].name.surface for i in indices)
            cores = Counter(occurrences[i].name.core for i in indices)
            votes = Counter(occurrences[i].mention.type for i in indices)
            weight = Counter()
            for i in indices:
                weight[occurrences[i].mention.type] += occurrences[i].mention.score
            etype = max(votes, key=lambda t: (votes[t], weight[t], -ENTITY_TYPES.index(t)))
            aliases = set(surfaces)
            for member in self._members(root):
                aliases |= self.virtual.get(member, set())
            label = self._label(root, cores, [nodes[i] for i in indices],
                                [occurrences[i].name.core for i in indices])
            aliases.add(label)
            claimed = Counter(previous_ids[m] for m in self._members(root) if m in previous_ids)
            drafts.append((root, indices, etype, label, aliases, votes, claimed, surfaces))
        ids = self._ids(drafts)
        entities, node_entity, token_sets = [], {}, defaultdict(set)
        for (root, indices, etype, label, aliases, votes, _, surfaces), eid in zip(drafts, ids):
            papers = sorted({occurrences[i].paper for i in indices})
            ordered_votes = {t: votes[t] for t in ENTITY_TYPES if votes[t]}
            entities.append(Entity(eid, label, etype, sorted(aliases, key=lambda s: (s.lower(), s)),
                                   papers, ordered_votes, []))
            for member in self._members(root):
                node_entity[member] = eid
                if not member.startswith("=") and "\x1f" not in member:
                    token_sets[eid].add(self.names[member].tokens)
            self._log_surface_merges(surfaces)
        return entities, node_entity, token_sets

    def _label(self, root: str, surfaces: Counter[str], nodes: list[str],
               texts: list[str]) -> str:
        """The most frequent surface form; the long form for an ambiguous acronym's local
        uses (so that "NER" names only the bare, unresolved uses)."""
        members = self._members(root)
        if any("\x1f" in m for m in members):
            longs: Counter[str] = Counter()
            for member in members:
                if member not in self.short_nodes:
                    longs.update({v: 0 for v in self.virtual.get(member, ())})
            longs.update(t for n, t in zip(nodes, texts) if n not in self.short_nodes)
            if longs:
                surfaces = longs
        return max(surfaces, key=lambda s: (surfaces[s], s != s.lower(), len(s), s))

    def _members(self, root: str) -> list[str]:
        return self.clusters._members[root]  # noqa: SLF001 (same package)

    def _ids(self, drafts: list) -> list[str]:
        taken: set[str] = set()
        ids: list[str | None] = [None] * len(drafts)
        # previous ids first: the cluster claiming one with most aliases keeps it
        claims = sorted(((-count, pid, i) for i, d in enumerate(drafts)
                         for pid, count in d[6].items()))
        for _, pid, i in claims:
            if ids[i] is None and pid not in taken:
                ids[i] = pid
                taken.add(pid)
        order = sorted(range(len(drafts)), key=lambda i: (drafts[i][3].lower(), drafts[i][3]))
        for i in order:
            if ids[i] is not None:
                continue
            etype, label = drafts[i][2], drafts[i][3]
            nm = name(label)
            kept = nm.with_head() if nm is not None else None
            if kept is not None and self.node(kept) in self.kept_heads.intersection(
                    self._members(drafts[i][0])):
                nm = kept  # a kept head is part of the name: "dataset/nlp-benchmark"
            base = f"{etype.lower()}/{_slug(nm.tokens if nm else tokenize(label))}"
            eid, n = base, 2
            while eid in taken:
                eid, n = f"{base}-{n}", n + 1
            ids[i] = eid
            taken.add(eid)
        return [i for i in ids if i is not None]

    def _log_surface_merges(self, surfaces: Counter[str]) -> None:
        """Log the surface forms that share a key with the most frequent form of that key."""
        by_key: dict[str, list[str]] = defaultdict(list)
        for surface in surfaces:
            nm = name(surface)
            if nm is not None:
                by_key[nm.key].append(surface)
        for key in sorted(by_key):
            forms = sorted(by_key[key], key=lambda s: (-surfaces[s], s))
            for alias in forms[1:]:
                self.log(forms[0], alias, "merge", _merge_reason(forms[0], alias), 100.0)

    def variants(self, entities: list[Entity], token_sets: dict[str, set[tuple[str, ...]]],
                 node_entity: dict[str, str]) -> None:
        by_id = {e.id: e for e in entities}
        index: dict[tuple[str, ...], str] = {}
        for eid in sorted(token_sets):
            for tokens in token_sets[eid]:
                index.setdefault(tokens, eid)
        for entity in entities:
            found: tuple[int, str, tuple[str, ...]] | None = None
            for tokens in sorted(token_sets.get(entity.id, ())):
                hit = broader_of(tokens, index)
                if hit is None or hit[0] == entity.id:
                    continue
                parent, parent_tokens, extra = hit
                if not _groups(by_id[parent]) & _groups(entity):
                    continue
                if found is None or len(parent_tokens) > found[0]:
                    found = (len(parent_tokens), parent, extra)
            if found is not None:
                _, parent, extra = found
                entity.broader.append(parent)
                self.log(entity.label, by_id[parent].label, "variant-of",
                         variant_reason(extra), 100.0)
        for variant, broader in self.rules.variant_of:
            a, b = (node_entity.get(self.node(nm)) if (nm := name(t)) else None
                    for t in (variant, broader))
            if a and b and a != b and b not in by_id[a].broader:
                by_id[a].broader.append(b)
                self.log(by_id[a].label, by_id[b].label, "variant-of", "override", 100.0)


def _links(papers: Sequence[Paper], occurrences: list[_Occurrence], nodes: list[str],
           node_entity: dict[str, str], types: dict[str, str]) -> list[Link]:
    version = extractor_version()
    best: dict[tuple[str, str, str], tuple[tuple, Link]] = {}
    order = {p.id: i for i, p in enumerate(papers)}
    texts = {p.id: {"title": p.title or "", "abstract": p.abstract or ""} for p in papers}
    spans: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for occ in occurrences:
        spans[(occ.paper, occ.field)].append((occ.mention.start, occ.mention.end))
    for occ, node in zip(occurrences, nodes):
        eid = node_entity[node]
        m = occ.mention
        text = texts[occ.paper][occ.field]
        start, end = max(0, m.start), min(len(text), m.end)
        others = [sp for sp in spans[(occ.paper, occ.field)] if sp != (m.start, m.end)]
        role = link_rules.role(text, start, end, types[eid], field=occ.field, given=m.role,
                               others=others)
        s, e = link_rules.sentence_at(text, start, end)
        confidence = round(min(1.0, max(0.0, float(m.score))), 4)
        link = Link(occ.paper, eid, role, confidence, occ.field, start, end, m.text,
                    text[s:e], m.source, version)
        rank = (-confidence, occ.field != "abstract", start)
        key = (occ.paper, eid, role)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, link)
    with_role = {(p, e) for (p, e, r) in best if r != "mentions"}
    kept = [link for (p, e, r), (_, link) in best.items()
            if r != "mentions" or (p, e) not in with_role]
    fields = {f: i for i, f in enumerate(FIELDS)}
    kept.sort(key=lambda k: (order[k.paper], fields.get(k.field, 9), k.start, k.entity, k.role))
    return kept


def _results(papers: Sequence[Paper], occurrences: list[_Occurrence], nodes: list[str],
             node_entity: dict[str, str], types: dict[str, str], links: list[Link]
             ) -> list[Result]:
    """The results of every abstract, from all its resolved mentions (not only the one
    mention a link keeps per entity: "accuracy of 82.6% ... accuracy of 80.0%")."""
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for occ, node in zip(occurrences, nodes):
        if occ.field == "abstract":
            spans[occ.paper].append((occ.mention.start, occ.mention.end, node_entity[node]))
    proposed: dict[str, list[str]] = defaultdict(list)
    for link in links:
        if link.role == "proposes":
            proposed[link.paper].append(link.entity)
    version = extractor_version()
    return [r for p in papers if p.id in spans
            for r in find_results(p.id, p.abstract or "", spans[p.id], types,
                                  proposed=proposed[p.id], version=version)]


def resolve(papers: list[Paper], mentions: dict[str, dict[str, list[Mention]]], *,
            overrides: str | Path | Overrides | None = None,
            previous: list[Entity] | None = None) -> Resolution:
    """Resolve the mentions of ``papers`` into entities, links and a merge log.

    Parameters
    ----------
    papers: the papers, in output order.
    mentions: ``mentions[paper_id]["title" | "abstract"]``: the mentions found in that text
        (offsets into ``paper.title`` / ``paper.abstract``).
    overrides: a user overrides file (see :mod:`kg.resolve.overrides`) or parsed rules.
    previous: the entities of an earlier build; their aliases are joined again and a
        cluster holding a previous entity's names keeps that entity's id.

    Examples
    --------
    >>> from kg.model import Mention, Paper
    >>> p = Paper("p1", "Fast tuning", "We fine-tune LLaMA 2 and Llama-2 on CIFAR-10.")
    >>> found = {"p1": {"abstract": [Mention(13, 20, "Model", "LLaMA 2", 0.9, "ner"),
    ...                              Mention(25, 32, "Model", "Llama-2", 0.8, "ner"),
    ...                              Mention(36, 44, "Dataset", "CIFAR-10", 0.9, "ner")]}}
    >>> r = resolve([p], found)
    >>> [(e.id, e.aliases) for e in r.entities]
    [('dataset/cifar-10', ['CIFAR-10']), ('model/llama-2', ['LLaMA 2', 'Llama-2'])]
    >>> sorted((link.entity, link.role) for link in r.links)
    [('dataset/cifar-10', 'evaluates-on'), ('model/llama-2', 'uses')]
    """
    if overrides is None:
        rules = Overrides()
    elif isinstance(overrides, Overrides):
        rules = overrides
    else:
        rules = load_overrides(overrides)
    resolver = _Resolver(papers, rules, previous)
    occurrences = resolver.collect(mentions)
    resolver.find_definitions()
    resolver.apply_overrides()
    resolver.apply_previous()
    resolver.heads()
    resolver.fuzzy()
    nodes = resolver.acronyms(occurrences)
    entities, node_entity, token_sets = resolver.entities(occurrences, nodes)
    resolver.variants(entities, token_sets, node_entity)
    types = {e.id: e.type for e in entities}
    links = _links(papers, occurrences, nodes, node_entity, types)
    results = _results(papers, occurrences, nodes, node_entity, types, links)
    entities.sort(key=lambda e: e.id)
    return Resolution(entities, links, resolver.merges, results)
