"""Parsing the signature table's overload strings and resolving their type names.

``"a: A|MA, axis: Int|List[Int] = None -> like"`` becomes an :class:`Overload`
of :class:`ParamSpec` rows and a return rule.  Type names are resolved to
proxy classes only when first needed, so the table can be read (for the
builtins, the docs and the tests) without importing the proxy types.
"""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass
from functools import cache
from typing import Any

__all__ = ["NO_DEFAULT", "DTypeDefault", "Overload", "ParamSpec", "parse_overload", "resolve_type", "split_top"]

NO_DEFAULT = inspect.Parameter.empty
POSITIONAL, VAR_POSITIONAL, KEYWORD = "positional", "var_positional", "keyword"


@dataclass(frozen=True)
class DTypeDefault:
    """A ``dtype(float)`` default: a DType proxy made when a call needs it."""

    type_name: str

    def __repr__(self) -> str:
        return f"dtype({self.type_name})"


@dataclass(frozen=True)
class ParamSpec:
    """One parameter: its name, the type names it accepts (in order), its default and kind."""

    name: str
    types: tuple[str, ...]
    default: Any = NO_DEFAULT
    kind: str = POSITIONAL

    @property
    def has_default(self) -> bool:
        return self.default is not NO_DEFAULT


@dataclass(frozen=True)
class Overload:
    """One signature of a routine: parameters, return rule, and the text it was parsed from."""

    params: tuple[ParamSpec, ...]
    returns: str
    text: str

    @property
    def signature(self) -> inspect.Signature:
        return _signature(self)


def split_top(text: str, sep: str) -> list[str]:
    """Split ``text`` on ``sep`` outside of brackets."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == sep and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def _default(text: str) -> Any:
    if text.startswith("dtype(") and text.endswith(")"):
        return DTypeDefault(text[6:-1])
    return ast.literal_eval(text)


@cache
def parse_overload(text: str) -> Overload:
    """Parse one overload string of the signature table."""
    params_text, _, returns = text.rpartition("->")
    params: list[ParamSpec] = []
    keyword_only = False
    for item in split_top(params_text, ","):
        if item == "*":
            keyword_only = True
            continue
        head, _, default = item.partition("=")
        name, _, types = head.partition(":")
        name, kind = name.strip(), KEYWORD if keyword_only else POSITIONAL
        if name.startswith("*"):
            name, kind, keyword_only = name[1:], VAR_POSITIONAL, True
        value = _default(default.strip()) if default.strip() else NO_DEFAULT
        params.append(ParamSpec(name, tuple(split_top(types, "|")), value, kind))
    return Overload(tuple(params), returns.strip(), text)


@cache
def _signature(overload: Overload) -> inspect.Signature:
    kinds = {
        POSITIONAL: inspect.Parameter.POSITIONAL_OR_KEYWORD,
        VAR_POSITIONAL: inspect.Parameter.VAR_POSITIONAL,
        KEYWORD: inspect.Parameter.KEYWORD_ONLY,
    }
    return inspect.Signature(
        [inspect.Parameter(p.name, kinds[p.kind], default=p.default) for p in overload.params]
    )


def _base_types() -> dict[str, type]:
    from gpucompute.types.array import Array
    from gpucompute.types.containers import Slice
    from gpucompute.types.dtype import DType
    from gpucompute.types.masked_array import MaskedArray
    from gpucompute.types.primitives import Bool, Float, Int, NoneType, Str
    from gpucompute.types.scalar import Scalar

    return {
        "A": Array, "MA": MaskedArray, "S": Scalar, "Int": Int, "Float": Float, "Bool": Bool,
        "Str": Str, "None": NoneType, "DType": DType, "Slice": Slice,
    }


@cache
def resolve_type(name: str) -> type:
    """The proxy class a type name of the table stands for (``"List[Int]"`` -> ``List[Int]``)."""
    name = name.strip()
    if name.endswith("]"):
        from gpucompute.types.containers import List, Tuple

        generic, _, inner = name[:-1].partition("[")
        params = tuple(resolve_type(p) for p in split_top(inner, ","))
        return {"List": List, "Tuple": Tuple}[generic][params if len(params) > 1 else params[0]]
    return _base_types()[name]


#: Readable names of the short type names, for docstrings and messages.
DISPLAY_NAMES: dict[str, str] = {"A": "Array", "MA": "MaskedArray", "S": "Scalar", "None": "None"}


def display_type(name: str) -> str:
    """``"List[A]"`` -> ``"List[Array]"``."""
    if name.endswith("]"):
        generic, _, inner = name[:-1].partition("[")
        return f"{generic}[{', '.join(display_type(p) for p in split_top(inner, ','))}]"
    return DISPLAY_NAMES.get(name, name)
