"""Image-stack kernels: masked median/percentiles, first-valid mosaic, sort-by composite.

Each kernel takes a time stack (a :class:`~gpucompute.array.MaskedArray`
shaped ``(T, ...)``, usually ``(T, B, Y, X)``, time on axis 0) and returns a
MaskedArray on the same backend. Every kernel has a reference implementation
written once over the backend's array namespace and, per backend, a
specialised one (a sorting network compiled with ``jax.jit`` on JAX, CUDA
``RawKernel``\\ s on CuPy); choose with ``impl="auto" | "reference" |
"specialized"``. The table in :mod:`gpucompute.kernels._registry` says which
runs where; specialised modules are imported on first use, so importing this
package imports neither JAX nor CuPy.
"""

from __future__ import annotations

from .median import masked_median, masked_percentile
from .mosaic import mosaic
from .sortby import sortby_composite

__all__ = ["masked_median", "masked_percentile", "mosaic", "sortby_composite"]
