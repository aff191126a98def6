"""Catalog sub-commands of the ``gpucompute`` command: ``demo-data``, ``ingest``, ``catalog ls|show``.

Each handler takes the parsed arguments and returns an exit code: 0 on
success, 2 with a one-line ``gpucompute: error: ...`` message on stderr for bad
input (a missing file or product, a file without a date, ...). The catalog
is the one under ``$GPUCOMPUTE_HOME`` (default ``~/.gpucompute``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["add_commands"]

_GDAL_TYPES = {"uint8": "Byte", "uint16": "UInt16", "int16": "Int16", "uint32": "UInt32", "int32": "Int32",
               "float32": "Float32", "float64": "Float64"}


class _InputError(Exception):
    """Bad input found by the CLI itself."""


def _guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from gpucompute.errors import GpuComputeError

        try:
            return handler(args)
        except (_InputError, GpuComputeError) as exc:
            print(f"gpucompute: error: {exc}", file=sys.stderr)
            return 2

    return run


# ---- demo-data ----------------------------------------------------------------------------------------
def _demo_data(args: argparse.Namespace) -> int:
    from gpucompute.catalog.demo import ensure_demo_product

    start = time.perf_counter()
    product = ensure_demo_product(size=args.scene_size, scenes=args.scenes, seed=args.seed, force=args.force,
                                  progress=not args.quiet and None)
    seconds = time.perf_counter() - start
    images = list(product.images().sort("acquired"))
    size = sum(f.size_bytes or 0 for i in images for f in i.files or [])
    print(f"{product.id}: {product.name}")
    print(f"  {product.description}")
    print(f"  {len(images)} images, {images[0].acquired:%Y-%m-%d} to {images[-1].acquired:%Y-%m-%d}, "
          f"bands: {', '.join(b.name for b in product.bands().sort('sort_order'))}")
    print(f"  {size / 1e6:.1f} MB in {product.client.data_dir}; ready in {seconds:.1f} s")
    return 0


# ---- ingest -------------------------------------------------------------------------------------------
def _parse_date(text: str, where: str) -> dt.datetime:
    for candidate in (text, text.replace(":", "-", 2) if re.match(r"^\d{4}:\d\d:\d\d", text) else None):
        if candidate:
            try:
                value = dt.datetime.fromisoformat(candidate.strip())
            except ValueError:
                continue
            return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    raise _InputError(f"{where} {text!r} is not a date; use ISO 8601 such as 2023-03-01 or 2023-03-01T18:45:00")


def _inspect(path: Path, date: str | None) -> dict[str, Any]:
    import rasterio
    from rasterio.errors import RasterioError

    if not path.is_file():
        raise _InputError(f"file {str(path)!r} does not exist")
    try:
        with rasterio.open(path) as ds:
            info = {"count": ds.count, "dtypes": ds.dtypes, "nodata": ds.nodata, "crs": ds.crs,
                    "descriptions": ds.descriptions, "tag": ds.tags().get("TIFFTAG_DATETIME"),
                    "identity": ds.transform.is_identity}
    except RasterioError as exc:
        raise _InputError(f"{str(path)!r} is not a raster GDAL can read: {exc}") from None
    if info["crs"] is None or info["identity"]:
        raise _InputError(f"{str(path)!r} is not georeferenced (no CRS or geotransform); assign one first")
    bad = sorted({d for d in info["dtypes"] if d not in _GDAL_TYPES})
    if bad:
        raise _InputError(f"{str(path)!r} has {bad} bands; the catalog stores {sorted(_GDAL_TYPES)}")
    if date is not None:
        info["acquired"] = _parse_date(date, "--date")
    elif info["tag"]:
        info["acquired"] = _parse_date(info["tag"], f"the TIFFTAG_DATETIME of {str(path)!r}")
    else:
        raise _InputError(f"{str(path)!r} has no TIFFTAG_DATETIME tag; give the acquisition date with --date")
    return info


def _band_names(descriptions: tuple) -> list[str]:
    names: list[str] = []
    for k, text in enumerate(descriptions, 1):
        name = re.sub(r"\s+", "_", (text or "").strip()) or f"band_{k}"
        while name in names:
            name = f"{name}_{k}"
        names.append(name)
    return names


def _create_product(product_id: str, info: dict) -> Any:
    import numpy as np

    from gpucompute.catalog import GenericBand, Product

    product = Product(id=product_id, name=product_id, description="Ingested with `gpucompute ingest`")
    product.save()
    for k, (name, dtype) in enumerate(zip(_band_names(info["descriptions"]), info["dtypes"])):
        kw: dict[str, Any] = {}
        if np.dtype(dtype).kind in "ui":
            limits = np.iinfo(dtype)
            kw = {"data_range": (int(limits.min), int(limits.max)), "display_range": (int(limits.min),
                                                                                      int(limits.max))}
        nodata = info["nodata"]
        GenericBand(product=product, name=name, band_index=k, data_type=_GDAL_TYPES[dtype], sort_order=k,
                    nodata=None if nodata is None or np.isnan(nodata) else nodata, **kw).save()
    return product


def _ingest(args: argparse.Namespace) -> int:
    from gpucompute.catalog import Image, Product

    paths = [Path(f) for f in args.files]
    infos = [_inspect(p, args.date) for p in paths]
    stems = [p.stem for p in paths]
    if len(set(stems)) != len(stems):
        raise _InputError(f"file names become image names and must differ, got {stems}")
    product = Product.get(Product.namespace_id(args.product))
    if product is None:
        if not args.create:
            raise _InputError(f"product {args.product!r} does not exist; pass --create to make it from the "
                              "first file's bands")
        product = _create_product(args.product, infos[0])
        print(f"created product {product.id} with bands {[b.name for b in product.bands().sort('band_index')]}")
    for path, info, stem in zip(paths, infos, stems):
        image = Image(product=product, name=stem, acquired=info["acquired"])
        upload = image.upload(str(path), overwrite=args.overwrite)
        if upload.status != "success":
            raise _InputError(f"{str(path)!r} was not ingested: {'; '.join(upload.errors)}")
        print(f"ingested {image.id} (acquired {image.acquired.isoformat()}, {image.x_pixels}x{image.y_pixels} "
              f"pixels, {image.cs_code or 'custom CRS'})")
    return 0


# ---- catalog ls / show --------------------------------------------------------------------------------
def _table(rows: list[tuple], header: tuple) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip())


def _ls(args: argparse.Namespace) -> int:
    from gpucompute.catalog import Product

    if args.limit is not None and args.limit < 0:
        raise _InputError(f"--limit must be >= 0, got {args.limit}")
    if args.product is None:
        products = list(Product.search().sort("id").limit(args.limit))
        _table([(p.id, p.name, p.images().count()) for p in products], ("ID", "NAME", "IMAGES"))
        return 0
    product = Product.get(args.product) or Product.get(Product.namespace_id(args.product))
    if product is None:
        raise _InputError(f"product {args.product!r} does not exist; list products with `gpucompute catalog ls`")
    images = list(product.images().sort("acquired").limit(args.limit))
    rows = [(i.id, f"{i.acquired:%Y-%m-%d %H:%M}" if i.acquired else "-",
             "-" if i.cloud_fraction is None else f"{i.cloud_fraction:.3f}") for i in images]
    _table(rows, ("ID", "ACQUIRED", "CLOUD_FRACTION"))
    return 0


def _show_value(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 100 else text[:97] + "..."


def _show(args: argparse.Namespace) -> int:
    from gpucompute.catalog import Image, Product

    obj = Product.get(args.id) or Product.get(Product.namespace_id(args.id)) or Image.get(args.id)
    if obj is None:
        raise _InputError(f"no product or image with id {args.id!r}; list them with `gpucompute catalog ls`")
    print(f"{type(obj).__name__}: {obj.id}")
    for name, value in sorted(obj.to_dict().items()):
        if name == "geometry" and getattr(obj, "geometry", None) is not None:
            value = f"{obj.geometry.geom_type} bounds {tuple(round(v, 6) for v in obj.geometry.bounds)}"
        if name != "id":
            print(f"  {name}: {_show_value(value)}")
    if isinstance(obj, Product):
        bands = list(obj.bands().sort("band_index"))
        print(f"  images: {obj.images().count()}")
        print("  bands:")
        for b in sorted(bands, key=lambda b: (b.file_index or 0, b.band_index)):
            print(f"    {b.name}: {b.type}, {b.data_type}, file {b.file_index or 0} band {b.band_index + 1}, "
                  f"nodata {b.nodata}")
    return 0


def add_commands(sub: Any) -> None:
    """Add ``demo-data``, ``ingest`` and ``catalog`` to the ``gpucompute`` sub-parsers *sub*."""
    demo = sub.add_parser("demo-data", help="generate (first time) and describe the synthetic demo product")
    demo.add_argument("--size", dest="scene_size", type=int, default=1024, help="pixels per scene side")
    demo.add_argument("--scenes", type=int, default=19, help="dates per area (default 19: every 5 days)")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--force", action="store_true", help="regenerate even if present")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.set_defaults(handler=_guarded(_demo_data))

    ingest = sub.add_parser("ingest", help="add GeoTIFF/COG files to a product, one image per file")
    ingest.add_argument("product", help="product id (prefixed with 'local:' unless it has a colon)")
    ingest.add_argument("files", nargs="+", metavar="FILE")
    ingest.add_argument("--date", help="acquisition date (ISO 8601); default: the file's TIFFTAG_DATETIME")
    ingest.add_argument("--create", action="store_true", help="create the product from the first file's bands")
    ingest.add_argument("--overwrite", action="store_true", help="replace images that already exist")
    ingest.set_defaults(handler=_guarded(_ingest))

    catalog = sub.add_parser("catalog", help="list and show catalog products and images")
    csub = catalog.add_subparsers(dest="catalog_command", required=True)
    ls = csub.add_parser("ls", help="list products, or the images of --product")
    ls.add_argument("--product", help="list this product's images")
    ls.add_argument("--limit", type=int, default=None, help="at most N rows")
    ls.set_defaults(handler=_guarded(_ls))
    show = csub.add_parser("show", help="show a product or an image")
    show.add_argument("id", help="product or image id")
    show.set_defaults(handler=_guarded(_show))
