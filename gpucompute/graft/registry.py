"""The table of builtin names a graft may use, and the default table :data:`BUILTINS`.

Names follow the Workflows v1.10 vocabulary (``"wf.add"``, ``"wf.numpy.sqrt"``,
``"wf.ImageCollection.from_id"``). Lookups also accept the bare names older
clients emitted (``"add"``, ``"Image.concat_bands"``) and treat
``"wf.numpy.true_divide"`` and ``"wf.numpy.divide"`` as one function (NumPy 2
renamed the ufunc). Entries are usually callables; keyref builtins such as
``"wf.constants.pi"`` are plain values.

The execution layer fills :data:`BUILTINS` with implementations::

    from gpucompute.graft.registry import BUILTINS

    @BUILTINS.register("wf.add", "wf.numpy.add")
    def add(x, y):
        return x + y
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from gpucompute.errors import GraftError, GraftNameError

__all__ = ["BUILTINS", "EQUIVALENT_NAMES", "KEYREF_CONSTANTS", "PREFIX", "Registry"]

F = TypeVar("F")

#: Prefix of every name in the v1.10 vocabulary; names without it are tried with it.
PREFIX = "wf."

#: Groups of names that denote the same builtin whichever one is registered.
EQUIVALENT_NAMES: tuple[tuple[str, ...], ...] = (
    ("wf.numpy.true_divide", "wf.numpy.divide"),
)

#: Keyref builtins that are plain values (referenced, never applied).
KEYREF_CONSTANTS: dict[str, Any] = {
    "wf.constants.e": math.e,
    "wf.constants.inf": math.inf,
    "wf.constants.nan": math.nan,
    "wf.constants.pi": math.pi,
    "wf.Ellipsis": Ellipsis,
}

_MISSING = object()
_EQUIVALENT = {name: group for group in EQUIVALENT_NAMES for name in group}


class Registry(Mapping[str, Any]):
    """A mapping from builtin name to implementation, tolerant of older spellings.

    Parameters
    ----------
    entries : Mapping of str to object, optional
        Initial entries, added with :meth:`add`.

    Notes
    -----
    ``registry[name]``, ``name in registry`` and :meth:`get` resolve `name`
    through, in order: the name itself, an explicit alias, the name with
    ``"wf."`` added or removed, and the :data:`EQUIVALENT_NAMES` groups (each
    of these also with the prefix added). Iteration, ``len`` and :meth:`names`
    cover registered names only, not aliases.
    """

    def __init__(self, entries: Mapping[str, Any] | None = None) -> None:
        self._entries: dict[str, Any] = {}
        self._aliases: dict[str, str] = {}
        for name, value in (entries or {}).items():
            self.add(name, value)

    def __repr__(self) -> str:
        return f"<Registry of {len(self._entries)} builtins>"

    # -- registration ------------------------------------------------------
    def add(self, name: str, value: Any, *aliases: str, replace: bool = False) -> None:
        """Register `value` (a callable, or a keyref value) under `name` and optional `aliases`.

        Raises
        ------
        GraftError
            `name` or an alias is already registered (pass ``replace=True`` to
            overwrite an entry), or a name is not a non-empty str.
        """
        for n in (name, *aliases):
            if type(n) is not str or not n:
                raise GraftError(f"builtin names must be non-empty str, got {n!r}")
        if not replace:
            for n in (name, *aliases):
                if n in self._entries or n in self._aliases:
                    raise GraftError(f"builtin {n!r} is already registered (as {self.canonical_name(n)!r}); "
                                     f"pass replace=True to overwrite it")
        self._aliases.pop(name, None)
        self._entries[name] = value
        for alias in aliases:
            if alias != name:
                self._entries.pop(alias, None)
                self._aliases[alias] = name

    def register(self, name: str, *aliases: str, replace: bool = False) -> Callable[[F], F]:
        """Decorator form of :meth:`add`: ``@registry.register("wf.add", "wf.numpy.add")``."""

        def decorate(fn: F) -> F:
            self.add(name, fn, *aliases, replace=replace)
            return fn

        return decorate

    def remove(self, name: str) -> None:
        """Unregister `name` (a registered name, not an alias) and the aliases pointing at it."""
        if name not in self._entries:
            raise self._unknown(name)
        del self._entries[name]
        for alias in [a for a, target in self._aliases.items() if target == name]:
            del self._aliases[alias]

    # -- lookup ------------------------------------------------------------
    def _candidates(self, name: str) -> Iterator[str]:
        yield name
        if name.startswith(PREFIX):
            yield name[len(PREFIX):]
        else:
            yield PREFIX + name
        for base in (name, PREFIX + name):
            yield from _EQUIVALENT.get(base, ())

    def resolve(self, name: str) -> str | None:
        """The registered name that `name` stands for, or None if it stands for nothing."""
        if type(name) is not str:
            return None
        for candidate in self._candidates(name):
            if candidate in self._entries:
                return candidate
            target = self._aliases.get(candidate)
            if target is not None:
                return target
        return None

    def canonical_name(self, name: str) -> str:
        """Like :meth:`resolve`, but raise :class:`GraftNameError` for an unknown name."""
        resolved = self.resolve(name)
        if resolved is None:
            raise self._unknown(name)
        return resolved

    def _unknown(self, name: Any) -> GraftNameError:
        known = sorted({*self._entries, *self._aliases})
        close = difflib.get_close_matches(str(name), known, n=3) if isinstance(name, str) else []
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        return GraftNameError(f"{name!r} is not a registered builtin{hint}")

    def __getitem__(self, name: str) -> Any:
        value = self._entries.get(name, _MISSING) if type(name) is str else _MISSING
        if value is _MISSING:
            value = self._entries[self.canonical_name(name)]
        return value

    def __contains__(self, name: object) -> bool:
        return self.resolve(name) is not None  # type: ignore[arg-type]

    def get(self, name: str, default: Any = None) -> Any:
        """The entry for `name` (aliases resolved), or `default`."""
        resolved = self.resolve(name)
        return default if resolved is None else self._entries[resolved]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def names(self, aliases: bool = False) -> list[str]:
        """Sorted registered names; with ``aliases=True`` also the explicit aliases."""
        return sorted({*self._entries, *self._aliases} if aliases else self._entries)

    def aliases(self) -> dict[str, str]:
        """A copy of the explicit alias -> registered name table."""
        return dict(self._aliases)


#: The default registry that the execution layer fills; :func:`~gpucompute.graft.interpreter.interpret` uses it
#: when given no builtins. It starts with the keyref constants.
BUILTINS = Registry(KEYREF_CONSTANTS)
