"""Union–find over name nodes, with must-not-merge constraints.

Two constraints can refuse a union: a keep-apart pair (from the user's overrides) that
would end up in one cluster, and, for automatic merges, two names with the same letters
but different numbers ("GPT-3" and "GPT-4") that a chain of merges would join.

>>> from kg.resolve.normalise import name
>>> c = Clusters()
>>> for n in ("GPT-3", "GPT-4", "gpt3"):
...     c.add(name(n).key, name(n))
>>> c.refusal("gpt3", "gpt4", automatic=True)
'number-differs'
"""

from __future__ import annotations

from kg.resolve.normalise import Name


class Clusters:
    """Disjoint sets of nodes (name keys, or paper-local acronym nodes)."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._members: dict[str, list[str]] = {}
        self._numbers: dict[str, dict[str, set[tuple[str, ...]]]] = {}
        self._apart: dict[str, set[str]] = {}

    def __contains__(self, node: str) -> bool:
        return node in self._parent

    def add(self, node: str, nm: Name | None) -> None:
        """Add ``node`` (a no-op when present); ``nm`` gives its letters and numbers."""
        if node in self._parent:
            return
        self._parent[node] = node
        self._members[node] = [node]
        self._numbers[node] = {nm.skeleton: {nm.digits}} if nm is not None and nm.skeleton else {}

    def find(self, node: str) -> str:
        """The root of ``node``'s cluster."""
        root = node
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[node] != root:
            self._parent[node], node = root, self._parent[node]
        return root

    def keep_apart(self, a: str, b: str) -> None:
        """Never put ``a`` and ``b`` in one cluster."""
        self._apart.setdefault(a, set()).add(b)
        self._apart.setdefault(b, set()).add(a)

    def refusal(self, a: str, b: str, *, automatic: bool) -> str | None:
        """Why ``a`` and ``b`` may not be merged, or ``None`` when they may."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        small, large = sorted((ra, rb), key=lambda r: len(self._members[r]))
        for node in self._members[small]:
            for other in self._apart.get(node, ()):
                if self.find(other) == large:
                    return "override"
        if automatic:
            numbers = self._numbers[large]
            for skeleton, digits in self._numbers[small].items():
                if skeleton in numbers and numbers[skeleton] != digits:
                    return "number-differs"
        return None

    def union(self, a: str, b: str) -> str:
        """Merge the clusters of ``a`` and ``b``; return the new root."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if len(self._members[ra]) < len(self._members[rb]):
            ra, rb = rb, ra
        self._parent[rb] = ra
        self._members[ra].extend(self._members.pop(rb))
        for skeleton, digits in self._numbers.pop(rb).items():
            self._numbers[ra].setdefault(skeleton, set()).update(digits)
        return ra

    def groups(self) -> list[list[str]]:
        """Every cluster as a list of its nodes, in insertion order."""
        return [members for members in self._members.values()]
