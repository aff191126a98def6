"""Evaluating grafts: binding parameters, the builtins, compiled programs, results on the host.

Builtin implementations live in the ``builtins_*`` modules of this package;
each registers its functions in :data:`gpucompute.graft.registry.BUILTINS`
when imported, and all are imported on the first evaluation.
"""

from __future__ import annotations

from gpucompute.execution.compute import bind_arguments, compute, inspect, to_host
from gpucompute.execution.jobs import STAGES, STATUSES, Job
from gpucompute.execution.context import current_geoctx, evaluation_context
from gpucompute.execution.formats import encode_result, write_result
from gpucompute.execution.program import clear_cache, compile_count, evaluate, load_builtins
from gpucompute.execution.results import ImageCollectionResult, ImageResult

__all__ = [
    "compute",
    "inspect",
    "bind_arguments",
    "to_host",
    "Job",
    "STAGES",
    "STATUSES",
    "current_geoctx",
    "evaluation_context",
    "evaluate",
    "load_builtins",
    "compile_count",
    "clear_cache",
    "encode_result",
    "write_result",
    "ImageResult",
    "ImageCollectionResult",
]
