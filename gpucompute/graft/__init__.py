"""Grafts: the JSON form of a computation (see ``spec.md`` in this folder).

Builders (:mod:`.client`) grow grafts as proxies are combined; :mod:`.validate`
checks them and round-trips them through JSON; :mod:`.hashing` gives a content
hash that ignores how keys are numbered; :mod:`.interpreter` evaluates them
with the builtins of a :class:`~gpucompute.graft.registry.Registry`.
"""

from __future__ import annotations

from gpucompute.graft.client import (
    apply_graft,
    consistent_guid,
    fresh_keys,
    function_graft,
    guid,
    is_delayed,
    isolate_keys,
    keyref_graft,
    parametrize,
    value_graft,
)
from gpucompute.graft.hashing import canonicalize, content_hash
from gpucompute.graft.interpreter import GraftFunction, interpret
from gpucompute.graft.registry import BUILTINS, Registry
from gpucompute.graft.syntax import (
    RESERVED_WORDS,
    is_application,
    is_function_graft,
    is_graft,
    is_guid_key,
    is_key,
    is_literal,
    is_quoted_json,
)
from gpucompute.graft.validate import dumps, loads, validate

__all__ = [
    "apply_graft", "consistent_guid", "fresh_keys", "function_graft", "guid", "is_delayed", "isolate_keys", "keyref_graft",
    "parametrize", "value_graft", "canonicalize", "content_hash", "GraftFunction", "interpret", "BUILTINS",
    "Registry", "RESERVED_WORDS", "is_application", "is_function_graft", "is_graft", "is_guid_key", "is_key",
    "is_literal", "is_quoted_json", "dumps", "loads", "validate",
]
