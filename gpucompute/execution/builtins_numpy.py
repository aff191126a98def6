"""Execution builtins ``wf.numpy.*``: every lazy NumPy routine runs the array engine's routine.

The registrations are generated from the same tables as the proxies: the
engine's ufunc table (one builtin per NumPy ufunc ``__name__``; the registry
also answers ``wf.numpy.true_divide`` with ``wf.numpy.divide``) and the
signature table of :mod:`gpucompute.numpy._signatures` (routines, ``linalg``,
``ma``).  Each builtin calls ``gpucompute.array.<name>`` (or ``.linalg`` /
``.ma``) with the arguments as recorded; results stay on the device.

Inside a compiled (JAX) program a routine whose output shape depends on the
values fails (DataDependentShapeError or a JAX concretization error), and the
program is run eagerly instead (see :mod:`gpucompute.execution.program`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import gpucompute.array as ga
from gpucompute.array._ufuncs import UFUNC_TABLE, UFUNCS
from gpucompute.execution.builtins_array import cast
from gpucompute.graft.registry import BUILTINS
from gpucompute.numpy._signatures import ENGINE_KEYWORDS, LINALG, MA, ROUTINES

__all__ = ["NUMPY_BUILTINS", "engine_builtin"]

def engine_builtin(routine: Callable[..., Any], graft_name: str, adapt: Callable[..., Any] | None = None,
                   renames: dict[str, str] | None = None) -> Callable[..., Any]:
    """A builtin calling ``routine``, with keyword renames and an optional argument adapter.

    JAX's errors for values that had to be concrete are not handled here: the
    compiled-program runner recognises them (also when wrapped) and evaluates
    the graft eagerly instead.
    """

    def builtin(*args: Any, **kwargs: Any) -> Any:
        if renames:
            kwargs = {renames.get(k, k): v for k, v in kwargs.items()}
        if adapt is not None:
            return adapt(routine, *args, **kwargs)
        return routine(*args, **kwargs)

    builtin.__name__ = graft_name.rsplit(".", 1)[-1]
    builtin.__qualname__ = graft_name
    builtin.__doc__ = f"Builtin ``{graft_name}``: runs ``{getattr(routine, '__module__', '')}.{routine.__name__}``."
    return builtin


def _einsum(routine: Callable[..., Any], subscripts: str, *operands: Any, dtype: Any = None,
            casting: str = "safe", optimize: Any = False) -> Any:
    # ``casting`` only restricts which inputs NumPy accepts and ``optimize`` only the evaluation order.
    result = routine(subscripts, *operands)
    return result if dtype is None else cast(result, dtype)


def _fix_invalid(routine: Callable[..., Any], a: Any, fill_value: Any) -> Any:
    return routine(a, fill_value=fill_value)


def _as_list(routine: Callable[..., Any], *args: Any, **kwargs: Any) -> list:
    result = routine(*args, **kwargs)
    return list(result) if isinstance(result, (list, tuple)) else [result]


#: Routines whose recorded arguments or result need reshaping for the engine.
_ADAPTERS: dict[str, Callable[..., Any]] = {
    "wf.numpy.einsum": _einsum,
    "wf.numpy.ma.fix_invalid": _fix_invalid,
    "wf.numpy.gradient": _as_list,
    "wf.numpy.nonzero": _as_list,
    "wf.numpy.unravel_index": _as_list,
    "wf.numpy.meshgrid": _as_list,
    "wf.numpy.broadcast_arrays": _as_list,
}


_HOST_SCALARS = (bool, int, float, np.generic)


def _scalars_on_host(np_ufunc: np.ufunc, engine_ufunc: Callable[..., Any]) -> Callable[..., Any]:
    """A ufunc that computes plain numbers (``wf.Int(1) + 1``) with NumPy on the host.

    Moving two Python numbers to a device to add them costs a dispatch per
    operation; arrays still go to the engine.
    """

    def ufunc(*args: Any, **kwargs: Any) -> Any:
        if not kwargs and all(isinstance(a, _HOST_SCALARS) for a in args):
            with np.errstate(all="ignore"):
                return np_ufunc(*args)
        return engine_ufunc(*args, **kwargs)

    ufunc.__name__ = engine_ufunc.__name__
    ufunc.__module__ = getattr(engine_ufunc, "__module__", __name__)
    return ufunc


def _table() -> dict[str, Callable[..., Any]]:
    table: dict[str, Callable[..., Any]] = {}
    for spec in UFUNC_TABLE:
        name = spec.numpy_name
        table.setdefault(f"wf.numpy.{name}", _scalars_on_host(getattr(np, name), UFUNCS[name]))
    for names, module, namespace in ((ROUTINES, ga, "wf.numpy"), (LINALG, ga.linalg, "wf.numpy.linalg"),
                                     (MA, ga.ma, "wf.numpy.ma")):
        for name in names:
            table[f"{namespace}.{name}"] = getattr(module, name)
    return table


#: graft name -> builtin, for every ``wf.numpy`` name.
NUMPY_BUILTINS: dict[str, Callable[..., Any]] = {
    name: engine_builtin(routine, name, _ADAPTERS.get(name), ENGINE_KEYWORDS.get(name.rsplit(".", 1)[-1]))
    for name, routine in _table().items()
}

for _name, _builtin in NUMPY_BUILTINS.items():
    BUILTINS.add(_name, _builtin)
# NumPy 1.x named the ``/`` ufunc ``true_divide``: older grafts (and Int/Float ``/``) record that name.
if BUILTINS.resolve("wf.numpy.true_divide") != "wf.numpy.true_divide":
    BUILTINS.add("wf.numpy.true_divide", NUMPY_BUILTINS["wf.numpy.divide"])
