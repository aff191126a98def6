"""The ``gpucompute`` command.

Without a sub-command it runs a benchmark-style demonstration: a masked
median composite of a synthetic cloudy time stack on the configured backend,
timed next to ``numpy.ma.median`` on the same data, with the results checked
against each other.

Sub-commands: ``demo`` (the quick-start layers on the demo product in the map
viewer, served until Ctrl-C; ``--check`` renders a tile of each and exits),
``serve`` (the map viewer for saved objects; see :mod:`gpucompute._cli_map`),
``composite`` (the demonstration above, explicitly), ``demo-data`` (generate
and describe the synthetic demo product), ``ingest PRODUCT FILE...`` (add
GeoTIFF/COG files to the catalog) and ``catalog ls|show`` (see
:mod:`gpucompute._cli_catalog`).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

import numpy as np

from gpucompute._cli_catalog import add_commands
from gpucompute._cli_map import add_commands as add_map_commands

__all__ = ["main"]


def _synthetic_stack(depth: int, size: int, cloud_fraction: float, seed: int) -> np.ma.MaskedArray:
    """A (T, 1, Y, X) float32 reflectance stack whose clouds are masked."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
    field = 0.2 + 0.1 * np.sin(8 * x) * np.cos(6 * y)
    season = np.linspace(0.0, 0.3, depth, dtype=np.float32)[:, None, None]
    data = field[None] + season + rng.normal(0, 0.02, (depth, size, size)).astype(np.float32)
    clouds = rng.random((depth, size, size)) < cloud_fraction
    return np.ma.array(data[:, None], mask=clouds[:, None])


def _best_time(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def composite(args: argparse.Namespace) -> int:
    """Run the median composite demonstration; return a process exit code."""
    import gpucompute
    from gpucompute.array import MaskedArray
    from gpucompute.kernels import masked_median

    if args.backend:
        gpucompute.set_backend(args.backend)
    backend = gpucompute.get_backend()
    info = backend.device_info()
    host = _synthetic_stack(args.depth, args.size, args.cloud_fraction, args.seed)
    print(f"gpucompute {gpucompute.__version__}: masked median composite over time")
    print(f"  backend {backend.name} on {info.name} ({info.kind})")
    print(f"  stack {host.shape} float32, {host.mask.mean():.0%} masked (clouds)")

    stack = MaskedArray.from_numpy(host, backend=backend)
    backend.synchronize(stack.data)

    def ours():
        result = masked_median(stack)
        backend.synchronize(result.data, result.mask)
        return result

    start = time.perf_counter()
    result = ours()
    first = time.perf_counter() - start
    warm = _best_time(ours, args.repeats)

    expected = None

    def reference():
        nonlocal expected
        expected = np.ma.median(host, axis=0)

    reference_time = _best_time(reference, max(1, min(args.repeats, 2)))

    got = result.to_numpy()
    same_mask = np.array_equal(np.ma.getmaskarray(got), np.ma.getmaskarray(expected))
    valid = ~np.ma.getmaskarray(expected)
    close = np.allclose(got.data[valid], np.ma.getdata(expected)[valid], rtol=1e-5, atol=1e-6)
    rows = [
        ("first call (includes compile)", first),
        (f"gpucompute ({backend.name}), warm", warm),
        ("numpy.ma.median", reference_time),
    ]
    for label, seconds in rows:
        print(f"  {label + ':':<32}{seconds * 1e3:9.1f} ms")
    print(f"  speed-up over numpy.ma: {reference_time / warm:.1f}x; results agree: {same_mask and close}")
    return 0 if (same_mask and close) else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gpucompute",
        description="Geospatial analysis on your own GPU: map viewer demo and server, demo composite, "
                    "demo data, ingest and catalog commands.")
    sub = parser.add_subparsers(dest="command")
    comp = sub.add_parser("composite", help="masked median composite of a synthetic stack (the default)")
    for target in (parser, comp):
        target.add_argument("--backend", choices=["auto", "numpy", "jax", "cupy"], default=None,
                            help="backend to compute on (default: GPUCOMPUTE_BACKEND or auto)")
        target.add_argument("--size", type=int, default=1024, help="image side in pixels (default 1024)")
        target.add_argument("--depth", type=int, default=32, help="number of images T (default 32)")
        target.add_argument("--cloud-fraction", type=float, default=0.3, help="masked share (default 0.3)")
        target.add_argument("--repeats", type=int, default=5, help="timed repetitions (best is shown)")
        target.add_argument("--seed", type=int, default=0)
    add_commands(sub)
    add_map_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``gpucompute`` console script."""
    args = _parser().parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is not None:
        return handler(args)
    if args.size < 1 or args.depth < 1 or not 0 <= args.cloud_fraction < 1:
        print("gpucompute: --size and --depth must be positive, --cloud-fraction in [0, 1)", file=sys.stderr)
        return 2
    return composite(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
