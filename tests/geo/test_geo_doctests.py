"""The examples in gpucompute.geo's docstrings run and give the numbers they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["__init__", "crs", "geocontext", "dltile", "_pixels"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module("gpucompute.geo" if name == "__init__" else f"gpucompute.geo.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, extraglobs=vars(module).copy())
    assert result.attempted > 0 and result.failed == 0
