"""Synthesis of the demo product's scenes: land cover, a season of NDVI, clouds, orbit edges.

Everything is vectorised NumPy and seeded: a scene depends only on (seed,
area, date index, size), each with its own :class:`numpy.random.Generator`,
so scenes can be rendered in any order or in parallel and come out the same.

Land cover (fixed per area): agricultural *fields* (rectangular parcels, each
with its own crop calendar), *water* (a river, or the bay and the ocean),
*urban* (bright, flat NDVI) and *natural* vegetation (mild spring green-up).
Surface reflectance is a linear mix of soil and vegetation spectra set by
the pixel's NDVI, with a little texture and noise. Clouds are smooth random
fields thresholded to a per-date cover, bright in every band and flagged in
the cloud mask. Some dates lose a corner to the edge of the orbit (nodata).
"""

from __future__ import annotations

import datetime as _dt
from typing import NamedTuple

import numpy as np

__all__ = ["AREAS", "BANDS", "Area", "Scene", "area_transform", "landcover", "render", "scene_dates"]

#: Band name, centre wavelength, fwhm (nm), soil, vegetation, water, urban, cloud reflectance.
BANDS = (
    ("blue", 490.0, 65.0, 0.09, 0.030, 0.070, 0.13, 0.65),
    ("green", 560.0, 35.0, 0.12, 0.070, 0.060, 0.14, 0.64),
    ("red", 665.0, 30.0, 0.16, 0.035, 0.040, 0.16, 0.63),
    ("nir", 842.0, 115.0, 0.24, 0.480, 0.015, 0.21, 0.62),
    ("swir1", 1610.0, 90.0, 0.33, 0.190, 0.008, 0.24, 0.45),
)
_SPECTRA = np.array([b[3:] for b in BANDS], dtype=np.float32).T  # (soil, veg, water, urban, cloud) x band
_NDVI_SOIL, _NDVI_VEG = 0.2, 0.864
FIELD, WATER, URBAN, NATURAL = 0, 1, 2, 3
RESOLUTION = 20.0
START = _dt.datetime(2023, 3, 1, 18, 45, tzinfo=_dt.timezone.utc)
SEASON_DAYS = 90


class Area(NamedTuple):
    """A demo area: name, centre (lat, lon), kind ("farmland" or "city")."""

    name: str
    lat: float
    lon: float
    kind: str


#: The quickstart's areas: California's Central Valley and San Francisco.
AREAS = (
    Area("central-valley", 36.2431, -121.0892, "farmland"),
    Area("san-francisco", 37.8084, -122.4473, "city"),
)


class Scene(NamedTuple):
    """One rendered scene: UInt16 reflectance x 10000 (0 = nodata), the cloud mask (255 = nodata)."""

    reflectance: np.ndarray
    cloud: np.ndarray
    cloud_fraction: float
    fill_fraction: float


def scene_dates(scenes: int) -> list[_dt.datetime]:
    """*scenes* acquisition times spread evenly from 2023-03-01 to 2023-05-30 (every 5 days for 19)."""
    days = np.rint(np.linspace(0, SEASON_DAYS, scenes)).astype(int) if scenes > 1 else np.array([0])
    return [START + _dt.timedelta(days=int(d)) for d in days]


def area_transform(area: Area, size: int) -> tuple[float, float, float, float, float, float]:
    """GDAL geotransform (EPSG:32610) of a *size* x *size* grid at 20 m centred on the area."""
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:32610", always_xy=True).transform(area.lon, area.lat)
    half = size * RESOLUTION / 2
    left = float(np.floor((x - half) / RESOLUTION) * RESOLUTION)
    top = float(np.floor((y + half) / RESOLUTION) * RESOLUTION)
    return (left, RESOLUTION, 0.0, top, 0.0, -RESOLUTION)


def _smooth(rng: np.random.Generator, size: int, cells: int) -> np.ndarray:
    """A smooth random field with about *cells* features across, standardised to mean 0, std 1."""
    coarse = rng.standard_normal((cells + 1, cells + 1))
    pos = (np.arange(size) + 0.5) / size * cells
    w = np.exp(-0.5 * ((pos[:, None] - np.arange(cells + 1)[None, :]) / 0.6) ** 2)
    w /= w.sum(axis=1, keepdims=True)
    field = w @ coarse @ w.T
    return ((field - field.mean()) / (field.std() or 1.0)).astype(np.float32)


def _parcels(rng: np.random.Generator, size: int) -> np.ndarray:
    """Field ids of rectangular parcels 24-64 px wide, with -1 on the 1-px tracks between them."""
    def breaks() -> np.ndarray:
        widths = rng.integers(24, 65, size // 24 + 2)
        return np.cumsum(widths)

    xb, yb = breaks(), breaks()
    idx = np.arange(size)
    col, row = np.searchsorted(xb, idx, side="right"), np.searchsorted(yb, idx, side="right")
    ids = row[:, None] * (len(xb) + 1) + col[None, :]
    track = np.isin(idx, xb - 1)[None, :] | np.isin(idx, yb - 1)[:, None]
    return np.where(track, -1, ids)


def landcover(area: Area, size: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(classes, field ids, texture)`` of an area: fixed across dates."""
    rng = np.random.default_rng([seed, AREAS.index(area), 999])
    v, u = np.mgrid[0:size, 0:size].astype(np.float32) / size  # row, column fractions
    ids = _parcels(rng, size)
    classes = np.full((size, size), FIELD, dtype=np.uint8)
    if area.kind == "farmland":
        river = 0.7 + 0.08 * np.sin(2 * np.pi * (1.3 * u + rng.random()))
        classes[np.abs(v - river) < 0.006 + 4.0 / size] = WATER
        classes[_smooth(rng, size, 4) > 1.6] = URBAN
        classes[(_smooth(rng, size, 5) > 1.2) & (classes == FIELD)] = NATURAL
        classes[(ids < 0) & (classes == FIELD)] = URBAN  # farm tracks
    else:
        coast = 0.33 + 0.05 * _smooth(rng, size, 3)
        classes[:] = URBAN
        classes[(_smooth(rng, size, 6) > 0.9)] = NATURAL  # parks
        classes[(v < coast) | (u < 0.1 + 0.04 * _smooth(rng, size, 3))] = WATER
    texture = 1.0 + 0.04 * _smooth(rng, size, 48)
    return classes, ids, texture


def _crop_calendars(rng: np.random.Generator, n: int) -> np.ndarray:
    """Per field (peak day, width, amplitude, base): 80% spring crops, 20% winter crops."""
    winter = rng.random(n) < 0.2
    peak = np.where(winter, rng.uniform(-20, 10, n), rng.uniform(55, 85, n))
    width = np.where(winter, rng.uniform(25, 35, n), rng.uniform(18, 30, n))
    amp = np.where(winter, rng.uniform(0.5, 0.65, n), rng.uniform(0.5, 0.7, n))
    base = rng.uniform(0.12, 0.2, n)
    return np.stack([peak, width, amp, base], axis=1)


def _ndvi(classes: np.ndarray, ids: np.ndarray, day: float, seed: int, area: Area) -> np.ndarray:
    rng = np.random.default_rng([seed, AREAS.index(area), 777])
    cal = _crop_calendars(rng, int(ids.max()) + 1)
    peak, width, amp, base = cal.T
    per_field = base + amp * np.exp(-0.5 * ((day - peak) / width) ** 2)
    ndvi = per_field[np.maximum(ids, 0)].astype(np.float32)
    natural = 0.5 + 0.15 * np.exp(-0.5 * ((day - 40) / 30) ** 2)
    return np.where(classes == NATURAL, np.float32(natural), ndvi)


def render(area: Area, cover: tuple[np.ndarray, np.ndarray, np.ndarray], date_index: int, day: float,
           seed: int) -> Scene:
    """Render one scene of *area* on season day *day* (0 = 1 March)."""
    classes, ids, texture = cover
    size = classes.shape[0]
    rng = np.random.default_rng([seed, AREAS.index(area), date_index])
    fv = np.clip((_ndvi(classes, ids, day, seed, area) - _NDVI_SOIL) / (_NDVI_VEG - _NDVI_SOIL), 0, 1)
    soil, veg, water, urban, cloud = _SPECTRA
    surface = fv[None] * veg[:, None, None] + (1 - fv[None]) * soil[:, None, None]
    for cls, spectrum in ((WATER, water), (URBAN, urban)):
        surface = np.where((classes == cls)[None], spectrum[:, None, None], surface)
    surface *= texture[None] * np.float32(rng.uniform(0.97, 1.03))
    surface += rng.normal(0.0, 0.001, surface.shape).astype(np.float32)
    # clouds: a share of the scene above a threshold of a smooth field, hazy at the edges
    cover_target = 0.0 if rng.random() < 0.35 else rng.uniform(0.05, 0.6)
    field = _smooth(rng, size, 6) + 0.35 * _smooth(rng, size, 24)
    threshold = np.quantile(field, 1.0 - cover_target) if cover_target > 0 else np.inf
    alpha = np.clip((field - (threshold - 0.15)) / 0.4, 0.0, 1.0)
    toa = surface * (1 - alpha[None]) + cloud[:, None, None] * alpha[None]
    reflectance = np.clip(np.rint(toa * 10000), 1, 10000).astype(np.uint16)
    clouds = (field > threshold).astype(np.uint8)
    # every third date loses a corner to the orbit's edge
    valid = np.ones((size, size), dtype=bool)
    if date_index % 3 == 1:
        v, u = np.mgrid[0:size, 0:size] / size
        valid = u + 0.6 * v < 1.25
    reflectance[:, ~valid] = 0
    clouds[~valid] = 255
    n_valid = int(valid.sum())
    cloud_fraction = float(np.count_nonzero(clouds == 1)) / n_valid if n_valid else 0.0
    return Scene(reflectance, clouds, cloud_fraction, n_valid / valid.size)
