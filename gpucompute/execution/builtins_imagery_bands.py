"""Runtime of the band and metadata methods of imagery (see :mod:`gpucompute.types._imagery_bands`).

Metadata edits are plan-phase work on host dicts.  Band selection and
concatenation add pixel operations (``bands.pick``, ``bands.concat``) to the
lazy program, except where a cheaper node does the same: picking bands from a
read leaf makes a new read leaf of just those bands (so unpicked bands are
never read), a pick of a pick is one pick, and concatenating two reads of the
same images is one read.  Empty operands give empty results, as the
Workflows guide says.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from gpucompute.errors import ComputeError
from gpucompute.execution import pixels as px
from gpucompute.execution._band_align import take_bands
from gpucompute.execution.builtins_core import truth
from gpucompute.execution.imagery import (
    CollectionValue,
    ImageValue,
    empty_collection,
    empty_image,
    imagery_builtin,
    intersect_dicts,
)

__all__ = ["concat_pixels", "concat_values", "pick_values"]

Imagery = ImageValue | CollectionValue


# ---- pixel operations ----------------------------------------------------------------------------------
@px.pixel_op("bands.concat")
def _concat(a: Any, b: Any, *, broadcast: bool = False) -> Any:
    from gpucompute.array import broadcast_to, concatenate

    if broadcast:  # an image's bands appended to every image of a collection
        b = broadcast_to(b, (a.shape[0],) + tuple(b.shape))
    return concatenate([a, b], axis=a.ndim - 3)


def _node(value: Imagery) -> px.Pixels:
    pixels = value.pixels
    if px.is_pixels(pixels):
        return pixels
    return px.constant(pixels, length=len(value) if isinstance(value, CollectionValue) else None)


def concat_pixels(a: px.Pixels, b: px.Pixels, broadcast: bool) -> px.Pixels:
    """The bands of ``a`` then those of ``b`` (``broadcast``: ``b`` is an image joined to every image of ``a``)."""
    if not broadcast and a.op == "read" and b.op == "read" and a.payload.group_key() == b.payload.group_key():
        return px.read(dataclasses.replace(a.payload, bands=a.payload.bands + b.payload.bands))
    shape = list(a.shape)
    shape[-3] += b.shape[-3]
    return px.apply("bands.concat", a, b, shape=shape, length=a.length, broadcast=broadcast)


# ---- helpers over values -------------------------------------------------------------------------------
def _kind(value: Imagery) -> str:
    return "ImageCollection" if isinstance(value, CollectionValue) else "Image"


def _empty_like(value: Imagery) -> Imagery:
    make = empty_collection if isinstance(value, CollectionValue) else empty_image
    return make(value.geocontext)


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name_1``, ``name_2``... whichever is not ``taken`` yet."""
    if name not in taken:
        return name
    n = 1
    while f"{name}_{n}" in taken:
        n += 1
    return f"{name}_{n}"


def _info(info: dict, name: str) -> dict:
    """A copy of one band's info for the band now called ``name``."""
    out = dict(info)
    if "name" in out:
        out["name"] = name
    return out


def _renamed(value: Imagery, new_names: Sequence[str]) -> Imagery:
    if len(set(new_names)) != len(new_names):
        raise ComputeError(f"band names must be unique, but renaming {value.bandnames} gives {list(new_names)}")
    infos = value.bandinfo.values()
    return value.replace(bandinfo={new: _info(info, new) for new, info in zip(new_names, infos)})


def pick_values(value: Imagery, names: Sequence[str], allow_missing: bool = False) -> Imagery:
    """``value`` with the bands ``names`` in that order (repeats suffixed ``_1``, ``_2``...)."""
    if value.empty:
        return value
    available = value.bandnames
    missing = [n for n in names if n not in available]
    if missing and not allow_missing:
        raise ComputeError(f"the {_kind(value)} has no band(s) {missing}; its bands are {available} "
                           "(pass allow_missing=True to drop missing bands)")
    names = [n for n in names if n in available]
    if not names:
        return _empty_like(value)
    taken: set[str] = set()
    bandinfo = {}
    for name in names:
        new = _unique(name, taken)
        taken.add(new)
        bandinfo[new] = _info(value.bandinfo[name], new)
    pixels = take_bands(_node(value), [available.index(n) for n in names])
    return value.replace(pixels=pixels, bandinfo=bandinfo)


def concat_values(a: Imagery, b: Imagery, *, clash: str = "suffix") -> Imagery:
    """The bands of ``a`` then those of ``b``; a shared name gets a suffix (``clash="suffix"``) or fails."""
    if a.empty or b.empty:
        return _empty_like(a)
    a_coll, b_coll = isinstance(a, CollectionValue), isinstance(b, CollectionValue)
    if b_coll and not a_coll:
        raise ComputeError("cannot append the bands of an ImageCollection to an Image; "
                           "call concat_bands on the ImageCollection instead")
    if a_coll and b_coll and len(a) != len(b):
        raise ComputeError(f"ImageCollections must have the same length to concatenate bands, got {len(a)} "
                           f"and {len(b)} images")
    bandinfo = {name: dict(info) for name, info in a.bandinfo.items()}
    for name, info in b.bandinfo.items():
        if name in bandinfo and clash != "suffix":
            raise ComputeError(f"band names must be unique across the results, but {name!r} appears twice "
                               f"(in {a.bandnames} and {b.bandnames}); rename bands in the function")
        new = _unique(name, set(bandinfo))
        bandinfo[new] = _info(info, new)
    if a_coll:
        others = b.properties if b_coll else [b.properties] * len(a)
        properties: Any = [intersect_dicts([p, q]) for p, q in zip(a.properties, others)]
    else:
        properties = intersect_dicts([a.properties, b.properties])
    pixels = concat_pixels(_node(a), _node(b), broadcast=a_coll and not b_coll)
    return a.replace(pixels=pixels, properties=properties, bandinfo=bandinfo,
                     geocontext=a.geocontext if a.geocontext is not None else b.geocontext)


def _band_request(bands: Sequence[Any]) -> list[str]:
    return [name for band in bands for name in str(band).split()]


# ---- builtins --------------------------------------------------------------------------------------------
@imagery_builtin("wf.nbands")
def nbands(value: Imagery) -> int:
    """The number of bands (0 for an empty value)."""
    return value.nbands


@imagery_builtin("wf.pick_bands")
def pick_bands(value: Imagery, *bands: str, allow_missing: Any = False) -> Imagery:
    """``value`` with the named bands; each argument may hold several names separated by spaces."""
    return _pick_request(value, _band_request(bands), allow_missing)


@imagery_builtin("wf.pick_bands_list")
def pick_bands_list(value: Imagery, bands: Sequence[str], allow_missing: Any = False) -> Imagery:
    """``value`` with the bands of the list ``bands``."""
    return _pick_request(value, [str(b) for b in bands], allow_missing)


def _pick_request(value: Imagery, names: list[str], allow_missing: Any) -> Imagery:
    allow = truth(allow_missing)
    if not names and not allow and not value.empty:
        raise ComputeError(f"pick_bands needs at least one band name; the {_kind(value)}'s bands are "
                           f"{value.bandnames}")
    return pick_values(value, names, allow)


@imagery_builtin("wf.rename_bands_positionally")
def rename_bands_positionally(value: Imagery, *names: str) -> Imagery:
    """``value`` with its i-th band named ``names[i]`` (one name per band)."""
    if value.empty:
        return value
    if len(names) != value.nbands:
        raise ComputeError(f"rename_bands got {len(names)} name(s) {list(names)} for the {value.nbands} band(s) "
                           f"{value.bandnames}; give one new name per band, or rename by keyword")
    return _renamed(value, [str(n) for n in names])


@imagery_builtin("wf.rename_bands")
def rename_bands(value: Imagery, /, **renames: str) -> Imagery:
    """``value`` with the bands named by the keys renamed to the values."""
    if value.empty:
        return value
    unknown = [k for k in renames if k not in value.bandinfo]
    if unknown:
        raise ComputeError(f"cannot rename band(s) {unknown}: the {_kind(value)}'s bands are {value.bandnames}")
    return _renamed(value, [str(renames.get(n, n)) for n in value.bandnames])


@imagery_builtin("wf.map_bands")
def map_bands(value: Imagery, fn: Callable[[str, Imagery], Any]) -> dict:
    """``{name: fn(name, 1-band value)}`` for each band (``{}`` when ``value`` is empty)."""
    return {name: fn(name, pick_values(value, [name])) for name in value.bandnames}


@imagery_builtin("wf.map_bands_imagery")
def map_bands_imagery(value: Imagery, fn: Callable[[str, Imagery], Imagery]) -> Imagery:
    """The bands of ``fn(name, 1-band value)`` for every band, concatenated (names must be unique).

    An empty ``value`` is returned as it is (``fn`` is not called); an empty
    result of ``fn`` makes the whole result empty.
    """
    if value.empty:
        return value
    results = [fn(name, pick_values(value, [name])) for name in value.bandnames]
    for result in results:
        if not isinstance(result, (ImageValue, CollectionValue)):
            raise ComputeError(f"map_bands: the function must return imagery for every band, got {result!r}")
        if result.empty:
            return result
    out = results[0]
    for result in results[1:]:
        out = concat_values(out, result, clash="error")
    return out


@imagery_builtin("wf.concat_bands")
def concat_bands(value: Imagery, other: Imagery) -> Imagery:
    """The bands of ``value`` then those of ``other`` (see :func:`concat_values`)."""
    return concat_values(value, other)


@imagery_builtin("wf.with_properties")
def with_properties(value: Imagery, /, **properties: Any) -> Imagery:
    """``value`` with ``properties`` set (on every image of a collection)."""
    if value.empty:
        return value
    properties = {k: px.resolve(v) for k, v in properties.items()}
    if isinstance(value, CollectionValue):
        return value.replace(properties=[{**p, **properties} for p in value.properties])
    return value.replace(properties={**value.properties, **properties})


@imagery_builtin("wf.without_properties")
def without_properties(value: Imagery, /, *keys: str) -> Imagery:
    """``value`` without the property ``keys`` (absent keys are ignored)."""
    if value.empty:
        return value
    drop = set(keys)
    if isinstance(value, CollectionValue):
        return value.replace(properties=[{k: v for k, v in p.items() if k not in drop} for p in value.properties])
    return value.replace(properties={k: v for k, v in value.properties.items() if k not in drop})


def _edit_bandinfo(value: Imagery, band: str, edit: Callable[[dict], dict]) -> Imagery:
    if value.empty:
        return value
    if band not in value.bandinfo:
        raise ComputeError(f"the {_kind(value)} has no band {band!r}; its bands are {value.bandnames}")
    bandinfo = {name: (edit(dict(info)) if name == band else dict(info)) for name, info in value.bandinfo.items()}
    return value.replace(bandinfo=bandinfo)


@imagery_builtin("wf.with_bandinfo")
def with_bandinfo(value: Imagery, band: str, /, **fields: Any) -> Imagery:
    """``value`` with ``fields`` set in the band info of ``band``."""
    fields = {k: px.resolve(v) for k, v in fields.items()}
    return _edit_bandinfo(value, band, lambda info: {**info, **fields})


@imagery_builtin("wf.without_bandinfo")
def without_bandinfo(value: Imagery, band: str, /, *keys: str) -> Imagery:
    """``value`` without the fields ``keys`` in the band info of ``band`` (absent fields are ignored)."""
    drop = set(keys)
    return _edit_bandinfo(value, band, lambda info: {k: v for k, v in info.items() if k not in drop})
