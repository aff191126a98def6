"""The standalone Leaflet viewer: the page, its script and style, Leaflet's own files.

The tile server's app includes :data:`router`, which adds:

* ``GET /``: the viewer page (``gpucompute/server/viewer/index.html``), a
  full-window map with one tile layer per registered layer and a panel of
  controls (visibility, opacity, scales, colormap, autoscale, parameters, a
  pixel inspector);
* ``GET /viewer/config``: the view the page opens on, ``{"center": [lat, lon],
  "zoom": z}`` (``null`` values when none was set: the page then shows the
  whole world), set by :func:`set_initial_view` (``gpucompute demo`` does);
* ``GET /viewer/{file}``: the page's script and style sheet;
* ``GET /static/leaflet/{path}``: Leaflet itself, from the ``xstatic-leaflet``
  package, so the page works without a network.

The page itself may also be opened on a view with ``/?lat=..&lon=..&zoom=..``.
"""

from __future__ import annotations

import mimetypes
import threading
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, Response

__all__ = ["PAGE_DIR", "initial_view", "leaflet_dir", "router", "set_initial_view"]

#: Folder of the page's own files (package data).
PAGE_DIR = Path(__file__).with_name("viewer")
_PAGE_FILES = {"index.html", "viewer.js", "viewer.css"}
_LOCK = threading.Lock()
_VIEW: dict[str, Any] = {"center": None, "zoom": None}

router = APIRouter()


def leaflet_dir() -> Path:
    """The folder holding ``leaflet.js``, ``leaflet.css`` and ``images/`` (from ``xstatic-leaflet``)."""
    try:
        import xstatic.pkg.leaflet as xstatic_leaflet
    except ImportError as exc:  # pragma: no cover - a declared dependency
        from gpucompute.errors import ServerError

        raise ServerError("the viewer needs Leaflet's files from the xstatic-leaflet package; "
                          "install it with `pip install xstatic-leaflet`") from exc
    return Path(xstatic_leaflet.BASE_DIR)


def set_initial_view(lat: float | None, lon: float | None, zoom: int | None = None) -> None:
    """Set the view the viewer page opens on (None values: the whole world).

    Parameters
    ----------
    lat, lon : float or None
        Centre, in degrees (WGS 84).
    zoom : int, optional
        Web-map zoom level (0-22); default 12.
    """
    from gpucompute.errors import ServerError

    if (lat is None) != (lon is None):
        raise ServerError(f"give both lat and lon, or neither; got lat={lat!r}, lon={lon!r}")
    if lat is not None and not (-90 <= float(lat) <= 90 and -180 <= float(lon) <= 180):
        raise ServerError(f"the viewer centre must be lat in [-90, 90] and lon in [-180, 180], got {lat!r}, {lon!r}")
    if zoom is not None and not 0 <= int(zoom) <= 22:
        raise ServerError(f"the viewer zoom must be an integer from 0 to 22, got {zoom!r}")
    with _LOCK:
        _VIEW["center"] = None if lat is None else [float(lat), float(lon)]
        _VIEW["zoom"] = None if lat is None else int(12 if zoom is None else zoom)


def initial_view() -> dict[str, Any]:
    """The view set by :func:`set_initial_view`: ``{"center": [lat, lon] | None, "zoom": int | None}``."""
    with _LOCK:
        return {"center": None if _VIEW["center"] is None else list(_VIEW["center"]), "zoom": _VIEW["zoom"]}


def _file(folder: Path, relative: str, cache: str) -> FileResponse:
    root = folder.resolve()
    path = (root / relative).resolve()
    if root not in path.parents or not path.is_file():
        raise HTTPException(status_code=404, detail=f"no viewer file {relative!r}")
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".js":
        media_type = "text/javascript"
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": cache})


@router.get("/", include_in_schema=False)
def page() -> FileResponse:
    """The viewer page."""
    return _file(PAGE_DIR, "index.html", "no-cache")


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """No icon (an empty answer, so browsers do not log a missing file)."""
    return Response(status_code=204)


@router.get("/viewer/config")
def config() -> dict[str, Any]:
    """The view the page opens on."""
    return initial_view()


@router.get("/viewer/{name}", include_in_schema=False)
def page_file(name: str) -> FileResponse:
    """The page's script and style sheet."""
    if name not in _PAGE_FILES:
        raise HTTPException(status_code=404, detail=f"no viewer file {name!r}; there are {sorted(_PAGE_FILES)}")
    return _file(PAGE_DIR, name, "no-cache")


@router.get("/static/leaflet/{path:path}", include_in_schema=False)
def leaflet_file(path: str) -> FileResponse:
    """Leaflet's files (script, style sheet, marker and control images)."""
    return _file(leaflet_dir(), path, "public, max-age=86400")
