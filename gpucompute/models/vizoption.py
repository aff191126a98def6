"""``VizOption``: how a published version should be shown on a map (bands, scales, colormap ...)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from gpucompute.errors import CatalogValueError, ProxyTypeError
from gpucompute.server.layers import REDUCTIONS

__all__ = ["REDUCTIONS", "VizOption", "check_colormap", "check_scales", "check_viz_options"]

_FIELDS = {"id", "bands", "checkerboard", "colormap", "reduction", "scales", "description"}


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check_scales(scales: Any) -> list | None:
    """``scales`` as a JSON list: ``None`` (scale each tile automatically), ``[min, max]`` for every band,
    or one ``[min, max]`` (or ``None``) per band for up to 3 bands.

    Raises
    ------
    CatalogValueError
        For anything else (names the offending value).
    """
    if scales is None:
        return None
    if not isinstance(scales, Sequence) or isinstance(scales, (str, bytes)):
        raise CatalogValueError(f"scales must be None, [min, max] or a list of up to 3 [min, max], got {scales!r}")
    items = list(scales)
    if len(items) == 2 and all(_number(v) for v in items):
        return [[float(items[0]), float(items[1])]]
    if not 1 <= len(items) <= 3:
        raise CatalogValueError(f"scales may hold 1 to 3 [min, max] pairs (one per band), got {len(items)}: "
                                f"{scales!r}")
    out: list = []
    for i, pair in enumerate(items):
        if pair is None:
            out.append(None)
            continue
        if (not isinstance(pair, Sequence) or isinstance(pair, (str, bytes)) or len(pair) != 2
                or not all(_number(v) for v in pair)):
            raise CatalogValueError(f"scales[{i}] must be [min, max] with two finite numbers (or None for "
                                    f"automatic), got {pair!r}")
        out.append([float(pair[0]), float(pair[1])])
    return out


def check_colormap(name: Any) -> str | None:
    """``name`` if it is None or a matplotlib colormap name (the tile server's rule), else CatalogValueError."""
    from gpucompute.server.render import check_colormap as server_check

    try:
        return server_check(name)
    except ProxyTypeError as exc:
        raise CatalogValueError(str(exc)) from None


class VizOption:
    """Display settings stored with a published version.

    Parameters
    ----------
    id : str
        A name for this set of options (e.g. ``"rgb"``).
    bands : str or list of str, optional
        Up to 3 band names to show (a string is split on spaces or commas).
    checkerboard : bool
        Show masked pixels as a checkerboard.
    colormap : str, optional
        A matplotlib colormap name, for one-band images.
    reduction : str
        How an ImageCollection becomes one image: one of :data:`REDUCTIONS`.
    scales : list, optional
        ``[min, max]`` or up to 3 ``[min, max]`` pairs; None scales each tile automatically.
    description : str
        Free text.

    Raises
    ------
    CatalogValueError
        For any invalid setting.
    """

    def __init__(self, id: str, bands: str | Sequence[str] | None = None, checkerboard: bool = False,
                 colormap: str | None = None, reduction: str = "mosaic", scales: Any = None,
                 description: str = "") -> None:
        if not isinstance(id, str) or not id:
            raise CatalogValueError(f"a VizOption needs a non-empty string id, got {id!r}")
        self.id = id
        self.bands = _check_bands(bands)
        if not isinstance(checkerboard, bool):
            raise CatalogValueError(f"checkerboard must be True or False, got {checkerboard!r}")
        self.checkerboard = checkerboard
        self.colormap = check_colormap(colormap)
        if reduction not in REDUCTIONS:
            raise CatalogValueError(f"reduction must be one of {list(REDUCTIONS)}, got {reduction!r}")
        self.reduction = reduction
        self.scales = check_scales(scales)
        if not isinstance(description, str):
            raise CatalogValueError(f"description must be a string, got {description!r}")
        self.description = description

    def to_dict(self) -> dict[str, Any]:
        """The options as a JSON-ready dict (the stored form)."""
        return {"id": self.id, "bands": self.bands, "checkerboard": self.checkerboard, "colormap": self.colormap,
                "reduction": self.reduction, "scales": self.scales, "description": self.description}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> VizOption:
        """Rebuild (and re-validate) options stored by :meth:`to_dict`."""
        if not isinstance(data, Mapping) or not set(data) <= _FIELDS or "id" not in data:
            raise CatalogValueError(f"not stored VizOption settings: {data!r:.200}")
        return cls(**data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VizOption) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.to_dict().items() if v not in (None, "", False))
        return f"VizOption({fields})"


def _check_bands(bands: Any) -> list[str] | None:
    if bands is None:
        return None
    if isinstance(bands, str):
        bands = [b for b in bands.replace(",", " ").split() if b]
    if (not isinstance(bands, Sequence) or not all(isinstance(b, str) and b for b in bands)
            or not 1 <= len(bands) <= 3):
        raise CatalogValueError(f"bands must be 1 to 3 band names (a list of strings or 'red green blue'), "
                                f"got {bands!r}")
    return list(bands)


def check_viz_options(options: Any) -> list[VizOption]:
    """A list of :class:`VizOption` from ``None``, one option, or a list of options / their dicts."""
    if options is None:
        return []
    if isinstance(options, (VizOption, Mapping)):
        options = [options]
    if not isinstance(options, Sequence) or isinstance(options, (str, bytes)):
        raise CatalogValueError(f"viz_options must be a list of VizOption, got {options!r:.200}")
    out = [o if isinstance(o, VizOption) else VizOption.from_dict(o) if isinstance(o, Mapping) else None
           for o in options]
    if any(o is None for o in out):
        raise CatalogValueError(f"viz_options must be a list of VizOption, got {options!r:.200}")
    ids = [o.id for o in out]
    if len(set(ids)) != len(ids):
        raise CatalogValueError(f"viz_options ids must be unique, got {ids}")
    return out
