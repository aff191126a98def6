"""Every builtin the language types register, computed and compared with plain Python.

A case draws random Python inputs, and one expression is applied twice: to
the inputs turned into proxies (the value under test) and to the inputs
themselves (the oracle; a separate oracle where Python spells it
differently).  The proxy is computed on every backend, its graft is sent
through JSON and computed again, and both results must equal Python's,
with the same Python types.  ``test_every_registered_builtin_is_exercised``
checks that the cases together apply every builtin that ``builtins_core``,
``builtins_str`` and ``builtins_datetime`` register.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import json
import math
import operator

import numpy as np
import pytest

from gpucompute.execution import load_builtins
from gpucompute.types import constants
from gpucompute.types import containers as wfc
from gpucompute.types.anytype import Any
from gpucompute.types.conditional import ifelse
from gpucompute.types.containers import Dict, List, Slice, Struct, Tuple
from gpucompute.types.datetimes import Datetime, Timedelta
from gpucompute.types.debugging import sleep
from gpucompute.types.function import Function
from gpucompute.types.primitives import Bool, Float, Int, Str

UTC = datetime.timezone.utc
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)
ALPHABET = list("abcXYZ 019\t\n-_.,")
MY_MODULES = {f"gpucompute.execution.builtins_{m}" for m in ("core", "str", "datetime")}
DT, TD = Datetime._promote, Timedelta._promote


# -- random inputs ------------------------------------------------------------------------------
def rand_int(rng, lo=-50, hi=50):
    return int(rng.integers(lo, hi))


def rand_float(rng, lo=-400, hi=400):
    # multiples of 1/4 are exact in float32, so JAX's single precision agrees with Python
    return float(rng.integers(lo, hi)) / 4


def rand_str(rng, n=None):
    n = int(rng.integers(0, 12)) if n is None else n
    return "".join(rng.choice(ALPHABET, n))


def rand_ints(rng, n=None):
    return [rand_int(rng) for _ in range(int(rng.integers(1, 8)) if n is None else n)]


def rand_datetime(rng):
    when = datetime.datetime.fromtimestamp(int(rng.integers(0, 4_000_000_000)), tz=UTC)
    return when + datetime.timedelta(microseconds=int(rng.integers(0, 10**6)))


def rand_timedelta(rng, positive=False):
    days = int(rng.integers(1 if positive else -500, 500))
    return datetime.timedelta(days=days, seconds=int(rng.integers(0, 86400)), microseconds=int(rng.integers(0, 10**6)))


def nonzero(x):
    return x if x != 0 else 1


# -- the case table -------------------------------------------------------------------------------
#: name -> (draw inputs, expression, proxy constructor per input (None: leave as is), separate oracle)
CASES: dict[str, tuple] = {}


def case(name, draw, expr, wrap=(), oracle=None):
    """Register a case: ``expr(*wrapped inputs)`` is the proxy, ``(oracle or expr)(*inputs)`` Python's value."""
    assert name not in CASES, name
    CASES[name] = (draw, expr, tuple(wrap), oracle)


def build(name, rng):
    draw, expr, wrap, oracle = CASES[name]
    inputs = draw(rng)
    wraps = list(wrap) + [None] * (len(inputs) - len(wrap))
    wrapped = [w(v) if w else v for w, v in zip(wraps, inputs)]
    return expr(*wrapped), (oracle or expr)(*inputs)


def same(got, expected):
    """Equal values of the same Python type, floats within single precision."""
    if isinstance(expected, float):
        return type(got) is float and (math.isclose(got, expected, rel_tol=2e-6, abs_tol=1e-9)
                                       or (math.isnan(got) and math.isnan(expected)))
    if isinstance(expected, (list, tuple)):
        return (type(got) is type(expected) and len(got) == len(expected)
                and all(same(g, e) for g, e in zip(got, expected)))
    if isinstance(expected, dict):
        return type(got) is dict and got.keys() == expected.keys() and all(same(got[k], v) for k, v in expected.items())
    return type(got) is type(expected) and got == expected


COMPARE = {"lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge, "eq": operator.eq,
           "ne": operator.ne}
ARITH = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "truediv": operator.truediv,
         "floordiv": operator.floordiv, "mod": operator.mod, "pow": operator.pow, "divmod": divmod}
BITWISE = {"and": operator.and_, "or": operator.or_, "xor": operator.xor, "lshift": operator.lshift,
           "rshift": operator.rshift}
UNARY = {"neg": operator.neg, "pos": operator.pos, "abs": abs}


# -- numbers ----------------------------------------------------------------------------------------
NUMBERS = {"Int": (Int, rand_int), "Float": (Float, rand_float)}


def _number_inputs(op, left, right):
    def draw(rng):
        a, b = NUMBERS[left][1](rng), NUMBERS[right][1](rng)
        if op in ("truediv", "floordiv", "mod", "divmod"):
            b = nonzero(b)
        if op == "pow":
            a, b = abs(a) % 12, (abs(b) % 4 if right == "Int" else (abs(b) % 16) / 4)
        return a, b

    return draw


for _op, _fn in {**ARITH, **COMPARE}.items():
    for _l, _r in itertools.product(NUMBERS, NUMBERS):
        case(f"{_l}-{_op}-{_r}", _number_inputs(_op, _l, _r), _fn, wrap=(NUMBERS[_l][0],))
        case(f"{_l}-r{_op}-{_r}", _number_inputs(_op, _l, _r), _fn, wrap=(None, NUMBERS[_r][0]))
for _op, _fn in BITWISE.items():
    case(f"Int-{_op}", lambda rng: (rand_int(rng), rand_int(rng, 0, 6)), _fn, wrap=(Int,))
    case(f"Int-r{_op}", lambda rng: (rand_int(rng), rand_int(rng, 0, 6)), _fn, wrap=(None, Int))
for _op, _fn in UNARY.items():
    for _k, (_cls, _draw) in NUMBERS.items():
        case(f"{_k}-{_op}", lambda rng, d=_draw: (d(rng),), _fn, wrap=(_cls,))
case("Int-invert", lambda rng: (rand_int(rng),), operator.invert, wrap=(Int,))
for _op in ("and", "or", "xor", "eq", "ne"):
    _fn = {**BITWISE, **COMPARE}[_op]
    case(f"Bool-{_op}", lambda rng: tuple(bool(b) for b in rng.integers(0, 2, 2)), _fn, wrap=(Bool,))
case("Bool-not", lambda rng: (bool(rng.integers(0, 2)),), lambda b: ~b, wrap=(Bool,), oracle=operator.not_)

case("Int.cast-Float", lambda rng: (rand_float(rng),), lambda x: Int(Float(x)), oracle=int)
case("Int.cast-Str", lambda rng: (str(rand_int(rng)),), lambda s: Int(Str(s)), oracle=int)
case("Int.cast-Bool", lambda rng: (bool(rng.integers(0, 2)),), lambda b: Int(Bool(b)), oracle=int)
case("Float.cast-Int", lambda rng: (rand_int(rng),), lambda x: Float(Int(x)), oracle=float)
case("Float.cast-Str", lambda rng: (repr(rand_float(rng)),), lambda s: Float(Str(s)), oracle=float)
for _c in ("e", "pi", "inf", "nan"):
    case(f"constants.{_c}", lambda rng: (), lambda c=_c: getattr(constants, c) * 1.0,
         oracle=lambda c=_c: getattr(math, c) * 1.0)


# -- Str --------------------------------------------------------------------------------------------
def _part(rng, s):
    """Often a piece of ``s``, sometimes a random character."""
    if s and rng.random() < 0.7:
        i = int(rng.integers(0, len(s)))
        return s[i: i + int(rng.integers(1, 3))]
    return rand_str(rng, 1)


def _chars(rng, s):
    return None if rng.random() < 0.5 else rand_str(rng, 3)


def _sep(rng, s):
    return None if rng.random() < 0.5 else (_part(rng, s) or " ")


#: method -> draw(rng, s) of its arguments (methods not listed take none)
STR_ARGS = {
    "center": lambda rng, s: (int(rng.integers(0, 20)), rand_str(rng, 1) or "*"),
    "ljust": lambda rng, s: (int(rng.integers(0, 20)),),
    "rjust": lambda rng, s: (int(rng.integers(0, 20)), "#"),
    "count": lambda rng, s: (_part(rng, s),),
    "find": lambda rng, s: (_part(rng, s),),
    "rfind": lambda rng, s: (_part(rng, s),),
    "endswith": lambda rng, s: (s[-2:] if rng.random() < 0.5 else rand_str(rng, 2),),
    "startswith": lambda rng, s: (s[:2] if rng.random() < 0.5 else rand_str(rng, 2),),
    "expandtabs": lambda rng, s: (int(rng.integers(0, 9)),),
    "lstrip": lambda rng, s: (_chars(rng, s),),
    "rstrip": lambda rng, s: (_chars(rng, s),),
    "strip": lambda rng, s: (_chars(rng, s),),
    "partition": lambda rng, s: (_part(rng, s) or "-",),
    "rpartition": lambda rng, s: (_part(rng, s) or "-",),
    "replace": lambda rng, s: (_part(rng, s) or "a", rand_str(rng, 2), int(rng.integers(-1, 3))),
    "split": lambda rng, s: (_sep(rng, s), int(rng.integers(-1, 3))),
    "rsplit": lambda rng, s: (_sep(rng, s), int(rng.integers(-1, 3))),
    "splitlines": lambda rng, s: (bool(rng.integers(0, 2)),),
    "zfill": lambda rng, s: (int(rng.integers(0, 15)),),
    "join": lambda rng, s: ([rand_str(rng) for _ in range(int(rng.integers(0, 4)))],),
}
STR_NO_ARGS = ["capitalize", "isalnum", "isalpha", "isdigit", "islower", "isspace", "istitle", "isupper", "lower", "swapcase", "title", "upper"]


def _with_args(name):
    def draw(rng):
        s = rand_str(rng)
        return (s, *STR_ARGS.get(name, lambda rng, s: ())(rng, s))

    return draw


for _name in [*STR_ARGS, *STR_NO_ARGS]:
    case(f"Str.{_name}", _with_args(_name), lambda s, *a, n=_name: getattr(s, n)(*a), wrap=(Str,))
case("Str.format", lambda rng: ("{}|{x}", rand_int(rng), rand_str(rng)), lambda t, a, b: t.format(a, x=b),
     wrap=(Str, Int))
case("Str.format-computed", lambda rng: ("<{}>", rand_int(rng)), lambda t, a: t.format(a + 1), wrap=(Str, Int))
case("Str-add", lambda rng: (rand_str(rng), rand_str(rng)), operator.add, wrap=(Str,))
case("Str-radd", lambda rng: (rand_str(rng), rand_str(rng)), operator.add, wrap=(None, Str))
case("Str-rmul", lambda rng: (int(rng.integers(0, 4)), rand_str(rng)), operator.mul, wrap=(None, Str))
case("Str-mul-computed", lambda rng: (rand_str(rng, 3), int(rng.integers(0, 4))), lambda s, n: s * (n + 1),
     wrap=(Str, Int))
for _op, _fn in COMPARE.items():
    case(f"Str-{_op}", lambda rng: (rand_str(rng, 2), rand_str(rng, 2)), _fn, wrap=(Str,))
case("Str-get", lambda rng: (rand_str(rng, 5), int(rng.integers(-5, 5))), lambda s, i: s[i], wrap=(Str,))
case("Str-slice", lambda rng: (rand_str(rng), *map(int, rng.integers(-6, 6, 2))), lambda s, a, b: s[a:b], wrap=(Str,))
case("Str-length", lambda rng: (rand_str(rng),), lambda s: s.length(), wrap=(Str,), oracle=len)
case("Str-contains", lambda rng: (rand_str(rng), rand_str(rng, 1)), lambda s, t: s.contains(t), wrap=(Str,),
     oracle=lambda s, t: t in s)
case("Str-reversed", lambda rng: (rand_str(rng),), lambda s: s.reversed(), wrap=(Str,), oracle=lambda s: s[::-1])

# -- containers ---------------------------------------------------------------------------------------
INTS = List[Int]


def _ints(rng):
    return (rand_ints(rng),)


case("list", _ints, lambda xs: xs, wrap=(INTS,))
case("list.copy", _ints, lambda xs: List[Int](xs), wrap=(INTS,), oracle=list)
case("list-get", _ints, lambda xs: xs[-1], wrap=(INTS,))
case("list-get-computed-index", _ints, lambda xs: xs[Int(0) * 5], wrap=(INTS,), oracle=lambda xs: xs[0])
case("list-slice", lambda rng: (rand_ints(rng), *map(int, rng.integers(-4, 4, 2)), int(rng.choice([-2, -1, 1, 2]))),
     lambda xs, a, b, c: xs[a:b:c], wrap=(INTS,))
case("list-add", lambda rng: (rand_ints(rng), rand_ints(rng)), operator.add, wrap=(INTS,))
case("list-radd", lambda rng: (rand_ints(rng), rand_ints(rng)), operator.add, wrap=(None, INTS))
case("list-mul", lambda rng: (rand_ints(rng), int(rng.integers(0, 3))), operator.mul, wrap=(INTS,))
for _op, _fn in COMPARE.items():
    case(f"list-{_op}", lambda rng: (rand_ints(rng, 2), [rand_int(rng, -50, -48), 0]), _fn, wrap=(INTS,))
case("list-map", _ints, lambda xs: xs.map(lambda x: x * 2 + 1), wrap=(INTS,),
     oracle=lambda xs: [x * 2 + 1 for x in xs])
case("list-map-str", lambda rng: ([rand_str(rng) for _ in "abc"],), lambda xs: xs.map(lambda s: s.upper().length()),
     wrap=(List[Str],), oracle=lambda xs: [len(s.upper()) for s in xs])
case("list-filter", _ints, lambda xs: xs.filter(lambda x: x > 0), wrap=(INTS,),
     oracle=lambda xs: [x for x in xs if x > 0])
case("list-reduce", _ints, lambda xs: xs.reduce(lambda a, b: a + b), wrap=(INTS,), oracle=sum)
case("list-reduce-initial", _ints, lambda xs: xs.reduce(lambda a, b: a * 2 + b, initial=1.5), wrap=(INTS,),
     oracle=lambda xs: functools.reduce(lambda a, b: a * 2 + b, xs, 1.5))
case("list-sorted", _ints, lambda xs: xs.sorted(), wrap=(INTS,), oracle=sorted)
case("list-sorted-key", lambda rng: (rand_ints(rng), bool(rng.integers(2))),
     lambda xs, r: xs.sorted(key=lambda x: abs(x), reverse=r), wrap=(INTS,),
     oracle=lambda xs, r: sorted(xs, key=abs, reverse=r))
case("list-length", _ints, lambda xs: xs.length(), wrap=(INTS,), oracle=len)
case("list-contains", lambda rng: (rand_ints(rng), rand_int(rng)), lambda xs, x: xs.contains(x), wrap=(INTS,),
     oracle=lambda xs, x: x in xs)
case("list-reversed", _ints, lambda xs: xs.reversed(), wrap=(INTS,), oracle=lambda xs: xs[::-1])

PAIR = Tuple[Int, Str]
case("tuple", lambda rng: ((rand_int(rng), rand_str(rng)),), lambda t: t, wrap=(PAIR,))
case("tuple-get", lambda rng: ((rand_int(rng), rand_str(rng)),), lambda t: t[1], wrap=(PAIR,))
case("tuple-add", lambda rng: ((rand_int(rng), rand_str(rng)), (rand_str(rng),)), operator.add, wrap=(PAIR,))
case("tuple-length", lambda rng: ((1, "a"),), lambda t: t.length(), wrap=(PAIR,), oracle=len)
case("tuple-lt", lambda rng: (tuple(rand_ints(rng, 2)), tuple(rand_ints(rng, 2))), operator.lt,
     wrap=(Tuple[Int, Int],))

STR_INT = Dict[Str, Int]
case("dict-keywords", lambda rng: ({rand_str(rng, 3): rand_int(rng) for _ in "ab"},), lambda d: d, wrap=(STR_INT,))
case("dict-positional", lambda rng: ({rand_int(rng): rand_str(rng) for _ in "abc"},), lambda d: d,
     wrap=(Dict[Int, Str],))
case("dict-computed-keys", lambda rng: (rand_int(rng),), lambda k: Dict[Int, Int]({k + 1: 5}), wrap=(Int,),
     oracle=lambda k: {k + 1: 5})
case("dict.from_pairs", lambda rng: ([(rand_str(rng, 2), rand_int(rng)) for _ in "abc"],), STR_INT.from_pairs,
     oracle=dict)
case("dict-get", lambda rng: ({"a": 1, "b": 2}, str(rng.choice(["a", "b"]))), lambda d, k: d[k], wrap=(STR_INT,))
case("dict-get-default", lambda rng: ({"a": 1}, str(rng.choice(["a", "z"]))), lambda d, k: d.get(k, -1),
     wrap=(STR_INT,))
case("dict-contains", lambda rng: ({"a": 1}, str(rng.choice(["a", "z"]))), lambda d, k: d.contains(k),
     wrap=(STR_INT,), oracle=lambda d, k: k in d)
case("dict-length", lambda rng: ({"a": 1, "b": 2},), lambda d: d.length(), wrap=(STR_INT,), oracle=len)
for _m in ("keys", "values"):
    case(f"dict.{_m}", lambda rng: ({"a": 1, "b": 2},), lambda d, m=_m: getattr(d, m)(), wrap=(STR_INT,),
         oracle=lambda d, m=_m: list(getattr(d, m)()))
case("dict.items", lambda rng: ({"a": 1, "b": 2},), lambda d: d.items(), wrap=(STR_INT,),
     oracle=lambda d: list(d.items()))
POINT = Struct[{"x": Int, "y": Str}]
case("struct", lambda rng: (rand_int(rng),), lambda x: POINT(x=x, y="q"), oracle=lambda x: {"x": x, "y": "q"})
case("struct-getattr", lambda rng: (rand_int(rng),), lambda x: POINT(x=x, y="q").x, oracle=lambda x: x)
case("Slice.create", lambda rng: (1, None, int(rng.integers(1, 3))), Slice, oracle=slice)
case("range-stop", lambda rng: (int(rng.integers(0, 9)),), wfc.range, oracle=lambda n: list(range(n)))
case("range-start-stop-step", lambda rng: (rand_int(rng, -9, 9), rand_int(rng, -9, 9), int(rng.choice([-3, -1, 1, 2]))),
     wfc.range, oracle=lambda *a: list(range(*a)))
case("zip", lambda rng: (rand_ints(rng), [rand_str(rng) for _ in "abcd"]), wfc.zip, oracle=lambda *a: list(zip(*a)))
case("ellipsis", lambda rng: (), lambda: wfc.Ellipsis, oracle=lambda: ...)

# -- Any ------------------------------------------------------------------------------------------------
for _op, _fn in {**{k: v for k, v in ARITH.items() if k != "pow"}, **BITWISE, **COMPARE}.items():
    _pair = lambda rng: (rand_int(rng), nonzero(rand_int(rng, 0, 6)))
    case(f"Any-{_op}", _pair, _fn, wrap=(Any,))
    case(f"Any-r{_op}", _pair, _fn, wrap=(None, Any))
case("Any-pow", lambda rng: (rand_int(rng, -5, 5), int(rng.integers(0, 4))), operator.pow, wrap=(Any,))
for _op, _fn in {**UNARY, "invert": operator.invert}.items():
    case(f"Any-{_op}", lambda rng: (rand_int(rng),), _fn, wrap=(Any,))
case("Any-get", lambda rng: ({"k": rand_ints(rng, 2)},), lambda d: d["k"][1], wrap=(Any,))
case("Any-getattr", lambda rng: (rand_str(rng),), lambda s: Any(Struct[{"f": Str}](f=s)).f, oracle=lambda s: s)
case("Any-call", lambda rng: (rand_int(rng),), lambda x: Any(Function[Int, Int](lambda v: v * 3))(x).cast(Int),
     oracle=lambda x: x * 3)
case("Any-length", _ints, lambda xs: xs.length(), wrap=(Any,), oracle=len)
case("Any-contains", lambda rng: (rand_ints(rng), rand_int(rng)), lambda xs, x: xs.contains(x), wrap=(Any,),
     oracle=lambda xs, x: x in xs)
case("Any-reversed", lambda rng: (rand_str(rng),), reversed, wrap=(Any,), oracle=lambda s: s[::-1])

# -- datetimes -------------------------------------------------------------------------------------------
FIELDS = ("year", "month", "day", "hour", "minute", "second", "microsecond")
case("datetime.from_components", lambda rng: tuple(getattr(rand_datetime(rng), f) for f in FIELDS), Datetime,
     oracle=lambda *parts: datetime.datetime(*parts, tzinfo=UTC))
case("datetime.from_string", lambda rng: (rand_datetime(rng),), lambda d: Datetime.from_string(d.isoformat()),
     oracle=lambda d: d)
case("datetime.from_string-offset", lambda rng: ("2020-03-22T16:37:00+02:00",), Datetime.from_string,
     oracle=lambda s: datetime.datetime(2020, 3, 22, 14, 37, tzinfo=UTC))
case("datetime.from_string-date", lambda rng: (datetime.date(2019, 6, int(rng.integers(1, 30))),), DT,
     oracle=lambda d: datetime.datetime(d.year, d.month, d.day, tzinfo=UTC))
case("datetime.from_timestamp", lambda rng: (rand_int(rng, 0, 2_000_000_000),), Datetime.from_timestamp,
     oracle=lambda s: datetime.datetime.fromtimestamp(s, tz=UTC))
for _f in FIELDS:
    case(f"datetime.{_f}", lambda rng: (rand_datetime(rng),), lambda d, f=_f: getattr(d, f), wrap=(DT,))
case("datetime.is_between", lambda rng: (rand_datetime(rng), rand_datetime(rng), rand_datetime(rng),
                                         bool(rng.integers(2))),
     lambda d, a, b, inc: d.is_between(a, b, inclusive=inc), wrap=(DT,),
     oracle=lambda d, a, b, inc: (a <= d <= b) if inc else (a < d < b))
case("datetime.is_between-edge", lambda rng: (datetime.datetime(2020, 1, 1, tzinfo=UTC),),
     lambda d: d.is_between("2020-01-01", "2021-01-01"), wrap=(DT,), oracle=lambda d: True)
_dt_td = lambda rng: (rand_datetime(rng), rand_timedelta(rng))
_dt_step = lambda rng: (rand_datetime(rng), rand_timedelta(rng, positive=True))
case("datetime-add", _dt_td, operator.add, wrap=(DT,))
case("datetime-radd", _dt_td, lambda d, t: t + d, wrap=(DT,))
case("timedelta-add-datetime", _dt_td, lambda d, t: t + d, wrap=(None, TD))
case("datetime-add-timedelta-proxy", _dt_td, operator.add, wrap=(None, TD))
case("datetime-sub-td", _dt_td, operator.sub, wrap=(DT,))
case("datetime-sub-dt", lambda rng: (rand_datetime(rng), rand_datetime(rng)), operator.sub, wrap=(DT,))
case("datetime-rsub-dt", lambda rng: (rand_datetime(rng), rand_datetime(rng)), operator.sub, wrap=(None, DT))
case("datetime-floordiv", _dt_step, operator.floordiv, wrap=(DT,), oracle=lambda d, t: EPOCH + ((d - EPOCH) // t) * t)
case("datetime-mod", _dt_step, operator.mod, wrap=(DT,), oracle=lambda d, t: (d - EPOCH) % t)
case("datetime-divmod", _dt_step, divmod, wrap=(DT,),
     oracle=lambda d, t: (EPOCH + ((d - EPOCH) // t) * t, (d - EPOCH) % t))
for _op, _fn in COMPARE.items():
    case(f"datetime-{_op}", lambda rng: (rand_datetime(rng), rand_datetime(rng)), _fn, wrap=(DT,))
    case(f"timedelta-{_op}", lambda rng: (rand_timedelta(rng), rand_timedelta(rng)), _fn, wrap=(TD,))
TD_PARTS = ("days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks")
case("timedelta.from_components", lambda rng: tuple(rand_int(rng) for _ in TD_PARTS), Timedelta,
     oracle=datetime.timedelta)
case("timedelta.from_components-float", lambda rng: (rand_float(rng),), lambda h: Timedelta(hours=h),
     oracle=lambda h: datetime.timedelta(hours=h))
for _f in ("days", "seconds", "microseconds"):
    case(f"timedelta.{_f}", lambda rng: (rand_timedelta(rng),), lambda t, f=_f: getattr(t, f), wrap=(TD,))
case("timedelta.total_seconds", lambda rng: (rand_timedelta(rng),), lambda t: t.total_seconds(), wrap=(TD,))
TD_BINARY = {
    "add": (operator.add, rand_timedelta), "sub": (operator.sub, rand_timedelta),
    "mul": (operator.mul, rand_int), "mul-float": (operator.mul, rand_float),
    "div": (operator.truediv, lambda rng: nonzero(rand_int(rng))),
    "div-td": (operator.truediv, lambda rng: rand_timedelta(rng, positive=True)),
    "floordiv": (operator.floordiv, lambda rng: nonzero(rand_int(rng))),
    "floordiv-td": (operator.floordiv, lambda rng: rand_timedelta(rng, positive=True)),
    "mod": (operator.mod, lambda rng: rand_timedelta(rng, positive=True)),
    "divmod": (divmod, lambda rng: rand_timedelta(rng, positive=True)),
}
for _op, (_fn, _other) in TD_BINARY.items():
    case(f"timedelta-{_op}", lambda rng, o=_other: (rand_timedelta(rng), o(rng)), _fn, wrap=(TD,))
case("timedelta-rmul", lambda rng: (rand_int(rng), rand_timedelta(rng)), operator.mul, wrap=(None, TD))
for _op, _fn in UNARY.items():
    case(f"timedelta-{_op}", lambda rng: (rand_timedelta(rng),), _fn, wrap=(TD,))

# -- control -----------------------------------------------------------------------------------------------
case("ifelse", lambda rng: (rand_int(rng), rand_str(rng), rand_str(rng)), lambda a, b, c: ifelse(a > 0, b, c),
     wrap=(Int, Str), oracle=lambda a, b, c: b if a > 0 else c)
case("debugging.sleep", lambda rng: (0.001,), lambda s: sleep(s) + 1, oracle=lambda s: s + 1)


# -- tests ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(CASES))
def test_builtin_matches_python(name, backend, rng):
    proxy, expected = build(name, rng)
    got = proxy.compute()
    assert same(got, expected), (got, expected)
    reloaded = type(proxy)._from_graft(json.loads(json.dumps(proxy.graft)))
    again = reloaded.compute()
    assert same(again, expected), (again, expected)


def _names(graft, out):
    """The builtin names a graft applies or refers to."""
    for key, expr in graft.items():
        if key == "returns" and isinstance(expr, str) and not expr.isdigit():
            out.add(expr)
        elif isinstance(expr, dict):
            _names(expr, out)
        elif isinstance(expr, list) and expr and isinstance(expr[0], str):
            out.add(expr[0])
    return out


def test_every_registered_builtin_is_exercised():
    registry = load_builtins()
    mine = {name for name in registry if getattr(registry[name], "__module__", None) in MY_MODULES}
    assert len(mine) >= 80
    used = set()
    rng = np.random.default_rng(0)
    for name in CASES:
        proxy, _ = build(name, rng)
        _names(proxy.graft, used)
    assert mine - used == set()
