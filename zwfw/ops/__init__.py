"""Operations: 好差评 ratings, the query log, analytics, curation, PII masking and metrics."""

from zwfw.core.pii import mask
from zwfw.ops.analytics import Analytics
from zwfw.ops.container import Ops, create_ops
from zwfw.ops.curation import (
    Curation,
    CurationConflict,
    NotAllowed,
    Proposal,
    ProposalState,
    Publishers,
)
from zwfw.ops.db import Period
from zwfw.ops.jsonlog import JsonFormatter, install_json_logging, request_id_var
from zwfw.ops.metrics import OpsMetrics, TimedEncoder
from zwfw.ops.payloads import ProposalKind
from zwfw.ops.querylog import Click, QueryLog, RequestEvent, Turn
from zwfw.ops.ratings import Rating, RatingStore, TargetType
from zwfw.ops.roles import Actor, Permission, Role, RoleTokens, hash_token
from zwfw.ops.tasks import Task, TaskKind, TaskStatus, Thresholds

__all__ = [
    "Actor",
    "Analytics",
    "Click",
    "Curation",
    "CurationConflict",
    "JsonFormatter",
    "NotAllowed",
    "Ops",
    "OpsMetrics",
    "Period",
    "Permission",
    "Proposal",
    "ProposalKind",
    "ProposalState",
    "Publishers",
    "QueryLog",
    "Rating",
    "RatingStore",
    "RequestEvent",
    "Role",
    "RoleTokens",
    "TargetType",
    "Task",
    "TaskKind",
    "TaskStatus",
    "Thresholds",
    "TimedEncoder",
    "Turn",
    "create_ops",
    "hash_token",
    "install_json_logging",
    "mask",
    "request_id_var",
]
