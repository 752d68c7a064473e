"""FAQ question answering: answer with a source, ask to clarify, or hand off."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Request

from zwfw.api import observability
from zwfw.api.deps import MaybeOpsDep, QaDep
from zwfw.api.schemas import QaRequest, QaResponse

router = APIRouter(prefix="/v1", tags=["qa"])


@router.post("/qa", response_model=QaResponse)
def ask(request: Request, body: QaRequest, qa: QaDep, ops: MaybeOpsDep) -> QaResponse:
    result = qa.ask(body.question)
    observability.log_qa_turn(ops, request, body.question, result)
    return QaResponse.model_validate(asdict(result))
