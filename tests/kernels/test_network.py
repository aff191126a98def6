"""The comparator networks really sort: 0/1 principle exhaustively for small n, random data for larger."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from gpucompute.kernels._network import apply_network, batcher_pairs, network_depth, network_layers, sorting_network


def _run(pairs, columns):
    rows = apply_network(list(columns), pairs, np.minimum, np.maximum)
    return np.stack(rows)


@pytest.mark.parametrize("n", range(1, 15))
def test_sorts_every_zero_one_input(n):
    # Knuth's 0/1 principle: a comparator network that sorts all 2**n 0/1 inputs sorts every input.
    inputs = np.array(list(itertools.product((0, 1), repeat=n)), dtype=np.int8).T  # (n, 2**n)
    out = _run(sorting_network(n), inputs)
    np.testing.assert_array_equal(out, np.sort(inputs, axis=0))


@pytest.mark.parametrize("n", [16, 17, 31, 32, 33, 50, 64, 100, 128])
def test_sorts_random_input(rng, n):
    inputs = rng.standard_normal((n, 500))
    inputs[:, :100] = rng.integers(0, 3, (n, 100))  # many ties
    np.testing.assert_array_equal(_run(sorting_network(n), inputs), np.sort(inputs, axis=0))


@pytest.mark.parametrize("n", [2, 5, 13, 32, 100])
def test_pairs_are_ordered_and_in_range(n):
    pairs = sorting_network(n)
    assert all(0 <= i < j < n for i, j in pairs)


def test_sizes_of_known_networks():
    # Batcher's odd-even merge sort: 19 comparators for 8 inputs, 63 for 16, 191 for 32, depth 15 for 32.
    assert len(batcher_pairs(8)) == 19
    assert len(batcher_pairs(16)) == 63
    assert len(sorting_network(32)) == 191
    assert network_depth(sorting_network(32)) == 15
    assert sorting_network(1) == ()


def test_layers_are_parallel_and_keep_order(rng):
    pairs = sorting_network(13)
    layers = network_layers(pairs)
    assert sum(len(layer) for layer in layers) == len(pairs)
    assert len(layers) == network_depth(pairs)
    for layer in layers:
        touched = [k for pair in layer for k in pair]
        assert len(touched) == len(set(touched))
    inputs = rng.standard_normal((13, 200))
    flat = [pair for layer in layers for pair in layer]
    np.testing.assert_array_equal(_run(tuple(flat), inputs), np.sort(inputs, axis=0))


def test_apply_network_leaves_input_list_alone():
    rows = [np.array([3.0]), np.array([1.0])]
    out = apply_network(rows, sorting_network(2), np.minimum, np.maximum)
    assert rows[0][0] == 3.0 and out[0][0] == 1.0


@pytest.mark.parametrize("bad", [0, 3, 12])
def test_batcher_needs_a_power_of_two(bad):
    with pytest.raises(ValueError):
        batcher_pairs(bad)


def test_sorting_network_needs_an_input():
    with pytest.raises(ValueError):
        sorting_network(0)
