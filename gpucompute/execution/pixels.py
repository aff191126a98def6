"""The pixel program: lazy arrays recorded during the plan, run as one program per request.

Evaluating imagery has two phases (DESIGN decision 3).  The *plan* runs the
graft's interpreter on the host: catalog searches, filters, sorting, grouping
and band selection happen there on plain Python values.  Pixels are not
touched; every raster value is a :class:`Pixels` node, a lazy array that
records which operation makes it from which other nodes.  The leaves are
*reads* (a :class:`ReadSpec`: catalog images, bands, grid) and *constants*
(numbers and arrays).

:func:`materialize` then runs the pixel phase for any number of nodes at once:

1. it reads every leaf the nodes depend on (and only those, so unused bands
   and images are never read), grouping reads of the same images so each
   file is read once;
2. it linearises the graph into a program of instructions whose *structure*
   (operations, static arguments, which input feeds which) is the cache key;
3. on a backend that compiles (JAX) that program is one ``jax.jit`` function,
   reused for every request with the same structure: the tiles of a map layer
   differ only in their leaves.  Collections are padded with fully masked
   images up to a *bucket* length (1, 2, 4, 8, 16, 24, ...), so a tile with 5 scenes
   and one with 7 share the compiled program.  On NumPy and CuPy the
   instructions run directly.

Writing pixel operations
------------------------
An operation is a function of :class:`gpucompute.array.MaskedArray` inputs
(and keyword arguments that are Python values) registered in :data:`PIXEL_OPS`
with :func:`pixel_op`; it is applied lazily with :func:`apply`.  Because of
padding, an operation over the images axis must ignore masked images (the
masked reductions do), and the padded images of a collection are trimmed when
results come back (every node records its true ``length``).  Static keyword
arguments are part of the cache key: pass per-request values (thresholds,
parameters) as inputs, not as static arguments.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gpucompute.errors import ComputeError

__all__ = [
    "PIXEL_OPS",
    "Pixels",
    "ReadSpec",
    "apply",
    "bucket",
    "compile_count",
    "constant",
    "fit_length",
    "is_pixels",
    "materialize",
    "pixel_op",
    "read",
    "resolve",
    "timed",
]

#: Pixel operations by name: ``name -> function(*MaskedArray, **static)``.
PIXEL_OPS: dict[str, Callable[..., Any]] = {}

_lock = threading.Lock()
_programs: dict[tuple, Callable] = {}
_traces = 0


def pixel_op(name: str) -> Callable[[Callable], Callable]:
    """Register a pixel operation under ``name`` (a decorator)."""

    def register(fn: Callable) -> Callable:
        if name in PIXEL_OPS and PIXEL_OPS[name] is not fn:
            raise ValueError(f"pixel operation {name!r} is already registered")
        PIXEL_OPS[name] = fn
        return fn

    return register


@dataclass(frozen=True)
class ReadSpec:
    """What a read leaf reads: catalog images, bands, grid and how.

    Attributes
    ----------
    images : tuple
        Catalog :class:`~gpucompute.catalog.Image` objects, in stack order.
    bands : tuple of str
        Band names, in the order wanted.
    grid : GeoContext
        The output grid.
    resampler : str
        A :data:`gpucompute.raster.RESAMPLERS` name.
    processing_level : str or None
        Passed to the catalog's rastering.
    composite : bool
        Mosaic the images into one ``(bands, y, x)`` image, the last valid
        image on top; otherwise a ``(images, bands, y, x)`` stack.
    """

    images: tuple
    bands: tuple[str, ...]
    grid: Any
    resampler: str = "near"
    processing_level: str | None = None
    composite: bool = False

    def group_key(self) -> tuple:
        """Reads with equal keys share one read of the union of their bands."""
        return (tuple(i.id for i in self.images), self.grid, self.resampler, self.processing_level, self.composite)

    @property
    def shape(self) -> tuple[int, ...]:
        rows, cols = self.grid.arr_shape
        inner = (len(self.bands), int(rows), int(cols))
        return inner if self.composite else (len(self.images),) + inner


class Pixels:
    """A lazy masked array: one node of the pixel program.

    Attributes
    ----------
    op : str
        ``"read"``, ``"constant"`` or a :data:`PIXEL_OPS` name.
    inputs : tuple of Pixels
        The nodes it is computed from.
    static : tuple
        Sorted ``(name, value)`` pairs of Python keyword arguments.
    shape : tuple of int
        Its shape (the true length, before any padding, on the images axis).
    length : int or None
        The number of images on axis 0 for a collection (padded when run
        compiled), None otherwise.
    """

    __slots__ = ("op", "inputs", "static", "shape", "length", "payload")

    def __init__(self, op: str, inputs: tuple, static: tuple, shape: tuple, length: int | None,
                 payload: Any = None) -> None:
        self.op = op
        self.inputs = inputs
        self.static = static
        self.shape = tuple(int(n) for n in shape)
        self.length = length
        self.payload = payload

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<Pixels {self.op} shape={self.shape}>"

    def __bool__(self) -> bool:
        raise ComputeError("a lazy pixel array has no truth value before it is computed; materialize it first")


def is_pixels(value: Any) -> bool:
    return isinstance(value, Pixels)


def read(spec: ReadSpec) -> Pixels:
    """A leaf that reads ``spec`` when the program runs."""
    length = None if spec.composite else len(spec.images)
    return Pixels("read", (), (), spec.shape, length, spec)


def constant(value: Any, *, length: int | None = None) -> Pixels:
    """A leaf holding a number or an array (host or device, masked or not)."""
    if isinstance(value, Pixels):
        return value
    shape = tuple(np.shape(value)) if not hasattr(value, "shape") else tuple(value.shape)
    return Pixels("constant", (), (), shape, length, value)


def apply(op: str, *inputs: Any, shape: Sequence[int], length: int | None = None, **static: Any) -> Pixels:
    """The lazy result of pixel operation ``op`` on ``inputs`` (non-``Pixels`` inputs become constants).

    ``shape`` and ``length`` describe the result; ``static`` values must be
    hashable once lists are turned into tuples.
    """
    if op not in PIXEL_OPS:
        raise KeyError(f"unknown pixel operation {op!r}")
    nodes = tuple(x if isinstance(x, Pixels) else constant(x) for x in inputs)
    frozen = tuple(sorted((k, _freeze(v)) for k, v in static.items()))
    return Pixels(op, nodes, frozen, tuple(shape), length)


def _freeze(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    return value


#: Up to this length buckets are powers of two; above it, multiples of it.
BUCKET_STEP = 8


def bucket(n: int) -> int:
    """The padded length for ``n`` images: the next power of two up to 8, then the next multiple of 8.

    Padding wastes at most half the work for short stacks and under 8 images'
    worth for long ones, and a layer whose scene count varies by tile compiles
    once per bucket.
    """
    n = int(n)
    if n <= 0:
        return 0
    if n <= BUCKET_STEP:
        return 1 << (n - 1).bit_length()
    return -(-n // BUCKET_STEP) * BUCKET_STEP


# ---- running ------------------------------------------------------------------------------------------
def _linearise(roots: Sequence[Pixels]) -> tuple[list[Pixels], list[Pixels]]:
    """Leaves (in discovery order) and operation nodes (inputs before users), each node once."""
    seen: set[int] = set()
    leaves: list[Pixels] = []
    nodes: list[Pixels] = []
    for root in roots:
        stack: list[tuple[Pixels, bool]] = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                nodes.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            if node.op in ("read", "constant"):
                leaves.append(node)
                continue
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.inputs) if id(child) not in seen)
    return leaves, nodes


def _program(leaves: list[Pixels], nodes: list[Pixels], roots: Sequence[Pixels]) -> tuple:
    """The structure of the computation, numbering leaves first, then operations."""
    slot = {id(node): i for i, node in enumerate(leaves)}
    instructions = []
    for node in nodes:
        slot[id(node)] = len(slot)
        fit = None if node.length is None else bucket(node.length)
        instructions.append((node.op, node.static, tuple(slot[id(c)] for c in node.inputs), fit))
    leaf_kinds = tuple((leaf.op, len(leaf.shape)) for leaf in leaves)
    return leaf_kinds, tuple(instructions), tuple(slot[id(r)] for r in roots)


def _run(program: tuple, inputs: Sequence[Any], padded: bool = False) -> tuple:
    _, instructions, outputs = program
    values = list(inputs)
    for op, static, slots, fit in instructions:
        value = PIXEL_OPS[op](*(values[s] for s in slots), **dict(static))
        values.append(fit_length(value, fit) if padded and fit is not None else value)
    return tuple(values[s] for s in outputs)


def fit_length(value: Any, length: int) -> Any:
    """A collection's value padded with masked images (or cut) to ``length`` images."""
    from gpucompute.array import MaskedArray, concatenate, masked_array

    n = value.shape[0]
    if n == length:
        return value
    if n > length:
        return value[:length]
    if not isinstance(value, MaskedArray):
        value = masked_array(value)
    xp = value.backend.xp
    shape = (length - n,) + tuple(value.shape[1:])
    filler = MaskedArray(xp.zeros(shape, dtype=value.dtype), xp.ones(shape, dtype=bool), backend=value.backend)
    return concatenate([value, filler], axis=0)


def _compiled(program: tuple) -> Callable:
    with _lock:
        fn = _programs.get(program)
        if fn is None:
            import jax

            def traced(inputs: tuple) -> tuple:
                global _traces
                _traces += 1  # Python runs only while JAX traces, i.e. once per compilation
                return _run(program, inputs, padded=True)

            fn = _programs[program] = jax.jit(traced)
        return fn


def compile_count() -> int:
    """How many pixel programs have been traced for compilation in this process."""
    return _traces


def clear_cache() -> None:
    """Forget compiled pixel programs."""
    _programs.clear()


_timers: list[dict[str, float]] = []


@contextlib.contextmanager
def timed() -> Iterator[dict[str, float]]:
    """Collect the time spent reading leaves and running pixel programs inside the block.

    Yields a dict with ``"read"`` and ``"pixels"`` seconds (the latter waits for
    the device to finish) and ``"programs"``, the number of programs run.
    """
    totals = {"read": 0.0, "pixels": 0.0, "programs": 0}
    _timers.append(totals)
    try:
        yield totals
    finally:
        _timers.remove(totals)


def _add_times(read_s: float, pixels_s: float) -> None:
    for totals in _timers:
        totals["read"] += read_s
        totals["pixels"] += pixels_s
        totals["programs"] += 1


def materialize(roots: Sequence[Pixels]) -> list[Any]:
    """Run the pixel program for ``roots``: a list of backend ``MaskedArray`` values, trimmed to true length."""
    from gpucompute.config import get_backend
    from gpucompute.execution._pixel_inputs import load_leaves

    roots = list(roots)
    if not roots:
        return []
    backend = get_backend()
    leaves, nodes = _linearise(roots)
    padded = backend.traces
    start = time.perf_counter()
    inputs = load_leaves(leaves, backend, pad=padded)
    loaded = time.perf_counter()
    program = _program(leaves, nodes, roots)
    outputs = _compiled(program)(tuple(inputs)) if padded else _run(program, inputs)
    if _timers:
        backend.synchronize(*(getattr(o, "data", o) for o in outputs))
        _add_times(loaded - start, time.perf_counter() - loaded)
    return [_trim(out, root, padded) for out, root in zip(outputs, roots)]


def _trim(value: Any, root: Pixels, padded: bool) -> Any:
    if padded and root.length is not None and value.shape and value.shape[0] != root.length:
        return value[: root.length]
    return value


def resolve(value: Any, *, into_imagery: bool = True) -> Any:
    """``value`` with every :class:`Pixels` inside it (lists, tuples, dicts, imagery) computed, in one program.

    With ``into_imagery=False`` the pixels of imagery values (objects with
    ``__pixels_fields__``) stay lazy.
    """
    found: list[Pixels] = []
    _collect(value, found, into_imagery)
    if not found:
        return value
    unique = list({id(p): p for p in found}.values())
    results = dict(zip((id(p) for p in unique), materialize(unique)))
    return _substitute(value, results)


def _collect(value: Any, out: list, into_imagery: bool) -> None:
    if isinstance(value, Pixels):
        out.append(value)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _collect(v, out, into_imagery)
    elif isinstance(value, dict):
        for v in value.values():
            _collect(v, out, into_imagery)
    elif into_imagery and hasattr(value, "__pixels_fields__"):
        for name in value.__pixels_fields__:
            _collect(getattr(value, name), out, into_imagery)


def _substitute(value: Any, results: dict[int, Any]) -> Any:
    if isinstance(value, Pixels):
        return results[id(value)]
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*(_substitute(v, results) for v in value))
    if isinstance(value, (list, tuple)):
        return type(value)(_substitute(v, results) for v in value)
    if isinstance(value, dict):
        return type(value)((k, _substitute(v, results)) for k, v in value.items())
    if hasattr(value, "__pixels_fields__"):
        return value.replace(**{n: _substitute(getattr(value, n), results) for n in value.__pixels_fields__})
    return value
