"""Datetime and Timedelta at build time: constructors, promotion, operator types."""

from __future__ import annotations

import datetime
import operator

import numpy as np
import pytest

from gpucompute.errors import ProxyTypeError
from gpucompute.graft.client import consistent_guid
from gpucompute.types.containers import Tuple
from gpucompute.types.datetimes import Datetime, Timedelta
from gpucompute.types.primitives import Bool, Float, Int


def test_components_constructor_passes_every_field_by_keyword():
    with consistent_guid():
        dt = Datetime(2019, 6)
    fields = ["year", "month", "day", "hour", "minute", "second", "microsecond"]
    assert dt.graft["7"] == ["wf.datetime.from_components", {f: str(i) for i, f in enumerate(fields)}]
    assert [dt.graft[str(i)] for i in range(7)] == [2019, 6, 1, 0, 0, 0, 0]


def test_timedelta_components():
    with consistent_guid():
        td = Timedelta(hours=2)
    names = ["days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"]
    assert td.graft["7"] == ["wf.timedelta.from_components", {n: str(i) for i, n in enumerate(names)}]
    assert td.graft["5"] == 2
    with pytest.raises(ProxyTypeError):
        Timedelta(days="1")


@pytest.mark.parametrize(
    "value, builtin",
    [
        (datetime.datetime(2020, 1, 2, 3, 4, 5), "wf.datetime.from_string"),
        (datetime.date(2020, 1, 2), "wf.datetime.from_string"),
        ("2020-01-02T03:04:05Z", "wf.datetime.from_string"),
        (np.datetime64("2020-01-02"), "wf.datetime.from_string"),
        (1_600_000_000, "wf.datetime.from_timestamp"),
        (1.6e9, "wf.datetime.from_timestamp"),
    ],
)
def test_promotion(value, builtin):
    dt = Datetime._promote(value)
    assert type(dt) is Datetime and dt.graft[dt.graft["returns"]][0] == builtin


def test_promotion_rejects_other_values():
    for bad in (True, [2020], Int(5)):
        with pytest.raises(ProxyTypeError):
            Datetime._promote(bad)
    with pytest.raises(ProxyTypeError):
        Timedelta._promote(5)
    assert type(Timedelta._promote(datetime.timedelta(days=1, seconds=3))) is Timedelta


def test_fields_are_ints_read_with_getattr():
    dt = Datetime(2020)
    for name in ("year", "month", "day", "hour", "minute", "second", "microsecond"):
        field = getattr(dt, name)
        assert type(field) is Int and field.graft[field.graft["returns"]][0] == "wf.getattr"
    td = Timedelta(days=1)
    assert type(td.days) is Int and type(td.total_seconds()) is Float


DT, TD = Datetime(2020), Timedelta(days=1)


@pytest.mark.parametrize(
    "build, expected",
    [
        (lambda: DT + TD, Datetime),
        (lambda: TD + DT, Datetime),
        (lambda: DT + datetime.timedelta(1), Datetime),
        (lambda: DT - TD, Datetime),
        (lambda: DT - DT, Timedelta),
        (lambda: DT - "2019-01-01", Timedelta),
        (lambda: datetime.datetime(2021, 1, 1) - DT, Timedelta),
        (lambda: DT % TD, Timedelta),
        (lambda: DT // TD, Datetime),
        (lambda: divmod(DT, TD), Tuple[Datetime, Timedelta]),
        (lambda: DT < "2021-01-01", Bool),
        (lambda: DT == Datetime(2021), Bool),
        (lambda: DT.is_between("2019-01-01", DT), Bool),
        (lambda: TD + TD, Timedelta),
        (lambda: TD - TD, Timedelta),
        (lambda: TD * 2, Timedelta),
        (lambda: 2.5 * TD, Timedelta),
        (lambda: Int(2) * TD, Timedelta),
        (lambda: TD / TD, Float),
        (lambda: TD / 2, Timedelta),
        (lambda: TD // TD, Int),
        (lambda: TD // 2, Timedelta),
        (lambda: TD % TD, Timedelta),
        (lambda: divmod(TD, TD), Tuple[Int, Timedelta]),
        (lambda: -TD, Timedelta),
        (lambda: abs(TD), Timedelta),
        (lambda: TD >= datetime.timedelta(0), Bool),
    ],
)
def test_operator_result_types(build, expected):
    assert type(build()) is expected


@pytest.mark.parametrize(
    "build",
    [
        lambda: DT + DT,
        lambda: DT + 1,
        lambda: DT * 2,
        lambda: TD - DT,
        lambda: DT < [2020],
        lambda: TD + 1,
        lambda: TD * "x",
        lambda: TD // 2.5,
        lambda: -DT,
        lambda: TD < DT,
        lambda: DT.is_between(1.5j, DT),
        lambda: operator.mod(TD, 2),
    ],
)
def test_wrong_operands_raise_at_build_time(build):
    with pytest.raises(ProxyTypeError):
        build()
