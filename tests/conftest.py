"""Shared fixtures: every test that takes ``backend`` runs once per available backend."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from gpucompute import backends
from gpucompute.testing import unavailable_reason


BACKEND_PARAMS = [
    pytest.param(name, marks=pytest.mark.skipif(reason is not None, reason=f"backend {name}: {reason}"), id=name)
    for name, reason in ((n, unavailable_reason(n)) for n in backends.NAMES)
]


@pytest.fixture(params=BACKEND_PARAMS)
def backend(request):
    """A loaded backend; the configured backend is switched to it for the test."""
    from gpucompute.config import using_backend

    with using_backend(request.param) as b:
        yield b


@pytest.fixture
def rng(request):
    """A random generator seeded from the test's name, so failures reproduce."""
    seed = zlib.crc32(request.node.nodeid.encode())
    return np.random.default_rng(seed)
