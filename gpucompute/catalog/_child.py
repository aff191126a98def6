"""Objects that belong to a product (bands and images): ``product=``, derived ids, product checks."""

from __future__ import annotations

import sqlite3
from typing import Any, ClassVar

from gpucompute.catalog._attributes import Attribute
from gpucompute.catalog._db import Catalog
from gpucompute.catalog._kinds import Str
from gpucompute.catalog._object import CatalogObject
from gpucompute.errors import CatalogValueError, NotFoundError

__all__ = ["ProductChild"]


class ProductChild(CatalogObject):
    """Base of :class:`Band` and :class:`Image`: id is ``"<product_id>:<name>"``.

    Give the product either as ``product=`` (a :class:`Product`) or ``product_id=``.
    A product id without a colon is prefixed with the organisation on save, as the
    product's own id is.
    """

    _references: ClassVar[dict[str, str]] = {"product_id": "products(id)"}
    _indexes: ClassVar[tuple[str, ...]] = ("product_id",)
    _create_only: ClassVar[tuple[str, ...]] = ("id", "product_id", "name")

    id = Attribute(Str(nonempty=True), "``<product_id>:<name>``, derived on save.", readonly=True)
    product_id = Attribute(Str(nonempty=True), "Id of the product this belongs to.", required=True)
    name = Attribute(Str(nonempty=True), "Name, unique within the product.", required=True)

    def __init__(self, client: Catalog | None = None, product: Any = None, id: str | None = None,  # noqa: A002
                 **kwargs: Any) -> None:
        super().__init__(client=client, **kwargs)
        if product is not None:
            self.product = product
        if id is not None:
            self._set_from_id(id)
        self._derive_id()

    def _set_from_id(self, id_: str) -> None:
        if not isinstance(id_, str) or ":" not in id_:
            raise CatalogValueError(
                f"a {type(self).__name__} id has the form '<product_id>:<name>', got {id_!r}"
            )
        if self.product_id and self.name:
            if id_ != f"{self.product_id}:{self.name}":
                raise CatalogValueError(
                    f"id {id_!r} disagrees with product_id {self.product_id!r} and name {self.name!r}"
                )
            return
        product_id, _, name = id_.rpartition(":")
        if self.product_id is None:
            self.product_id = product_id
        if self.name is None:
            self.name = name

    def _derive_id(self) -> None:
        if self.product_id and self.name:
            self._values["id"] = f"{self.product_id}:{self.name}"

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name in ("product_id", "name"):
            self._derive_id()

    @property
    def product(self) -> Any:
        """The :class:`Product` this belongs to (looked up by ``product_id`` when needed)."""
        obj = self.__dict__.get("_product")
        if obj is None or obj.id != self.product_id:
            from gpucompute.catalog.product import Product

            obj = Product.get(self.product_id, client=self._client) if self.product_id else None
            self.__dict__["_product"] = obj
        return obj

    @product.setter
    def product(self, product: Any) -> None:
        from gpucompute.catalog.product import Product

        if not isinstance(product, Product):
            raise CatalogValueError(f"product must be a Product, got {product!r}")
        if not product.id:
            raise CatalogValueError("the product has no id yet; set product.id first")
        self.__dict__["_product"] = product
        self.product_id = product.id

    def _prepare_save(self) -> None:
        # The product may have been saved (and its id namespaced) since product= was given.
        if self._saved is None and self.product_id:
            self.product_id = self.client.namespace_id(self.product_id)
        self._derive_id()

    def _check_save(self, conn: sqlite3.Connection) -> None:
        if conn.execute("SELECT 1 FROM products WHERE id = ?", (self.product_id,)).fetchone() is None:
            raise NotFoundError(
                f"product {self.product_id!r} of {type(self).__name__} {self.name!r} does not exist; save it first"
            )

    def _repr_lines(self) -> list[str]:
        return [f"product: {self.product_id}"]
