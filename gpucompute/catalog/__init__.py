"""gpucompute.catalog: the local catalog of products, bands, images and blobs.

The API follows the Descartes Labs Catalog client::

    from gpucompute.catalog import Product, SpectralBand, Image, properties as p

    product = Product(id="my-product", name="My product")
    product.save()                                  # id becomes "local:my-product"
    search = product.images().filter(p.cloud_fraction < 0.2).sort("acquired")

Everything is stored in an SQLite database and files under ``$GPUCOMPUTE_HOME``
(default ``~/.gpucompute``); see :mod:`gpucompute.catalog._db`. Objects use the
default catalog (:func:`get_catalog`) unless given ``client=``; :func:`connect`
opens another folder and makes it the default.
"""

from __future__ import annotations

from gpucompute.catalog._db import Catalog, connect, get_catalog, reset_catalog
from gpucompute.catalog._enums import (
    BandType,
    DataType,
    DocumentState,
    ImageUploadStatus,
    ImageUploadType,
    OverviewResampler,
    ResolutionUnit,
    StorageState,
    StorageType,
    TaskState,
)
from gpucompute.catalog._files import BandFileRef, resolve_band_files
from gpucompute.catalog._values import File, Resolution
from gpucompute.catalog.band import (
    Band,
    ClassBand,
    GenericBand,
    MaskBand,
    MicrowaveBand,
    SpectralBand,
)
from gpucompute.catalog.blob import Blob, BlobDeletionTaskStatus
from gpucompute.catalog.collection import (
    BandCollection,
    BlobCollection,
    Collection,
    ImageCollection,
    ImageUploadCollection,
    ProductCollection,
)
from gpucompute.catalog.image import Image
from gpucompute.catalog.image_upload import ImageUpload
from gpucompute.catalog.product import Product, TaskStatus
from gpucompute.catalog.properties import Expression, Properties, Property, properties
from gpucompute.catalog.search import Search, SearchAOI
from gpucompute.catalog.summary import BlobSearch, ImageSearch, SummaryResult

#: The guide's names for the summary results of image and blob searches.
ImageSummaryResult = SummaryResult
BlobSummaryResult = SummaryResult
#: Products are searched with the plain :class:`Search`.
ProductSearch = Search

__all__ = [
    "Catalog", "connect", "get_catalog", "reset_catalog",
    "Product", "Band", "SpectralBand", "MicrowaveBand", "GenericBand", "ClassBand", "MaskBand",
    "Image", "ImageUpload", "Blob", "BlobDeletionTaskStatus", "TaskStatus",
    "File", "Resolution",
    "BandType", "DataType", "DocumentState", "ImageUploadStatus", "ImageUploadType", "OverviewResampler",
    "ResolutionUnit", "StorageState", "StorageType", "TaskState",
    "properties", "Properties", "Property", "Expression",
    "Search", "ProductSearch", "ImageSearch", "BlobSearch", "SearchAOI",
    "SummaryResult", "ImageSummaryResult", "BlobSummaryResult",
    "Collection", "ProductCollection", "BandCollection", "ImageCollection", "BlobCollection",
    "ImageUploadCollection",
    "BandFileRef", "resolve_band_files",
    "ImageGrid", "DEMO_PRODUCT_ID", "demo_product", "ensure_demo_product",
]

# Rastering attaches Image.ndarray / .download and ImageCollection.stack / .mosaic to the classes above.
from gpucompute.catalog.rastering import ImageGrid  # noqa: E402
from gpucompute.catalog.demo import DEMO_PRODUCT_ID, demo_product, ensure_demo_product  # noqa: E402

# Dynamic Compute's ``dc.catalog.save_to_blob`` family stores proxies' grafts in this catalog's blobs, so
# ``import gpucompute as dc; dc.catalog.save_to_blob(...)`` works; it needs the proxy types, so it is
# loaded from gpucompute.dc.catalog on first use.
_SAVED = ("save_to_blob", "load_from_blob", "print_blobs", "share_blob", "delete_blob", "find_blobs")
__all__ += list(_SAVED)


def __getattr__(name: str):
    if name in _SAVED:
        from gpucompute.dc import catalog as saved_objects

        return getattr(saved_objects, name)
    raise AttributeError(f"module 'gpucompute.catalog' has no attribute {name!r}")
