"""Collection methods of ``ImageCollection``: loops, windows, slices and grouping.

The lazy loops of :class:`~gpucompute.types.collection.CollectionMixin`
(``filter``, ``reduce``, ``sorted``, ``reversed``, ``length``, ``contains``)
apply unchanged with ``Image`` as the element type; ``map`` records
``wf.map_imagery`` when the function returns an ``Image`` (the result is an
``ImageCollection``) and ``wf.map`` otherwise (a ``List``).  Selecting images
(``head``, ``tail``, ``partition``, indexing, ``filter``) happens in the plan
on the host, so only the images that are kept are ever read.
"""

from __future__ import annotations

from typing import Any

from gpucompute.errors import ProxyTypeError
from gpucompute.types._imagery import image_types
from gpucompute.types.collection import CollectionMixin
from gpucompute.types.core import promote, type_name
from gpucompute.types.primitives import Bool, Int

__all__ = ["ImageCollectionMixin", "DATE_FIELDS"]

#: Fields of ``properties["date"]`` that ``groupby(dates=...)`` may name.
DATE_FIELDS = ("year", "month", "day", "hour", "minute", "second", "microsecond")


def _is_imagery_type(cls: type) -> bool:
    return isinstance(cls, type) and issubclass(cls, image_types())


class ImageCollectionMixin(CollectionMixin):
    """The collection methods of ``ImageCollection`` (its elements are ``Image`` proxies)."""

    __slots__ = ()

    @property
    def _element_type(self) -> type:
        return image_types()[0]

    # -- loops ---------------------------------------------------------------------------------
    def map(self, func: Any) -> Any:
        """Apply ``func`` to every Image.

        Parameters
        ----------
        func : callable
            Takes an ``Image`` proxy and returns a proxy (or a Python value).

        Returns
        -------
        ImageCollection or List
            An ``ImageCollection`` when ``func`` returns an ``Image``
            (``wf.map_imagery``; empty results are dropped), else ``List[T]``
            of what ``func`` returns (``wf.map``).
        """
        from gpucompute.types.function import Function
        from gpucompute.types.list_ import List

        image, collection = image_types()
        fn = Function._trace(func, (image,), None, "ImageCollection.map")
        if issubclass(fn._return_type, image):
            return collection._from_apply("wf.map_imagery", self, fn)
        return List[fn._return_type]._from_apply("wf.map", self, fn)

    def sorted(self, key: Any, reverse: Any = False) -> Any:
        """The Images ordered by ``key(image)`` (``wf.sorted``), descending if ``reverse``.

        Parameters
        ----------
        key : callable
            Takes an ``Image`` and returns a value to sort by (a number, string
            or Datetime).
        reverse : Bool, default False
        """
        from gpucompute.types.function import Function

        fn = Function._trace(key, (self._element_type,), None, "ImageCollection.sorted")
        rev = promote(reverse, Bool, "ImageCollection.sorted() argument 'reverse'")
        return type(self)._from_apply("wf.sorted", self, key=fn, reverse=rev)

    def map_window(self, func: Any, back: Any = 0, fwd: Any = 0) -> Any:
        """Apply ``func(back_imgs, img, fwd_imgs)`` over a sliding window of the Images.

        The window is centred on each Image from index ``back`` to ``fwd``
        Images before the end; ``back_imgs`` holds the ``back`` Images before
        it and ``fwd_imgs`` the ``fwd`` after it (both ImageCollections).  A
        window longer than the collection is an error when computed.

        Parameters
        ----------
        func : callable
            ``(ImageCollection, Image, ImageCollection) -> proxy``.
        back, fwd : Int, default 0

        Returns
        -------
        ImageCollection or List
            One ``ImageCollection`` of all results when ``func`` returns imagery
            (``wf.ImageCollection.map_window_ic``), else a ``List`` of the
            results (``wf.ImageCollection.map_window``).
        """
        from gpucompute.types.function import Function
        from gpucompute.types.list_ import List

        image, collection = image_types()
        where = "ImageCollection.map_window"
        b = promote(back, Int, f"{where}() argument 'back'")
        f = promote(fwd, Int, f"{where}() argument 'fwd'")
        fn = Function._trace(func, (collection, image, collection), None, where)
        if _is_imagery_type(fn._return_type):
            return collection._from_apply("wf.ImageCollection.map_window_ic", self, fn, b, f)
        return List[fn._return_type]._from_apply("wf.ImageCollection.map_window", self, fn, b, f)

    # -- slices --------------------------------------------------------------------------------
    def head(self, n: Any) -> Any:
        """The first ``n`` Images (all of them if there are fewer); ``wf.ImageCollection.head``."""
        count = promote(n, Int, "ImageCollection.head() argument 'n'")
        return type(self)._from_apply("wf.ImageCollection.head", self, count)

    def tail(self, n: Any) -> Any:
        """The last ``n`` Images (all of them if there are fewer); ``wf.ImageCollection.tail``."""
        count = promote(n, Int, "ImageCollection.tail() argument 'n'")
        return type(self)._from_apply("wf.ImageCollection.tail", self, count)

    def partition(self, i: Any) -> Any:
        """``(Images before index i, Images from index i on)`` as a ``Tuple[ImageCollection, ImageCollection]``."""
        from gpucompute.types.tuple_ import Tuple

        index = promote(i, Int, "ImageCollection.partition() argument 'i'")
        return Tuple[type(self), type(self)]._from_apply("wf.ImageCollection.partition", self, index)

    def __getitem__(self, index: Any) -> Any:
        """``imgs[i]`` is an ``Image`` (negative counts from the end), ``imgs[a:b]`` an ``ImageCollection`` (``wf.get``)."""
        from gpucompute.types.slice_ import Slice

        if isinstance(index, str):
            raise ProxyTypeError(f"ImageCollection[]: expected an Int or a slice, got the string {index!r}; "
                                 "use pick_bands to select bands")
        idx = promote(index, (Int, Slice), "ImageCollection[]")
        result = type(self) if isinstance(idx, Slice) else self._element_type
        return result._from_apply("wf.get", self, idx)

    # -- grouping ------------------------------------------------------------------------------
    def groupby(self, func: Any = None, dates: Any = None) -> Any:
        """Group the Images by ``func(image)`` or by fields of their ``"date"`` property.

        Parameters
        ----------
        func : callable, optional
            Takes an ``Image`` and returns its group key (any proxy type).
        dates : str or tuple of str, optional
            Instead of ``func``: a field of ``properties["date"]`` (``"month"``)
            or several (``("year", "month")``, giving ``Tuple[Int, ...]`` keys).

        Returns
        -------
        ImageCollectionGroupby
            ``ImageCollectionGroupby[K]`` with ``K`` the key type; every Image
            of every group gets a ``"group"`` property holding its key.
        """
        from gpucompute.types.imagecollection_groupby import ImageCollectionGroupby

        if (func is None) == (dates is None):
            raise ProxyTypeError("ImageCollection.groupby: give either func or dates (and not both), e.g. "
                                 "groupby(dates=('year', 'month')) or groupby(lambda img: img.properties['parity'])")
        if func is None:
            func = _date_key(dates)
        return ImageCollectionGroupby(self, func)


def _date_key(dates: Any) -> Any:
    """A function ``Image -> key`` reading ``dates`` fields of ``properties["date"]``."""
    fields = (dates,) if isinstance(dates, str) else dates
    if not isinstance(fields, (tuple, list)) or not fields or not all(isinstance(f, str) for f in fields):
        raise ProxyTypeError(f"ImageCollection.groupby: dates must be a field name or a tuple of them, got "
                             f"{type_name(dates)} ({dates!r})")
    unknown = [f for f in fields if f not in DATE_FIELDS]
    if unknown:
        raise ProxyTypeError(f"ImageCollection.groupby: unknown date field(s) {unknown}; use {list(DATE_FIELDS)}")
    fields = tuple(fields)
    if len(fields) == 1:
        return lambda img: getattr(img.properties["date"], fields[0])

    def key(img: Any) -> Any:
        from gpucompute.types.tuple_ import Tuple

        date = img.properties["date"]
        return Tuple[(Int,) * len(fields)]([getattr(date, f) for f in fields])

    return key
