"""Debugging helpers: ``sleep`` returns its argument after a pause, to observe laziness and caching."""

from __future__ import annotations

from typing import Any

from gpucompute.types.core import promote
from gpucompute.types.primitives import Float, Int

__all__ = ["sleep"]


def sleep(seconds: Any) -> Any:
    """A proxy that waits ``seconds`` when computed and then gives ``seconds`` back (``wf.debugging.sleep``)."""
    secs = promote(seconds, (Int, Float), "sleep() argument 'seconds'")
    return type(secs)._from_apply("wf.debugging.sleep", secs)
