"""Publishing and sharing: versioned workflows stored in the catalog.

``publish(id, version, obj)`` stores a proxy (as JSON: type, parameters and
graft) as an immutable version of a :class:`Workflow`; ``use(id, version)``
gives it back, a callable proxy for functions.  :class:`VizOption` records
how a version should be displayed.
"""

from __future__ import annotations

from gpucompute.models.publish import publish, publish_proxy, use
from gpucompute.models.versioned_graft import VersionedGraft
from gpucompute.models.vizoption import VizOption
from gpucompute.models.workflow import Workflow

__all__ = ["VersionedGraft", "VizOption", "Workflow", "publish", "publish_proxy", "use"]
