"""Where image files live, and which file bands hold an image's named bands.

:func:`resolve_band_files` is what rastering uses: it turns band names into
``(absolute path, 1-based band indexes, nodata, image id)`` records shaped like
:class:`gpucompute.raster.ImageRef` (``ImageRef(*ref)`` builds one).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any, Iterable, NamedTuple
from urllib.parse import quote

from gpucompute.errors import CatalogValueError

__all__ = ["BandFileRef", "declared_bands", "resolve_band_files", "image_dir", "local_paths", "upload_folders"]


class BandFileRef(NamedTuple):
    """Bands to read from one file, in the order requested (same fields as ``raster.ImageRef``)."""

    path: str
    band_indexes: tuple[int, ...]
    nodata: float | None
    id: str


def image_dir(catalog: Any, product_id: str, image_name: str, token: str) -> Path:
    """The folder of one upload of an image: ``data/<product id>/<image name>/<token>``.

    Ids and names are percent-quoted so any character is safe in a path.
    """
    return catalog.data_dir / quote(product_id, safe="") / quote(image_name, safe="") / token


def _is_url(href: str) -> bool:
    return "://" in href


def local_paths(catalog: Any, files: Iterable[Any]) -> list[Path]:
    """Absolute paths of the files stored under the catalog's data folder (URLs are skipped)."""
    out = []
    for f in files:
        href = getattr(f, "href", None)
        if href and not _is_url(href) and not os.path.isabs(href):
            out.append(catalog.data_dir / href)
    return out


def upload_folders(catalog: Any, files: Iterable[Any]) -> list[Path]:
    """The upload folders (``data/<product>/<image>/<token>``) holding *files*.

    Only paths with exactly that layout count, so deleting an image never
    removes anything but the folders its uploads created.
    """
    out = []
    for path in local_paths(catalog, files):
        parts = Path(os.path.normpath(path)).relative_to(catalog.data_dir).parts
        if len(parts) == 4 and ".." not in parts:
            out.append(catalog.data_dir.joinpath(*parts[:3]))
    return sorted(set(out))


def _band_names(bands: Any) -> list[str]:
    if isinstance(bands, str):
        names = bands.split()
    else:
        try:
            names = [b if isinstance(b, str) else b.name for b in bands]
        except (TypeError, AttributeError):
            raise CatalogValueError(
                f"bands must be a space-separated string, or a list of names or Band objects, got {bands!r}"
            ) from None
    if not names:
        raise CatalogValueError("at least one band name is needed, got none")
    return names


def _nodata_key(value: float | None) -> Any:
    return "nan" if isinstance(value, float) and math.isnan(value) else value


def declared_bands(image: Any) -> dict[str, Any]:
    """The bands of *image*'s product, by name (one catalog query; share it across images of a product)."""
    from gpucompute.catalog.band import Band
    from gpucompute.catalog.properties import properties as p

    return {b.name: b for b in Band.search(client=image._client).filter(p.product_id == image.product_id)}


def resolve_band_files(image: Any, bands: Any, declared: dict[str, Any] | None = None) -> list[BandFileRef]:
    """Which file bands of *image* hold *bands*.

    Parameters
    ----------
    image : Image
        A saved image with uploaded files.
    bands : str or list
        Band names (``"red green blue"``, a list of names or Band objects).
    declared : dict, optional
        The product's bands by name, from :func:`declared_bands` (looked up when not given).

    Returns
    -------
    list of BandFileRef
        One record per run of consecutive requested bands that sit in the same file
        and share a nodata value; reading the records in order and concatenating
        their bands yields the bands in the requested order. ``band_indexes`` are
        1-based (GDAL); ``nodata`` is the bands' declared nodata.

    Raises
    ------
    CatalogValueError
        For an unknown band name (the message lists the product's bands), or an
        image without local files (remote images cannot be read).
    """
    names = _band_names(bands)
    catalog = image.client
    if declared is None:
        declared = declared_bands(image)
    unknown = [n for n in names if n not in declared]
    if unknown:
        raise CatalogValueError(
            f"product {image.product_id!r} has no band(s) {unknown}; its bands are {sorted(declared)}"
        )
    files = image.files or []
    if not files or image.storage_state == "remote":
        raise CatalogValueError(f"image {image.id!r} has no uploaded files to read (storage_state "
                                f"{image.storage_state!r})")
    refs: list[BandFileRef] = []
    for name in names:
        band = declared[name]
        fi = band.file_index or 0
        if fi >= len(files):
            raise CatalogValueError(
                f"band {name!r} is in file {fi} but image {image.id!r} has only {len(files)} file(s)"
            )
        href = files[fi].href
        path = href if _is_url(href) or os.path.isabs(href) else str(catalog.data_dir / href)
        index = band.band_index + 1
        last = refs[-1] if refs else None
        if last is not None and last.path == path and _nodata_key(last.nodata) == _nodata_key(band.nodata):
            refs[-1] = last._replace(band_indexes=last.band_indexes + (index,))
        else:
            refs.append(BandFileRef(path, (index,), band.nodata, image.id))
    return refs
