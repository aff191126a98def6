"""``wf.numpy.ma``: lazy ``numpy.ma`` routines (graft names ``wf.numpy.ma.<name>``).

Generated from :data:`gpucompute.numpy._signatures.MA`; ``masked_array`` is
:class:`~gpucompute.types.masked_array.MaskedArray`.
"""

from __future__ import annotations

from gpucompute.numpy._functions import make_routine
from gpucompute.numpy._signatures import MA
from gpucompute.types.masked_array import MaskedArray

masked_array = MaskedArray

globals().update({name: make_routine(name, "wf.numpy.ma", ovl) for name, ovl in MA.items()})

__all__ = ["masked_array", *(str(name) for name in MA)]
