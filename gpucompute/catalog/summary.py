"""Summaries of image and blob searches: counts, total bytes, products or namespaces, time buckets."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Callable

from gpucompute.catalog._expressions import Compare
from gpucompute.catalog._kinds import parse_datetime
from gpucompute.catalog.search import Search
from gpucompute.errors import CatalogValueError

__all__ = ["SummaryResult", "ImageSearch", "BlobSearch", "INTERVALS"]


def _floor_year(d: datetime) -> datetime:
    return d.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)


def _floor_quarter(d: datetime) -> datetime:
    return _floor_year(d).replace(month=3 * ((d.month - 1) // 3) + 1)


def _floor_month(d: datetime) -> datetime:
    return d.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _floor_week(d: datetime) -> datetime:
    day = d.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def _add_months(d: datetime, n: int) -> datetime:
    m = d.month - 1 + n
    return d.replace(year=d.year + m // 12, month=m % 12 + 1)


#: interval name -> (floor to the bucket start, step to the next bucket start)
INTERVALS: dict[str, tuple[Callable[[datetime], datetime], Callable[[datetime], datetime]]] = {
    "year": (_floor_year, lambda d: d.replace(year=d.year + 1)),
    "quarter": (_floor_quarter, lambda d: _add_months(d, 3)),
    "month": (_floor_month, lambda d: _add_months(d, 1)),
    "week": (_floor_week, lambda d: d + timedelta(days=7)),
    "day": (lambda d: d.replace(hour=0, minute=0, second=0, microsecond=0), lambda d: d + timedelta(days=1)),
    "hour": (lambda d: d.replace(minute=0, second=0, microsecond=0), lambda d: d + timedelta(hours=1)),
    "minute": (lambda d: d.replace(second=0, microsecond=0), lambda d: d + timedelta(minutes=1)),
}


class SummaryResult:
    """Aggregate statistics of a search.

    Attributes
    ----------
    count : int
    bytes : int
        Total size of the files (images) or data (blobs).
    products / namespaces : list of str
        The distinct product ids (image searches) or namespaces (blob searches).
    interval_start : datetime or None
        Start of the bucket, for :meth:`summary_interval` results.
    """

    def __init__(self, count: int = 0, bytes: int = 0, *, group_name: str, groups: list[str] | None = None,  # noqa: A002
                 interval_start: datetime | None = None, word: str = "items") -> None:
        self.count, self.bytes, self.interval_start = count, bytes, interval_start
        self._group_name, self._word = group_name, word
        setattr(self, group_name, sorted(groups or []))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SummaryResult):
            return NotImplemented
        return vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        lines = [f"Summary for {self.count} {self._word}:", f" - Total bytes: {self.bytes:,}"]
        groups = getattr(self, self._group_name)
        if groups:
            lines.append(f" - {self._group_name.capitalize()}: {', '.join(groups)}")
        if self.interval_start is not None:
            lines.append(f" - Interval start: {self.interval_start}")
        return "\n".join(lines)


class _SummarySearch(Search):
    _group_field = ""
    _group_name = ""
    _date_field = "created"
    _word = "items"

    def _size(self, row: Any) -> int:
        raise NotImplementedError

    def _result(self, rows: list, start: datetime | None = None) -> SummaryResult:
        return SummaryResult(
            len(rows), sum(self._size(r) for r in rows), group_name=self._group_name,
            groups=list({r[self._group_field] for r in rows if r[self._group_field] is not None}),
            interval_start=start, word=self._word,
        )

    def summary(self) -> SummaryResult:
        """Count, total bytes and the distinct products (or namespaces) of the matches."""
        return self._result(list(self._rows()))

    def summary_interval(self, aggregate_date_field: str | None = None, interval: str = "year",
                         start_datetime: Any = None, end_datetime: Any = None) -> list[SummaryResult]:
        """Summaries bucketed by *interval* of *aggregate_date_field*.

        Parameters
        ----------
        aggregate_date_field : str, optional
            A datetime attribute (default ``acquired`` for images, ``created`` for blobs).
        interval : str
            One of ``year``, ``quarter``, ``month``, ``week``, ``day``, ``hour``, ``minute``.
        start_datetime, end_datetime : datetime or str, optional
            Only count objects with ``start <= field < end``.

        Returns
        -------
        list of SummaryResult
            One per bucket from the first to the last bucket holding a match, in
            time order (buckets in between that hold nothing have count 0).
        """
        field = aggregate_date_field or self._date_field
        if interval not in INTERVALS:
            raise CatalogValueError(f"interval must be one of {list(INTERVALS)}, got {interval!r}")
        search = self
        if start_datetime is not None:
            search = search.filter(Compare(field, "ge", parse_datetime(start_datetime, "start_datetime")))
        if end_datetime is not None:
            search = search.filter(Compare(field, "lt", parse_datetime(end_datetime, "end_datetime")))
        search = search.filter(Compare(field, "ne", None))
        floor, step = INTERVALS[interval]
        buckets: dict[datetime, list] = {}
        for row in search._rows():
            when = parse_datetime(row[field], field)
            buckets.setdefault(floor(when), []).append(row)
        if not buckets:
            return []
        out, start, last = [], min(buckets), max(buckets)
        while start <= last:
            out.append(self._result(buckets.get(start, []), start))
            start = step(start)
        return out


class ImageSearch(_SummarySearch):
    """Image search with :meth:`summary` and :meth:`summary_interval`."""

    _group_field = "product_id"
    _group_name = "products"
    _date_field = "acquired"
    _word = "images"

    def _size(self, row: Any) -> int:
        files = json.loads(row["files"] or "[]")
        return sum(int(f.get("size_bytes") or 0) for f in files)


class BlobSearch(_SummarySearch):
    """Blob search with summaries and ``namespace`` / ``prefix`` shortcuts."""

    _group_field = "namespace"
    _group_name = "namespaces"
    _date_field = "created"
    _word = "blobs"

    def _size(self, row: Any) -> int:
        return int(row["size_bytes"] or 0)

    def namespace(self, namespace: str) -> BlobSearch:
        """Keep blobs in *namespace* (prefixed with the organisation like new blobs are)."""
        from gpucompute.catalog.blob import full_namespace

        return self.filter(Compare("namespace", "eq", full_namespace(namespace, self.client)))

    def prefix(self, prefix: str) -> BlobSearch:
        """Keep blobs whose name starts with *prefix* (folder-like listing)."""
        from gpucompute.catalog.properties import properties as p

        return self.filter(p.name.prefix(prefix))

