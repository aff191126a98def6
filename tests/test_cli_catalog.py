"""The catalog sub-commands: ``gpucompute ingest``, ``catalog ls|show`` and ``demo-data``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine

from gpucompute.cli import main

RGB = Path(__file__).parents[1] / ".." / "shared" / "data" / "rasterio" / "RGB.byte.tif"


def _tif(path, data, tags=None, descriptions=None, nodata=None):
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[2], height=data.shape[1], count=data.shape[0],
                       dtype=data.dtype.name, crs="EPSG:32611", nodata=nodata,
                       transform=Affine(10, 0, 300000, 0, -10, 4100000)) as dst:
        dst.write(data)
        if tags:
            dst.update_tags(**tags)
        for k, text in enumerate(descriptions or [], 1):
            dst.set_band_description(k, text)
    return str(path)


@pytest.mark.skipif(not RGB.exists(), reason="shared rasters not available")
def test_ingest_rgb_then_ls_and_show(home, capsys):
    assert main(["ingest", "rgb", str(RGB), "--date", "2013-05-01", "--create"]) == 0
    out = capsys.readouterr().out
    assert "created product local:rgb" in out and "ingested local:rgb:RGB.byte" in out
    assert main(["catalog", "ls"]) == 0
    out = capsys.readouterr().out
    assert "local:rgb" in out and out.splitlines()[0].split() == ["ID", "NAME", "IMAGES"]
    assert main(["catalog", "ls", "--product", "rgb"]) == 0
    assert "local:rgb:RGB.byte  2013-05-01 00:00" in capsys.readouterr().out
    assert main(["catalog", "show", "local:rgb"]) == 0
    out = capsys.readouterr().out
    assert "band_1: generic, Byte, file 0 band 1, nodata 0.0" in out and "images: 1" in out
    assert main(["catalog", "show", "local:rgb:RGB.byte"]) == 0
    out = capsys.readouterr().out
    assert "cs_code: EPSG:32618" in out and "x_pixels: 791" in out
    # the ingested image rasters back to the file's pixels
    from gpucompute.catalog import Image

    got = Image.get("local:rgb:RGB.byte").ndarray("band_1 band_2 band_3")
    with rasterio.open(RGB) as ds:
        expected = ds.read(masked=True)
    assert np.array_equal(got.data, expected.data) and np.array_equal(got.mask, expected.mask)


def test_ingest_reads_date_tag_descriptions_and_nodata(home, tmp_path, rng, capsys):
    data = rng.integers(1, 500, (2, 6, 7)).astype("uint16")
    path = _tif(tmp_path / "scene_a.tif", data, tags={"TIFFTAG_DATETIME": "2021:07:04 10:30:00"},
                descriptions=["red edge", "nir"], nodata=0)
    assert main(["ingest", "mine", path, "--create"]) == 0
    from gpucompute.catalog import Image, Product

    product = Product.get("local:mine")
    bands = sorted(product.bands(), key=lambda b: b.band_index)
    assert [(b.name, b.data_type, b.nodata, b.type) for b in bands] == [
        ("red_edge", "UInt16", 0, "generic"), ("nir", "UInt16", 0, "generic")]
    image = Image.get("local:mine:scene_a")
    assert image.acquired.isoformat() == "2021-07-04T10:30:00+00:00"
    assert np.array_equal(image.ndarray("red_edge nir").filled(0), data)
    # a second file into the existing product; its date from --date
    second = _tif(tmp_path / "scene_b.tif", data[::-1].copy())
    assert main(["ingest", "local:mine", second, "--date", "2021-08-01T00:00:00"]) == 0
    assert main(["catalog", "ls", "--product", "mine", "--limit", "1"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("local:mine:scene_a")


@pytest.mark.parametrize("argv, message", [
    (["ingest", "nope", "{nodate}"], "no TIFFTAG_DATETIME"),
    (["ingest", "nope", "{nodate}", "--date", "2021-01-01"], "does not exist; pass --create"),
    (["ingest", "nope", "{missing}", "--date", "2021-01-01"], "does not exist"),
    (["ingest", "nope", "{nodate}", "--date", "yesterday"], "is not a date"),
    (["ingest", "nope", "{text}", "--date", "2021-01-01"], "not a raster"),
    (["catalog", "show", "local:none"], "no product or image"),
    (["catalog", "ls", "--product", "none"], "does not exist"),
    (["catalog", "ls", "--limit", "-1"], "--limit"),
])
def test_bad_input_exits_2_with_a_message(home, tmp_path, capsys, argv, message):
    files = {"{nodate}": _tif(tmp_path / "x.tif", np.ones((1, 3, 3), "uint8")),
             "{missing}": str(tmp_path / "missing.tif"), "{text}": str(tmp_path / "t.tif")}
    Path(files["{text}"]).write_text("not a tiff")
    assert main([files.get(a, a) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gpucompute: error:") and message in err


def test_ingest_into_a_product_with_other_bands_fails_cleanly(home, tmp_path, capsys):
    one = _tif(tmp_path / "one.tif", np.ones((1, 3, 3), "uint8"))
    two = _tif(tmp_path / "two.tif", np.ones((2, 3, 3), "uint16"))
    assert main(["ingest", "p", one, "--date", "2020-01-01", "--create"]) == 0
    assert main(["ingest", "p", two, "--date", "2020-01-02"]) == 2
    assert "was not ingested" in capsys.readouterr().err
    assert main(["ingest", "p", one, "--date", "2020-01-01"]) == 2  # exists already
    assert main(["ingest", "p", one, "--date", "2020-01-03", "--overwrite"]) == 0


def test_demo_data_command(home, capsys):
    assert main(["demo-data", "--size", "32", "--scenes", "2", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "gpucompute:demo-sentinel-2-synthetic" in out and "4 images, 2023-03-01 to 2023-05-30" in out
    assert main(["catalog", "ls", "--product", "gpucompute:demo-sentinel-2-synthetic"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 5
    assert main(["demo-data", "--size", "8"]) == 2


def test_console_script_catalog_ls(home):
    env = dict(os.environ, GPUCOMPUTE_HOME=str(home))
    result = subprocess.run([sys.executable, "-m", "gpucompute", "catalog", "ls"], capture_output=True, text=True,
                            env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["ID", "NAME", "IMAGES"]
