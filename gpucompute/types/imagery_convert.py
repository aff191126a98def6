"""Making imagery from other values: ``Array.to_imagery`` and ``rasterize`` of the vector types.

The array and vector modules call these functions from their methods (so they
need not import the imagery types at import time):

- :func:`to_imagery` records ``["wf.to_imagery", arr, properties, bandinfo]``
  and always returns an ``ImageCollection`` (a 3-D array is one image);
- :func:`rasterize` records ``["wf.rasterize", obj, value, ...]`` and returns
  an ``Image`` with one band named ``"features"``.
"""

from __future__ import annotations

from typing import Any

from gpucompute.errors import ProxyTypeError
from gpucompute.types._imagery import image_types
from gpucompute.types.core import _short, promote, type_name

__all__ = ["MERGE_ALGORITHMS", "rasterize", "to_imagery"]

#: How ``FeatureCollection.rasterize`` combines overlapping features.
MERGE_ALGORITHMS = ("add", "replace")


def to_imagery(arr: Any, properties: Any = None, bandinfo: Any = None) -> Any:
    """An ``ImageCollection`` made of the array ``arr`` (``wf.to_imagery``).

    Parameters
    ----------
    arr : Array or MaskedArray
        3-D ``(bands, y, x)`` (one image) or 4-D ``(images, bands, y, x)``.
    properties : dict or list of dict, optional
        A dict is given to every image, a list holds one dict per image;
        empty properties when omitted.
    bandinfo : dict, optional
        Band name -> band metadata, one entry per band in order; bands are
        named ``band_1`` ... ``band_N`` when omitted.

    Raises
    ------
    ProxyTypeError
        For properties that are not a dict or a list, or bandinfo that is not a dict.
    """
    from gpucompute.types.containers import Dict, List
    from gpucompute.types.proxify import proxify

    if not isinstance(properties, (type(None), dict, list, tuple, Dict, List)):
        raise ProxyTypeError(
            f"to_imagery: properties must be a dict (shared by every image) or a list of dicts (one per image), "
            f"got {type_name(properties)} ({_short(properties)})"
        )
    if not isinstance(bandinfo, (type(None), dict, Dict)):
        raise ProxyTypeError(f"to_imagery: bandinfo must be a dict of band name -> dict, got {type_name(bandinfo)} "
                             f"({_short(bandinfo)})")
    props = proxify(list(properties) if isinstance(properties, tuple) else properties)
    return image_types()[1]._from_apply("wf.to_imagery", arr, props, proxify(bandinfo))


def rasterize(obj: Any, value: Any = 1, default_value: Any = None, merge_algorithm: Any = None) -> Any:
    """An ``Image`` of ``obj`` burnt into the GeoContext's grid (``wf.rasterize``).

    Pixels inside the shape(s) hold ``value``; the others are masked (and 0).
    The geometry's coordinates are WGS84 longitude/latitude; they are
    projected to the GeoContext's CRS when computed.

    Parameters
    ----------
    obj : Geometry, GeometryCollection, Feature or FeatureCollection
    value : Int, Float or Str, default 1
        A number, or (Feature and FeatureCollection only) the name of a
        property holding each feature's number.
    default_value : Int or Float, optional
        Features only: the number used when the property ``value`` is missing
        (1 when omitted).
    merge_algorithm : Str, optional
        FeatureCollection only: ``"add"`` (the default) sums overlapping
        features, ``"replace"`` keeps the last one.

    Returns
    -------
    Image
        One band named ``"features"``; a Feature's properties, empty otherwise.
    """
    from gpucompute.types.feature import Feature, FeatureCollection
    from gpucompute.types.primitives import Float, Int, Str

    where = f"{type_name(obj)}.rasterize"
    features = isinstance(obj, (Feature, FeatureCollection))
    kinds = (Int, Float, Str) if features else (Int, Float)
    val = promote(value, kinds, f"{where}() argument 'value'")
    kwargs: dict[str, Any] = {}
    if features:
        kwargs["default_value"] = promote(1 if default_value is None else default_value, (Int, Float),
                                          f"{where}() argument 'default_value'")
    elif default_value is not None:
        raise ProxyTypeError(f"{where}() takes no default_value (only Features have properties to read)")
    if isinstance(obj, FeatureCollection):
        merge = "add" if merge_algorithm is None else merge_algorithm
        if isinstance(merge, str) and merge not in MERGE_ALGORITHMS:
            raise ProxyTypeError(f"{where}(): merge_algorithm must be one of {list(MERGE_ALGORITHMS)}, got {merge!r}")
        kwargs["merge_algorithm"] = promote(merge, Str, f"{where}() argument 'merge_algorithm'")
    elif merge_algorithm is not None:
        raise ProxyTypeError(f"{where}() takes no merge_algorithm (only a FeatureCollection has overlapping features)")
    return image_types()[0]._from_apply("wf.rasterize", obj, val, **kwargs)
