"""The main job: ``gpucompute`` runs the median composite and checks it against numpy.ma."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from gpucompute.cli import main


def test_main_job_runs_and_agrees_with_numpy_ma(backend, capsys):
    code = main(["--backend", backend.name, "--size", "64", "--depth", "5", "--repeats", "1"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"backend {backend.name}" in out
    assert "results agree: True" in out
    assert "numpy.ma.median:" in out


def test_console_script_entry_point():
    env = dict(os.environ, GPUCOMPUTE_BACKEND="numpy")
    result = subprocess.run(
        [sys.executable, "-m", "gpucompute", "--size", "32", "--depth", "3", "--repeats", "1"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "backend numpy" in result.stdout


@pytest.mark.parametrize("args", [["--size", "0"], ["--cloud-fraction", "1.5"]])
def test_bad_arguments_exit_with_2(args, capsys):
    assert main(args) == 2
    assert "gpucompute:" in capsys.readouterr().err
