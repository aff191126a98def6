"""``Kernel``: the weights of a 2-D convolution as a proxy ``Struct``."""

from __future__ import annotations

from typing import Any

from gpucompute.errors import ProxyTypeError
from gpucompute.types.containers import List, Struct, Tuple
from gpucompute.types.geometry import is_literal
from gpucompute.types.primitives import Float, Int

__all__ = ["Kernel"]


class Kernel(Struct[{"dims": Tuple[Int, Int], "data": List[Float]}]):
    """Convolution weights (``wf.Kernel.load``).

    Parameters
    ----------
    dims : Tuple[Int, Int]
        ``(rows, cols)`` of the kernel, both positive.
    data : List[Float]
        ``rows * cols`` weights in row-major order.

    Raises
    ------
    ProxyTypeError
        For literal ``dims`` that are not two positive ints, or a literal
        ``data`` whose length is not ``rows * cols``.
    """

    __slots__ = ()
    _constructor = "wf.Kernel.load"

    def __init__(self, dims: Any, data: Any) -> None:
        if is_literal(dims):
            if not (
                isinstance(dims, (list, tuple)) and len(dims) == 2
                and all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in dims)
            ):
                raise ProxyTypeError(f"Kernel: dims must be two positive ints (rows, cols), got {dims!r}")
            if is_literal(data) and isinstance(data, (list, tuple)) and len(data) != dims[0] * dims[1]:
                raise ProxyTypeError(
                    f"Kernel: dims {tuple(dims)} need {dims[0] * dims[1]} values in data, got {len(data)}"
                )
        Struct.__init__(self, dims=dims, data=data)
