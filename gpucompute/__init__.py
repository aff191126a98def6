"""gpucompute: the Workflows / Dynamic Compute programming model on your own GPU.

``import gpucompute`` is cheap and imports neither JAX nor CuPy; backends load
when first used (see :mod:`gpucompute.config`).
"""

from __future__ import annotations

from gpucompute import errors
from gpucompute.config import get_backend, set_backend, using_backend

__version__ = "0.1.0"

__all__ = ["__version__", "errors", "get_backend", "set_backend", "using_backend"]
