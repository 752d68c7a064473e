"""A turn with a subject of its own: the router's decision applied to the session.

`chat.router` decides (FAQ answer, confident item, guided navigation, a choice among
candidates, nothing); this module writes the reply for that route and keeps in the session
what follow-ups refer to: the service shown, the topic, the options pending.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from zwfw.chat import navigation, replies
from zwfw.chat.confidence import base_name
from zwfw.chat.elder import elder_reply
from zwfw.chat.fields import GuideField, named_fields, subject_of, topic_of
from zwfw.chat.guide import GuideAnswers
from zwfw.chat.intents import is_need
from zwfw.chat.nav_bridge import NavBridge
from zwfw.chat.router import Decision, Offer, Route, TurnRouter
from zwfw.chat.sessions import SessionState
from zwfw.chat.types import ChatReply, item_source
from zwfw.chat.variants import group_key, group_of, remember
from zwfw.core.records import DocKind, Item
from zwfw.search import SearchFilters, SearchService
from zwfw.search.preferences import detect
from zwfw.search.results import Fallback

_ITEMS = SearchFilters(kinds=(DocKind.ITEM,))


class Decider:
    def __init__(
        self,
        search: SearchService,
        guide: GuideAnswers,
        router: TurnRouter,
        nav_bridge: NavBridge | None,
        today: Callable[[], dt.date],
    ) -> None:
        self.search, self.guide, self.router = search, guide, router
        # With a navigation service, a need starts a guided dialogue; without one the
        # assistant offers the best-matching services as cards.
        self.nav_bridge = nav_bridge
        self.today = today

    def decide(
        self, state: SessionState, text: str, fields: list[GuideField], elder: bool,
        qa_text: str | None, avoid: str | None = None,
    ) -> ChatReply:  # fmt: skip
        """Route a message with a subject through the one router (see chat.router); `avoid`
        is a FAQ entry just answered, which a follow-up must not get again."""
        need = is_need(text) and not fields
        subject = subject_of(text) if fields else None
        decision = self.router.decide(text, need, self.today(), qa_text, subject)
        if avoid:
            offers = [o for o in decision.offers if o.key != f"faq:{avoid}"]
            decision = replace(decision, offers=offers)
        known = decision.item or (decision.elsewhere[0] if decision.elsewhere else None)
        if known is not None and fields:  # 资格 in 翻译专业资格考试报名 asks for no conditions
            fields = named_fields(fields, text, f"{known.name} {known.catalog_name or ''}")
        if avoid and decision.qa.sources and decision.qa.sources[0].id == avoid:
            route = Route.ITEM if decision.item else Route.CLARIFY
            decision = replace(decision, route=route if decision.offers else Route.NONE)
        if decision.route is Route.FAQ:
            turn = replies.faq_reply(state, decision.qa, decision.item, elder, decision.top)
            if decision.top is not None:  # follow-ups go to the shown item's guide
                state.group = [f"item:{i.id}" for i in group_of(decision.top, decision.items)]
                remember(state, text, detect(text))
            return turn
        if decision.route is Route.ITEM and decision.item is not None:
            return self._item(state, text, decision, fields, elder)
        if decision.elsewhere is not None and decision.route is not Route.NAVIGATE:
            # The service is in the catalogue, not for the region named: say whose it is.
            item, region = decision.elsewhere
            hotline = self.search.settings.hotline
            group = group_of(item, decision.items)
            # Picking one of the offered regions continues with this service and the fields
            # asked, as if that region had been named in the first place.
            _hold(state, item, group)
            state.fields = [f.value for f in fields]
            found = replies.region_missing(state, group, region, hotline, elder)
            if found is not None:
                return found
        if decision.route is Route.NAVIGATE and self.nav_bridge is not None:
            step, state.nav_session = self.nav_bridge.start(text, elder)
            state.topic = text  # "要带什么材料" after navigation ends is about this need
            return step
        if decision.route is Route.NAVIGATE:
            items = navigation.suggest_services(self.search, text, state.region)
            if items:
                apps = navigation.suggest_apps(self.search, text, items)
                return navigation.navigation_reply(items, apps, elder)
        if decision.offers:
            state.fields = [f.value for f in fields]
            state.topic = topic_of(text) or text  # "补办要带什么" next is about this
            state.query = text
            ranked = [] if decision.weak else decision.items  # noise is not shown as cards
            return self.choose(state, decision.offers, elder, ranked)
        nearest = decision.items[:3] if decision.items else self.nearest(text)
        state.topic = topic_of(text) or text  # "要带什么材料" next is still about this
        return replies.no_match(nearest, self.search.settings.hotline, elder)

    def choose(
        self,
        state: SessionState,
        offers: list[Offer],
        elder: bool,
        ranked: list[Item] | None = None,
        head: str | None = None,
    ) -> ChatReply:
        """Ask which of `offers` is meant, and keep them pending (see `chat.pending`)."""
        turn, picks = replies.choose(offers, ranked or [], elder)
        turn.reply = head or turn.reply
        state.pending, state.options = "pick", picks
        state.rest = [o.key for o in offers if o.key not in picks.values()]
        return elder_reply(turn, elder)

    def nearest(self, text: str) -> list[Item]:
        """The closest items by meaning alone, however far, for a reply that found nothing
        to offer: named as "nearest", never as an answer."""
        q = self.search.analyze(text)
        found = self.search.retrieve(q, _ITEMS, 10, stage=Fallback.VECTOR_ONLY)
        return [c.record for c in found if isinstance(c.record, Item)][:3]

    def _item(
        self, state: SessionState, text: str, decision: Decision, fields: list[GuideField],
        elder: bool,
    ) -> ChatReply:  # fmt: skip
        """The chat is about the confident item: answer the asked fields from its guide, or
        say what it is and ask what about it. The item is cited either way."""
        item = decision.item
        assert item is not None
        key = group_key(item)
        group = group_of(item, decision.items)
        keys = _hold(state, item, group)
        if not fields:  # the reply names this service: follow-ups are about it
            state.keys, state.fields = keys, []
            state.choices = {"name": base_name(item.name)}
            same = [i for i in group if base_name(i.name) == base_name(item.name)]
            others = [i for i in decision.items if group_key(i) != key]
            # "都不是" says the guess was wrong: the other candidates come next.
            state.pending, state.rest = "about", [f"item:{i.id}" for i in others[:8]]
            return replies.about_item(item, same, others, elder)
        remember(state, text, detect(text))
        turn = self.guide.answer(state, fields, elder)
        if item.id not in {s.id for s in turn.sources}:
            turn.sources = [item_source(item), *turn.sources]
        return turn


def _hold(state: SessionState, item: Item, group: list[Item]) -> list[str]:
    """Make `item`'s group the subject of the conversation (its keys, returned); the choices
    made so far are kept only while the group is the same."""
    keys = [f"item:{i.id}" for i in group]
    if set(keys) != set(state.group):
        state.group, state.choices = keys, {}
    state.topic = base_name(item.catalog_name or item.name)
    return keys
