"""Products: named sets of images that share one band structure."""

from __future__ import annotations

import sqlite3
from typing import Any

from gpucompute.catalog._attributes import Attribute, hybridmethod
from gpucompute.catalog._compound import Json, ResolutionKind, StrList
from gpucompute.catalog._db import Catalog, get_catalog, local_user
from gpucompute.catalog._enums import TaskState
from gpucompute.catalog._kinds import Bool, Datetime, Float, Str
from gpucompute.catalog._object import CatalogObject
from gpucompute.catalog.collection import ProductCollection
from gpucompute.catalog.properties import properties as p
from gpucompute.catalog.search import Search
from gpucompute.errors import CatalogValueError, ConflictError, NotFoundError

__all__ = ["Product", "TaskStatus"]


class TaskStatus:
    """The result of a background task; local tasks have finished when this is returned.

    Attributes
    ----------
    status : str
        A :class:`~gpucompute.catalog.TaskState` value.
    errors : list of str
        What went wrong, when ``status`` is ``FAILED``.
    """

    def __init__(self, id: str, status: str = TaskState.SUCCEEDED, errors: list[str] | None = None,  # noqa: A002
                 **details: Any) -> None:
        self.id, self.status, self.errors, self.details = id, status, list(errors or []), details

    def wait_for_completion(self, timeout: float | None = None) -> None:
        """Return once the task has finished (immediately for the local catalog)."""

    def __repr__(self) -> str:
        extra = "".join(f"\n  {k}: {v}" for k, v in self.details.items())
        return f"{type(self).__name__}: {self.id}\n  status: {self.status}{extra}"


def _acl_default(kind: str):
    return Attribute(StrList(), f"Principals ({kind}) such as 'user:<login>' or 'org:<name>'.", default=[])


class Product(CatalogObject):
    """A product: a set of images with the same bands.

    The id is given by the user and prefixed with the organisation (``"local:"``)
    when saved, unless it already contains a colon. ``name`` is required.
    """

    _table = "products"
    _indexes = ("name",)

    name = Attribute(Str(nonempty=True), "Display name.", required=True)
    description = Attribute(Str(), "Free text.")
    tags = Attribute(StrList(), "Labels to search by.", default=[])
    start_datetime = Attribute(Datetime(), "Start of the time range the images cover.")
    end_datetime = Attribute(Datetime(), "End of the time range the images cover.")
    is_core = Attribute(Bool(), "Whether this is a core product.")
    revisit_period_minutes_min = Attribute(Float(lo=0), "Shortest revisit period, minutes.")
    revisit_period_minutes_max = Attribute(Float(lo=0), "Longest revisit period, minutes.")
    resolution_min = Attribute(ResolutionKind(), "Finest resolution of the bands.")
    resolution_max = Attribute(ResolutionKind(), "Coarsest resolution of the bands.")
    product_tier = Attribute(Str(), "Product tier label.")
    default_display_bands = Attribute(StrList(), "Band names shown by default.")
    extra_properties = Attribute(Json(), "User metadata (a JSON dict).", default={})
    readers = _acl_default("read")
    writers = _acl_default("write")
    owners = _acl_default("own")

    def __init__(self, client: Catalog | None = None, **kwargs: Any) -> None:
        super().__init__(client=client, **kwargs)
        if not self.owners:
            self.owners = [f"user:{client.user if client is not None else local_user()}"]

    @classmethod
    def namespace_id(cls, product_id: str, client: Catalog | None = None) -> str:
        """*product_id* prefixed with the organisation (``"local:..."``) unless it has a colon."""
        if not isinstance(product_id, str) or not product_id:
            raise CatalogValueError(f"a product id must be a non-empty string, got {product_id!r}")
        return (client or get_catalog()).namespace_id(product_id)

    @classmethod
    def _normalize_id(cls, id_: str, client: Catalog) -> str:
        return client.namespace_id(id_)

    def _prepare_save(self) -> None:
        if not self.id:
            raise CatalogValueError("cannot save a Product without an id; set product.id first")
        if any(c.isspace() for c in self.id) or "/" in self.id:
            raise CatalogValueError(f"a product id may not contain whitespace or '/', got {self.id!r}")
        if self._saved is None:
            self.id = self.client.namespace_id(self.id)

    # ---- related objects ---------------------------------------------------------------------
    def bands(self) -> Search:
        """A search over this product's bands."""
        from gpucompute.catalog.band import Band

        return Band.search(client=self._client).filter(p.product_id == self.id)

    def images(self) -> Search:
        """A search over this product's images."""
        from gpucompute.catalog.image import Image

        return Image.search(client=self._client).filter(p.product_id == self.id)

    def image_uploads(self) -> Search:
        """A search over the uploads made to this product."""
        from gpucompute.catalog.image_upload import ImageUpload

        return ImageUpload.search(client=self._client).filter(p.product_id == self.id)

    def _related_counts(self, conn: sqlite3.Connection) -> tuple[int, int]:
        nb = conn.execute("SELECT COUNT(*) FROM bands WHERE product_id = ?", (self.id,)).fetchone()[0]
        ni = conn.execute("SELECT COUNT(*) FROM images WHERE product_id = ?", (self.id,)).fetchone()[0]
        return nb, ni

    def _delete_children(self, conn: sqlite3.Connection) -> list:
        from gpucompute.catalog.image import delete_image_rows

        files = delete_image_rows(conn, self.client, "product_id = ?", [self.id])
        conn.execute("DELETE FROM bands WHERE product_id = ?", (self.id,))
        conn.execute("DELETE FROM image_uploads WHERE product_id = ?", (self.id,))
        return files

    def delete_related_objects(self) -> TaskStatus | None:
        """Delete every band and image of this product (one transaction).

        Returns
        -------
        TaskStatus or None
            None when there was nothing to delete.
        """
        catalog = self.client
        with catalog.transaction() as conn:
            nb, ni = self._related_counts(conn)
            if nb + ni == 0:
                return None
            files = self._delete_children(conn)
            token = catalog.schedule_removal(conn, files) if files else None
        if token:
            catalog.remove_files(token)
        return TaskStatus(f"{self.id}:delete-related", TaskState.SUCCEEDED, bands=nb, images=ni)

    def _delete_related(self, conn: sqlite3.Connection) -> list:
        nb, ni = self._related_counts(conn)
        if nb + ni and not self.__dict__.get("_cascade"):
            raise ConflictError(
                f"product {self.id!r} still has {nb} band(s) and {ni} image(s); delete them first "
                "(product.delete_related_objects()) or call product.delete(cascade=True)"
            )
        return self._delete_children(conn)

    @hybridmethod
    def delete(cls, id: str, client: Catalog | None = None, cascade: bool = False) -> bool:  # noqa: A002,N805
        """Delete the product *id* (False when there is none).

        On an instance, ``product.delete(cascade=False)``. Without *cascade* a product
        that still has bands or images is refused with :class:`ConflictError`; with
        it, bands, images and their files go in the same transaction.
        """
        obj = cls.get(id, client=client)
        if obj is None:
            return False
        obj.delete(cascade=cascade)
        return True

    @delete.instancemethod
    def delete(self, cascade: bool = False) -> None:  # noqa: F811
        if self._saved is None:
            raise NotFoundError(f"Product {self.id!r} was never saved, so it cannot be deleted")
        self.__dict__["_cascade"] = bool(cascade)
        try:
            self._delete_now()
        finally:
            self.__dict__.pop("_cascade", None)

    def _repr_lines(self) -> list[str]:
        return []


Product._search_class = Search
Product._collection_class = ProductCollection
