"""Mathematical constants as ``Float`` key references to the ``wf.constants.*`` builtins."""

from __future__ import annotations

from gpucompute.types.parameters import identifier
from gpucompute.types.primitives import Float

__all__ = ["e", "pi", "inf", "nan", "CONSTANT_NAMES"]

#: The public constants: name -> builtin key.
CONSTANT_NAMES = {name: f"wf.constants.{name}" for name in ("e", "pi", "inf", "nan")}

e = identifier(CONSTANT_NAMES["e"], Float)
pi = identifier(CONSTANT_NAMES["pi"], Float)
inf = identifier(CONSTANT_NAMES["inf"], Float)
nan = identifier(CONSTANT_NAMES["nan"], Float)
