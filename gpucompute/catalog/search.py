"""Immutable query builders: ``Product.search().filter(...).sort(...).limit(...)``.

Every method returns a new search; a search runs when it is iterated, counted,
collected or summarised, so it can be reused and refined. ``intersects`` first
narrows candidates with the table's R*Tree of EPSG:4326 bounds and then keeps
those whose geometry really intersects (an exact shapely test).
"""

from __future__ import annotations

import copy
import sqlite3
from dataclasses import dataclass, field
from typing import Any, Iterator

import shapely
from shapely.prepared import prep

from gpucompute.catalog._compound import Geometry, to_geometry
from gpucompute.catalog._db import Catalog, get_catalog
from gpucompute.catalog._schema import RTREE_SUFFIX, table_attributes
from gpucompute.catalog.properties import Expression, resolve
from gpucompute.errors import CatalogValueError

__all__ = ["Search", "SearchAOI", "search_geometry"]


def search_geometry(value: Any) -> shapely.Geometry:
    """The EPSG:4326 shapely geometry of a GeoJSON mapping, shapely geometry or GeoContext-like."""
    if isinstance(value, shapely.Geometry) or isinstance(value, dict):
        return to_geometry(value, "intersects() geometry")
    geom = getattr(value, "geometry", None)
    if geom is not None:
        return to_geometry(geom, "intersects() geometry")
    bounds = getattr(value, "bounds", None)
    if bounds is not None and not hasattr(value, "__geo_interface__"):
        from pyproj import Transformer

        src = getattr(value, "bounds_crs", None) or "EPSG:4326"
        if src != "EPSG:4326":
            t = Transformer.from_crs(src, "EPSG:4326", always_xy=True)
            bounds = t.transform_bounds(*bounds, densify_pts=21)
        return to_geometry(shapely.box(*bounds), "intersects() bounds")
    return to_geometry(value, "intersects() geometry")


@dataclass(frozen=True)
class SearchAOI:
    """The area of interest of a search (``collection.geocontext`` after ``intersects``)."""

    geometry: shapely.Geometry
    bounds: tuple[float, float, float, float] = field(init=False)
    bounds_crs: str = "EPSG:4326"
    crs: str | None = None
    resolution: float | None = None
    shape: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "bounds", tuple(self.geometry.bounds))

    @property
    def __geo_interface__(self) -> dict:
        return shapely.geometry.mapping(self.geometry)

    def __repr__(self) -> str:
        wkt = self.geometry.wkt
        short = wkt if len(wkt) < 60 else wkt[:28] + "....." + wkt[-20:]
        return f"AOI(geometry=<{short}>,\n    bounds={self.bounds!r},\n    bounds_crs={self.bounds_crs!r})"


class Search:
    """A query over one catalog class. Use ``Cls.search()`` rather than building one directly.

    Parameters
    ----------
    model : type
        The catalog class searched (``Product``, ``Image`` ...).
    client : Catalog, optional
        The catalog to search; default :func:`gpucompute.catalog.get_catalog`.
    """

    def __init__(self, model: type, client: Catalog | None = None) -> None:
        self._model = model
        self._client = client
        self._filters: tuple[Expression, ...] = ()
        self._intersects: shapely.Geometry | None = None
        self._sort: tuple[str, bool] | None = None
        self._limit: int | None = None
        base = model._base_filter() if hasattr(model, "_base_filter") else None
        if base is not None:
            self._filters = (base,)

    def _copy(self, **changes: Any) -> Search:
        new = copy.copy(self)
        for key, value in changes.items():
            setattr(new, f"_{key}", value)
        return new

    @property
    def _attrs(self) -> dict:
        return table_attributes(self._model._table)

    @property
    def client(self) -> Catalog:
        """The catalog searched (the default one unless the search was given a client)."""
        return self._client or get_catalog()

    # ---- refining ------------------------------------------------------------------------------
    def filter(self, expression: Expression | None = None) -> Search:
        """Keep objects matching *expression* (ANDed with earlier filters); no argument keeps all."""
        if expression is None:
            return self._copy()
        if not isinstance(expression, Expression):
            raise CatalogValueError(
                f"filter() takes a property expression such as properties.cloud_fraction < 0.2, got {expression!r}"
            )
        expression.compile(self._attrs)  # unknown properties and bad values fail here
        return self._copy(filters=self._filters + (expression,))

    def intersects(self, geometry: Any) -> Search:
        """Keep objects whose geometry intersects *geometry* (lon/lat); replaces an earlier one.

        *geometry* may be a GeoJSON mapping or Feature, a shapely geometry, or a
        GeoContext-like object with ``geometry`` (or ``bounds`` and ``bounds_crs``).
        """
        if not any(isinstance(a.kind, Geometry) for a in self._attrs.values()):
            raise CatalogValueError(f"{self._model.__name__} objects have no geometry to intersect")
        return self._copy(intersects=search_geometry(geometry))

    def sort(self, field: str, ascending: bool = True) -> Search:
        """Order results by *field*; a leading ``-`` (``"-acquired"``) sorts descending."""
        if not isinstance(field, str) or not field.lstrip("-"):
            raise CatalogValueError(f"sort() needs a property name, got {field!r}")
        if field.startswith("-"):
            field, ascending = field[1:], False
        resolve(field, self._attrs, sorting=True)
        return self._copy(sort=(field, bool(ascending)))

    def limit(self, limit: int | None) -> Search:
        """Return at most *limit* objects (None removes the limit)."""
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            raise CatalogValueError(f"limit() needs a non-negative integer or None, got {limit!r}")
        return self._copy(limit=limit)

    def find_text(self, text: str) -> Search:
        """Keep objects whose name, description or id contain *text* (case-insensitive)."""
        if not isinstance(text, str):
            raise CatalogValueError(f"find_text() needs a string, got {text!r}")
        cols = [c for c in ("name", "description", "id") if c in self._attrs]
        return self._copy(filters=self._filters + (_TextMatch(cols, text),))

    # ---- running ---------------------------------------------------------------------------------
    def _where(self) -> tuple[str, list]:
        clauses, params = [], []
        for f in self._filters:
            sql, ps = f.compile(self._attrs)
            clauses.append(f"({sql})")
            params.extend(ps)
        if self._intersects is not None:
            minx, miny, maxx, maxy = self._intersects.bounds
            clauses.append(
                f"pk IN (SELECT id FROM {self._model._table}{RTREE_SUFFIX} "
                "WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?)"
            )
            params.extend([maxx, minx, maxy, miny])
        return (" AND ".join(clauses) or "1"), params

    def _rows(self, columns: str = "*") -> Iterator[sqlite3.Row]:
        where, params = self._where()
        sql = f"SELECT {columns} FROM {self._model._table} WHERE {where}"
        if self._sort is not None:
            col = resolve(self._sort[0], self._attrs, sorting=True)
            sql += f" ORDER BY {col.sql} {'ASC' if self._sort[1] else 'DESC'}, pk"
            params = params + col.params
        else:
            sql += " ORDER BY pk"
        if self._intersects is None:
            if self._limit is not None:
                sql += " LIMIT ?"
                params = params + [self._limit]
            yield from self.client.query(sql, params)
            return
        query = prep(self._intersects)
        geom_col = next(n for n, a in self._attrs.items() if isinstance(a.kind, Geometry))
        n = 0
        for row in self.client.query(sql, params):
            if self._limit is not None and n >= self._limit:
                return
            raw = row[geom_col]
            if raw is not None and query.intersects(shapely.from_wkb(raw)):
                n += 1
                yield row

    def __iter__(self) -> Iterator[Any]:
        for row in self._rows():
            obj = self._model._from_row(row, self._client)
            if obj is not None:
                yield obj

    def count(self) -> int:
        """How many objects iterating would yield (the limit included)."""
        if self._intersects is not None:
            geom_col = next(n for n, a in self._attrs.items() if isinstance(a.kind, Geometry))
            return sum(1 for _ in self._rows(f"pk, {geom_col}"))
        where, params = self._where()
        total = self.client.query(f"SELECT COUNT(*) FROM {self._model._table} WHERE {where}", params)[0][0]
        return total if self._limit is None else min(total, self._limit)

    def collect(self, **kwargs: Any):
        """Run the search and return the model's collection (``ImageCollection`` ...)."""
        items = list(self)
        collection = self._model._collection_class(items, **kwargs)
        if self._intersects is not None and hasattr(collection, "geocontext") and collection.geocontext is None:
            collection.geocontext = SearchAOI(self._intersects)
        return collection

    def __repr__(self) -> str:
        parts = [f"{self._model.__name__}.search()"]
        parts += [f".filter({f.to_dict()!r})" for f in self._filters]
        if self._intersects is not None:
            parts.append(f".intersects(<{self._intersects.geom_type}>)")
        if self._sort is not None:
            parts.append(f".sort({self._sort[0]!r}, ascending={self._sort[1]})")
        if self._limit is not None:
            parts.append(f".limit({self._limit})")
        return "".join(parts)


class _TextMatch(Expression):
    """Case-insensitive substring match over several text columns (``find_text``)."""

    op = "text"

    def __init__(self, columns: list[str], text: str) -> None:
        self.columns, self.text = columns, text

    def compile(self, attrs: dict) -> tuple[str, list]:
        if not self.columns:
            return "0", []
        sql = " OR ".join(f"instr(lower({c}), ?) > 0" for c in self.columns)
        return sql, [self.text.lower()] * len(self.columns)

    def evaluate(self, obj: Any, attrs: dict) -> bool | None:
        needle = self.text.lower()
        return any(needle in (getattr(obj, c, None) or "").lower() for c in self.columns)

    def to_dict(self) -> dict[str, Any]:
        return {"op": "text", "columns": self.columns, "value": self.text}
