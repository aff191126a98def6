"""Backend resolution: host values follow device arrays; two device backends never mix.

Only one device backend (JAX) exists on a CPU-only machine, so a fake device
backend (NumPy memory behind an ndarray subclass from its own module) stands in
for a second one.
"""

from __future__ import annotations

import numpy as np
import pytest

import gpucompute.array as ga
from gpucompute import backends
from gpucompute.array._dispatch import normalize_axes, resolve_backend
from gpucompute.backends.numpy import NumpyBackend
from gpucompute.errors import AxisError, BackendMismatchError


class FakeDeviceArray(np.ndarray):
    """An array of the pretend 'fakedevice' library."""


FakeDeviceArray.__module__ = "fakedevice"


class FakeDeviceBackend(NumpyBackend):
    name = "fakedevice"

    def is_native(self, obj):
        return isinstance(obj, FakeDeviceArray)

    def asarray(self, obj, dtype=None):
        return np.asarray(obj, dtype=dtype).view(FakeDeviceArray)


@pytest.fixture
def fake_device(monkeypatch):
    backend = FakeDeviceBackend()
    monkeypatch.setitem(backends._REGISTRY, "fakedevice", ("fakedevice", "FakeDeviceBackend", "numpy"))
    monkeypatch.setitem(backends._MODULE_ROOTS, "fakedevice", "fakedevice")
    monkeypatch.setitem(backends._instances, "fakedevice", backend)
    backends._name_for_type.cache_clear()
    yield backend
    backends._name_for_type.cache_clear()


def test_device_arrays_decide_the_backend(fake_device):
    device = fake_device.asarray(np.ones(3))
    assert resolve_backend("add", np.ones(3), 2.0, device) is fake_device
    result = ga.add(np.ones(3), device)
    assert isinstance(result, FakeDeviceArray)


def test_two_device_backends_are_refused(fake_device):
    jax_backend = pytest.importorskip("jax") and backends.get("jax")
    a = fake_device.asarray(np.ones(3))
    b = jax_backend.asarray(np.ones(3))
    with pytest.raises(BackendMismatchError, match=r"gpucompute.array.add: got arrays from the 'fakedevice' and 'jax'"):
        ga.add(a, b)
    masked = ga.masked_array(np.ones(3), backend=jax_backend)
    with pytest.raises(BackendMismatchError, match="gpucompute.array.multiply"):
        ga.multiply(masked, a)


def test_host_values_go_to_the_configured_backend(backend):
    assert resolve_backend("sum", np.ones(2), [1, 2], 3) is backend
    assert resolve_backend("sum") is backend


@pytest.mark.parametrize("axis, expected", [(None, (0, 1, 2)), (-1, (2,)), ((2, 0), (0, 2)), (1, (1,))])
def test_normalize_axes(axis, expected):
    assert normalize_axes(axis, 3, "sum") == expected


@pytest.mark.parametrize("axis", [3, -4, (0, 0), (1, -2), 1.5])
def test_bad_axes_name_the_routine(axis):
    with pytest.raises(AxisError, match="gpucompute.array.sum"):
        normalize_axes(axis, 3, "sum")


def test_a_masked_array_on_numpy_keeps_the_work_on_numpy():
    jax = pytest.importorskip("jax")
    from gpucompute.config import using_backend

    with using_backend("jax"):
        x = ga.masked_array(np.arange(4.0), mask=[0, 1, 0, 0], backend="numpy")
        assert resolve_backend("count", x).name == "numpy"
        assert isinstance(ga.count(x, axis=0), (np.ndarray, np.generic))
        y = ga.masked_array(np.arange(4.0), backend="jax")
        assert (x + y).backend.name == "jax"  # a device array still decides
        assert isinstance(ga.add(np.ones(2), 1.0), jax.Array)  # plain host arrays follow the configuration
