"""The ``Image`` proxy: one raster of bands over the GeoContext it is computed for.

An Image is lazy like every proxy: ``Image.from_id`` names a catalog image,
band math and the other methods record operations, and ``compute(geoctx)``
searches, reads and computes only the pixels the result needs, returning an
:class:`~gpucompute.execution.results.ImageResult`.  Raster values are float32
in each band's physical range where the product declares one.
"""

from __future__ import annotations

from typing import Any

from gpucompute.types._imagery import BandInfo, ImageProperties
from gpucompute.types._imagery_bands import BandsMixin
from gpucompute.types._imagery_base import ImageryBase
from gpucompute.types._imagery_math import MathMixin
from gpucompute.types._imagery_values import ValuesMixin
from gpucompute.types._imagery_visualize import VisualizeMixin
from gpucompute.types.core import promote
from gpucompute.types.masked_array import MaskedArray
from gpucompute.types.primitives import NoneType, Str

__all__ = ["Image"]


class Image(BandsMixin, MathMixin, ValuesMixin, VisualizeMixin, ImageryBase):
    """A proxy image: ``ndarray`` ``(bands, y, x)``, ``properties`` and ``bandinfo``.

    ``properties`` always has ``id`` (Str), ``product`` (Str), ``date``
    (Datetime, UTC), ``crs`` (Str) and ``geotrans`` (6 floats); other keys are
    ``Any``.  ``bandinfo`` maps each band name to a dict with ``id``, ``name``
    and ``data_range``.  Create one with :meth:`from_id`; ``Image()`` raises.
    """

    __slots__ = ()
    _field_types = {"ndarray": MaskedArray, "properties": ImageProperties, "bandinfo": BandInfo}

    @classmethod
    def from_id(cls, image_id: Any, resampler: Any = None, processing_level: Any = None) -> Image:
        """The catalog image ``image_id`` (``["wf.Image.load", id, {resampler, processing_level}]``).

        Parameters
        ----------
        image_id : Str
            The catalog id of the image.
        resampler : Str, optional
            How to resample onto the GeoContext: one of near, bilinear, cubic,
            cubicspline, lanczos, average, mode, max, min, med, q1, q3 (near
            when omitted).
        processing_level : Str, optional
            A processing level the product's bands declare.
        """
        where = "Image.from_id"
        image_id = promote(image_id, Str, f"{where}() argument 'image_id'")
        resampler = _resampler(resampler, where)
        level = promote(processing_level, (Str, NoneType), f"{where}() argument 'processing_level'")
        return cls._from_apply("wf.Image.load", image_id, resampler=resampler, processing_level=level)

    @classmethod
    def from_scene(cls, scene: Any) -> Image:
        """The image of a catalog ``Image`` object (or anything with an ``id``)."""
        return cls.from_id(getattr(scene, "id", scene))

    @classmethod
    def _unmarshal(cls, value: Any) -> Any:
        from gpucompute.execution.results import ImageResult

        return ImageResult(value.pixels, value.properties, value.bandinfo, value.geocontext)


def _resampler(value: Any, where: str) -> Any:
    from gpucompute.errors import ProxyTypeError
    from gpucompute.raster import RESAMPLERS

    if isinstance(value, str) and value not in RESAMPLERS:
        raise ProxyTypeError(f"{where}: unknown resampler {value!r}; use one of {', '.join(RESAMPLERS)}")
    return promote(value, (Str, NoneType), f"{where}() argument 'resampler'")
