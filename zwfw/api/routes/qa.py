"""FAQ question answering: answer with a source, ask to clarify, or hand off."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter

from zwfw.api.deps import QaDep
from zwfw.api.schemas import QaRequest, QaResponse

router = APIRouter(prefix="/v1", tags=["qa"])


@router.post("/qa", response_model=QaResponse)
def ask(body: QaRequest, qa: QaDep) -> QaResponse:
    result = qa.ask(body.question)
    return QaResponse.model_validate(asdict(result))
