"""List-like collections of catalog objects with filtering, sorting, grouping and ``each``.

``collection.each.acquired.month`` maps attribute access (and calls) over the
items; ``filter`` takes a predicate or a property expression; ``sort`` /
``sorted`` and ``groupby`` take attribute paths (``"acquired.month"``) or
functions.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Callable, Iterable, Iterator

from gpucompute.catalog.properties import Expression
from gpucompute.errors import CatalogValueError

__all__ = [
    "Collection", "Eacher", "ProductCollection", "BandCollection", "ImageCollection", "BlobCollection",
    "ImageUploadCollection",
]


def _getter(key: str | Callable[[Any], Any]) -> Callable[[Any], Any]:
    if callable(key):
        return key
    if not isinstance(key, str) or not key:
        raise CatalogValueError(f"expected an attribute path such as 'acquired.month' or a function, got {key!r}")
    parts = key.split(".")

    def get(item: Any) -> Any:
        for part in parts:
            item = getattr(item, part)
        return item

    return get


class Eacher:
    """Lazily maps attribute access, indexing and calls over a sequence of items."""

    def __init__(self, items: Iterable[Any]) -> None:
        self._items = items

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)

    def __getattr__(self, name: str) -> Eacher:
        if name.startswith("__"):
            raise AttributeError(name)
        return Eacher(getattr(item, name) for item in self._items)

    def __getitem__(self, key: Any) -> Eacher:
        return Eacher(item[key] for item in self._items)

    def __call__(self, *args: Any, **kwargs: Any) -> Eacher:
        return Eacher(item(*args, **kwargs) for item in self._items)

    def collect(self, kind: type = list) -> Any:
        """Gather the mapped values into *kind* (a list by default)."""
        return kind(self)

    def combine(self, how: Callable[[Iterable[Any]], Any] = list) -> Any:
        """Apply *how* to the mapped values."""
        return how(self)

    def __repr__(self) -> str:
        return "<Eacher: iterate it or call .collect()>"


class Collection:
    """A list of catalog objects with helpers; slicing and filtering keep the collection type."""

    _item_word = "item"

    def __init__(self, iterable: Iterable[Any] = ()) -> None:
        self._list = list(iterable)

    def _new(self, items: Iterable[Any]) -> Collection:
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        new._list = list(items)
        return new

    # ---- list protocol ----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._list)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._list)

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return self._new(self._list[index])
        return self._list[index]

    def __setitem__(self, index: int, value: Any) -> None:
        self._list[index] = value

    def __contains__(self, item: Any) -> bool:
        return any(item is x for x in self._list) or item in self._list

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Collection):
            return self._list == other._list
        return self._list == other if isinstance(other, list) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __add__(self, other: Iterable[Any]) -> Collection:
        return self._new(self._list + list(other))

    def append(self, item: Any) -> None:
        """Add *item* at the end."""
        self._list.append(item)

    def extend(self, items: Iterable[Any]) -> None:
        """Add *items* at the end."""
        self._list.extend(items)

    # ---- helpers -----------------------------------------------------------------------------
    @property
    def each(self) -> Eacher:
        """Attribute access on every item: ``collection.each.acquired.month``."""
        return Eacher(self._list)

    def map(self, f: Callable[[Any], Any]) -> list:
        """``[f(item) for item in collection]``."""
        return [f(x) for x in self._list]

    def filter(self, predicate: Callable[[Any], bool] | Expression) -> Collection:
        """A new collection of the items for which *predicate* holds.

        *predicate* is a function of one item or a property expression (``p.cloud_fraction < 0.2``).
        """
        if isinstance(predicate, Expression):
            return self._new(x for x in self._list if predicate.matches(x))
        if not callable(predicate):
            raise CatalogValueError(f"filter() takes a function or a property expression, got {predicate!r}")
        return self._new(x for x in self._list if predicate(x))

    def sorted(self, *keys: str | Callable[[Any], Any], reverse: bool = False) -> Collection:
        """A new collection ordered by *keys* (attribute paths or functions)."""
        if not keys:
            raise CatalogValueError("sorted() needs at least one attribute path or function")
        getters = [_getter(k) for k in keys]
        return self._new(sorted(self._list, key=lambda x: tuple(g(x) for g in getters), reverse=reverse))

    def sort(self, *keys: str | Callable[[Any], Any], reverse: bool = False, ascending: bool | None = None) -> None:
        """Order this collection in place by *keys* (``ascending=False`` is ``reverse=True``)."""
        if ascending is not None:
            reverse = not ascending
        self._list = self.sorted(*keys, reverse=reverse)._list

    def groupby(self, *keys: str | Callable[[Any], Any]) -> Iterator[tuple[Any, Collection]]:
        """Yield ``(key, sub-collection)`` pairs, sorted by key; item order is kept within a group.

        With several keys the group key is a tuple.
        """
        if not keys:
            raise CatalogValueError("groupby() needs at least one attribute path or function")
        getters = [_getter(k) for k in keys]

        def key(x: Any) -> Any:
            values = tuple(g(x) for g in getters)
            return values[0] if len(values) == 1 else values

        groups: dict[Any, list] = {}
        for x in self._list:
            groups.setdefault(key(x), []).append(x)
        try:
            order = sorted(groups)
        except TypeError:  # keys that do not order (None mixed with numbers ...): first appearance
            order = list(groups)
        for k in order:
            yield k, self._new(groups[k])

    def __repr__(self) -> str:
        n = len(self._list)
        return f"{type(self).__name__} of {n} {self._item_word}{'' if n == 1 else 's'}"


class ProductCollection(Collection):
    """A list of products."""

    _item_word = "product"


class BandCollection(Collection):
    """A list of bands."""

    _item_word = "band"


class BlobCollection(Collection):
    """A list of blobs."""

    _item_word = "blob"


class ImageUploadCollection(Collection):
    """A list of image uploads."""

    _item_word = "upload"


class ImageCollection(Collection):
    """A list of images, with the area of interest of the search that produced it.

    Attributes
    ----------
    geocontext : object or None
        The search's AOI after ``intersects``; rastering methods use it by default.
    """

    _item_word = "image"

    def __init__(self, iterable: Iterable[Any] = (), geocontext: Any = None) -> None:
        super().__init__(iterable)
        self.geocontext = geocontext

    def __repr__(self) -> str:
        lines = [super().__repr__()]
        dates = [i.acquired for i in self._list if getattr(i, "acquired", None) is not None]
        if dates:
            fmt = "%b %d, %Y"
            lines.append(f"  * Dates: {min(dates).strftime(fmt)} to {max(dates).strftime(fmt)}")
        counts = Counter(i.product_id for i in self._list)
        if counts:
            lines.append("  * Products: " + ", ".join(f"{pid}: {n}" for pid, n in sorted(counts.items())))
        return "\n".join(lines)
