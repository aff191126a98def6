"""The tile server's HTTP API (FastAPI).

Endpoints (errors are JSON ``{"detail": message}``):

==========================================  =================================================================
``GET /health``                             ``{"status": "ok", "layers": n, "backend": name}``
``GET /layers``                             every layer's JSON (see :func:`layer_json`)
``POST /layers``                            register ``{"graft": document, "name", ...options}`` (201)
``PATCH /layers/{id}``                      change ``parameters`` (merged), ``scales``, ``colormap``,
                                            ``checkerboard``, ``reduction``, ``name`` or ``graft``
``DELETE /layers/{id}``                     remove a layer (204)
``GET /tiles/{id}/{z}/{x}/{y}.png?v=ver``   a 256 px EPSG:3857 PNG tile
``GET /inspect?lon=&lat=&zoom=``            every layer's values at a point
``GET /layers/{id}/autoscale?bounds=&width=&height=``  per band 2nd/98th percentiles over a view
==========================================  =================================================================

Tile URLs carry the layer's version (``?v=``).  A tile request naming another
version than the current one gets a 404 (the browser must not cache the new
pixels under an old URL, since a layer that returns to earlier settings gets
its earlier version back); with the current version the PNG may be cached
forever, without ``v`` it is revalidated each time.

Status codes: 404 unknown layer or version, 400 a malformed graft document,
409 a name clash, 422 any other bad value (bad z/x/y, scales, colormap,
reduction, parameter values, a layer with 2 bands...), 500 (logged) for an
unexpected failure.  The graft document is the JSON of
:func:`gpucompute.execution.saved.dumps_proxy`, as an object or a string.
"""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

from fastapi import Body, FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from gpucompute.errors import (
    ConflictError,
    GeoContextError,
    GpuComputeError,
    GraftError,
    NotFoundError,
)
from gpucompute.server import autoscale as _autoscale
from gpucompute.server import tiles as _tiles
from gpucompute.server import values as _values
from gpucompute.server.layers import Layer, LayerRegistry, registry

__all__ = ["create_app", "layer_json"]

logger = logging.getLogger("gpucompute.server")

_STATUS = ((NotFoundError, 404), (ConflictError, 409), (GraftError, 400))
_CREATE_KEYS = {"graft", "name", "scales", "colormap", "checkerboard", "reduction", "parameters"}
_PATCH_KEYS = _CREATE_KEYS
_IMMUTABLE = "public, max-age=31536000, immutable"


def _status(exc: GpuComputeError) -> int:
    return next((code for cls, code in _STATUS if isinstance(exc, cls)), 422)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=lambda v: v.tolist() if hasattr(v, "tolist") else repr(v)))


def layer_json(layer: Layer) -> dict[str, Any]:
    """The JSON form of a layer that ``GET /layers`` lists (``bands`` once the layer has been computed)."""
    out = {"id": layer.id, "name": layer.name, "version": layer.version, "tile_url": layer.tile_path(),
           "scales": layer.scales, "colormap": layer.colormap, "checkerboard": layer.checkerboard,
           "reduction": layer.reduction, "parameters": _jsonable(layer.parameters), "type": layer.type_name}
    bands = _tiles.band_names(layer)
    if bands is not None:
        out["bands"] = bands
    return out


def _load_graft(document: Any) -> Any:
    from gpucompute.execution.saved import loads_proxy

    if isinstance(document, dict):
        document = json.dumps(document)
    if not isinstance(document, str):
        raise GraftError(f"'graft' must be the JSON document of dumps_proxy (an object or a string), got "
                         f"{type(document).__name__}")
    return loads_proxy(document, source="the 'graft' document")


def _body(body: Any, allowed: set[str], required: tuple[str, ...] = ()) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise HTTPException(422, f"the request body must be a JSON object, got {type(body).__name__}")
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise HTTPException(422, f"unknown field(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(sorted(allowed))}")
    missing = [k for k in required if k not in body]
    if missing:
        raise HTTPException(422, f"missing field(s) {', '.join(map(repr, missing))}")
    return body


def _tile_index(z: str, x: str, y: str) -> tuple[int, int, int]:
    from gpucompute.geo.tiles import check_tile

    def number(name: str, text: str) -> int:
        if not text.isdigit():
            raise GeoContextError(f"XYZ tile {name} must be a non-negative integer, got {text!r}")
        return int(text)

    return check_tile(number("x", x), number("y", y), number("z", z))


def create_app(layers: LayerRegistry | None = None) -> FastAPI:
    """The FastAPI application serving ``layers`` (default: the process-wide :func:`registry`)."""
    from gpucompute.server import viewer

    reg = layers if layers is not None else registry()
    app = FastAPI(title="gpucompute tile server")
    app.state.registry = reg

    @app.exception_handler(GpuComputeError)
    async def _known(request: Request, exc: GpuComputeError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=_status(exc), headers={"Cache-Control": "no-store"})

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = ["{}: {}".format(".".join(str(p) for p in err.get("loc", ())), err.get("msg")) for err in exc.errors()]
        return JSONResponse({"detail": "; ".join(parts) or "invalid request"}, status_code=422)

    @app.middleware("http")
    async def _unexpected(request: Request, call_next: Any) -> Any:
        try:
            return await call_next(request)
        except Exception as exc:  # a bug, not bad input: log it once, answer JSON
            logger.exception("tile server: unexpected error on %s %s", request.method, request.url.path)
            return JSONResponse({"detail": f"internal error: {type(exc).__name__}: {exc}"}, status_code=500)

    @app.get("/health")
    async def health() -> dict[str, Any]:
        from gpucompute.config import get_backend

        return {"status": "ok", "layers": len(reg.layers()), "backend": get_backend().name}

    @app.get("/layers")
    async def list_layers() -> list[dict[str, Any]]:
        return [layer_json(layer) for layer in reg.layers()]

    @app.post("/layers", status_code=201)
    async def create_layer(body: Annotated[Any, Body()]) -> dict[str, Any]:
        options = dict(_body(body, _CREATE_KEYS, ("graft", "name")))

        def register() -> Layer:
            obj = _load_graft(options.pop("graft"))
            return reg.register(obj, options.pop("name"), **options)

        return layer_json(await run_in_threadpool(register))

    @app.get("/layers/{layer_id}")
    async def get_layer(layer_id: str) -> dict[str, Any]:
        return layer_json(reg.get(layer_id))

    @app.patch("/layers/{layer_id}")
    async def patch_layer(layer_id: str, body: Annotated[Any, Body()]) -> dict[str, Any]:
        changes = dict(_body(body, _PATCH_KEYS))

        def update() -> Layer:
            reg.get(layer_id)
            if "graft" in changes:
                changes["obj"] = _load_graft(changes.pop("graft"))
            return reg.update(layer_id, **changes)

        return layer_json(await run_in_threadpool(update))

    @app.delete("/layers/{layer_id}", status_code=204)
    async def delete_layer(layer_id: str) -> Response:
        reg.remove(layer_id)
        return Response(status_code=204)

    @app.get("/tiles/{layer_id}/{z}/{x}/{y}.png")
    async def tile(layer_id: str, z: str, x: str, y: str, v: str | None = None) -> Response:
        layer = reg.get(layer_id)
        xi, yi, zi = _tile_index(z, x, y)
        if v is not None and v != layer.version:
            raise NotFoundError(f"layer {layer_id!r} is now at version {layer.version!r}, not {v!r}; "
                                "reload the layer's tile URL")
        png = await _tiles.run_in_pool(_tiles.tile_png, layer, xi, yi, zi)
        cache = _IMMUTABLE if v is not None else "no-cache"
        return Response(png, media_type="image/png", headers={"Cache-Control": cache})

    @app.get("/inspect")
    async def inspect(lon: float, lat: float, zoom: float) -> dict[str, Any]:
        layers = reg.layers()
        _values.pixel_geocontext(lon, lat, zoom)  # bad coordinates are a 422 even with no layers
        return await _tiles.run_in_pool(_values.inspect_layers, layers, lon, lat, zoom)

    @app.get("/layers/{layer_id}/autoscale")
    async def autoscale(layer_id: str, bounds: str, width: int, height: int) -> dict[str, Any]:
        layer = reg.get(layer_id)
        _autoscale.view_geocontext(bounds, width, height)  # check the view before queueing work
        return await _tiles.run_in_pool(_autoscale.autoscale, layer, bounds, width, height)

    app.include_router(viewer.router)
    return app
