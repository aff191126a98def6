"""Evaluating a graft: with the interpreter, compiled once per graft on backends that compile.

On NumPy (and CuPy) the interpreter calls the builtins directly.  On JAX the
whole graft becomes one function of its parameter values and is compiled with
``jax.jit`` once per graft content: the cache key is the graft's content hash,
which does not depend on how keys were numbered, so rebuilding the same
expression in a notebook reuses the compiled program, and new parameter
arrays of the same shape and dtype do not recompile (JAX's own cache, keyed by
shapes, sits under ours).  Parameters that are not arrays (an ``Int`` axis, a
``Str``) are passed as static arguments.

Grafts that cannot be traced (a data-dependent shape, a Python value that
must be concrete) are remembered and evaluated eagerly from then on.
"""

from __future__ import annotations

import pkgutil
import threading
from collections.abc import Mapping
from typing import Any

from gpucompute.errors import DataDependentShapeError

__all__ = ["clear_cache", "compile_count", "evaluate", "load_builtins"]

_lock = threading.Lock()
_loaded = False
_programs: dict[tuple[str, tuple[str, ...]], Any] = {}
_eager_only: set[str] = set()
_compiles = 0


def load_builtins():
    """The builtins registry, with every ``gpucompute.execution.builtins_*`` module imported."""
    global _loaded
    from gpucompute.graft.registry import BUILTINS

    if not _loaded:
        with _lock:
            if not _loaded:
                import gpucompute.execution as package

                for info in pkgutil.iter_modules(package.__path__):
                    if info.name.startswith("builtins_"):
                        __import__(f"{package.__name__}.{info.name}")
                _loaded = True
    return BUILTINS


_plan_view: Any = None


def _plan_builtins() -> Any:
    """The builtins as the interpreter sees them: non-imagery ones compute lazy pixels first."""
    global _plan_view
    if _plan_view is None:
        from gpucompute.execution._forcing import ForcingBuiltins

        _plan_view = ForcingBuiltins(load_builtins())
    return _plan_view


def _interpret(graft: Mapping[str, Any], values: Mapping[str, Any]) -> Any:
    from gpucompute.graft.interpreter import interpret

    builtins = _plan_builtins()
    if not values:
        return interpret(graft, builtins)
    function = interpret({**graft, "parameters": list(values)}, builtins)
    return function(**values)


def evaluate(graft: Mapping[str, Any], values: Mapping[str, Any], *, compiled: bool = False) -> Any:
    """The value of ``graft`` with its parameters bound to ``values``.

    ``compiled`` asks for one compiled program on backends that compile; the
    caller sets it when the result is made of arrays (a compiled function can
    only return arrays).
    """
    from gpucompute.config import get_backend
    from gpucompute.execution.pixels import resolve

    backend = get_backend()
    if not (compiled and backend.traces):
        return resolve(_interpret(graft, values))
    return _evaluate_compiled(backend, graft, values)


def _is_array(backend: Any, value: Any) -> bool:
    from gpucompute.array import MaskedArray

    return isinstance(value, MaskedArray) or backend.is_native(value) or hasattr(value, "__array_interface__")


def _evaluate_compiled(backend: Any, graft: Mapping[str, Any], values: Mapping[str, Any]) -> Any:
    from gpucompute.graft.hashing import content_hash

    from gpucompute.execution.pixels import resolve

    digest = content_hash({**graft, "parameters": sorted(values)} if values else graft)
    if digest in _eager_only:
        return resolve(_interpret(graft, values))
    traced = tuple(sorted(name for name, v in values.items() if _is_array(backend, v)))
    static = tuple(sorted((name, _freeze(v)) for name, v in values.items() if name not in traced))
    key = (digest, traced)
    program = _programs.get(key)
    if program is None:  # looked at once per graft: imagery is planned on the host, its pixels compile alone
        if _plans_imagery(graft):
            _eager_only.add(digest)
            return resolve(_interpret(graft, values))
        program = _compile(backend, graft)
        _programs[key] = program
    try:
        return program({name: values[name] for name in traced}, static)
    except DataDependentShapeError:
        _eager_only.add(digest)
        return _interpret(graft, values)
    except Exception as exc:  # JAX raises its own errors for values that must be concrete
        if _from_tracing(exc):
            _eager_only.add(digest)
            return _interpret(graft, values)
        raise


def applied_builtins(graft: Mapping[str, Any]) -> Any:
    """Yield ``(name, implementation)`` for every builtin ``graft`` (or a function inside it) applies."""
    builtins = load_builtins()
    stack: list[Any] = [graft]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            stack.extend(node.values())
        elif isinstance(node, list) and node:
            head = node[0]
            if isinstance(head, str) and head in builtins:
                yield head, builtins[head]
            stack.extend(node[1:])


def _plans_imagery(graft: Mapping[str, Any]) -> bool:
    """True if ``graft`` applies an imagery builtin (see ``imagery_builtin``): it is planned, not compiled whole."""
    return any(getattr(fn, "plans_imagery", False) for _, fn in applied_builtins(graft))


def _from_tracing(exc: BaseException | None) -> bool:
    """True if ``exc`` (or what it wraps) is JAX refusing a traced value, not a real failure."""
    while exc is not None:
        if isinstance(exc, DataDependentShapeError) or type(exc).__module__.startswith("jax"):
            return True
        exc = exc.__cause__
    return False


def _compile(backend: Any, graft: Mapping[str, Any]) -> Any:
    def run(arrays: dict[str, Any], static: tuple[tuple[str, Any], ...]) -> Any:
        global _compiles
        _compiles += 1  # runs once per trace, i.e. once per compilation
        values = {**arrays, **{name: _thaw(v) for name, v in static}}
        return _interpret(graft, values)

    import jax

    return jax.jit(run, static_argnums=(1,))


class _Frozen(tuple):
    """A hashable stand-in for a list or dict passed as a static argument."""


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return _Frozen(("list", tuple(_freeze(v) for v in value)))
    if isinstance(value, dict):
        return _Frozen(("dict", tuple((k, _freeze(v)) for k, v in value.items())))
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, _Frozen):
        kind, items = value
        return [_thaw(v) for v in items] if kind == "list" else {k: _thaw(v) for k, v in items}
    return value


def compile_count() -> int:
    """How many times a graft has been traced for compilation in this process (for tests and benchmarks)."""
    return _compiles


def clear_cache() -> None:
    """Forget compiled programs (tests use it to start from a clean cache)."""
    _programs.clear()
    _eager_only.clear()
