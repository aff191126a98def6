"""Typed attribute descriptors for catalog objects, and a class-or-instance method helper.

Each public attribute of a catalog class is an :class:`Attribute` whose *kind*
(see :mod:`gpucompute.catalog._kinds`) validates every assignment, so a bad value
is refused where it is written rather than when the object is saved.
"""

from __future__ import annotations

import copy
import functools
from typing import Any, Callable

from gpucompute.catalog._kinds import Kind
from gpucompute.errors import CatalogValueError

__all__ = ["Attribute", "hybridmethod"]


class Attribute:
    """A validated attribute stored in ``obj._values`` and in the object's SQL table.

    Parameters
    ----------
    kind : Kind
        Validation and storage rules.
    doc : str
        One line shown by ``help()``.
    readonly : bool
        Users may not assign it (``created``, ``modified``, derived ids).
    default : Any
        Value read before anything is assigned; lists and dicts are copied per object.
    required : bool
        ``save()`` refuses an object where this attribute is None.
    """

    def __init__(
        self,
        kind: Kind,
        doc: str = "",
        *,
        readonly: bool = False,
        default: Any = None,
        required: bool = False,
    ) -> None:
        self.kind = kind
        self.readonly = readonly
        self.default = default
        self.required = required
        self.__doc__ = doc
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        values = obj._values
        if self.name not in values:
            if self.default is None:
                return None
            values[self.name] = copy.deepcopy(self.default)
        return values[self.name]

    def __set__(self, obj: Any, value: Any) -> None:
        if self.readonly:
            raise CatalogValueError(
                f"{type(obj).__name__}.{self.name} is read only; it is set by the catalog"
            )
        obj._check_writable(self.name)
        self.set_unchecked(obj, value)

    def set_unchecked(self, obj: Any, value: Any) -> None:
        """Validate and store *value*, bypassing the read-only guard (used by the catalog itself)."""
        where = f"{type(obj).__name__}.{self.name}"
        obj._values[self.name] = None if value is None else self.kind.validate(value, where)

    # ---- storage -------------------------------------------------------------------------
    def db_value(self, obj: Any) -> Any:
        value = self.__get__(obj)
        return None if value is None else self.kind.to_db(value)

    def load(self, obj: Any, raw: Any) -> None:
        obj._values[self.name] = None if raw is None else self.kind.from_db(raw)

    def json_value(self, obj: Any) -> Any:
        value = self.__get__(obj)
        return None if value is None else self.kind.to_json(value)


class hybridmethod:  # noqa: N801 - reads like a decorator
    """A method that works on the class (``Blob.delete(id)``) and on an instance (``blob.delete()``).

    Wraps a pair of functions: the class version receives the class first, the
    instance version the instance.
    """

    def __init__(self, classfunc: Callable[..., Any]) -> None:
        self.classfunc = classfunc
        self.instancefunc: Callable[..., Any] | None = None
        functools.update_wrapper(self, classfunc)

    def instancemethod(self, func: Callable[..., Any]) -> hybridmethod:
        """Register the function used when called on an instance."""
        self.instancefunc = func
        return self

    def __get__(self, obj: Any, objtype: type | None = None) -> Callable[..., Any]:
        if obj is None or self.instancefunc is None:
            return functools.partial(self.classfunc, objtype if obj is None else type(obj))
        return functools.partial(self.instancefunc, obj)
