"""What Image and ImageCollection share: their three fields, promotion and how results come back."""

from __future__ import annotations

from typing import Any

from gpucompute.errors import ProxyTypeError
from gpucompute.types.core import Proxytype, _short, own_or_cast, type_name
from gpucompute.types.masked_array import MaskedArray

__all__ = ["ImageryBase"]


class ImageryBase(Proxytype):
    """Base of the imagery proxies: ``ndarray``, ``properties`` and ``bandinfo`` fields.

    The fields are read with ``wf.getattr``, as for a ``Struct``; each field's
    proxy is made once per object.
    """

    __slots__ = ("_fields_cache",)
    #: Field name -> proxy type (set by each class).
    _field_types: dict[str, type] = {}

    def _field(self, name: str) -> Any:
        try:
            cache = object.__getattribute__(self, "_fields_cache")
        except AttributeError:
            cache = {}
            object.__setattr__(self, "_fields_cache", cache)
        proxy = cache.get(name)
        if proxy is None:
            proxy = cache[name] = type(self)._field_types[name]._from_apply("wf.getattr", self, name)
        return proxy

    @property
    def ndarray(self) -> MaskedArray:
        """The pixels as a ``MaskedArray`` proxy (``True`` in the mask = invalid)."""
        return self._field("ndarray")

    @property
    def properties(self) -> Any:
        """Metadata (see the class docstring for the fields it always has)."""
        return self._field("properties")

    @property
    def bandinfo(self) -> Any:
        """Band name -> metadata (``id``, ``name``, ``data_range`` and more), in band order."""
        return self._field("bandinfo")

    @classmethod
    def _promote(cls, value: Any) -> Any:
        promoted = own_or_cast(cls, value)
        if promoted is not None:
            return promoted
        raise ProxyTypeError(f"expected {type_name(cls)}, got {type_name(value)} ({_short(value)})")
