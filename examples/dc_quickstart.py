"""The Dynamic Compute quick-start, run on the offline demo product.

This is ``seeds/dynamic-compute-quickstart.txt`` with only the product id
changed (``esa:sentinel-2:l2a:v1`` -> the synthetic demo product that
gpucompute generates on first use).  Where the guide shows a layer on the
interactive map, this script computes the same object over the map view as
an array instead (the map itself is another piece of work): the view is a
GeoContext around the guide's map centre and zoom, in the map's Web Mercator
pixels.

Run it with ``python examples/dc_quickstart.py``.
"""

from __future__ import annotations

import math
from typing import Any

import gpucompute.dc as dc
from gpucompute.catalog.demo import DEMO_PRODUCT_ID, ensure_demo_product
from gpucompute.geo import GeoContext

PRODUCT = DEMO_PRODUCT_ID
CENTRAL_VALLEY = (36.2431, -121.0892, 13)
SAN_FRANCISCO = (37.8084, -122.4473, 15)


def map_view(lat: float, lon: float, zoom: int, shape: tuple[int, int] = (400, 939)) -> GeoContext:
    """The GeoContext a map of ``shape`` pixels centred on ``(lat, lon)`` at ``zoom`` shows (EPSG:3857)."""
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True).transform(lon, lat)
    resolution = 2 * math.pi * 6378137.0 / 256 / 2**zoom
    rows, cols = shape
    half_w, half_h = cols * resolution / 2, rows * resolution / 2
    return GeoContext.from_bounds((x - half_w, y - half_h, x + half_w, y + half_h), "EPSG:3857",
                                  resolution=resolution)


def mosaic_steps(ctx: Any) -> dict[str, Any]:
    """Optical mosaic, NDVI and the vegetation mask (the guide's first half)."""
    sentinel_2_mosaic = dc.Mosaic.from_product_bands(
        PRODUCT, "red green blue nir", start_datetime="2023-03-01", end_datetime="2023-05-01",
    )
    rgb = sentinel_2_mosaic.pick_bands("red green blue")
    red = sentinel_2_mosaic.pick_bands("red")
    nir = sentinel_2_mosaic.pick_bands("nir")
    ndvi = (nir - red) / (nir + red)
    vegetation_rgb = rgb.mask(ndvi < 0.3)
    return {
        "rgb": rgb.compute(ctx),
        "ndvi": ndvi.compute(ctx),
        "vegetation_rgb": vegetation_rgb.compute(ctx),
    }


def stack_steps(ctx: Any) -> dict[str, Any]:
    """Cloud-filtered ImageStack, median composite, NDWI and the water mask (the guide's second half)."""
    sentinel_2_image_stack = dc.ImageStack.from_product_bands(
        PRODUCT, "red green blue nir", start_datetime="2023-03-01", end_datetime="2023-05-01",
    ).filter(lambda x: x.cloud_fraction < 0.1)
    composite_rgb = sentinel_2_image_stack.pick_bands("red green blue")
    composite_nir, composite_green = sentinel_2_image_stack.unpack_bands("nir green")
    composite_ndwi = (composite_nir - composite_green) / (composite_nir + composite_green)
    water = composite_ndwi.min(axis="images") < 0
    return {
        "images": sentinel_2_image_stack.length().compute(ctx),
        "composite_rgb": composite_rgb.median(axis="images").compute(ctx),
        "ndwi_composite": composite_ndwi.median(axis="images").compute(ctx),
        "water_free_rgb": composite_rgb.mask(water).pick_bands("red green blue").median(axis="images").compute(ctx),
    }


def blob_steps() -> dict[str, Any]:
    """Save a Mosaic to a blob, load it back, list, share and delete it."""
    mosaic = dc.Mosaic.from_product_bands(
        PRODUCT, "red green blue", start_datetime="2023-03-01", end_datetime="2023-05-01",
    )
    mosaic_blob_id = dc.catalog.save_to_blob(
        mosaic,
        name="quickstart-mosaic",
        description="This is a simple Mosaic, but you can save any Dynamic Compute type, including calculated ratios!",
        extra_properties={"foo": "bar", "fuu": "baz"},
    )
    loaded = dc.catalog.load_from_blob(mosaic_blob_id)
    listed = dc.catalog.print_blobs()
    dc.catalog.share_blob(mosaic_blob_id, emails=["colleague@example.com"], as_writers=True)
    dc.catalog.delete_blob(mosaic_blob_id)
    return {"blob_id": mosaic_blob_id, "loaded": loaded, "listed": listed}


def main() -> None:
    ensure_demo_product()
    valley = map_view(*CENTRAL_VALLEY)
    for name, result in mosaic_steps(valley).items():
        print(f"{name}: ndarray {result.ndarray.shape}, {int(result.ndarray.count())} valid values")
    bay = map_view(*SAN_FRANCISCO)
    for name, result in stack_steps(bay).items():
        shape = getattr(getattr(result, "ndarray", None), "shape", result)
        print(f"{name}: {shape}")
    saved = blob_steps()
    print(f"saved, loaded ({type(saved['loaded']).__name__}) and deleted blob {saved['blob_id']}")


if __name__ == "__main__":
    main()
