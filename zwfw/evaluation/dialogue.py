"""`zwfw eval --chat/--nav`: pick in-process or HTTP clients, read the sets, print the tables.

In process, the services are built by the caller (the CLI, over the runtime) on a temporary
state database, so an evaluation never touches live sessions.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zwfw.chat import ChatService
from zwfw.core.records import Faq
from zwfw.evaluation.chat import ChatClient, HttpChat, InProcessChat, eval_chat, format_chat
from zwfw.evaluation.nav import (
    HttpNav,
    InProcessNav,
    NavClient,
    catalogue_of,
    eval_nav,
    format_nav,
    read_catalogue,
)
from zwfw.evaluation.runner import read_jsonl
from zwfw.nav import NavService
from zwfw.search.docstore import DocStore

Services = tuple[ChatService, NavService, DocStore]
BuildServices = Callable[[Path], Services]


class DialogueEval:
    def __init__(
        self,
        build: BuildServices,
        url: str | None = None,
        catalogue: Path | None = None,
        faq_source: Path | None = None,
    ) -> None:
        self.build, self.url = build, url
        self.catalogue_path, self.faq_path = catalogue, faq_source

    def run(
        self,
        items: Path | None,
        faq: Path | None,
        chat: bool,
        nav: bool,
        mode: str,
        echo: Callable[[str], None],
    ) -> dict[str, Any]:
        item_qs = read_jsonl(items) if items else []
        faq_qs = read_jsonl(faq) if faq else []
        with tempfile.TemporaryDirectory(prefix="zwfw-eval-") as state:
            chat_client, nav_client, docs = self._clients(Path(state))
            catalogue = self._catalogue(docs)
            results: dict[str, Any] = {}
            if chat:
                questions = self._questions(docs)
                titles = {k: str(r.get("name", "")) for k, r in catalogue.items()}
                report = eval_chat(chat_client, item_qs, faq_qs, titles, questions, mode)
                echo(f"chat, first turns (mode {mode})\n{format_chat(report)}")
                results["chat"] = {"items": report.items, "faq": report.faq,
                                   "outcomes": report.outcomes}  # fmt: skip
            if nav:
                nav_report = eval_nav(nav_client, item_qs, catalogue)
                echo(f"navigation, simulated citizen\n{format_nav(nav_report)}")
                results["nav"] = {"per_kind": nav_report.per_kind,
                                  "outcomes": nav_report.outcomes}  # fmt: skip
        return results

    def _clients(self, state: Path) -> tuple[ChatClient, NavClient, DocStore | None]:
        if self.url:
            return HttpChat(self.url), HttpNav(self.url), None
        chat, nav, docs = self.build(state)
        return InProcessChat(chat), InProcessNav(nav), docs

    def _catalogue(self, docs: DocStore | None) -> dict[str, dict[str, Any]]:
        if self.catalogue_path:
            return read_catalogue(self.catalogue_path)
        if docs is None:
            raise ValueError("with --url, give --catalogue (the item source JSONL)")
        return catalogue_of(docs)

    def _questions(self, docs: DocStore | None) -> dict[str, str]:
        if self.faq_path:
            return {k: str(r.get("question", "")) for k, r in read_catalogue(self.faq_path).items()}
        if docs is None:
            raise ValueError("with --url, give --faq-source (the FAQ source JSONL)")
        return {r.id: r.question for r in docs.iter_kind("faq") if isinstance(r, Faq)}
