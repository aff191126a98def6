"""Building language-type graphs stays cheap: neither JAX nor CuPy is imported."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
from gpucompute.types.primitives import Int, Str
from gpucompute.types.containers import List, Dict
from gpucompute.types.datetimes import Datetime
from gpucompute.types.function import Function
from gpucompute.types.conditional import ifelse
x = List[Int]([1, 2]).map(lambda v: v + 1)
y = ifelse(Str("a") == "a", Dict[Str, Int]({"a": 1}), Dict[Str, Int]({}))
z = Datetime(2020) - "2019-01-01"
assert "jax" not in sys.modules and "cupy" not in sys.modules, sorted(m for m in sys.modules if "jax" in m)
print("ok")
"""


def test_building_graphs_imports_no_accelerator_library():
    out = subprocess.run([sys.executable, "-c", SCRIPT], check=False, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
