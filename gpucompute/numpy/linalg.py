"""``wf.numpy.linalg``: lazy ``numpy.linalg`` routines (graft names ``wf.numpy.linalg.<name>``).

Generated from :data:`gpucompute.numpy._signatures.LINALG`.
"""

from __future__ import annotations

from gpucompute.numpy._functions import make_routine
from gpucompute.numpy._signatures import LINALG

globals().update({name: make_routine(name, "wf.numpy.linalg", ovl) for name, ovl in LINALG.items()})

__all__ = [str(name) for name in LINALG]
