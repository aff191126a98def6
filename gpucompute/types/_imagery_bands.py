"""Bands and metadata of imagery: the methods ``Image`` and ``ImageCollection`` share.

Picking, unpacking, renaming and mapping over bands, appending the bands of
another value, and editing ``properties`` and ``bandinfo``.  Everything is
checked here, when the graph is built, as far as the arguments allow; what
depends on the data (which bands exist) is checked when it is computed.
The runtime side is :mod:`gpucompute.execution.builtins_imagery_bands`.
"""

from __future__ import annotations

from typing import Any

from gpucompute.errors import ProxyTypeError
from gpucompute.types._imagery import image_types
from gpucompute.types.core import Proxytype, _short, promote, type_name
from gpucompute.types.primitives import Bool, Int
from gpucompute.types.string import Str

__all__ = ["BandsMixin"]


def _band_names(bands: Any, where: str) -> list[Any]:
    """``bands`` (a space-separated str or a sequence) as a list of ``Str`` proxies, at least one."""
    if isinstance(bands, str):
        bands = bands.split()
    if not isinstance(bands, (list, tuple)):
        raise ProxyTypeError(f"{where}: expected a space-separated str or a list of band names, "
                             f"got {type_name(bands)} ({_short(bands)})")
    if not bands:
        raise ProxyTypeError(f"{where}: give at least one band name, got {_short(bands)}")
    return [promote(b, Str, f"{where} band {i}") for i, b in enumerate(bands)]


class BandsMixin:
    """Band and metadata methods of ``Image`` and ``ImageCollection`` (results have the same type)."""

    __slots__ = ()

    @property
    def nbands(self) -> Int:
        """The number of bands, as an ``Int`` (0 when empty; ``wf.nbands``)."""
        return Int._from_apply("wf.nbands", self)

    def pick_bands(self, bands: Any, allow_missing: Any = False) -> Any:
        """The same imagery with only ``bands``, in the order given.

        Parameters
        ----------
        bands : str, list of Str, or List[Str]
            Band names: a space-separated string (``"red green blue"``), a
            sequence of names, or a ``List[Str]`` proxy (``wf.pick_bands_list``).
            A name asked for twice gets ``_1``, ``_2``... on its repeats.
        allow_missing : Bool, default False
            Drop names the imagery does not have (all missing gives an empty
            value) instead of failing at compute time.

        Returns
        -------
        Image or ImageCollection
            Empty when this one is.
        """
        where = f"{type_name(self)}.pick_bands()"
        missing_ok = promote(allow_missing, Bool, f"{where} argument 'allow_missing'")
        if isinstance(bands, Proxytype) and not isinstance(bands, Str):
            from gpucompute.types.containers import List

            bands = promote(bands, List[Str], f"{where} argument 'bands'")
            return type(self)._from_apply("wf.pick_bands_list", self, bands, allow_missing=missing_ok)
        names = [bands] if isinstance(bands, Str) else _band_names(bands, where)
        return type(self)._from_apply("wf.pick_bands", self, *names, allow_missing=missing_ok)

    def unpack_bands(self, bands: Any) -> tuple:
        """A Python tuple with one single-band value per name (``pick_bands`` of each).

        Parameters
        ----------
        bands : str or sequence of str
            A space-separated string or a sequence of band names (not a proxy
            list: its length is not known before compute).
        """
        where = f"{type_name(self)}.unpack_bands()"
        if isinstance(bands, Proxytype):
            raise ProxyTypeError(f"{where}: needs band names known now (a str or a Python list), "
                                 f"got the proxy {type_name(bands)}; use pick_bands for a proxy list")
        return tuple(self.pick_bands([name]) for name in _band_names(bands, where))

    def rename_bands(self, *new_positional_names: Any, **new_names: Any) -> Any:
        """The same imagery with bands renamed, by position or by old name (not both).

        ``rename_bands("a", "b")`` names the first band ``a`` and the second
        ``b`` (``wf.rename_bands_positionally``: as many names as bands);
        ``rename_bands(red="r")`` renames band ``red`` (``wf.rename_bands``).
        """
        where = f"{type_name(self)}.rename_bands()"
        if new_positional_names and new_names:
            raise ProxyTypeError(f"{where}: give new names either by position {new_positional_names!r} or "
                                 f"by keyword {new_names!r}, not both")
        if not new_positional_names and not new_names:
            raise ProxyTypeError(f"{where}: give the new band names")
        if new_positional_names:
            names = [promote(n, Str, f"{where} name {i}") for i, n in enumerate(new_positional_names)]
            literal = [n for n in new_positional_names if isinstance(n, str)]
            if len(set(literal)) != len(literal):
                raise ProxyTypeError(f"{where}: the new band names must be unique, got {new_positional_names!r}")
            return type(self)._from_apply("wf.rename_bands_positionally", self, *names)
        renames = {old: promote(new, Str, f"{where} argument {old!r}") for old, new in new_names.items()}
        literal = [n for n in new_names.values() if isinstance(n, str)]
        if len(set(literal)) != len(literal):
            raise ProxyTypeError(f"{where}: the new band names must be unique, got {new_names!r}")
        return type(self)._from_apply("wf.rename_bands", self, **renames)

    def map_bands(self, func: Any) -> Any:
        """Apply ``func(name: Str, band)`` to each band (``band`` is a 1-band value of this type).

        If ``func`` returns an ``Image`` or ``ImageCollection``, the results'
        bands are concatenated into one value of that type
        (``wf.map_bands_imagery``; band names must be unique across results,
        and one empty result makes the whole result empty).  Otherwise the
        result is a ``Dict[Str, T]`` of band name -> ``func``'s result
        (``wf.map_bands``).
        """
        from gpucompute.types.containers import Dict
        from gpucompute.types.function import Function

        fn = Function._trace(func, (Str, type(self)), None, f"{type_name(self)}.map_bands")
        returned = fn._return_type
        if issubclass(returned, image_types()):
            return returned._from_apply("wf.map_bands_imagery", self, fn)
        return Dict[Str, returned]._from_apply("wf.map_bands", self, fn)

    def concat_bands(self, other: Any) -> Any:
        """This value's bands followed by ``other``'s (``wf.concat_bands``).

        A name ``other`` shares with this value gets ``_1`` (or the next free
        ``_N``).  An ``ImageCollection`` takes an ``Image`` (appended to every
        image) or an ``ImageCollection`` of the same length; an ``Image`` takes
        an ``Image``.  If either is empty the result is empty.
        """
        image, collection = image_types()
        wanted = (collection, image) if isinstance(self, collection) else (image,)
        other = promote(other, wanted, f"{type_name(self)}.concat_bands() argument 'other'")
        return type(self)._from_apply("wf.concat_bands", self, other)

    def with_properties(self, **properties: Any) -> Any:
        """The same imagery with ``properties`` set (overwriting); for a collection, on every image.

        Values are proxies or Python values with a proxy type (numbers,
        strings, datetimes, lists, dicts...).
        """
        from gpucompute.types.proxify import proxify

        where = f"{type_name(self)}.with_properties()"
        values = {k: _proxify(proxify, v, f"{where} argument {k!r}") for k, v in properties.items()}
        return type(self)._from_apply("wf.with_properties", self, **values)

    def without_properties(self, *property_keys: Any) -> Any:
        """The same imagery without the given property keys (keys it lacks are ignored)."""
        where = f"{type_name(self)}.without_properties()"
        keys = [promote(k, Str, f"{where} key {i}") for i, k in enumerate(property_keys)]
        return type(self)._from_apply("wf.without_properties", self, *keys)

    def with_bandinfo(self, band: Any, **bandinfo: Any) -> Any:
        """The same imagery with the fields ``bandinfo`` set on ``band``'s band info (overwriting)."""
        from gpucompute.types.proxify import proxify

        where = f"{type_name(self)}.with_bandinfo()"
        name = promote(band, Str, f"{where} argument 'band'")
        values = {k: _proxify(proxify, v, f"{where} argument {k!r}") for k, v in bandinfo.items()}
        return type(self)._from_apply("wf.with_bandinfo", self, name, **values)

    def without_bandinfo(self, band: Any, *bandinfo_keys: Any) -> Any:
        """The same imagery without the given fields in ``band``'s band info (missing fields are ignored)."""
        where = f"{type_name(self)}.without_bandinfo()"
        name = promote(band, Str, f"{where} argument 'band'")
        keys = [promote(k, Str, f"{where} key {i}") for i, k in enumerate(bandinfo_keys)]
        return type(self)._from_apply("wf.without_bandinfo", self, name, *keys)


def _proxify(proxify: Any, value: Any, where: str) -> Any:
    """A metadata value as a proxy; imagery is not metadata."""
    if isinstance(value, image_types()):
        raise ProxyTypeError(f"{where}: metadata values cannot be imagery, got {type_name(value)}; "
                             "store a number or string computed from it instead")
    try:
        return proxify(value)
    except ProxyTypeError as exc:
        raise ProxyTypeError(f"{where}: {exc}") from None
