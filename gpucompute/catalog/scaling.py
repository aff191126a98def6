"""Scaling and output data types of rastered bands: :func:`scaling_parameters` and :func:`apply_scaling`.

The *scaling* argument of the rastering methods says, band by band, how the
stored values become the returned ones. Each band's entry is one of:

``None`` or ``"raw"``
    No scaling: values are returned as stored (after any processing level).
``"display"``
    The band's ``display_range`` maps to ``[0, 255]``: ``(lo, hi, 0, 255)``.
``"auto"``
    The band's own range of valid values in the rastered data maps to
    ``[0, 255]``: ``(None, None, 0, 255)`` (the bounds are measured when the
    pixels are read). An empty tuple ``()`` means the same. Not available
    together with a ``processing_level``.
``"physical"``
    The band's ``data_range`` maps to its ``physical_range``. Mask and class
    bands have no physical range and stay unscaled.
``(in_min, in_max)``
    That input range maps to ``[0, 255]`` (a display scaling). A bound may be
    a percentage string, taken along the band's ``display_range`` (its
    ``data_range`` when it has none): ``("25%", "75%")`` of ``[0, 4000]`` is
    ``(1000, 3000)``.
``(in_min, in_max, out_min, out_max)``
    An explicit linear map. Percentages of the input bounds are taken along
    ``data_range``, of the output bounds along ``physical_range``. ``None``
    input bounds are measured from the data, as ``"auto"`` does.

*scaling* itself is one of those values (applied to every band), a list with
one entry per band, or a mapping from band name to entry: bands missing from
the mapping use its ``"default_"`` entry, except mask and class bands, which
stay unscaled. Display-type entries (``"display"``, ``"auto"``, 2-tuples)
mix freely, and unscaled (``None``) bands mix with anything; other mixes of
modes (``"physical"`` with ``"display"``, explicit 4-tuples with either, or
``"raw"`` with any scaled band) raise :class:`CatalogValueError`.

The ranges are read in the units of the data that is rastered: the band's
own ranges, or those its ``processing_levels`` entry declares for the chosen
level. So a product whose (processed) display range is ``[0, 0.4]`` gives
``(0.0, 0.4, 0, 255)`` for ``"display"``, as the catalog guide shows, and the
demo product, whose UInt16 bands store reflectance x 10000 with
``display_range [0, 4000]``, gives ``(0, 4000, 0, 255)``.

Output data type, unless *data_type* names one: each band asks for a type,
and the result is the smallest type that holds all of them (NumPy promotion;
Float64 when no integer type does). Unscaled bands ask for their stored
type, display-type scalings for Byte, ``"physical"`` for Float64, and a
4-tuple for the smallest integer type holding its output bounds when both are
Python ints, Float64 otherwise.

Applying a scale ``(a, b, c, d)`` computes ``(v - a) * (d - c) / (b - a) + c`` in
float64. Integer outputs are rounded to nearest (half to even), clipped to the
output range ``[c, d]`` and to the type's limits; floating outputs are not
clipped. Unscaled values cast to a narrower integer type are clipped to its
limits as well. Masked values are set to 0.

Processing levels: ``band.processing_levels`` maps a level name to a dict (or
a one-element list of dicts) with optional ``gain`` and ``offset`` (values
become ``stored * gain + offset``, as float64) and replacement
``data_type``, ``data_range``, ``display_range`` and ``physical_range``.
Mask and class bands without the level pass through unchanged; other bands
without it raise :class:`CatalogValueError`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Any, NamedTuple

import numpy as np

from gpucompute.catalog._enums import NUMPY_DTYPES, DataType
from gpucompute.errors import CatalogValueError

__all__ = [
    "MODES",
    "BandView",
    "apply_processing",
    "apply_scaling",
    "band_views",
    "numpy_dtype",
    "scaling_parameters",
]

#: The scaling keywords.
MODES = ("raw", "auto", "display", "physical")
_UNSCALED_TYPES = ("mask", "class")
_GDAL_NAMES = {np.dtype(v): k for k, v in NUMPY_DTYPES.items()}
_INT_LADDER = ("Byte", "UInt16", "Int16", "UInt32", "Int32")
_AUTO = (None, None, 0, 255)


class BandView(NamedTuple):
    """What scaling needs of a band, at a processing level (``gain``/``offset`` None = unprocessed)."""

    name: str
    type: str
    data_type: str
    data_range: tuple | None
    display_range: tuple | None
    physical_range: tuple | None
    gain: float | None = None
    offset: float | None = None


def numpy_dtype(data_type: str) -> np.dtype:
    """The NumPy dtype of a GDAL data type name (``"UInt16"`` -> ``uint16``)."""
    return np.dtype(NUMPY_DTYPES[data_type])


def _data_type_name(value: Any) -> str:
    if isinstance(value, str):
        for name in DataType.values():
            if name.lower() == value.lower():
                return name
    raise CatalogValueError(f"data_type must be one of {list(DataType.values())}, got {value!r}")


def _level_entry(band: Any, level: str) -> dict | None:
    levels = band.processing_levels or {}
    entry = levels.get(level)
    if isinstance(entry, list):
        entry = entry[0] if len(entry) == 1 and isinstance(entry[0], dict) else None
        if entry is None:
            raise CatalogValueError(f"band {band.name!r}: processing level {level!r} must be a dict or a "
                                    "one-element list of dicts")
    if entry is not None and not isinstance(entry, dict):
        raise CatalogValueError(f"band {band.name!r}: processing level {level!r} must be a dict, got {entry!r}")
    return entry


def _pair(value: Any) -> tuple | None:
    return None if value is None else tuple(value)


def band_views(bands: Sequence[Any], processing_level: str | None = None) -> list[BandView]:
    """The scaling-relevant attributes of *bands* at *processing_level*.

    Raises
    ------
    CatalogValueError
        If a band (other than mask and class bands) lacks the processing level.
    """
    views = []
    for band in bands:
        view = BandView(band.name, band.type, band.data_type, _pair(band.data_range), _pair(band.display_range),
                        _pair(getattr(band, "physical_range", None)))
        if processing_level is not None:
            entry = _level_entry(band, processing_level)
            if entry is None and band.type not in _UNSCALED_TYPES:
                known = sorted(band.processing_levels or {})
                raise CatalogValueError(f"band {band.name!r} has no processing level {processing_level!r}; "
                                        f"its levels are {known}")
            if entry is not None:
                view = view._replace(
                    data_type=_data_type_name(entry.get("data_type", "Float64")),
                    data_range=_pair(entry.get("data_range", view.data_range)),
                    display_range=_pair(entry.get("display_range", view.display_range)),
                    physical_range=_pair(entry.get("physical_range", view.physical_range)),
                    gain=float(entry.get("gain", 1.0)), offset=float(entry.get("offset", 0.0)))
        views.append(view)
    return views


# ---- parsing the scaling argument -------------------------------------------------------------------
def _per_band(scaling: Any, views: list[BandView]) -> list[Any]:
    if scaling is None or isinstance(scaling, str):
        return [scaling] * len(views)
    if isinstance(scaling, Mapping):
        default = scaling.get("default_")
        return [scaling.get(v.name, None if v.type in _UNSCALED_TYPES else default) for v in views]
    if isinstance(scaling, Sequence):
        if len(scaling) != len(views):
            raise CatalogValueError(
                f"scaling has {len(scaling)} entries for {len(views)} band(s) {[v.name for v in views]}; "
                "give one entry per band, a single mode string, or a dict by band name"
            )
        return list(scaling)
    raise CatalogValueError(f"scaling must be None, a mode {MODES}, a list or a dict, got {scaling!r}")


def _percent(value: Any, span: tuple | None, what: str, view: BandView) -> Any:
    if isinstance(value, str) and value.strip().endswith("%"):
        if span is None:
            raise CatalogValueError(f"band {view.name!r} has no {what} to take {value!r} of; give a number")
        try:
            frac = float(value.strip()[:-1]) / 100.0
        except ValueError:
            raise CatalogValueError(f"band {view.name!r}: {value!r} is not a percentage like '25%'") from None
        out = span[0] + frac * (span[1] - span[0])
        exact = all(isinstance(s, int) for s in span) and float(out).is_integer()
        return int(out) if exact else float(out)
    if value is None or (isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)):
        return value
    raise CatalogValueError(f"band {view.name!r}: a scaling bound must be a finite number or 'N%', got {value!r}")


def _entry(entry: Any, view: BandView) -> tuple[str, tuple | None]:
    """(mode class, scale) of one band's entry; classes: none, raw, display, physical, explicit."""
    if entry is None:
        return "none", None
    if isinstance(entry, str):
        mode = entry.strip().lower()
        if mode == "raw":
            return "raw", None
        if mode == "auto":
            return "display", _AUTO
        if mode == "display":
            if view.display_range is None:
                raise CatalogValueError(f"band {view.name!r} has no display_range for 'display' scaling; "
                                        "set it or give (min, max)")
            return "display", (*view.display_range, 0, 255)
        if mode == "physical":
            if view.type in _UNSCALED_TYPES and view.physical_range is None:
                return "none", None
            if view.data_range is None or view.physical_range is None:
                raise CatalogValueError(f"band {view.name!r} needs data_range and physical_range for 'physical' "
                                        f"scaling, has {view.data_range!r} and {view.physical_range!r}")
            return "physical", (*view.data_range, *view.physical_range)
        raise CatalogValueError(f"unknown scaling mode {entry!r} for band {view.name!r}; use one of {MODES}, "
                                "a (min, max) or (min, max, out_min, out_max) tuple")
    if isinstance(entry, (tuple, list)):
        if len(entry) == 0:
            return "display", _AUTO
        if len(entry) == 2:
            span = view.display_range or view.data_range
            lo, hi = (_percent(v, span, "display_range", view) for v in entry)
            return "display", _checked((lo, hi, 0, 255), view)
        if len(entry) == 4:
            lo, hi = (_percent(v, view.data_range, "data_range", view) for v in entry[:2])
            out = [_percent(v, view.physical_range, "physical_range", view) for v in entry[2:]]
            if None in out:
                raise CatalogValueError(f"band {view.name!r}: output bounds of {tuple(entry)!r} must be numbers")
            return "explicit", _checked((lo, hi, *out), view)
    raise CatalogValueError(f"band {view.name!r}: a scaling entry is a mode {MODES}, None, (min, max) or "
                            f"(min, max, out_min, out_max), got {entry!r}")


def _checked(scale: tuple, view: BandView) -> tuple:
    lo, hi = scale[:2]
    if (lo is None) != (hi is None):
        raise CatalogValueError(f"band {view.name!r}: give both input bounds or neither (auto), got {scale!r}")
    if lo is not None and lo == hi:
        raise CatalogValueError(f"band {view.name!r}: the input range {(lo, hi)!r} is empty; use two "
                                "different bounds")
    return scale


def _smallest_int_type(lo: int, hi: int) -> str:
    for name in _INT_LADDER:
        info = np.iinfo(numpy_dtype(name))
        if info.min <= lo and hi <= info.max:
            return name
    return "Float64"


def _wanted_type(kind: str, scale: tuple | None, view: BandView) -> str:
    if kind in ("none", "raw"):
        return view.data_type
    if kind == "display":
        return "Byte"
    if kind == "explicit" and all(isinstance(v, int) and not isinstance(v, bool) for v in scale[2:]):
        return _smallest_int_type(min(scale[2:]), max(scale[2:]))
    return "Float64"


def _promote(names: list[str]) -> str:
    result = np.result_type(*(numpy_dtype(n) for n in names))
    return _GDAL_NAMES.get(result, "Float64")


def scaling_parameters(bands: Sequence[Any], processing_level: str | None = None, scaling: Any = None,
                       data_type: str | None = None) -> tuple[list | None, str]:
    """The per-band scales and the output data type rastering will use.

    Parameters
    ----------
    bands : sequence of Band
        The bands to raster, in order.
    processing_level : str, optional
        Use the ranges and type the bands declare for this processing level.
    scaling : None, str, list or dict
        See the module docstring.
    data_type : str, optional
        A :class:`~gpucompute.catalog.DataType` name (any case); derived when not given.

    Returns
    -------
    (scales, data_type)
        *scales* is None when no band is scaled, else one entry per band:
        None or ``(in_min, in_max, out_min, out_max)``; *data_type* is a GDAL type name.

    Raises
    ------
    CatalogValueError
        For an invalid entry, incompatible modes, a missing range, or ``"auto"``
        with a processing level.

    Examples
    --------
    A band storing reflectance x 10000 with ``display_range (0, 4000)`` gives
    ``([(0, 4000, 0, 255)], 'Byte')`` for ``scaling="display"``.
    """
    views = band_views(bands, processing_level)
    if not views:
        raise CatalogValueError("scaling_parameters needs at least one band")
    parsed = [_entry(e, v) for e, v in zip(_per_band(scaling, views), views)]
    kinds = {k for k, _ in parsed} - {"none"}
    if len(kinds) > 1:
        raise CatalogValueError(
            f"scaling {scaling!r} mixes modes {sorted(kinds)}; only 'display', 'auto' and (min, max) "
            "entries (and None for unscaled bands) can be combined"
        )
    if processing_level is not None and any(s is not None and s[0] is None for _, s in parsed):
        raise CatalogValueError(f"'auto' scaling cannot be used with processing_level {processing_level!r}; "
                                "give explicit ranges instead")
    scales = [s for _, s in parsed]
    if data_type is None:
        data_type = _promote([_wanted_type(k, s, v) for (k, s), v in zip(parsed, views)])
    else:
        data_type = _data_type_name(data_type)
    return (None if all(s is None for s in scales) else scales), data_type


# ---- applying them ------------------------------------------------------------------------------------
def apply_processing(data: np.ndarray, views: Sequence[BandView]) -> np.ndarray:
    """``stored * gain + offset`` (float64) for the bands processed to a level; others unchanged.

    *data* has the bands on axis -3. Returns *data* itself when no band is processed.
    """
    if all(v.gain is None for v in views):
        return data
    out = data.astype(np.float64)
    for i, v in enumerate(views):
        if v.gain is not None:
            out[..., i, :, :] = out[..., i, :, :] * v.gain + v.offset
    return out


def _cast(values: np.ndarray, dtype: np.dtype, lo: float | None = None, hi: float | None = None) -> np.ndarray:
    if dtype.kind == "f":
        return values.astype(dtype)
    info = np.iinfo(dtype)
    lo = info.min if lo is None else max(lo, info.min)
    hi = info.max if hi is None else min(hi, info.max)
    if values.dtype.kind == "f":
        values = np.rint(values)
    elif values.dtype == dtype:
        return values
    return np.clip(values, lo, hi).astype(dtype)


def apply_scaling(data: np.ndarray, mask: np.ndarray, scales: Sequence[Any] | None, data_type: str) -> np.ndarray:
    """Scale each band of *data* and cast it to *data_type* (see the module docstring).

    Parameters
    ----------
    data, mask : numpy.ndarray
        Values and mask (``True`` = invalid), the bands on axis -3; ``"auto"``
        ranges are measured over all valid values of a band in *data*.
    scales : list or None
        As :func:`scaling_parameters` returns them.
    data_type : str
        The output GDAL data type name.

    Returns
    -------
    numpy.ndarray
        A new array of the output dtype, 0 under the mask.
    """
    dtype = numpy_dtype(data_type)
    out = np.empty(data.shape, dtype=dtype)
    nbands = data.shape[-3]
    for i in range(nbands):
        values, invalid = data[..., i, :, :], mask[..., i, :, :]
        scale = None if scales is None else scales[i]
        if scale is None:
            out[..., i, :, :] = _cast(values, dtype)
            continue
        a, b, c, d = scale
        if a is None:  # auto: the band's own range of valid values
            valid = values[~invalid]
            a, b = (float(valid.min()), float(valid.max())) if valid.size else (0.0, 1.0)
        v = values.astype(np.float64)
        if a == b:
            v = np.full(v.shape, float(c))
        else:
            v = (v - a) * (d - c) / (b - a) + c
        out[..., i, :, :] = _cast(v, dtype, min(c, d), max(c, d))
    out[mask] = 0
    return out
