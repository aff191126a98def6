"""Participants of the IO benchmarks (W5, COG tile): a CPU peer library, or our reader on a backend."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Who:
    """A participant as bench/conftest.py's ``measure`` and summary read it."""

    label: str
    kind: str
    backend_name: str | None = None

    @property
    def device_kind(self) -> str:
        return "cpu"


def enter(who: Who) -> Iterator[Who]:
    """Yield ``who``; ours runs with its backend configured for the duration of the test."""
    if who.kind != "ours":
        yield who
        return
    from gpucompute.config import using_backend

    with using_backend(who.backend_name):
        yield who
