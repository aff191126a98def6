"""Small value objects held by catalog attributes: :class:`Resolution` and :class:`File`."""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

from gpucompute.catalog._enums import ResolutionUnit
from gpucompute.errors import CatalogValueError

__all__ = ["File", "Resolution"]


class Resolution:
    """A ground resolution: a positive ``value`` in ``unit`` (meters or degrees).

    Parameters
    ----------
    value : float
        Pixel size; must be a positive finite number.
    unit : str, default "meters"
        One of :class:`~gpucompute.catalog.ResolutionUnit`.
    """

    __slots__ = ("value", "unit")

    def __init__(self, value: float, unit: str = ResolutionUnit.METERS) -> None:
        if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) or value <= 0:
            raise CatalogValueError(f"Resolution value must be a positive finite number, got {value!r}")
        unit_value = unit.value if isinstance(unit, ResolutionUnit) else str(unit).lower()
        if unit_value not in ResolutionUnit.values():
            raise CatalogValueError(
                f"Resolution unit must be one of {ResolutionUnit.values()}, got {unit!r}"
            )
        self.value = float(value)
        self.unit = unit_value

    @classmethod
    def coerce(cls, value: Any) -> Resolution:
        """Build from a Resolution, a ``{"value", "unit"}`` mapping or a number (meters)."""
        if isinstance(value, Resolution):
            return cls(value.value, value.unit)
        if isinstance(value, dict):
            unknown = set(value) - {"value", "unit"}
            if unknown or "value" not in value:
                raise CatalogValueError(
                    f"a resolution mapping needs the keys 'value' and optionally 'unit', got {value!r}"
                )
            return cls(value["value"], value.get("unit", ResolutionUnit.METERS))
        if isinstance(value, Real) and not isinstance(value, bool):
            return cls(value)
        raise CatalogValueError(
            f"expected a Resolution, a {{'value', 'unit'}} dict or a number of meters, got {value!r}"
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON form ``{"value": ..., "unit": ...}``."""
        return {"value": self.value, "unit": self.unit}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Resolution):
            return NotImplemented
        return (self.value, self.unit) == (other.value, other.unit)

    def __hash__(self) -> int:
        return hash((self.value, self.unit))

    def __repr__(self) -> str:
        return f"Resolution(value={self.value!r}, unit={self.unit!r})"


class File:
    """A file of an image: where it is (``href``) and optionally its size and MD5 hash.

    For uploaded images ``href`` is a path relative to ``$GPUCOMPUTE_HOME/data``; for
    remote images it may be any URL.
    """

    __slots__ = ("href", "size_bytes", "hash", "provider_id", "provider_href")

    _FIELDS = ("href", "size_bytes", "hash", "provider_id", "provider_href")

    def __init__(
        self,
        href: str | None = None,
        size_bytes: int | None = None,
        hash: str | None = None,  # noqa: A002 - the catalog's attribute name
        provider_id: str | None = None,
        provider_href: str | None = None,
    ) -> None:
        if href is not None and not isinstance(href, str):
            raise CatalogValueError(f"File href must be a string, got {href!r}")
        if size_bytes is not None and (
            isinstance(size_bytes, bool) or not isinstance(size_bytes, int) or size_bytes < 0
        ):
            raise CatalogValueError(f"File size_bytes must be a non-negative integer, got {size_bytes!r}")
        for name, val in (("hash", hash), ("provider_id", provider_id), ("provider_href", provider_href)):
            if val is not None and not isinstance(val, str):
                raise CatalogValueError(f"File {name} must be a string, got {val!r}")
        self.href = href
        self.size_bytes = size_bytes
        self.hash = hash
        self.provider_id = provider_id
        self.provider_href = provider_href

    @classmethod
    def coerce(cls, value: Any) -> File:
        """Build from a File, a mapping of its fields, or an href string."""
        if isinstance(value, File):
            return cls(**value.to_dict())
        if isinstance(value, str):
            return cls(href=value)
        if isinstance(value, dict):
            unknown = set(value) - set(cls._FIELDS)
            if unknown:
                raise CatalogValueError(f"unknown File fields {sorted(unknown)}; known: {cls._FIELDS}")
            return cls(**value)
        raise CatalogValueError(f"expected a File, a dict or an href string, got {value!r}")

    def to_dict(self) -> dict[str, Any]:
        """The fields that are set, as a JSON-ready dict."""
        return {k: getattr(self, k) for k in self._FIELDS if getattr(self, k) is not None}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, File):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.to_dict().items())))

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.to_dict().items())
        return f"File({inner})"
