"""FAQ matching and answers with sources; decides between answer, clarify and hand-off."""

from zwfw.qa.classifier import AnswerModel, load_model
from zwfw.qa.decide import Action
from zwfw.qa.service import QaResult, QaService, Source, Suggestion, faq_source

__all__ = [
    "Action",
    "AnswerModel",
    "QaResult",
    "QaService",
    "Source",
    "Suggestion",
    "faq_source",
    "load_model",
]
