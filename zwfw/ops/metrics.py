"""Prometheus metrics of one app: request counts and latencies, index size, encoder latency,
the curation queue and the query-log backlog.

Each `OpsMetrics` owns its registry instead of the process-global one, so two apps (tests,
or a CLI beside the server) never collide on metric names. Gauges that describe state (index
size, queue) are set by the `/metrics` route at scrape time, so nothing polls in between.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from zwfw.models.encoders import Encoder, Vectors

# Search answers in tens of milliseconds; the buckets resolve that range and the slow tail.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
ENCODER_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.035, 0.05, 0.1, 0.25, 0.5, 1.0)


class OpsMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "zwfw_http_requests", "HTTP requests by route template, method and status",
            ["route", "method", "status"], registry=r,
        )  # fmt: skip
        self.latency = Histogram(
            "zwfw_http_request_duration_seconds", "HTTP request latency by route template",
            ["route", "method"], buckets=LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.encoder_latency = Histogram(
            "zwfw_encoder_duration_seconds", "Time to encode a batch of queries",
            buckets=ENCODER_BUCKETS, registry=r,
        )  # fmt: skip
        self.index_documents = Gauge(
            "zwfw_index_documents", "Documents in the serving index by kind", ["kind"], registry=r
        )
        self.curation_queue = Gauge(
            "zwfw_curation_queue", "Open curation tasks and proposals awaiting action",
            ["item"], registry=r,
        )  # fmt: skip
        self.querylog_pending = Gauge(
            "zwfw_querylog_pending", "Query-log events waiting for the writer thread", registry=r
        )
        self.querylog_dropped = Counter(
            "zwfw_querylog_dropped", "Query-log events dropped because the queue was full",
            registry=r,
        )  # fmt: skip

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route, method).observe(seconds)

    def set_state(
        self,
        index_sizes: Mapping[str, int],
        curation_queue: Mapping[str, int],
        querylog_pending: int,
    ) -> None:
        """Set the state gauges just before a scrape."""
        self.index_documents.clear()
        for kind, count in index_sizes.items():
            self.index_documents.labels(kind).set(count)
        for item, count in curation_queue.items():
            self.curation_queue.labels(item).set(count)
        self.querylog_pending.set(querylog_pending)

    def render(self) -> tuple[bytes, str]:
        """The exposition text and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class TimedEncoder:
    """An `Encoder` that times `encode_queries` into `zwfw_encoder_duration_seconds`.

    Wrap the search service's encoder with it; passages (index builds) are not timed, so
    the histogram shows what users wait for.
    """

    def __init__(self, inner: Encoder, metrics: OpsMetrics) -> None:
        self.inner, self._histogram = inner, metrics.encoder_latency

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        started = time.perf_counter()
        try:
            return self.inner.encode_queries(texts)
        finally:
            self._histogram.observe(time.perf_counter() - started)

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        return self.inner.encode_passages(texts)
