"""`GET /metrics` in the Prometheus text format.

Unauthenticated, like most exporters, and free of personal data (labels are route
templates, kinds and queue names); restrict it to the monitoring network at the proxy.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from zwfw.api.observability import OpsDep
from zwfw.core.records import DocKind

router = APIRouter(tags=["operations"])


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request, ops: OpsDep) -> Response:
    ops.metrics.set_state(_index_sizes(request), ops.curation.queue_size(), ops.querylog.pending)
    body, content_type = ops.metrics.render()
    return Response(body, media_type=content_type)


def _index_sizes(request: Request) -> dict[str, int]:
    """Documents per kind in the serving index; empty while it is loading."""
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is None:
        return {}
    return {kind.value: runtime.index.docs.count(kind.value) for kind in DocKind}
