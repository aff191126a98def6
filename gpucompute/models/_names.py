"""Checks on the names of published workflows: workflow ids and semantic versions.

A workflow id is ``"<namespace>:<name>"``; the namespace is usually the
author's email (``"me@example.com:ndvi"``).  Both parts are lowercase.  A
version follows Semantic Versioning 2.0.0 (https://semver.org):
``MAJOR.MINOR.PATCH``, optionally followed by ``-<pre-release>`` and
``+<build>``; versions sort by semver precedence (:func:`version_key`).
"""

from __future__ import annotations

import re
from typing import Any

from gpucompute.errors import CatalogValueError

__all__ = ["check_version", "check_workflow_id", "next_version", "version_key"]

_NAMESPACE = r"[a-z0-9][a-z0-9._@+-]*"
_NAME = r"[a-z0-9][a-z0-9._-]*"
_WORKFLOW_ID = re.compile(rf"({_NAMESPACE}):({_NAME})")
MAX_ID_LENGTH = 200

# Numeric identifiers have no leading zeros; alphanumeric ones contain a letter or '-'.
_PRE_IDENT = r"(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)"
_SEMVER = re.compile(
    r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
    rf"(?:-({_PRE_IDENT}(?:\.{_PRE_IDENT})*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)


def check_workflow_id(workflow_id: Any) -> str:
    """Return ``workflow_id`` if it is a valid workflow id, else raise :class:`CatalogValueError`.

    Valid ids are ``"<namespace>:<name>"``: the namespace (your email or login) of
    lowercase letters, digits and ``. _ - @ +``, the name of lowercase letters,
    digits and ``. _ -``, each starting with a letter or digit.
    """
    if not isinstance(workflow_id, str):
        raise CatalogValueError(f"a workflow id must be a string like 'me@example.com:ndvi', got {workflow_id!r}")
    if len(workflow_id) > MAX_ID_LENGTH or not _WORKFLOW_ID.fullmatch(workflow_id):
        hint = " (ids are lowercase)" if workflow_id.lower() != workflow_id else ""
        raise CatalogValueError(
            f"invalid workflow id {workflow_id!r}{hint}: use '<namespace>:<name>' such as 'me@example.com:ndvi', "
            "where the namespace (your email or login) has lowercase letters, digits and . _ - @ +, and the name "
            f"has lowercase letters, digits and . _ -, at most {MAX_ID_LENGTH} characters in all"
        )
    return workflow_id


def check_version(version: Any) -> str:
    """Return ``version`` if it is a semantic version (``"1.0.0"``, ``"2.1.0-rc.1+build.5"``), else raise.

    Raises
    ------
    CatalogValueError
        For anything that is not ``MAJOR.MINOR.PATCH[-pre-release][+build]``.
    """
    if not isinstance(version, str) or not _SEMVER.fullmatch(version):
        hint = ""
        if isinstance(version, str) and version[:1] in ("v", "V") and _SEMVER.fullmatch(version[1:]):
            hint = f" (drop the leading {version[0]!r}: {version[1:]!r})"
        raise CatalogValueError(
            f"invalid version {version!r}{hint}: versions follow semantic versioning, MAJOR.MINOR.PATCH with "
            "optional -pre-release and +build parts, e.g. '1.0.0', '0.2.1-beta.1' (see https://semver.org)"
        )
    return version


def version_key(version: str) -> tuple:
    """A sort key giving semver precedence (build metadata breaks ties only, so sorting is stable).

    ``1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-beta < 1.0.0-beta.2 < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0``.
    """
    match = _SEMVER.fullmatch(version)
    if match is None:
        raise CatalogValueError(f"cannot sort {version!r}: it is not a semantic version")
    major, minor, patch, pre, build = match.groups()
    # A release sorts after its pre-releases; numeric identifiers sort before alphanumeric ones.
    pre_key = (1,) if pre is None else (0, *((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split(".")))
    return int(major), int(minor), int(patch), pre_key, build or ""


def next_version(versions: list[str]) -> str:
    """The next patch release after the highest of ``versions`` (``"0.0.1"`` when there are none)."""
    if not versions:
        return "0.0.1"
    major, minor, patch, pre_key, _ = version_key(max(versions, key=version_key))
    return f"{major}.{minor}.{patch if pre_key != (1,) else patch + 1}"
