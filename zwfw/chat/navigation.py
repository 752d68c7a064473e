"""Needs rather than questions ("我要开个小店"): the services to start from, as cards.

Without a navigation service (see `chat.nav_bridge`), the assistant offers the
best-matching services of distinct catalogue entries, one per entry, in the citizen's city
when one is known.
"""

from __future__ import annotations

from zwfw.chat.elder import enumerate_spoken, short_name
from zwfw.chat.spoken import cardinal
from zwfw.chat.types import ChatAction, ChatReply, app_card, item_card
from zwfw.chat.variants import group_key
from zwfw.core.records import App, DocKind, Item, doc_key
from zwfw.core.regions import within
from zwfw.search import Candidate, SearchFilters, SearchService

MAX_ITEMS, MAX_APPS = 4, 2


def _vouched(found: list[Candidate], floor: float) -> list[Candidate]:
    # A need is phrased in everyday words, so the encoder decides; BM25 alone matched
    # "开个小店" to "开具个人所得税纳税记录".
    return [c for c in found if c.vector_rank is not None and c.vector_score >= floor]


def suggest_services(search: SearchService, text: str, region: str | None) -> list[Item]:
    """One item per catalogue entry, best first, preferring the citizen's region."""
    q = search.analyze(text)
    found = _vouched(
        search.retrieve(q, SearchFilters(kinds=(DocKind.ITEM,)), 40),
        search.settings.vector_min_score,
    )
    by_group: dict[str, list[Item]] = {}
    for c in found:
        if isinstance(c.record, Item):
            by_group.setdefault(group_key(c.record), []).append(c.record)
    picked = []
    for items in by_group.values():
        local = [i for i in items if region and within(i.region_code, region)]
        picked.append((local or items)[0])
    return picked[:MAX_ITEMS]


def suggest_apps(search: SearchService, text: str, items: list[Item]) -> list[App]:
    """Apps that handle the suggested items, then apps that handle another region's variant
    of them (a provincial app for the service; which variant came first is a near tie of
    scores), else apps matching the need itself."""
    q = search.analyze(text)
    found = search.retrieve(q, SearchFilters(kinds=(DocKind.APP,)), 20)
    ids = {i.id for i in items}
    apps = [c.record for c in found if isinstance(c.record, App)]
    linked = [a for a in apps if ids & set(a.item_ids)]
    groups = {group_key(i) for i in items}
    handled = search.index.docs.get(
        [doc_key(DocKind.ITEM.value, i) for a in apps if a not in linked for i in a.item_ids]
    )
    variant_ids = {r.id for r in handled.values() if isinstance(r, Item) and group_key(r) in groups}
    linked += [a for a in apps if a not in linked and variant_ids & set(a.item_ids)]
    vouched = [c.record for c in _vouched(found, search.settings.vector_min_score)]
    return (linked or [a for a in vouched if isinstance(a, App)])[:MAX_APPS]


def navigation_reply(items: list[Item], apps: list[App], elder: bool) -> ChatReply:
    names = [short_name(i.name) if elder else f"{i.name}（{i.region_name}）" for i in items]
    if elder:
        text = f"您可能要办这{cardinal(len(items))}件事。" + enumerate_spoken(names)
    else:
        listed = "\n".join(f"{n}. {name}" for n, name in enumerate(names, start=1))
        text = (
            f"根据您说的情况，可能需要办理以下事项：\n{listed}\n"
            "点选一项，我告诉您要带什么、去哪里办。"
        )
    return ChatReply(
        "",
        text,
        ChatAction.NAVIGATE,
        cards=[item_card(i) for i in items] + [app_card(a) for a in apps],
        options=[short_name(i.name) for i in items][:3],
    )
