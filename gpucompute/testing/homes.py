"""Catalog homes for tests: make a folder the catalog of the process for a while."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

__all__ = ["HOME_ENV", "catalog_home"]

#: The environment variable naming the catalog home.
HOME_ENV = "GPUCOMPUTE_HOME"


@contextlib.contextmanager
def catalog_home(home: str | os.PathLike) -> Iterator[Path]:
    """Inside the block, ``home`` is the catalog home and the default catalog is opened there.

    The previous ``GPUCOMPUTE_HOME`` (or its absence) comes back afterwards,
    and the default catalog is reopened for it. Meant for fixtures: a module
    fixture builds a product inside one block, and each test enters another.

    Examples
    --------
    >>> import tempfile
    >>> with catalog_home(tempfile.mkdtemp()) as home:  # doctest: +SKIP
    ...     ensure_demo_product(size=64, scenes=2)
    """
    from gpucompute.catalog import reset_catalog

    old = os.environ.get(HOME_ENV)
    os.environ[HOME_ENV] = str(home)
    reset_catalog()
    try:
        yield Path(home)
    finally:
        if old is None:
            os.environ.pop(HOME_ENV, None)
        else:
            os.environ[HOME_ENV] = old
        reset_catalog()
