"""Backend selection: environment variable, set_backend, using_backend, auto."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from gpucompute import backends, config
from gpucompute.errors import ConfigError


def test_using_backend_switches_for_a_block_and_restores():
    before = config.get_backend()
    with config.using_backend("numpy") as b:
        assert b.name == "numpy"
        assert config.get_backend() is b
    assert config.get_backend() is before


def test_using_backend_is_local_to_a_thread():
    seen = {}

    def other():
        seen["name"] = config.get_backend().name

    with config.using_backend("numpy"):
        outside = config.get_backend()
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert outside.name == "numpy"
    assert seen["name"] == config.get_backend().name


def test_set_backend_persists_and_none_restores():
    original = config.get_backend()
    try:
        config.set_backend("numpy")
        assert config.get_backend().name == "numpy"
    finally:
        config.set_backend(None)
    assert config.get_backend() is original


@pytest.mark.parametrize("bad", ["tensorflow", "", "numpyy"])
def test_unknown_backend_names_raise_config_error(bad):
    with pytest.raises(ConfigError, match="unknown backend"):
        config.set_backend(bad)
    with pytest.raises(ConfigError):
        with config.using_backend(bad):
            pass


def test_auto_prefers_cupy_then_jax_then_numpy():
    expected = next(name for name in config.AUTO_ORDER if name in backends.available())
    assert config.resolve_auto() == expected


@pytest.mark.parametrize("name", ["numpy", "jax"])
def test_environment_variable_selects_the_backend(name):
    if not backends.is_installed(name):
        pytest.skip(f"{name} is not installed")
    code = "import gpucompute; print(gpucompute.get_backend().name)"
    import os

    env = dict(os.environ, GPUCOMPUTE_BACKEND=name)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == name


def test_bad_environment_variable_is_reported_when_a_backend_is_needed():
    import os

    env = dict(os.environ, GPUCOMPUTE_BACKEND="tpu-please")
    code = "import gpucompute\ntry:\n    gpucompute.get_backend()\nexcept ValueError as e:\n    print(type(e).__name__, e)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ConfigError") and "tpu-please" in out.stdout
