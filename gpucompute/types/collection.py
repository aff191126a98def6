"""``CollectionMixin``: lazy loops shared by ``List`` (and later the imagery collections).

``map``, ``filter``, ``reduce`` and ``sorted`` trace the Python function once,
with a proxy standing for an element, and record the traced function graft
(``wf.map``, ``wf.filter``, ``wf.reduce``, ``wf.sorted``).  The type that
``map`` returns comes from what the traced function returned.
"""

from __future__ import annotations

from typing import Any

from gpucompute.errors import ProxyTypeError
from gpucompute.graft.syntax import REDUCE_INITIAL_DEFAULT  # stands for "no initial value" in reduce
from gpucompute.types.core import Proxytype, promote, type_name
from gpucompute.types.primitives import Bool, Int

__all__ = ["CollectionMixin", "REDUCE_INITIAL_DEFAULT"]



class CollectionMixin:
    """Methods of every sequence-like proxy whose element type is ``_element_type``."""

    __slots__ = ()

    @property
    def _element_type(self) -> type:
        return type(self)._type_params[0]

    def _mapped_type(self, element: type) -> type:
        """The collection type holding ``element`` (``List[element]`` unless a subclass says otherwise)."""
        from gpucompute.types.list_ import List

        return type(self) if element is self._element_type else List[element]

    def map(self, func: Any) -> Any:
        """Apply ``func`` to every element (``wf.map``); the result type follows what ``func`` returns.

        Parameters
        ----------
        func : callable or Function
            Takes one element proxy and returns a proxy (or a Python value).
        """
        from gpucompute.types.function import Function

        fn = Function._trace(func, (self._element_type,), None, "map")
        return self._mapped_type(fn._return_type)._from_apply("wf.map", self, fn)

    def filter(self, func: Any) -> Any:
        """Keep the elements for which ``func`` returns a true ``Bool`` (``wf.filter``)."""
        from gpucompute.types.function import Function

        fn = Function._trace(func, (self._element_type,), Bool, "filter")
        return type(self)._from_apply("wf.filter", self, fn)

    def reduce(self, func: Any, initial: Any = REDUCE_INITIAL_DEFAULT) -> Any:
        """Fold the elements with ``func(accumulated, element)`` (``wf.reduce``).

        Without ``initial`` the first element starts the fold and ``func`` must
        return the element type; with it, ``func`` must return the type of
        ``initial`` (a proxy or a Python value).
        """
        from gpucompute.types.function import Function
        from gpucompute.types.proxify import proxify

        if isinstance(initial, str) and initial == REDUCE_INITIAL_DEFAULT:
            acc = self._element_type
            fn = Function._trace(func, (acc, self._element_type), acc, "reduce")
            return acc._from_apply("wf.reduce", self, fn)
        start = proxify(initial)
        acc = type(start)
        fn = Function._trace(func, (acc, self._element_type), acc, "reduce")
        return acc._from_apply("wf.reduce", self, fn, initial=start)

    def sorted(self, key: Any = None, reverse: Any = False) -> Any:
        """The elements in ascending order (``wf.sorted``), optionally by ``key(element)``."""
        from gpucompute.types.function import Function
        from gpucompute.types.primitives import NoneType

        key_proxy = NoneType(None) if key is None else Function._trace(key, (self._element_type,), None, "sorted")
        rev = promote(reverse, Bool, f"{type_name(self)}.sorted() argument 'reverse'")
        return type(self)._from_apply("wf.sorted", self, key=key_proxy, reverse=rev)

    def reversed(self) -> Any:
        """The elements in reverse order (``wf.reversed``)."""
        return type(self)._from_apply("wf.reversed", self)

    def length(self) -> Int:
        """The number of elements, as an ``Int`` (``wf.length``); ``len()`` cannot be lazy."""
        return Int._from_apply("wf.length", self)

    def contains(self, item: Any) -> Bool:
        """Whether ``item`` is one of the elements (``wf.contains``); ``in`` cannot be lazy."""
        value = promote(item, self._element_type, f"{type_name(self)}.contains() argument")
        return Bool._from_apply("wf.contains", self, value)


def check_element(value: Any, element_type: type, where: str, position: Any) -> Proxytype:
    """Promote one element of a container literal, naming its position when it does not fit."""
    try:
        return element_type._promote(value)
    except ProxyTypeError as exc:
        raise ProxyTypeError(f"{where}: element {position!r}: {exc}") from None
