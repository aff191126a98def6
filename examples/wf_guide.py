"""The Workflows guide's examples, run on the offline demo product.

Each function below is a section of ``seeds/workflows-guide.txt`` with the
product and image ids changed to the synthetic demo product's (and the guide's
``img.properties["pass"]`` filter, a Sentinel-1 field, changed to the demo's
``area`` field).  The functions return what the guide prints so the tests can
check the values against NumPy.

Run it with ``python examples/wf_guide.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import gpucompute as wf
from gpucompute.catalog.demo import DEMO_PRODUCT_ID, ensure_demo_product

PRODUCT = DEMO_PRODUCT_ID
START, END = "2023-03-01", "2023-06-01"


def first_image_id() -> str:
    """The id of the demo product's first Central Valley scene."""
    from gpucompute.catalog import Product
    from gpucompute.catalog import properties as p

    search = Product.get(PRODUCT).images().filter(p.acquired >= START).sort("acquired")
    return next(i.id for i in search if i.extra_properties.get("area") == "central-valley")


def valley_geocontext() -> Any:
    """A 512 x 512 GeoContext of 40 m pixels in the Central Valley (UTM zone 10N)."""
    return wf.GeoContext(bounds=(-121.17, 36.17, -121.00, 36.32), crs="EPSG:32610", resolution=40.0)


def quick_look(ctx: Any) -> dict[str, Any]:
    """The guide's opening example: pick three bands of an image and compute them."""
    img = wf.Image.from_id(first_image_id())
    rgb = img.pick_bands(["red", "green", "blue"])
    result = rgb.compute(ctx)
    return {"result": result, "img": img.compute(ctx), "bandinfo": img.bandinfo.compute(ctx)}


def empties(ctx: Any) -> dict[str, Any]:
    """The guide's section on empty Images and ImageCollections."""
    col = wf.ImageCollection.from_id(PRODUCT, start_datetime=START, end_datetime=END)
    a = col.filter(lambda img: img.properties["area"] == "san-francisco")  # empty over the valley
    d = col.filter(lambda img: img.properties["area"] == "central-valley")  # not empty
    a_min = a.pick_bands("red").min(axis="images")
    d_min = d.pick_bands("red").min(axis="images")
    max_composite = wf.ImageCollection([a_min, d_min]).max(axis="images")
    a_min_filled = a_min.replace_empty_with(0, mask=False, bandinfo={"red": {}})
    filled_composite = wf.ImageCollection([a_min_filled, d_min]).max(axis="images")

    empty_col = wf.ImageCollection([])
    none_then = wf.ImageCollection.from_id(PRODUCT, start_datetime="2017-01-01", end_datetime="2017-02-01")
    none_in_2024 = col.filter(lambda img: img.properties["date"].year == 2024)
    non_empty_img = wf.Image.from_id(first_image_id())
    empty_img = empty_col[0]
    return {
        "d_min": d_min.compute(ctx),
        "max_composite": max_composite.compute(ctx),
        "filled_composite": filled_composite.compute(ctx),
        "lengths": {
            "empty": empty_col.length().compute(ctx),
            "no imagery in range": none_then.length().compute(ctx),
            "filtered to nothing": none_in_2024.length().compute(ctx),
            "added to empty": (d + empty_col).length().compute(ctx),
            "concat with empty": empty_col.concat(d).length().compute(ctx),
            "empties dropped": wf.ImageCollection([non_empty_img, empty_img, empty_img]).length().compute(ctx),
            "masked by empty": d.mask(empty_col).length().compute(ctx),
            "empty masked": empty_col.mask(d).length().compute(ctx),
            "replaced with collection": empty_col.replace_empty_with(d).length().compute(ctx),
        },
        "valley_images": d.length().compute(ctx),
    }


def band_math(ctx: Any) -> dict[str, Any]:
    """The guide's broadcasting examples (and the band names they give)."""
    imagecollection = wf.ImageCollection.from_id(PRODUCT, start_datetime=START, end_datetime=END).filter(
        lambda img: img.properties["area"] == "central-valley"
    ).pick_bands("red green blue nir")
    img = imagecollection[0]
    red, blue = img.pick_bands("red"), img.pick_bands("blue")
    return {
        "img_plus_1": (img + 1).compute(ctx),
        "img_plus_img": (img + img).compute(ctx),
        "img_plus_red": (img + img.pick_bands("red")).compute(ctx),
        "swapped_names": (img.pick_bands("red green") + img.pick_bands("green red")).compute(ctx),
        "ic_plus_img": (imagecollection + img).compute(ctx),
        "ic_plus_red": (imagecollection + img.pick_bands("red")).compute(ctx),
        "red_add_blue_bandinfo": (red + blue).bandinfo.compute(ctx),
        "ndvi": wf.normalized_difference(img.pick_bands("nir"), img.pick_bands("red")).compute(ctx),
        "img": img.compute(ctx),
        "ic": imagecollection.compute(ctx),
    }


def arrays(ctx: Any) -> dict[str, Any]:
    """The guide's array section: distance to a spectral target, back to imagery."""
    imgs = wf.ImageCollection.from_id(PRODUCT, start_datetime=START, end_datetime=END).filter(
        lambda img: img.properties["area"] == "central-valley"
    )
    rgb = imgs.pick_bands("red green blue")
    spectral_target = wf.Array([0.2, 0.3, 0.4])
    delta = rgb.ndarray - spectral_target[None, :, None, None]
    delta_std = delta.std(axis=0)
    delta_img = delta_std.to_imagery({"foo": "bar"}, {"red_d": {}, "green_d": {}, "blue_d": {}})
    return {"rgb": rgb.compute(ctx), "delta_img": delta_img.compute(ctx)}


def main() -> None:
    ensure_demo_product()
    ctx = valley_geocontext()
    print("quick look:", quick_look(ctx)["result"].ndarray.shape)
    print("empties:", empties(ctx)["lengths"])
    print("band math:", list(band_math(ctx)["red_add_blue_bandinfo"]))
    print("arrays:", arrays(ctx)["delta_img"].ndarray.shape)


if __name__ == "__main__":
    main()
