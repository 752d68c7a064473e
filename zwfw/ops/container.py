"""The operations services an app builds once at start-up and closes at shutdown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from zwfw.ops.analytics import Analytics
from zwfw.ops.curation import Curation, Publishers
from zwfw.ops.metrics import OpsMetrics
from zwfw.ops.querylog import QueryLog
from zwfw.ops.ratelimit import Limiter, RateLimiter
from zwfw.ops.ratings import RatingStore
from zwfw.ops.roles import RoleTokens
from zwfw.ops.tasks import Thresholds
from zwfw.storage import Storage


@dataclass
class Ops:
    ratings: RatingStore
    querylog: QueryLog
    analytics: Analytics
    curation: Curation
    metrics: OpsMetrics
    roles: RoleTokens
    rating_limiter: Limiter
    click_limiter: Limiter

    def close(self) -> None:
        """Flush the query log and stop its writer thread; the storage is the caller's."""
        self.querylog.close()


def create_ops(
    storage: Storage,
    role_tokens: Mapping[str, str],
    publishers: Publishers | None = None,
    thresholds: Thresholds | None = None,
    rating_limiter: Limiter | None = None,
    click_limiter: Limiter | None = None,
    querylog_retention_days: float | None = None,
) -> Ops:
    """`role_tokens` maps "sha256:<hex>" token hashes to editor, reviewer or admin.

    `publishers` connect approved proposals to the stores they change; they may also be set
    later (`ops.curation.publishers = …`), once the runtime that owns the stores is loaded.
    """
    metrics = OpsMetrics()
    roles = RoleTokens(role_tokens)  # fails first: a bad token setting stops start-up
    ratings = RatingStore(storage)
    querylog = QueryLog(
        storage, on_drop=metrics.querylog_dropped.inc, retention_days=querylog_retention_days
    )
    return Ops(
        ratings=ratings,
        querylog=querylog,
        analytics=Analytics(storage, ratings),
        curation=Curation(storage, publishers or Publishers(), thresholds or Thresholds()),
        metrics=metrics,
        roles=roles,
        rating_limiter=rating_limiter or RateLimiter(),
        # Clicks come in bursts while a user browses results; ratings are rare.
        click_limiter=click_limiter or RateLimiter(capacity=60, per_second=1.0),
    )
