"""Shared fixtures: every test that takes ``backend`` runs once per available backend."""

from __future__ import annotations

import os
import shutil
import tempfile
import zlib

import numpy as np
import pytest

from gpucompute import backends
from gpucompute.testing import unavailable_reason


_SESSION_HOME = tempfile.mkdtemp(prefix="gpucompute-test-home-")


def pytest_configure(config):
    """Every test session gets its own catalog home, so no test writes to ``~/.gpucompute``."""
    os.environ["GPUCOMPUTE_HOME"] = _SESSION_HOME


def pytest_unconfigure(config):
    shutil.rmtree(_SESSION_HOME, ignore_errors=True)


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


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty catalog home in ``tmp_path``, made the default for the test."""
    from gpucompute.catalog import reset_catalog

    monkeypatch.setenv("GPUCOMPUTE_HOME", str(tmp_path / "home"))
    reset_catalog()
    yield tmp_path / "home"
    reset_catalog()


@pytest.fixture(scope="session")
def _imagery_home(tmp_path_factory):
    """A catalog home holding the imagery test product, built once per session."""
    from gpucompute.testing.homes import catalog_home
    from gpucompute.testing.imagery import build_imagery_product

    with catalog_home(tmp_path_factory.mktemp("imagery-home")) as home:
        fixture = build_imagery_product()
    return home, fixture


@pytest.fixture
def imagery(_imagery_home, monkeypatch):
    """The imagery test product (see ``gpucompute.testing.imagery``), its catalog made the default."""
    from gpucompute.catalog import reset_catalog

    home, fixture = _imagery_home
    monkeypatch.setenv("GPUCOMPUTE_HOME", str(home))
    reset_catalog()
    yield fixture
    reset_catalog()
