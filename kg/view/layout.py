"""Node positions for the views, computed once in Python so the browser needs no physics.

A Fruchterman–Reingold force layout (vectorised with numpy) places the *core* of the graph:
the nodes with more than one neighbour. Nodes with a single neighbour (most entities are
named by one paper only) are then put on a small ring around that neighbour. This keeps a
2,000-node view to a few seconds of layout and draws readable clusters.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence

Pos = dict[Hashable, tuple[float, float]]

#: Pull towards the centre, relative to the attraction along a link.
GRAVITY = 0.1

#: Floats per work array of the repulsion step (a block of rows; 64k floats = 256 KB).
_BLOCK_FLOATS = 1 << 16


def positions(
    nodes: Sequence[Hashable],
    edges: Iterable[tuple[Hashable, Hashable]],
    *,
    center: Hashable | None = None,
    seed: int = 0,
    iterations: int = 60,
    spacing: float = 90.0,
) -> Pos:
    """Positions in screen units for ``nodes`` joined by ``edges``.

    Parameters
    ----------
    nodes: the node ids, in a stable order (the layout is deterministic for a given order).
    edges: pairs of node ids; pairs naming unknown nodes are ignored.
    center: a node to pin at the origin (ego views).
    seed: seed of the initial random placement.
    iterations: force-layout steps.
    spacing: the typical distance between neighbouring nodes, in pixels.

    Examples
    --------
    >>> pos = positions(["a", "b", "c"], [("a", "b"), ("b", "c")], center="b")
    >>> pos["b"]
    (0.0, 0.0)
    >>> sorted(pos) == ["a", "b", "c"]
    True
    """
    index = {node: i for i, node in enumerate(nodes)}
    neighbours: list[set[int]] = [set() for _ in nodes]
    for a, b in edges:
        i, j = index.get(a), index.get(b)
        if i is None or j is None or i == j:
            continue
        neighbours[i].add(j)
        neighbours[j].add(i)
    leaves = {i for i, nb in enumerate(neighbours)
              if len(nb) == 1 and len(neighbours[next(iter(nb))]) > 1}
    if center is not None and center in index:
        leaves.discard(index[center])
    core = [i for i in range(len(nodes)) if i not in leaves]
    core_xy = _force_layout(core, neighbours, seed=seed, iterations=iterations)
    scale = spacing * max(1.0, math.sqrt(len(core)))
    xy = {i: (x * scale, y * scale) for i, (x, y) in core_xy.items()}
    if center is not None and center in index:
        cx, cy = xy[index[center]]
        xy = {i: (x - cx, y - cy) for i, (x, y) in xy.items()}
    _place_leaves(leaves, neighbours, xy, spacing)
    return {node: (round(xy[i][0], 1), round(xy[i][1], 1)) for node, i in index.items()}


def _force_layout(
    core: list[int], neighbours: list[set[int]], *, seed: int, iterations: int
) -> dict[int, tuple[float, float]]:
    """Fruchterman–Reingold on the ``core`` nodes, in a unit-ish square around 0."""
    import numpy as np

    n = len(core)
    if n == 0:
        return {}
    if n == 1:
        return {core[0]: (0.0, 0.0)}
    local = {node: k for k, node in enumerate(core)}
    pairs = [(local[i], local[j]) for i in core for j in neighbours[i] if j in local and i < j]
    src = np.array([p[0] for p in pairs], dtype=np.int64)
    dst = np.array([p[1] for p in pairs], dtype=np.int64)
    rng = np.random.default_rng(seed)
    pos = (rng.random((n, 2)) - 0.5).astype(np.float32)
    k = np.float32(1.0 / math.sqrt(n))
    temperature = 0.1
    gravity = np.float32(GRAVITY)
    cool = temperature / (iterations + 1)
    # The n×n repulsion is computed in blocks of rows that stay in the CPU cache, into
    # arrays allocated once; each row is the same arithmetic as on the whole matrix.
    rows = max(1, min(n, _BLOCK_FLOATS // n))
    dx = np.empty((rows, n), dtype=np.float32)
    dy = np.empty((rows, n), dtype=np.float32)
    weight = np.empty((rows, n), dtype=np.float32)
    square = np.empty((rows, n), dtype=np.float32)
    disp = np.empty((n, 2), dtype=np.float32)
    for _ in range(iterations):
        # Repulsion k²/d along (p_i - p_j) for every pair, one coordinate at a time.
        for r0 in range(0, n, rows):
            r1 = min(n, r0 + rows)
            bx, by, bw, bs = dx[: r1 - r0], dy[: r1 - r0], weight[: r1 - r0], square[: r1 - r0]
            np.subtract(pos[r0:r1, 0, None], pos[None, :, 0], out=bx)
            np.subtract(pos[r0:r1, 1, None], pos[None, :, 1], out=by)
            np.multiply(bx, bx, out=bw)
            bw += np.multiply(by, by, out=bs)
            np.maximum(bw, 1e-6, out=bw)
            np.divide(k * k, bw, out=bw)
            np.multiply(bx, bw, out=bx)
            np.multiply(by, bw, out=by)
            bx.sum(axis=1, out=disp[r0:r1, 0])
            by.sum(axis=1, out=disp[r0:r1, 1])
        if len(pairs):
            d = pos[src] - pos[dst]
            length = np.sqrt((d * d).sum(axis=1))[:, None]
            force = d * length / k
            np.add.at(disp, src, -force)
            np.add.at(disp, dst, force)
        # Gravity towards the centre keeps small components from drifting away.
        disp -= gravity * pos * np.sqrt((pos * pos).sum(axis=1, keepdims=True)) / k
        length = np.sqrt((disp * disp).sum(axis=1))
        np.maximum(length, 1e-6, out=length)
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cool
    pos -= pos.mean(axis=0)
    return {node: (float(pos[k_][0]), float(pos[k_][1])) for node, k_ in local.items()}


def _place_leaves(
    leaves: set[int],
    neighbours: list[set[int]],
    xy: dict[int, tuple[float, float]],
    spacing: float,
) -> None:
    """Put each single-neighbour node on a ring around its neighbour."""
    by_parent: dict[int, list[int]] = {}
    for leaf in sorted(leaves):
        by_parent.setdefault(next(iter(neighbours[leaf])), []).append(leaf)
    for parent, kids in by_parent.items():
        px, py = xy[parent]
        # Face away from the centre of the drawing so rings do not overlap the core.
        base = math.atan2(py, px) if (px or py) else 0.0
        radius = spacing * (0.8 + 0.12 * math.sqrt(len(kids)))
        spread = min(2 * math.pi, 0.6 + 0.35 * len(kids))
        for k, leaf in enumerate(kids):
            angle = base + (k - (len(kids) - 1) / 2) * (spread / max(len(kids), 1))
            ring = radius * (1.0 + 0.35 * (k % 2))
            xy[leaf] = (px + ring * math.cos(angle), py + ring * math.sin(angle))
