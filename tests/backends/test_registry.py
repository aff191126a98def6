"""The backend registry and the protocol every backend implements."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from gpucompute import backends
from gpucompute.backends import Backend, DeviceInfo
from gpucompute.errors import BackendUnavailableError, ConfigError


def test_names_and_lookup():
    assert backends.NAMES == ("numpy", "jax", "cupy")
    assert backends.get("numpy").name == "numpy"
    assert backends.get("numpy") is backends.get("numpy")
    with pytest.raises(ConfigError, match="unknown backend 'torch'"):
        backends.get("torch")


def test_protocol_round_trip(backend):
    host = np.arange(12, dtype=np.float32).reshape(3, 4)
    device = backend.asarray(host)
    assert backend.is_native(device)
    assert not backend.is_native([1, 2]) or backend.name == "numpy"
    back = backend.to_numpy(device)
    assert isinstance(back, np.ndarray)
    np.testing.assert_array_equal(back, host)
    backend.synchronize(device)
    assert backends.backend_of(device) is backend


def test_protocol_device_info(backend):
    info = backend.device_info()
    assert isinstance(info, DeviceInfo)
    assert info.name and info.kind in {"cpu", "gpu", "tpu", "cuda", "rocm"}


def test_compile_gives_the_same_result(backend):
    xp = backend.xp

    def f(x, *, power):
        return xp.sum(x**power)

    compiled = backend.compile(f, static_argnames=("power",))
    x = backend.asarray(np.arange(5.0, dtype=np.float32))
    assert float(backend.to_numpy(compiled(x, power=2))) == float(backend.to_numpy(f(x, power=2))) == 30.0


def test_set_at_is_functional(backend):
    x = backend.asarray(np.zeros(4, dtype=np.int32))
    y = backend.set_at(x, 1, 7)
    np.testing.assert_array_equal(backend.to_numpy(y), [0, 7, 0, 0])
    np.testing.assert_array_equal(backend.to_numpy(x), [0, 0, 0, 0])


def test_canonical_dtype(backend):
    assert backend.canonical_dtype(np.float32) == np.float32
    assert backend.canonical_dtype(np.uint8) == np.uint8
    if backend.name == "jax":
        import jax

        wide = np.float64 if jax.config.jax_enable_x64 else np.float32
        assert backend.canonical_dtype(np.float64) == wide
    else:
        assert backend.canonical_dtype(np.float64) == np.float64


def test_backend_of_host_values():
    assert backends.backend_of(1.5) is None
    assert backends.backend_of([1, 2]) is None
    assert backends.backend_of(np.float32(1)).name == "numpy"


def test_all_backends_subclass_the_protocol():
    for name in backends.available():
        assert isinstance(backends.get(name), Backend)


def test_missing_backend_says_what_to_install():
    # Hide cupy (and jax) from the import system in a subprocess, then ask for them.
    code = """
import sys
sys.modules['cupy'] = None
sys.modules['jax'] = None
from gpucompute import backends
for name in ('cupy', 'jax'):
    try:
        backends.get(name)
    except ImportError as exc:
        print(type(exc).__name__, '|', exc)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 2
    for line, extra in zip(lines, ("cupy", "jax")):
        assert line.startswith("BackendUnavailableError")
        assert f"pip install 'gpucompute[{extra}]'" in line


def test_unavailable_error_is_an_import_error():
    assert issubclass(BackendUnavailableError, ImportError)
