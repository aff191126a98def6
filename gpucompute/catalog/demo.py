"""The demo product: synthetic Sentinel-2-like scenes generated offline on first use.

``demo_product()`` returns the product ``gpucompute:demo-sentinel-2-synthetic``,
generating it first when the catalog does not hold a complete one. It has
two areas of the seed quickstart (California's Central Valley near 36.24 N,
121.09 W and San Francisco near 37.81 N, 122.45 W), each a 1024 x 1024 grid at
20 m in UTM zone 10N (EPSG:32610), imaged every 5 days from 2023-03-01 to
2023-05-30 (19 dates per area, 38 scenes). Bands:

* ``blue green red nir swir1``: SpectralBand, UInt16 reflectance x 10000,
  ``data_range (0, 10000)``, ``physical_range (0, 1)``, ``display_range (0, 4000)``,
  nodata 0 (file 0);
* ``cloud-mask``: MaskBand, Byte, 1 = cloud, nodata 255 (file 1).

Each image records ``cloud_fraction`` (cloudy share of its valid pixels) and
``fill_fraction``. Pixels come from :mod:`gpucompute.catalog._demo_scenes`; the
same seed gives the same pixels everywhere. Files are COGs (256 px tiles,
deflate with horizontal differencing, overviews).

Generation is atomic for readers of the product: scenes are written to a
temporary folder, then the product is registered with
``extra_properties["demo"]["complete"] = False``, its images uploaded, and the
flag set last. An incomplete product (a killed generation) or one made with
other parameters is deleted and generated again; a file lock keeps two
processes from generating at once.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from gpucompute.catalog import _demo_scenes as scenes_mod
from gpucompute.catalog._db import Catalog, get_catalog
from gpucompute.catalog.band import MaskBand, SpectralBand
from gpucompute.catalog.image import Image
from gpucompute.catalog.product import Product
from gpucompute.errors import CatalogError, CatalogValueError

__all__ = ["DEMO_PRODUCT_ID", "demo_product", "ensure_demo_product"]

DEMO_PRODUCT_ID = "gpucompute:demo-sentinel-2-synthetic"
#: Bumped when the synthesis changes, so stored demo products are regenerated.
GENERATOR_VERSION = 1
_TMP_PREFIX = ".demo-tmp-"


def demo_product(client: Catalog | None = None) -> Product:
    """The demo product of *client* (the default catalog), generated on first use."""
    return ensure_demo_product(client=client)


@contextlib.contextmanager
def _locked(catalog: Catalog) -> Iterator[None]:
    path = catalog.home / ".demo.lock"
    with open(path, "a+") as handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no cross-process lock
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _params(size: int, scenes: int, seed: int) -> dict[str, Any]:
    return {"version": GENERATOR_VERSION, "size": size, "scenes": scenes, "seed": seed}


def ensure_demo_product(home: str | os.PathLike | None = None, *, client: Catalog | None = None, size: int = 1024,
                        scenes: int = 19, seed: int = 0, force: bool = False, progress: bool | None = None) -> Product:
    """Return the demo product, generating it when missing, incomplete or made differently.

    Parameters
    ----------
    home : path-like, optional
        Catalog folder to use (default: *client*, else the default catalog).
    client : Catalog, optional
        The catalog to use.
    size : int
        Pixels per side of each scene (default 1024; tests use smaller).
    scenes : int
        Dates per area, spread evenly over 2023-03-01..2023-05-30 (default 19: every 5 days).
    seed : int
        Seed of the synthesis.
    force : bool
        Regenerate even if a complete product exists.
    progress : bool, optional
        Show a progress bar (None: on a terminal).

    Returns
    -------
    Product

    Raises
    ------
    CatalogValueError
        For a size below 16 or fewer than 1 scene.
    CatalogError
        If an upload fails.
    """
    if int(size) < 16 or int(scenes) < 1:
        raise CatalogValueError(f"demo size must be >= 16 pixels and scenes >= 1, got size={size!r}, "
                                f"scenes={scenes!r}")
    catalog = client or (Catalog(home) if home is not None else get_catalog())
    params = _params(int(size), int(scenes), int(seed))
    with _locked(catalog):
        existing = Product.get(DEMO_PRODUCT_ID, client=catalog)
        if existing is not None and not force and (existing.extra_properties or {}).get("demo") == {
                **params, "complete": True}:
            return existing
        if existing is not None:
            existing.delete(cascade=True)
        for stale in catalog.home.glob(_TMP_PREFIX + "*"):
            shutil.rmtree(stale, ignore_errors=True)
        tmp = catalog.home / f"{_TMP_PREFIX}{uuid.uuid4().hex}"
        tmp.mkdir()
        try:
            written = _write_scenes(tmp, params, progress)
            return _register(catalog, params, written)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def _write_scenes(folder: Path, params: dict, progress: bool | None) -> list[dict]:
    """Render and write every scene (in a thread pool); returns their image records."""
    from affine import Affine
    from tqdm.auto import tqdm

    from gpucompute.raster import write_geotiff

    size, seed = params["size"], params["seed"]
    dates = scenes_mod.scene_dates(params["scenes"])
    covers = {area: scenes_mod.landcover(area, size, seed) for area in scenes_mod.AREAS}
    jobs = [(area, k, date) for area in scenes_mod.AREAS for k, date in enumerate(dates)]

    def one(job: tuple) -> dict:
        area, k, date = job
        day = (date - scenes_mod.START).total_seconds() / 86400.0
        scene = scenes_mod.render(area, covers[area], k, day, seed)
        transform = Affine.from_gdal(*scenes_mod.area_transform(area, size))
        name = f"{area.name}_{date:%Y%m%d}"
        common = {"crs": "EPSG:32610", "transform": transform, "cog": True, "blocksize": 256, "compress": "deflate"}
        refl, cloud = folder / f"{name}_refl.tif", folder / f"{name}_cloud.tif"
        write_geotiff(refl, scene.reflectance, nodata=0, predictor=2, overview_resampling="average", **common)
        write_geotiff(cloud, scene.cloud, nodata=255, overview_resampling="nearest", **common)
        return {"name": name, "acquired": date, "files": [refl, cloud], "cloud_fraction": scene.cloud_fraction,
                "fill_fraction": scene.fill_fraction, "area": area.name}

    with ThreadPoolExecutor(max(1, min(4, os.cpu_count() or 1))) as pool:
        bar = tqdm(pool.map(one, jobs), total=len(jobs), desc="demo scenes", unit="scene",
                   disable=None if progress is None else not progress, leave=False)
        return list(bar)


def _bands(product: Product, catalog: Catalog) -> list:
    out = []
    for k, (name, centre, fwhm, *_rest) in enumerate(scenes_mod.BANDS):
        out.append(SpectralBand(
            client=catalog, product=product, name=name, band_index=k, file_index=0, data_type="UInt16", nodata=0,
            data_range=(0, 10000), physical_range=(0.0, 1.0), display_range=(0, 4000), resolution=20,
            physical_range_unit="reflectance", wavelength_nm_center=centre, wavelength_nm_fwhm=fwhm,
            wavelength_nm_min=centre - fwhm / 2, wavelength_nm_max=centre + fwhm / 2, sort_order=k,
            description=f"Synthetic {name} surface reflectance x 10000"))
    out.append(MaskBand(client=catalog, product=product, name="cloud-mask", band_index=0, file_index=1,
                        data_type="Byte", nodata=255, resolution=20, sort_order=len(out), is_alpha=False,
                        description="Synthetic cloud mask: 1 = cloud, 0 = clear"))
    return out


def _register(catalog: Catalog, params: dict, records: list[dict]) -> Product:
    dates = [r["acquired"] for r in records]
    product = Product(
        client=catalog, id=DEMO_PRODUCT_ID, name="Synthetic Sentinel-2 demo",
        description=("SYNTHETIC data generated by gpucompute for offline examples: Sentinel-2-like surface "
                     "reflectance of California's Central Valley and San Francisco, March-May 2023. "
                     "Not real imagery."),
        tags=["demo", "synthetic", "sentinel-2"], start_datetime=min(dates), end_datetime=max(dates),
        resolution_min=20, resolution_max=20, default_display_bands=["red", "green", "blue"],
        revisit_period_minutes_min=5 * 24 * 60, revisit_period_minutes_max=5 * 24 * 60,
        extra_properties={"demo": {**params, "complete": False}})
    product.save()
    for band in _bands(product, catalog):
        band.save()
    for rec in records:
        image = Image(client=catalog, product=product, name=rec["name"], acquired=rec["acquired"],
                      cloud_fraction=rec["cloud_fraction"], fill_fraction=rec["fill_fraction"],
                      provider_id=f"synthetic:{rec['name']}", tags=[rec["area"]],
                      extra_properties={"area": rec["area"], "synthetic": True})
        upload = image.upload([str(f) for f in rec["files"]])
        if upload.status != "success":
            raise CatalogError(f"the demo scene {rec['name']!r} could not be stored: {'; '.join(upload.errors)}")
    product.extra_properties = {"demo": {**params, "complete": True}}
    product.save()
    return product
