"""``ImageStackGroupBy``: an ImageStack's images grouped by a function of each catalog image.

``stack.groupby(lambda x: x.acquired.month)`` records a *groups graft* that
computes ``[(key, [image ids]), ...]`` for an AOI.  ``grouped.groups.compute(aoi)``
evaluates it and gives, per group, ``(key, stack.filter_by_id(ids))``, reduced
when a reducer was chosen (``grouped.median(axis="images")``): lazy objects
ready to compute or combine.  ``compute_all(aoi)`` computes every group.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gpucompute.dc._common import REDUCERS, check_axis
from gpucompute.dc.predicates import image_function
from gpucompute.errors import ProxyTypeError, ProxyUsageError
from gpucompute.types.anytype import Any as AnyProxy
from gpucompute.types.containers import List, Tuple
from gpucompute.types.primitives import Str

__all__ = ["ImageStackGroupBy", "ImageStackGroups"]

#: The type of a groups graft's value.
GroupsList = List[Tuple[AnyProxy, List[Str]]]


class ImageStackGroupBy:
    """Groups of an ImageStack's images, with an optional reducer applied to each group.

    Parameters
    ----------
    image_stack : ImageStack
        The stack to group.
    grouping_func : callable
        Takes a catalog image and returns a hashable key (``lambda x:
        x.acquired.month``, ``lambda x: x.parity``).  Traced into the graft
        when possible, otherwise run in this session (see
        :meth:`ImageStack.filter`).
    """

    def __init__(self, image_stack: Any, grouping_func: Any, *, _groups: Any = None,
                 _reducer: tuple[str, Any] | None = None) -> None:
        from gpucompute.dc.image_stack import ImageStack, _predicate

        if not isinstance(image_stack, ImageStack):
            raise ProxyTypeError(f"ImageStackGroupBy needs an ImageStack, got {type(image_stack).__name__}")
        self.image_stack = image_stack
        self.grouping_func = grouping_func
        if _groups is None:
            builtin, arg = image_function(grouping_func, "ImageStack.groupby", None)
            _groups = GroupsList._from_apply("dc.groupby_data", image_stack, _predicate(builtin, arg))
        self.groups_graft = _groups
        self.reducer = _reducer

    def __repr__(self) -> str:
        reducer = "" if self.reducer is None else f", reducer={self.reducer[0]!r}"
        return f"<ImageStackGroupBy of {self.image_stack!r}{reducer}>"

    def compute(self, *args: Any, **kwargs: Any) -> Any:
        raise ProxyUsageError("an ImageStackGroupBy is not computed as a whole; use .groups.compute(aoi) for "
                              "(key, ImageStack) pairs, or .groups.compute_all(aoi) for the computed groups")

    @property
    def groups(self) -> ImageStackGroups:
        """The groups: ``.compute(aoi)``, ``.compute_all(aoi)``, ``.one(aoi)``."""
        return ImageStackGroups(self)

    def _with(self, reducer: tuple[str, Any]) -> ImageStackGroupBy:
        return ImageStackGroupBy(self.image_stack, self.grouping_func, _groups=self.groups_graft, _reducer=reducer)

    def map(self, fn_or_name: Any, axis: str = "images") -> ImageStackGroupBy:
        """Apply ``fn_or_name`` to each group: a reducer name (reduced over ``axis``), or a callable taking the
        group's ImageStack and returning a DC object."""
        if isinstance(fn_or_name, str):
            if fn_or_name not in REDUCERS:
                raise ProxyTypeError(f"ImageStackGroupBy.map: unknown reducer {fn_or_name!r}; use one of "
                                     f"{', '.join(REDUCERS)} or a callable")
            check_axis(axis, ("images", "bands", "pixels"), "ImageStackGroupBy.map")
            return self._with((fn_or_name, axis))
        if not callable(fn_or_name):
            raise ProxyTypeError(f"ImageStackGroupBy.map: expected a reducer name or a callable, got {fn_or_name!r}")
        return self._with(("<callable>", fn_or_name))

    def _apply(self, stack: Any) -> Any:
        if self.reducer is None:
            return stack
        name, arg = self.reducer
        if name == "<callable>":
            return arg(stack)
        return stack._reduction(name, arg, f"ImageStackGroupBy.{name}")


def _reducer_method(name: str) -> Callable:
    def method(self: ImageStackGroupBy, axis: str = "images") -> ImageStackGroupBy:
        return self.map(name, axis)

    method.__name__ = name
    method.__doc__ = f"Reduce each group with ``{name}`` over ``axis`` (default \"images\", giving Mosaics)."
    return method


for _name in ("max", "min", "median", "mean", "sum", "std"):
    setattr(ImageStackGroupBy, _name, _reducer_method(_name))


class ImageStackGroups:
    """The groups of an :class:`ImageStackGroupBy`, for one AOI at a time."""

    def __init__(self, groupby: ImageStackGroupBy) -> None:
        self._groupby = groupby

    def keys_and_ids(self, aoi: Any, **params: Any) -> list[tuple[Any, list[str]]]:
        """``[(key, [image ids]), ...]`` for ``aoi``."""
        return [(key, list(ids)) for key, ids in self._groupby.groups_graft.compute(aoi, **params)]

    def compute(self, aoi: Any, **params: Any) -> list[tuple[Any, Any]]:
        """``[(key, group), ...]`` for ``aoi``: each group a lazy ImageStack (or its reduction)."""
        stack = self._groupby.image_stack
        return [(key, self._groupby._apply(stack.filter_by_id(ids))) for key, ids in self.keys_and_ids(aoi, **params)]

    def compute_all(self, aoi: Any, **params: Any) -> dict[Any, Any]:
        """``{key: computed group}`` for ``aoi`` (every group's ``compute(aoi)``)."""
        out = {}
        for key, group in self.compute(aoi, **params):
            wanted = {p._param_name for p in getattr(group, "params", ())}
            out[key] = group.compute(aoi, **{k: v for k, v in params.items() if k in wanted})
        return out

    def one(self, aoi: Any, **params: Any) -> tuple[Any, Any]:
        """The first group's ``(key, lazy group)`` for ``aoi``.

        Raises
        ------
        ProxyUsageError
            If there are no images, hence no groups, in ``aoi``.
        """
        groups = self.compute(aoi, **params)
        if not groups:
            raise ProxyUsageError("there are no groups in this AOI (the ImageStack has no images there)")
        return groups[0]
