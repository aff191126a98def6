"""Which backends a test or benchmark can run on here."""

from __future__ import annotations

from gpucompute import backends
from gpucompute.errors import BackendUnavailableError

__all__ = ["unavailable_reason"]


def unavailable_reason(name: str) -> str | None:
    """``None`` if backend *name* loads on this machine, else why it does not (a skip reason)."""
    if not backends.is_installed(name):
        return f"{name} is not installed"
    try:
        backends.get(name)
    except BackendUnavailableError as exc:
        return str(exc)
    return None
