"""FAQ matching and answers with sources; decides between answer, clarify and hand-off."""

from zwfw.qa.decide import Action, Evidence, decide
from zwfw.qa.service import QaResult, QaService, Source, Suggestion

__all__ = ["Action", "Evidence", "QaResult", "QaService", "Source", "Suggestion", "decide"]
