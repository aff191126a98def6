"""Comparator networks: fixed sequences of compare-and-swap steps that sort any input.

A sorting network is a list of index pairs ``(i, j)`` with ``i < j``; applying a
pair puts the smaller of elements ``i`` and ``j`` at ``i`` and the larger at
``j``. Because the sequence does not depend on the data, a network sorts many
short series at once with nothing but elementwise ``minimum``/``maximum`` (JAX)
or straight-line register code (CUDA), which is what the median kernels need.

We build K. E. Batcher's odd-even merge sort for the next power of two and
drop every comparator that touches an index ``>= n``. The result still sorts
``n`` elements: think of the ``n`` inputs padded with ``+inf`` rows; a pair
with an index in the padding never moves anything, so leaving it out changes
nothing.
"""

from __future__ import annotations

import functools

from gpucompute.errors import ConfigError

__all__ = ["batcher_pairs", "sorting_network", "apply_network", "network_depth", "network_layers"]


def _next_power_of_two(n: int) -> int:
    size = 1
    while size < n:
        size *= 2
    return size


@functools.lru_cache(maxsize=None)
def batcher_pairs(size: int) -> tuple[tuple[int, int], ...]:
    """Batcher's odd-even merge sorting network for *size* (a power of two) inputs.

    Parameters
    ----------
    size : int
        Number of inputs; must be a power of two (1 gives an empty network).

    Returns
    -------
    tuple of (int, int)
        Comparators in the order they must be applied; ``i < j`` in each.
    """
    if size < 1 or size & (size - 1):
        raise ConfigError(f"gpucompute.kernels._network.batcher_pairs: size must be a power of two, got {size}")
    pairs: list[tuple[int, int]] = []
    span = 1  # length of the sorted runs being merged, doubled each round
    while span < size:
        stride = span
        while stride >= 1:
            block = 2 * span
            for start in range(stride % span, size - stride, 2 * stride):
                for offset in range(min(stride, size - start - stride)):
                    low = start + offset
                    high = low + stride
                    # only compare elements that belong to the same merge block
                    if low // block == high // block:
                        pairs.append((low, high))
            stride //= 2
        span *= 2
    return tuple(pairs)


@functools.lru_cache(maxsize=None)
def sorting_network(n: int) -> tuple[tuple[int, int], ...]:
    """A sorting network for *n* inputs (any ``n >= 1``).

    Batcher's network for the next power of two with every comparator that
    reaches past ``n - 1`` removed (see the module notes for why it still
    sorts). 32 inputs take 191 comparators, 64 take 543.

    Parameters
    ----------
    n : int
        Number of inputs.

    Returns
    -------
    tuple of (int, int)
        Comparators ``(i, j)``, ``i < j < n``, in application order.
    """
    if n < 1:
        raise ConfigError(f"gpucompute.kernels._network.sorting_network: need at least one input, got {n}")
    return tuple((i, j) for i, j in batcher_pairs(_next_power_of_two(n)) if j < n)


def network_depth(pairs: tuple[tuple[int, int], ...]) -> int:
    """Number of parallel steps: the longest chain of comparators sharing an index."""
    level: dict[int, int] = {}
    depth = 0
    for i, j in pairs:
        step = max(level.get(i, 0), level.get(j, 0)) + 1
        level[i] = level[j] = step
        depth = max(depth, step)
    return depth


def network_layers(pairs: tuple[tuple[int, int], ...]) -> list[list[tuple[int, int]]]:
    """Split *pairs* into parallel steps: no index appears twice in a step, order is kept."""
    level: dict[int, int] = {}
    layers: list[list[tuple[int, int]]] = []
    for i, j in pairs:
        step = max(level.get(i, 0), level.get(j, 0))
        level[i] = level[j] = step + 1
        if step == len(layers):
            layers.append([])
        layers[step].append((i, j))
    return layers


def apply_network(rows: list, pairs: tuple[tuple[int, int], ...], minimum, maximum) -> list:
    """Run the comparators *pairs* over *rows* (a list of equally shaped arrays).

    Parameters
    ----------
    rows : list
        One array (or scalar) per input position; not modified.
    pairs : tuple of (int, int)
        The network, e.g. from :func:`sorting_network`.
    minimum, maximum : callable
        Elementwise binary min/max of the array library (``jnp.minimum`` ...).

    Returns
    -------
    list
        The rows after the network: elementwise ascending from first to last
        (for inputs without NaN).
    """
    rows = list(rows)
    for i, j in pairs:
        a, b = rows[i], rows[j]
        rows[i] = minimum(a, b)
        rows[j] = maximum(a, b)
    return rows
