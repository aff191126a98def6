"""Every gpucompute exception descends from the one root and from a matching builtin."""

from __future__ import annotations

import inspect

import pytest

from gpucompute import errors

_CLASSES = [obj for _, obj in inspect.getmembers(errors, inspect.isclass) if obj.__module__ == errors.__name__]
_EXCEPTIONS = [cls for cls in _CLASSES if issubclass(cls, BaseException) and not issubclass(cls, Warning)]
_WARNINGS = [cls for cls in _CLASSES if issubclass(cls, Warning)]


@pytest.mark.parametrize("cls", _EXCEPTIONS, ids=lambda c: c.__name__)
def test_every_error_descends_from_the_root(cls):
    assert issubclass(cls, errors.GpuComputeError)


@pytest.mark.parametrize("cls", [c for c in _EXCEPTIONS if c is not errors.GpuComputeError], ids=lambda c: c.__name__)
def test_every_error_is_also_a_builtin(cls):
    builtins = (TypeError, ValueError, ImportError, IndexError, MemoryError, RuntimeError, NotImplementedError, OSError, LookupError, NameError, AttributeError)
    assert issubclass(cls, builtins), f"{cls.__name__} should also derive from a builtin exception"


@pytest.mark.parametrize("cls", _WARNINGS, ids=lambda c: c.__name__)
def test_every_warning_descends_from_the_root_warning(cls):
    assert issubclass(cls, errors.GpuComputeWarning)


def test_all_lists_every_class():
    assert set(errors.__all__) == {cls.__name__ for cls in _CLASSES}


@pytest.mark.parametrize("cls", _CLASSES, ids=lambda c: c.__name__)
def test_every_class_is_documented(cls):
    assert cls.__doc__ and cls.__doc__.strip()
