"""Importing gpucompute (and using its numpy backend) must not import jax or cupy."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str, **env: str) -> str:
    import os

    environment = dict(os.environ, **env)
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=environment, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_import_does_not_load_gpu_libraries():
    out = _run(
        """
        import sys
        import gpucompute, gpucompute.array, gpucompute.kernels, gpucompute.config, gpucompute.testing
        print(sorted(m for m in ("jax", "jaxlib", "cupy") if m in sys.modules))
        """
    )
    assert out == "[]"


def test_numpy_backend_work_does_not_load_gpu_libraries():
    out = _run(
        """
        import sys
        import numpy as np
        import gpucompute.array as ga
        x = ga.masked_array(np.arange(6.0).reshape(2, 3), mask=[[0, 1, 0], [0, 0, 1]])
        y = ga.log(x + 1) * 2
        print(type(y).__name__, y.backend.name)
        print(sorted(m for m in ("jax", "jaxlib", "cupy") if m in sys.modules))
        """,
        GPUCOMPUTE_BACKEND="numpy",
    )
    first, last = out.splitlines()
    assert first == "MaskedArray numpy"
    assert last == "[]"
