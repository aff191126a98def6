"""Builtins of the language types: operators, containers, casts, conditionals.

Every implementation takes evaluated values (Python scalars, lists, dicts,
datetimes, backend arrays) and returns a value.  The ``wf.*`` operators come
from one table over the :mod:`operator` module; a value that is a 0-d array
(what the ``wf.numpy.*`` builtins give for scalars) is turned into a Python
scalar first, so ``"ab" * <0-d array 3>`` and ``lst[<0-d array 1>]`` work.

Types whose Python operators do not say what Workflows means register a hook
in :data:`OPERATOR_HOOKS` (``Datetime // Timedelta`` in ``builtins_datetime``).
"""

from __future__ import annotations

import functools
import operator
import time
from collections.abc import Callable, Mapping
from typing import Any

from gpucompute.graft.registry import BUILTINS
from gpucompute.graft.syntax import REDUCE_INITIAL_DEFAULT

__all__ = ["scalar", "hashable", "truth", "OPERATOR_HOOKS", "BINARY_OPERATORS", "UNARY_OPERATORS",
           "FIRST_ARGUMENT_HOOKS", "extend_builtin"]

#: The default of optional builtin arguments that were not given.
MISSING = object()


def scalar(value: Any) -> Any:
    """A 0-d array (NumPy, JAX, CuPy) or NumPy scalar as the Python scalar it holds; anything else unchanged."""
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if getattr(value, "shape", None) == () and hasattr(value, "item") and not hasattr(value, "mask"):
        try:
            return value.item()
        except Exception:  # noqa: BLE001 -- a value being traced for compilation (JAX) has no concrete item yet
            return value
    return value


def hashable(value: Any) -> Any:
    """``value`` made usable as a dict key: scalars unwrapped, lists as tuples."""
    value = scalar(value)
    if isinstance(value, list):
        return tuple(hashable(v) for v in value)
    return value


def truth(value: Any) -> bool:
    """The truth of a computed ``Bool`` (a Python bool, NumPy bool or 0-d array)."""
    return bool(scalar(value))


#: name -> list of ``(predicate(*args), implementation)`` tried before the plain operator.
OPERATOR_HOOKS: dict[str, list[tuple[Callable[..., bool], Callable[..., Any]]]] = {}

#: builtin name -> list of ``(type, implementation)`` tried, by the type of the first argument, before the
#: builtin itself (``wf.map`` over an ImageCollection value, ``wf.count`` of imagery).
FIRST_ARGUMENT_HOOKS: dict[str, list[tuple[type, Callable[..., Any]]]] = {}


def extend_builtin(name: str, value_type: type, implementation: Callable[..., Any]) -> None:
    """Make the registered builtin ``name`` call ``implementation`` when its first argument is a ``value_type``.

    The builtin is wrapped once; later extensions of the same name join its
    table, and any other first argument still reaches the original.
    """
    canonical = BUILTINS.canonical_name(name)
    hooks = FIRST_ARGUMENT_HOOKS.get(canonical)
    if hooks is None:
        original = BUILTINS[canonical]
        hooks = FIRST_ARGUMENT_HOOKS[canonical] = []

        def dispatch(*args: Any, **kwargs: Any) -> Any:
            if args:
                for kind, fn in hooks:
                    if isinstance(args[0], kind):
                        return fn(*args, **kwargs)
            return original(*args, **kwargs)

        functools.update_wrapper(dispatch, original)  # name, module, docs and flags such as accepts_pixels
        BUILTINS.add(canonical, dispatch, replace=True)
    hooks.append((value_type, implementation))


#: ``wf.<name>`` -> the Python operator it applies.
BINARY_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
    "truediv": operator.truediv,
    "floordiv": operator.floordiv,
    "mod": operator.mod,
    "pow": operator.pow,
    "divmod": divmod,
    "and": operator.and_,
    "or": operator.or_,
    "xor": operator.xor,
    "lshift": operator.lshift,
    "rshift": operator.rshift,
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}
UNARY_OPERATORS: dict[str, Callable[[Any], Any]] = {
    "neg": operator.neg,
    "pos": operator.pos,
    "abs": abs,
    "invert": operator.invert,
}


def _operator(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def apply(*args: Any) -> Any:
        args = tuple(scalar(a) for a in args)
        for predicate, hook in OPERATOR_HOOKS.get(name, ()):
            if predicate(*args):
                return hook(*args)
        result = fn(*args)
        return tuple(result) if name == "divmod" else result

    apply.__name__ = f"wf_{name}"
    apply.__doc__ = f"``wf.{name}``: Python's ``{getattr(fn, '__name__', name)}`` on scalars, sequences and arrays."
    return apply


for _name, _fn in {**BINARY_OPERATORS, **UNARY_OPERATORS}.items():
    BUILTINS.add(f"wf.{_name}", _operator(_name, _fn))


# -- generic access ---------------------------------------------------------------------------
def _index(value: Any) -> Any:
    return value if isinstance(value, slice) else hashable(value)


@BUILTINS.register("wf.get")
def get(obj: Any, key: Any, default: Any = MISSING) -> Any:
    """``obj[key]``; for a mapping with ``default``, ``obj.get(key, default)``."""
    key = _index(key)
    if default is not MISSING and isinstance(obj, Mapping):
        return obj.get(key, default)
    return obj[key]


@BUILTINS.register("wf.getattr")
def getattr_(obj: Any, name: str) -> Any:
    """A field of a record: a key of a dict (``wf.struct``) or an attribute of an object."""
    if isinstance(obj, Mapping):
        return obj[name]
    return getattr(obj, name)


@BUILTINS.register("wf.contains")
def contains(container: Any, item: Any) -> bool:
    """``item in container``."""
    return _index(item) in container


@BUILTINS.register("wf.length")
def length(obj: Any) -> int:
    """``len(obj)``."""
    return len(obj)


@BUILTINS.register("wf.reversed")
def reversed_(obj: Any) -> Any:
    """The items of a str, list or tuple in reverse order, as the same kind of sequence."""
    if isinstance(obj, (str, list, tuple)):
        return obj[::-1]
    return list(reversed(obj))


# -- constructors -----------------------------------------------------------------------------
BUILTINS.add("wf.list", lambda *items: list(items))
BUILTINS.add("wf.list.copy", lambda items: list(items))
BUILTINS.add("wf.tuple", lambda *items: tuple(items))
BUILTINS.add("wf.struct", lambda **fields: dict(fields))
BUILTINS.add("wf.zip", lambda *seqs: [tuple(t) for t in zip(*seqs)])


@BUILTINS.register("wf.dict.create")
def dict_create(*flat: Any, **named: Any) -> dict:
    """A dict from alternating keys and values, and/or from string-keyed keyword items."""
    if len(flat) % 2:
        raise ValueError(f"wf.dict.create takes key, value pairs, got an odd number ({len(flat)}) of arguments")
    out = {hashable(flat[i]): flat[i + 1] for i in range(0, len(flat), 2)}
    out.update(named)
    return out


@BUILTINS.register("wf.dict.from_pairs")
def dict_from_pairs(pairs: Any) -> dict:
    """A dict from a sequence of ``(key, value)`` pairs."""
    return {hashable(k): v for k, v in pairs}


BUILTINS.add("wf.dict.keys", lambda d: list(d.keys()))
BUILTINS.add("wf.dict.values", lambda d: list(d.values()))
BUILTINS.add("wf.dict.items", lambda d: [tuple(kv) for kv in d.items()])


@BUILTINS.register("wf.Slice.create")
def slice_create(start: Any = None, stop: Any = None, step: Any = None) -> slice:
    """``slice(start, stop, step)``."""
    return slice(scalar(start), scalar(stop), scalar(step))


@BUILTINS.register("wf.range")
def range_(start: Any, stop: Any = None, step: Any = 1) -> list:
    """``list(range(...))``: ``wf.range(stop)`` or ``wf.range(start, stop, step=...)``."""
    if stop is None:
        return list(range(scalar(start)))
    return list(range(scalar(start), scalar(stop), scalar(step)))


BUILTINS.add("wf.Int.cast", lambda value: int(scalar(value)))
BUILTINS.add("wf.Float.cast", lambda value: float(scalar(value)))


# -- higher order ---------------------------------------------------------------------------
@BUILTINS.register("wf.map")
def map_(seq: Any, fn: Callable[[Any], Any]) -> list:
    """``[fn(x) for x in seq]``."""
    return [fn(x) for x in seq]


@BUILTINS.register("wf.filter")
def filter_(seq: Any, fn: Callable[[Any], Any]) -> Any:
    """The items of ``seq`` for which ``fn`` is true (a tuple stays a tuple)."""
    kept = [x for x in seq if truth(fn(x))]
    return tuple(kept) if isinstance(seq, tuple) else kept


def no_initial(initial: Any) -> bool:
    """Whether a ``reduce`` call was given no ``initial`` (missing, or the clients' placeholder literal)."""
    return initial is MISSING or (isinstance(initial, str) and initial == REDUCE_INITIAL_DEFAULT)


@BUILTINS.register("wf.reduce")
def reduce_(seq: Any, fn: Callable[[Any, Any], Any], initial: Any = MISSING) -> Any:
    """``functools.reduce(fn, seq[, initial])``."""
    if no_initial(initial):
        return functools.reduce(fn, seq)
    return functools.reduce(fn, seq, initial)


@BUILTINS.register("wf.sorted")
def sorted_(seq: Any, key: Callable[[Any], Any] | None = None, reverse: Any = False) -> list:
    """``sorted(seq, key=key, reverse=reverse)``; keys that are 0-d arrays compare as scalars."""
    sort_key = None if key is None else (lambda x: scalar(key(x)))
    return sorted(seq, key=sort_key if sort_key else scalar, reverse=truth(reverse))


@BUILTINS.register("wf.ifelse")
def ifelse(condition: Any, if_true: Any, if_false: Any) -> Any:
    """Call (evaluate) only the chosen branch; branches are argument-less graft functions."""
    branch = if_true if truth(condition) else if_false
    return branch() if callable(branch) else branch


@BUILTINS.register("wf.debugging.sleep")
def debugging_sleep(seconds: Any, **_ignored: Any) -> Any:
    """Wait ``seconds``, then give them back."""
    time.sleep(float(scalar(seconds)))
    return seconds
