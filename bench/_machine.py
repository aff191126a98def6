"""What a benchmark ran on: CPU, memory, library versions, backends, GPU, copy bandwidth.

The record is built once per session (:func:`machine_record`), stored with every
benchmark (``benchmark.extra_info["machine"]`` and the JSON's ``machine_info``)
and printed once in the terminal summary (:func:`describe`). GPU facts come from
nvidia-ml-py (``pynvml``) when it imports, else from ``nvidia-smi`` when it is on
the PATH; a CPU-only machine records ``"gpus": []``.
"""

from __future__ import annotations

import functools
import importlib.metadata
import os
import platform
import shutil
import subprocess
import time
from typing import Any

__all__ = ["machine_record", "describe", "device_copy_bandwidth"]

_DISTRIBUTIONS = ("numpy", "jax", "jaxlib", "cupy-cuda12x", "cupy", "nvidia-ml-py", "pytest-benchmark")
_ENV_VARS = ("OMP_NUM_THREADS", "XLA_FLAGS", "JAX_PLATFORMS", "GPUCOMPUTE_BACKEND",
             "XLA_PYTHON_CLIENT_PREALLOCATE", "CUDA_VISIBLE_DEVICES")


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_total() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": platform.python_version()}
    for dist in _DISTRIBUTIONS:
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = None
    return out


def _backends() -> dict[str, Any]:
    from gpucompute import backends

    out: dict[str, Any] = {}
    for name in backends.available():
        info = backends.get(name).device_info()
        out[name] = {"device": info.name, "kind": info.kind, "memory_total": info.memory_total}
    return out


def _gpus_nvml() -> list[dict[str, Any]] | None:
    try:
        import pynvml
    except ImportError:
        return None
    try:
        pynvml.nvmlInit()
    except Exception:  # no driver: a CPU machine with the package installed
        return []

    def ask(fn, *args):
        try:
            value = fn(*args)
        except Exception:  # older drivers lack some queries
            return None
        return value.decode() if isinstance(value, bytes) else value

    try:
        gpus = []
        for i in range(pynvml.nvmlDeviceGetCount()):
            h = pynvml.nvmlDeviceGetHandleByIndex(i)
            mem = ask(pynvml.nvmlDeviceGetMemoryInfo, h)
            gpus.append({
                "name": ask(pynvml.nvmlDeviceGetName, h),
                "memory_total": getattr(mem, "total", None),
                "memory_clock_max_mhz": ask(pynvml.nvmlDeviceGetMaxClockInfo, h, pynvml.NVML_CLOCK_MEM),
                "sm_clock_max_mhz": ask(pynvml.nvmlDeviceGetMaxClockInfo, h, pynvml.NVML_CLOCK_SM),
                "bus_width_bits": ask(getattr(pynvml, "nvmlDeviceGetMemoryBusWidth", lambda h: None), h),
                "pcie_gen_max": ask(pynvml.nvmlDeviceGetMaxPcieLinkGeneration, h),
                "pcie_width_max": ask(pynvml.nvmlDeviceGetMaxPcieLinkWidth, h),
                "driver": ask(pynvml.nvmlSystemGetDriverVersion),
                "source": "pynvml",
            })
        return gpus
    finally:
        pynvml.nvmlShutdown()


def _gpus_smi() -> list[dict[str, Any]]:
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return []
    query = "name,memory.total,clocks.max.memory,clocks.max.sm,driver_version"
    try:
        text = subprocess.run([exe, f"--query-gpu={query}", "--format=csv,noheader,nounits"],
                              capture_output=True, text=True, timeout=20, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    gpus = []
    for line in text.strip().splitlines():
        name, mem_mib, mclk, sclk, driver = (f.strip() for f in line.split(","))
        gpus.append({
            "name": name, "memory_total": int(float(mem_mib)) * 2**20,
            "memory_clock_max_mhz": int(float(mclk)), "sm_clock_max_mhz": int(float(sclk)),
            "bus_width_bits": None, "driver": driver, "source": "nvidia-smi",
        })
    return gpus


def _with_spec_bandwidth(gpu: dict[str, Any]) -> dict[str, Any]:
    # Peak = bus width in bytes x memory clock x 2 (double data rate), as the driver reports them.
    width, clock = gpu.get("bus_width_bits"), gpu.get("memory_clock_max_mhz")
    gpu["spec_bandwidth_Bps"] = width / 8 * clock * 1e6 * 2 if width and clock else None
    return gpu


@functools.lru_cache(maxsize=1)
def machine_record() -> dict[str, Any]:
    """The record of this machine (computed once; JSON-serialisable)."""
    gpus = _gpus_nvml()
    if gpus is None:
        gpus = _gpus_smi()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        usable = os.cpu_count()
    return {
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpu_usable": usable,
        "memory_total": _memory_total(),
        "platform": platform.platform(),
        "versions": _versions(),
        "backends": _backends(),
        "gpus": [_with_spec_bandwidth(g) for g in gpus],
        "env": {k: os.environ[k] for k in _ENV_VARS if k in os.environ},
    }


def _gib(n: int | None) -> str:
    return "?" if n is None else f"{n / 2**30:.1f} GiB"


def describe(record: dict[str, Any]) -> list[str]:
    """Human-readable lines for the terminal summary."""
    lines = [
        f"cpu: {record['cpu']} ({record['cpu_count']} logical cores, {record['cpu_usable']} usable), "
        f"memory {_gib(record['memory_total'])}",
        "versions: " + ", ".join(f"{k} {v}" for k, v in record["versions"].items() if v is not None),
    ]
    for name, info in record["backends"].items():
        lines.append(f"backend {name}: {info['device']} ({info['kind']}, memory {_gib(info['memory_total'])})")
    if not record["gpus"]:
        lines.append("gpu: none found (pynvml / nvidia-smi)")
    for gpu in record["gpus"]:
        spec = gpu.get("spec_bandwidth_Bps")
        lines.append(
            f"gpu: {gpu['name']}, {_gib(gpu['memory_total'])}, memory clock {gpu['memory_clock_max_mhz']} MHz, "
            f"bus {gpu.get('bus_width_bits') or '?'} bit, spec bandwidth "
            f"{'?' if spec is None else f'{spec / 1e12:.2f} TB/s'} (via {gpu['source']})"
        )
    if record["env"]:
        lines.append("env: " + ", ".join(f"{k}={v}" for k, v in record["env"].items()))
    return lines


def device_copy_bandwidth(backend: Any, nbytes: int = 2**30, repeats: int = 10) -> float:
    """Measured read+write bandwidth of the backend's device, in bytes per second.

    Times ``y = x * 2`` on a float32 array of *nbytes* (compiled on JAX), which
    reads and writes *nbytes* each, so the figure counts ``2 * nbytes`` per run
    (the accounting nvbandwidth's copy numbers need doubling for). Median of
    *repeats* runs after one warm-up.
    """
    xp = backend.xp
    x = xp.ones((nbytes // 4,), dtype=xp.float32)
    scale = backend.compile(lambda a: a * 2.0)
    backend.synchronize(scale(x))
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        y = scale(x)
        backend.synchronize(y)
        times.append(time.perf_counter() - t0)
        del y
    del x
    times.sort()
    return 2 * nbytes / times[len(times) // 2]
