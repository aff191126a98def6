"""get_client: every way of naming a cluster, the local cluster's environment, and the errors."""

from __future__ import annotations

import os

import pytest

distributed = pytest.importorskip("distributed")

from gpucompute.errors import ConfigError
from gpucompute.execution import distributed as gd


def _env(name):
    return os.environ.get(name)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=1, processes=True, threads_per_worker=1,
                                  dashboard_address=":0") as cl:
        yield cl
        gd.close_clients()  # the clients get_client opened for this cluster


@pytest.fixture
def no_scheduler_env(monkeypatch):
    monkeypatch.delenv(gd.SCHEDULER_ENV, raising=False)


def _scheduler_address(client):
    return client.scheduler.address


def test_client_is_returned_as_is(cluster):
    with distributed.Client(cluster, set_as_default=False) as client:
        assert gd.get_client(client) is client


def test_cluster_object_gets_one_reused_client(cluster):
    client = gd.get_client(cluster)
    assert isinstance(client, distributed.Client)
    assert _scheduler_address(client) == cluster.scheduler_address
    assert gd.get_client(cluster) is client
    assert client.submit(sum, [1, 2, 3]).result(timeout=30) == 6


def test_address_string_and_environment_variable(cluster, monkeypatch):
    client = gd.get_client(cluster.scheduler_address)
    assert _scheduler_address(client) == cluster.scheduler_address
    monkeypatch.setenv(gd.SCHEDULER_ENV, cluster.scheduler_address)
    assert gd.get_client() is client
    assert gd.get_client(None).submit(pow, 2, 5).result(timeout=30) == 32


@pytest.mark.parametrize("bad", ["nonsense", "localhost", 42, object()])
def test_bad_values_are_config_errors(bad):
    with pytest.raises(ConfigError, match=r"cluster must be .*got"):
        gd.get_client(bad)


def test_nothing_named_is_a_config_error(no_scheduler_env):
    with pytest.raises(ConfigError, match=gd.SCHEDULER_ENV):
        gd.get_client()


def test_unreachable_scheduler_is_a_config_error():
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}), \
            pytest.raises(ConfigError, match=r"could not connect .*tcp://127.0.0.1:9"):
        gd.get_client("tcp://127.0.0.1:9")


def test_bad_worker_count_is_a_config_error(monkeypatch):
    monkeypatch.setenv(gd.WORKERS_ENV, "zero")
    with pytest.raises(ConfigError, match=r"GPUCOMPUTE_DASK_WORKERS .*'zero'"):
        gd.get_client("local")


def test_local_cluster_workers_share_the_callers_environment(tmp_path, monkeypatch, no_scheduler_env):
    monkeypatch.setenv(gd.WORKERS_ENV, "1")
    monkeypatch.setenv("GPUCOMPUTE_HOME", str(tmp_path / "first"))
    monkeypatch.setenv("GPUCOMPUTE_BACKEND", "numpy")
    try:
        client = gd.get_client("local")
        assert gd.get_client("LOCAL") is client
        monkeypatch.setenv(gd.SCHEDULER_ENV, "local")
        assert gd.get_client() is client
        seen = client.submit(_env, "GPUCOMPUTE_HOME", pure=False).result(timeout=30)
        assert seen == str(tmp_path / "first")
        assert client.submit(_env, "GPUCOMPUTE_BACKEND", pure=False).result(timeout=30) == "numpy"
        assert len(client.scheduler_info()["workers"]) == 1
        # another catalog home: the cached cluster is replaced, so workers never read a stale catalog
        monkeypatch.setenv("GPUCOMPUTE_HOME", str(tmp_path / "second"))
        other = gd.get_client("local")
        assert other is not client
        assert other.submit(_env, "GPUCOMPUTE_HOME", pure=False).result(timeout=30) == str(tmp_path / "second")
    finally:
        gd.close_local_cluster()
    gd.close_local_cluster()  # closing twice is a no-op
