"""How imagery operands combine: band pairing by name, metadata intersection, Image/collection broadcasting.

The rules (Workflows guide, "Broadcasting Imagery"):

* numbers (and 0-d lazy pixels, e.g. a reduction's Float) broadcast to everything;
* an Image broadcasts over every image of an ImageCollection;
* two ImageCollections must have the same length;
* a 1-band operand broadcasts to an N-band one (the result takes the N band names);
* two N-band operands pair their bands *by name*, in the first operand's order;
  different name sets are a :class:`~gpucompute.errors.ComputeError`;
* two 1-band operands pair whatever their names; the band is named by the caller
  (``<a>_<op>_<b>`` for operators);
* properties and band info combine by intersection (keys with equal values);
  an Image's properties are intersected with each image's of a collection;
  where one band is broadcast over N, every result band gets the items all the
  bands involved share (the guide's example: ``red`` broadcast over ``red, blue``
  keeps only what ``red`` and ``blue`` have in common);
* an empty operand makes the result empty (of the broadcast type).

:func:`combine` applies a pixel operation to any mix of operands under these
rules; the operator, math, ``where`` and ``arctan2`` builtins all use it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gpucompute.errors import ComputeError
from gpucompute.execution import pixels as px
from gpucompute.execution.imagery import CollectionValue, ImageValue, intersect_dicts

__all__ = ["Pairing", "align_bands", "combine", "combine_properties", "empty_result", "is_operand_imagery",
           "pair_bands", "take_bands"]


def is_operand_imagery(value: Any) -> bool:
    return isinstance(value, (ImageValue, CollectionValue))


@dataclass(frozen=True)
class Pairing:
    """How the bands of two imagery operands line up.

    Attributes
    ----------
    pairs : list of (str, str)
        ``(band of a, band of b)`` for each result band, in result order.
    b_index : tuple of int or None
        Where ``b``'s bands must be taken from to follow ``a``'s order (None: as they are).
    single : bool
        Both operands have one band (paired whatever their names).
    wide : str
        Which operand's names the result keeps: ``"a"``, ``"b"`` (the N-band side
        of a 1-to-N broadcast) or ``""`` when ``single``.
    """

    pairs: list
    b_index: tuple | None
    single: bool
    wide: str


def pair_bands(a_names: Sequence[str], b_names: Sequence[str], what: str) -> Pairing:
    """Pair the bands of two operands, or raise :class:`ComputeError` naming both band lists."""
    a_names, b_names = list(a_names), list(b_names)
    if len(a_names) == 1 and len(b_names) == 1:
        return Pairing([(a_names[0], b_names[0])], None, True, "")
    if len(a_names) == 1:
        return Pairing([(a_names[0], b) for b in b_names], None, False, "b")
    if len(b_names) == 1:
        return Pairing([(a, b_names[0]) for a in a_names], None, False, "a")
    if len(a_names) != len(b_names) or set(a_names) != set(b_names):
        raise ComputeError(
            f"{what}: imagery with bands {a_names} and {b_names} cannot be combined; two multi-band operands "
            "need the same band names (pick_bands or rename_bands first), or use a 1-band operand to broadcast"
        )
    index = tuple(b_names.index(n) for n in a_names)
    return Pairing([(n, n) for n in a_names], None if index == tuple(range(len(b_names))) else index,
                   False, "a")


@px.pixel_op("bands.pick")
def _pick(x: Any, *, indices: tuple[int, ...]) -> Any:
    from gpucompute.array import take

    return take(x, list(indices), axis=x.ndim - 3)


def take_bands(pixels: Any, indices: Sequence[int] | None) -> Any:
    """``pixels`` with the bands (axis -3) at ``indices`` (unchanged for None), pruning reads where it can.

    A pick from a read leaf becomes a read of fewer bands (the others are never
    read) and a pick of a pick becomes one pick.
    """
    if indices is None:
        return pixels
    indices = tuple(int(i) for i in indices)
    if indices == tuple(range(pixels.shape[-3])):
        return pixels
    if pixels.op == "read":
        spec = pixels.payload
        return px.read(dataclasses.replace(spec, bands=tuple(spec.bands[i] for i in indices)))
    if pixels.op == "bands.pick":
        inner = dict(pixels.static)["indices"]
        return take_bands(pixels.inputs[0], [inner[i] for i in indices])
    shape = list(pixels.shape)
    shape[-3] = len(indices)
    return px.apply("bands.pick", pixels, shape=tuple(shape), length=pixels.length, indices=indices)


def combine_properties(values: Sequence[Any], what: str) -> tuple[Any, int | None]:
    """The properties of a result combining imagery ``values``, and its length (None for an Image).

    Raises :class:`ComputeError` for collections of different lengths.
    """
    lengths = {len(v.properties) for v in values if isinstance(v, CollectionValue)}
    if len(lengths) > 1:
        raise ComputeError(f"{what}: ImageCollections of different lengths {sorted(lengths)} cannot be combined; "
                           "they must have the same number of images")
    if not lengths:
        return intersect_dicts([v.properties for v in values]), None
    (n,) = lengths
    per_image = [[v.properties[i] if isinstance(v, CollectionValue) else v.properties for v in values]
                 for i in range(n)]
    return [intersect_dicts(dicts) for dicts in per_image], n


def empty_result(values: Sequence[Any]) -> Any:
    """The empty value of the broadcast type of ``values`` (a collection if any is one)."""
    geoctx = next((v.geocontext for v in values if v.geocontext is not None), None)
    if any(isinstance(v, CollectionValue) for v in values):
        return CollectionValue(None, [], {}, geoctx)
    return ImageValue(None, {}, {}, geoctx)


def _shape(value: Any) -> tuple:
    shape = getattr(value, "shape", None)  # Pixels, backend and masked arrays
    return tuple(shape) if shape is not None else tuple(np.shape(value))


def combine(op: str, operands: Sequence[Any], *, name: Callable[[list, str | None], str], what: str,
            static: dict | None = None) -> Any:
    """Apply pixel operation ``op`` to ``operands`` (imagery, numbers, lazy pixels) under the broadcasting rules.

    Parameters
    ----------
    op : str
        A :data:`~gpucompute.execution.pixels.PIXEL_OPS` name taking the operands in order.
    operands : sequence
        :class:`ImageValue`, :class:`CollectionValue`, numbers or :class:`Pixels`.
    name : callable
        ``name(group, default)`` names a result band: ``group`` holds, per
        operand, the band it contributes (None for non-imagery operands);
        ``default`` is the band name the broadcasting rules give, or None when
        several single-band operands were paired regardless of their names.
    what : str
        The operation, for error messages.
    static : dict, optional
        Static keyword arguments of ``op``.

    Returns
    -------
    ImageValue, CollectionValue or Pixels
        Imagery when any operand is imagery, else a lazy pixel value.
    """
    imagery = [v for v in operands if is_operand_imagery(v)]
    static = static or {}
    if not imagery:
        shape = np.broadcast_shapes(*(_shape(v) for v in operands))
        return px.apply(op, *operands, shape=shape, **static)
    if any(v.empty for v in imagery):
        return empty_result(imagery)
    properties, length = combine_properties(imagery, what)
    groups, defaults, reorder = align_bands(operands, what)
    names = [name(g, d) for g, d in zip(groups, defaults)]
    if len(names) > 1 and any(v.nbands == 1 for v in imagery):
        # A single band broadcast over N bands: as in the guide's example, every band's info is what all the
        # bands involved have in common.
        common = intersect_dicts([info for v in imagery for info in v.bandinfo.values()])
        bandinfo = {n: dict(common) for n in names}
    else:
        bandinfo = {n: intersect_dicts([v.bandinfo[b] for v, b in zip(operands, group) if b is not None])
                    for n, group in zip(names, groups)}
    inputs = [take_bands(v.pixels, reorder[k]) if is_operand_imagery(v) else v
              for k, v in enumerate(operands)]
    shape = np.broadcast_shapes(*(_shape(v) for v in inputs))
    pixels = px.apply(op, *inputs, shape=shape, length=length, **static)
    geoctx = next((v.geocontext for v in imagery if v.geocontext is not None), None)
    kind = CollectionValue if length is not None else ImageValue
    return kind(pixels, properties, bandinfo, geoctx)


def align_bands(operands: Sequence[Any], what: str) -> tuple[list, list, dict]:
    """Pair the bands of the imagery among ``operands``.

    Returns ``(groups, defaults, reorder)``: per result band, the band each
    operand contributes (None for non-imagery) and its default name (None when
    single-band operands were paired regardless of names); per operand
    position, the band order to take (None: as it is).
    """
    imagery = [(k, v) for k, v in enumerate(operands) if is_operand_imagery(v)]
    wide = [(k, v) for k, v in imagery if v.nbands > 1]
    reorder: dict[int, tuple | None] = {k: None for k, _ in imagery}
    if not wide:
        group = [v.bandnames[0] if is_operand_imagery(v) else None for v in operands]
        default = imagery[0][1].bandnames[0] if len(imagery) == 1 else None
        return [group], [default], reorder
    ref = wide[0][1].bandnames
    for k, value in wide[1:]:
        pairing = pair_bands(ref, value.bandnames, what)
        reorder[k] = pairing.b_index
    groups = []
    for band in ref:
        groups.append([None if not is_operand_imagery(v) else (band if v.nbands > 1 else v.bandnames[0])
                       for v in operands])
    return groups, list(ref), reorder
