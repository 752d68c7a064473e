"""`GET /metrics` in the Prometheus text format.

Unauthenticated, like most exporters, and free of personal data (labels are route
templates, kinds and queue names); restrict it to the monitoring network at the proxy.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from zwfw.api.deps import MaybeRuntimeDep, OpsDep
from zwfw.core.records import DocKind
from zwfw.runtime import Runtime

router = APIRouter(tags=["operations"])


@router.get("/metrics", include_in_schema=False)
def metrics(ops: OpsDep, runtime: MaybeRuntimeDep) -> Response:
    ops.metrics.set_state(_index_sizes(runtime), ops.curation.queue_size(), ops.querylog.pending)
    body, content_type = ops.metrics.render()
    return Response(body, media_type=content_type)


def _index_sizes(runtime: Runtime | None) -> dict[str, int]:
    """Documents per kind in the serving index; empty while it is loading."""
    if runtime is None:
        return {}
    return {kind.value: runtime.index.docs.count(kind.value) for kind in DocKind}
