"""Who takes part in a benchmark: a peer (numpy.ma, NumPy + NaN, rasterio, rio-tiler) or ours on a backend."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from gpucompute import backends


@dataclass(frozen=True)
class Participant:
    """Who computes: ``kind`` is ``"ma"`` (numpy.ma), ``"nan"`` (NumPy + NaN) or ``"ours"``."""

    label: str
    kind: str
    backend_name: str | None = None

    @property
    def backend(self) -> Any:
        return backends.get(self.backend_name) if self.backend_name else None

    @property
    def device_kind(self) -> str:
        kind = self.backend.device_info().kind if self.backend_name else "cpu"
        return "gpu" if kind in ("cuda", "rocm") else kind

    def prepare(self, op: Callable[..., Any], *args: Any) -> Callable[[], Any]:
        """A no-argument function running ``op(*args)`` and waiting for its result.

        Ours is compiled with ``backend.compile`` (``jax.jit`` on JAX) and
        synchronised inside the call; peers run with RuntimeWarnings (all-NaN
        slices) silenced.
        """
        if self.kind != "ours":
            def run_peer() -> Any:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    return op(*args)
            return run_peer
        backend = self.backend

        def fresh(*a: Any) -> Any:  # a new function object: JAX's jit cache cannot reuse a compile
            return op(*a)
        compiled = backend.compile(fresh)

        def run_ours() -> Any:
            out = compiled(*args)
            backend.synchronize(out)
            return out
        return run_ours



def enter(participant: Participant) -> Iterator[Participant]:
    """Yield ``participant``; ours runs with its backend configured for the duration of the test."""
    if participant.kind != "ours":
        yield participant
        return
    from gpucompute.config import using_backend

    with using_backend(participant.backend_name):
        yield participant
