"""``ImageCollectionGroupby`` builtins: grouping in the plan, then one result per group.

:func:`create` calls the key function once per image, computes the keys
together (a key may come from pixels), and splits the collection into one
collection per key, each image gaining a ``"group"`` property.  A collection
still read from the catalog is split into one read leaf per group, so every
image is read once.  Groups are ordered by key when the keys can be
compared, else by first appearance.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from gpucompute.errors import ComputeError
from gpucompute.execution import pixels as px
from gpucompute.execution.builtins_core import hashable
from gpucompute.execution.builtins_imagery_collection import (
    concat_imagery,
    images,
    select,
)
from gpucompute.execution.imagery import (
    CollectionValue,
    empty_collection,
    imagery_builtin,
)

__all__ = ["GroupbyValue"]


@dataclasses.dataclass(frozen=True)
class GroupbyValue:
    """The value of an ImageCollectionGroupby: ``groups`` maps each key to its collection, in key order."""

    groups: dict
    geocontext: Any = None

    __pixels_fields__ = ("groups",)

    def replace(self, **changes: Any) -> GroupbyValue:
        return dataclasses.replace(self, **changes)


def _key(value: Any) -> Any:
    if hasattr(value, "to_numpy") and hasattr(value, "mask"):
        value = value.to_numpy().item()
    return hashable(value)


def _ordered(keys: list) -> list:
    unique = list(dict.fromkeys(keys))
    try:
        return sorted(unique)
    except TypeError:  # keys of mixed kinds (say None and ints) keep their first-seen order
        return unique


@imagery_builtin("wf.ImageCollectionGroupby.create")
def create(coll: CollectionValue, fn: Callable) -> GroupbyValue:
    """Split ``coll`` by ``fn(image)``; every image gets the property ``"group"`` = its key."""
    if coll.empty:
        return GroupbyValue({}, coll.geocontext)
    keys = [_key(k) for k in px.resolve([fn(img) for img in images(coll)], into_imagery=False)]
    groups = {}
    for key in _ordered(keys):
        group = select(coll, [i for i, k in enumerate(keys) if k == key])
        groups[key] = group.replace(properties=[{**p, "group": key} for p in group.properties])
    return GroupbyValue(groups, coll.geocontext)


@imagery_builtin("wf.ImageCollectionGroupby.groups")
def groups(grouped: GroupbyValue) -> dict:
    """Key -> collection."""
    return dict(grouped.groups)


@imagery_builtin("wf.ImageCollectionGroupby.one")
def one(grouped: GroupbyValue) -> tuple:
    """``(key, collection)`` of the first group."""
    if not grouped.groups:
        raise ComputeError("ImageCollectionGroupby.one: there are no groups (the ImageCollection is empty in "
                           "this GeoContext); check groups.length() first")
    return next(iter(grouped.groups.items()))


@imagery_builtin("wf.ImageCollectionGroupby.get")
def get(grouped: GroupbyValue, key: Any) -> CollectionValue:
    """The group of ``key``, or an empty collection."""
    group = grouped.groups.get(_key(key))
    return group if group is not None else empty_collection(grouped.geocontext)


@imagery_builtin("wf.ImageCollectionGroupby.map")
def map_groups(grouped: GroupbyValue, fn: Callable) -> dict:
    """Key -> ``fn(key, collection)``."""
    return {key: fn(key, group) for key, group in grouped.groups.items()}


@imagery_builtin("wf.ImageCollectionGroupby.map_ic")
def map_ic(grouped: GroupbyValue, fn: Callable) -> CollectionValue:
    """The imagery ``fn(key, collection)`` of every group, as one collection (empties dropped)."""
    return concat_imagery([fn(key, group) for key, group in grouped.groups.items()], grouped.geocontext)
