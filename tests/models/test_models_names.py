"""Workflow ids, semantic versions and VizOption checks."""

from __future__ import annotations

import pytest

import gpucompute as wf
from gpucompute.errors import CatalogValueError, NotFoundError
from gpucompute.models import VersionedGraft, VizOption, Workflow, publish, use
from gpucompute.models._names import (
    check_version,
    check_workflow_id,
    next_version,
    version_key,
)


@pytest.mark.parametrize("good", ["me@example.com:ndvi", "me:a", "first.last+tag@x.org:my_flow-2.0", "0:0"])
def test_good_ids(good):
    assert check_workflow_id(good) == good


@pytest.mark.parametrize("bad", ["ndvi", "Me:ndvi", "me:NDVI", "me:nd vi", ":ndvi", "me:", "me:a:b", "me:a/b",
                                 "me:-x", "", None, 3, "me:" + "x" * 300])
def test_bad_ids(bad, home):
    with pytest.raises(CatalogValueError):
        check_workflow_id(bad)
    with pytest.raises(CatalogValueError):
        publish(bad, "1.0.0", wf.Int(1))
    with pytest.raises(CatalogValueError):
        Workflow(bad)


@pytest.mark.parametrize("good", ["0.0.0", "1.0.0", "10.20.30", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7",
                                  "1.0.0-x.7.z.92", "1.0.0-alpha+001", "1.0.0+20130313144700",
                                  "1.0.0-beta+exp.sha.5114f85", "1.0.0-x-y-z.--"])
def test_good_versions(good):
    assert check_version(good) == good


@pytest.mark.parametrize("bad", ["1.0", "v1.0.0", "1.0.0-", "1.0.0+", "01.0.0", "1.02.0", "1.0.0-01",
                                 "1.0.0-alpha..1", "1.0.0-a_b", "1.0.0.0", " 1.0.0", "latest", "", None, 1.0])
def test_bad_versions(bad, home):
    with pytest.raises(CatalogValueError):
        check_version(bad)
    with pytest.raises(CatalogValueError):
        publish("me:versions", bad, wf.Int(1))
    with pytest.raises(CatalogValueError):
        use("me:versions", bad)
    with pytest.raises(NotFoundError):
        Workflow.get("me:versions")


def test_v_prefix_hint():
    with pytest.raises(CatalogValueError, match="'1.0.0'"):
        check_version("v1.0.0")


def test_semver_precedence(rng):
    # the precedence example of semver.org, section 11
    spec = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
            "1.0.0-rc.1", "1.0.0"]
    assert sorted(rng.permutation(spec), key=version_key) == spec
    assert sorted(["2.0.0", "2.1.0", "2.1.1", "1.0.0"], key=version_key) == ["1.0.0", "2.0.0", "2.1.0", "2.1.1"]
    releases = [tuple(int(x) for x in rng.integers(0, 30, size=3)) for _ in range(200)]
    as_text = [".".join(map(str, r)) for r in releases]
    assert sorted(as_text, key=version_key) == [".".join(map(str, r)) for r in sorted(releases)]
    assert next_version(["1.0.0", "1.2.3", "0.9.9"]) == "1.2.4"
    assert next_version(["2.0.0-rc.1"]) == "2.0.0" and next_version([]) == "0.0.1"


def test_vizoption_valid_and_round_trip():
    opt = VizOption("rgb", bands="red green blue", checkerboard=True, reduction="median",
                    scales=[[0, 0.3], None, [0, 1]], description="true colour")
    assert opt.bands == ["red", "green", "blue"] and opt.scales == [[0.0, 0.3], None, [0.0, 1.0]]
    assert VizOption.from_dict(opt.to_dict()) == opt
    one = VizOption("ndvi", bands=["ndvi"], colormap="viridis", scales=[-1, 1])
    assert one.scales == [[-1.0, 1.0]] and one.colormap == "viridis"


@pytest.mark.parametrize("kwargs", [
    {"bands": ["a", "b", "c", "d"]}, {"bands": []}, {"bands": [1]}, {"colormap": "no-such-map"},
    {"reduction": "first"}, {"scales": [[0, 1]] * 4}, {"scales": [0, float("nan")]}, {"scales": [[0, 1, 2]]},
    {"scales": "0,1"}, {"checkerboard": "yes"}, {"description": 3},
])
def test_vizoption_rejects(kwargs):
    with pytest.raises(CatalogValueError):
        VizOption("x", **kwargs)


def test_vizoption_stored_with_version(home):
    opts = [VizOption("a", bands="red", colormap="magma", scales=[0, 1]), VizOption("b", reduction="max")]
    publish("me:viz", "1.0.0", wf.Int(1), viz_options=opts)
    assert VersionedGraft.get("me:viz", "1.0.0").viz_options == opts
    with pytest.raises(CatalogValueError, match="unique"):
        publish("me:viz", "1.0.1", wf.Int(1), viz_options=[opts[0], opts[0]])
    with pytest.raises(CatalogValueError):
        publish("me:viz", "1.0.1", wf.Int(1), labels=["not", "a", "dict"])
