"""``ImageCollectionGroupby[K]``: an ImageCollection split into groups by a key of type ``K``.

Made by :meth:`ImageCollection.groupby`.  The groups are computed in the plan
on the host (keys are metadata); each Image of a group gets a ``"group"``
property holding its key.  ``map`` and the per-group reductions combine the
groups' results into one ``ImageCollection`` when they are imagery, else into
a ``Dict[K, T]``.
"""

from __future__ import annotations

from typing import Any

from gpucompute.errors import ProxyTypeError
from gpucompute.types._imagery import image_types
from gpucompute.types.core import GenericProxytype, promote, type_name

__all__ = ["ImageCollectionGroupby"]


class ImageCollectionGroupby(GenericProxytype):
    """Groups of an ImageCollection by key (``wf.ImageCollectionGroupby.create``).

    Parameters
    ----------
    imgs : ImageCollection
        The collection to group.
    func : callable
        Takes an ``Image`` and returns its group key; its return type is ``K``.

    Notes
    -----
    Grouping an empty collection gives no groups: ``groups`` is an empty
    Dict, ``map`` and the reductions give an empty ImageCollection or Dict,
    and ``[key]`` of a key that no Image has gives an empty ImageCollection.
    """

    __slots__ = ()

    def __new__(cls, imgs: Any = None, func: Any = None) -> Any:
        from gpucompute.types.function import Function

        collection = image_types()[1]
        where = "ImageCollectionGroupby"
        imgs = promote(imgs, collection, f"{where} argument 'imgs'")
        fn = Function._trace(func, (image_types()[0],), None, where)
        key = fn._return_type
        if cls._type_params is not None and not issubclass(key, cls._type_params[0]):
            raise ProxyTypeError(f"{type_name(cls)}: the key function returns {type_name(key)}")
        return ImageCollectionGroupby[key]._from_apply("wf.ImageCollectionGroupby.create", imgs, fn)

    def __init__(self, imgs: Any = None, func: Any = None) -> None:
        """Everything happens in ``__new__``."""

    @property
    def key_type(self) -> type:
        """The proxy type of the group keys."""
        return type(self)._type_params[0]

    @property
    def groups(self) -> Any:
        """``Dict[K, ImageCollection]``: every group (``wf.ImageCollectionGroupby.groups``)."""
        from gpucompute.types.dict_ import Dict

        return Dict[self.key_type, image_types()[1]]._from_apply("wf.ImageCollectionGroupby.groups", self)

    def one(self) -> Any:
        """``Tuple[K, ImageCollection]``: one group and its key, for a look (``wf.ImageCollectionGroupby.one``)."""
        from gpucompute.types.tuple_ import Tuple

        return Tuple[self.key_type, image_types()[1]]._from_apply("wf.ImageCollectionGroupby.one", self)

    def __getitem__(self, key: Any) -> Any:
        """The group of ``key`` (an empty ImageCollection if there is none), ``wf.ImageCollectionGroupby.get``."""
        k = promote(key, self.key_type, f"{type_name(self)}[]")
        return image_types()[1]._from_apply("wf.ImageCollectionGroupby.get", self, k)

    def map(self, func: Any) -> Any:
        """Apply ``func(key, imgs)`` to every group and combine the results.

        Parameters
        ----------
        func : callable
            Takes the key (``K``) and the group (``ImageCollection``).

        Returns
        -------
        ImageCollection or Dict
            One ``ImageCollection`` of every result when ``func`` returns an
            Image or ImageCollection (``wf.ImageCollectionGroupby.map_ic``),
            else ``Dict[K, T]`` of key -> result (``wf.ImageCollectionGroupby.map``).
        """
        from gpucompute.types.dict_ import Dict
        from gpucompute.types.function import Function

        collection = image_types()[1]
        fn = Function._trace(func, (self.key_type, collection), None, f"{type_name(self)}.map")
        result = fn._return_type
        if issubclass(result, image_types()):
            return collection._from_apply("wf.ImageCollectionGroupby.map_ic", self, fn)
        return Dict[self.key_type, result]._from_apply("wf.ImageCollectionGroupby.map", self, fn)

    def _per_group(self, name: str, axis: Any) -> Any:
        return self.map(lambda key, imgs: getattr(imgs, name)(axis=axis))

    def count(self, axis: Any = None) -> Any:
        """``ImageCollection.count(axis)`` of each group, combined as by :meth:`map`."""
        return self._per_group("count", axis)

    def sum(self, axis: Any = None) -> Any:
        """``ImageCollection.sum(axis)`` of each group, combined as by :meth:`map`."""
        return self._per_group("sum", axis)

    def min(self, axis: Any = None) -> Any:
        """``ImageCollection.min(axis)`` of each group, combined as by :meth:`map`."""
        return self._per_group("min", axis)

    def max(self, axis: Any = None) -> Any:
        """``ImageCollection.max(axis)`` of each group, combined as by :meth:`map`."""
        return self._per_group("max", axis)

    def mean(self, axis: Any = None) -> Any:
        """``ImageCollection.mean(axis)`` of each group, combined as by :meth:`map`."""
        return self._per_group("mean", axis)

    def median(self, axis: Any = None) -> Any:
        """``ImageCollection.median(axis)`` of each group, combined as by :meth:`map`."""
        return self._per_group("median", axis)

    def std(self, axis: Any = None) -> Any:
        """``ImageCollection.std(axis)`` of each group, combined as by :meth:`map`."""
        return self._per_group("std", axis)

    def mosaic(self, reverse: Any = False) -> Any:
        """``ImageCollection.mosaic(reverse)`` of each group: an ImageCollection, one Image per group."""
        return self.map(lambda key, imgs: imgs.mosaic(reverse=reverse))

    @classmethod
    def _unmarshal(cls, value: Any) -> dict:
        collection = image_types()[1]
        return {key: collection._unmarshal(group) for key, group in value.groups.items()}
