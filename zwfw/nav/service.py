"""NavService: one step of guided navigation, from a vague need to an item or a bundle.

Each call takes the user's need (to start) or answer (to continue) and returns the next
question with its options and counts, the remaining candidates, and, once one item clearly
wins or no question is worth asking, the result: items, the apps that handle them and one
de-duplicated materials list. A life event (出生, 开店, 退休…) goes to its bundle instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace

from zwfw.core.errors import InvalidQuery, NotFound
from zwfw.core.records import App, DocKind, Item, doc_key
from zwfw.core.regions import find_in_text, name_of
from zwfw.models import normalize
from zwfw.nav.admin import NavAdmin
from zwfw.nav.answers import match_answer
from zwfw.nav.attributes import (
    OTHER,
    QUESTIONS,
    Attr,
    facets,
    region_path,
    short_label,
    variant_in,
    variant_words,
)
from zwfw.nav.bundles import Bundle, checklist, match_bundle, match_hint
from zwfw.nav.materials import merge_materials
from zwfw.nav.narrow import (
    Cand,
    Option,
    Question,
    best_question,
    keep,
    kind_of,
    shortlist,
    winner,
)
from zwfw.nav.need import looks_like_need
from zwfw.nav.plausible import weak
from zwfw.nav.session import (
    CandidateView,
    Mode,
    NavResult,
    NavStep,
    OptionView,
    Pending,
    PendingOption,
    Session,
)
from zwfw.nav.store import NavStore
from zwfw.search import SearchFilters, SearchService
from zwfw.search.docstore import DocStore

POOL = 40  # candidates retrieved for a need: 驾驶证 alone has 37 variants
# Weight = (score / best score) ** SHARPNESS: RRF scores are flat (rank 1 ≈ 1.3 × rank 20),
# so without sharpening retrieval's opinion would barely count.
SHARPNESS = 20.0
MAX_QUESTIONS = 4  # then the shortlist is the result: a fifth question costs more than it saves
SESSION_TTL = 30 * 60.0  # seconds
SHOWN = {Mode.STANDARD: 5, Mode.ELDER: 3}  # candidates listed, and the longest result list
NOT_FOUND = "没有找到相关事项，请换个说法，或拨打 12345 咨询。"
DECLINED = "没有完全符合的事项，以下是最接近的几项；也可以换个说法，或拨打 12345 咨询。"
NO_MATCH = "没有找到对应的事项，可拨打 12345 政务服务便民热线咨询；以下相近事项仅供参考。"
SHORTLIST = "以下几项都可能符合，请点选查看；拿不准的话可以拨打 12345 咨询。"


class NavService:
    def __init__(self, store: NavStore, search: SearchService, docs: Callable[[], DocStore]):
        self.store = store
        self.search = search
        self._docs = docs
        self.admin = NavAdmin(store, docs)

    def close(self) -> None:
        self.store.close()

    def step(
        self,
        session_id: str | None = None,
        need: str | None = None,
        answer: str | None = None,
        mode: str = "standard",
    ) -> NavStep:
        """Start over when `need` is given (keeping `session_id` if any); else apply `answer`
        to the session's open question. A not-understood answer repeats the question."""
        chosen = Mode.from_str(mode)
        if need and need.strip():
            session = self._start(session_id or uuid.uuid4().hex, need.strip(), chosen)
            step = self._advance(session)
        else:
            session = self._load(session_id)
            if session.mode != chosen.value and session.pending is not None:
                # The open question was worded for the other mode (elder: ≤ 3 short
                # options): ask it again in this mode; asking again is not a new question.
                session.mode, session.pending = chosen.value, None
                session.questions -= 1
                self._advance(session)
            session.mode = chosen.value
            if answer and answer.strip():
                message = self._answer(session, answer)
                step = self._ask(session, message) if message else self._advance(session)
            else:  # no answer: repeat the open question (or go on if there is none)
                step = self._ask(session, None)
        self.store.save_session(session.id, session.to_json(), SESSION_TTL)
        return step

    def _load(self, session_id: str | None) -> Session:
        if not session_id:
            raise InvalidQuery("start with a need, or continue with a session_id and an answer")
        state = self.store.load_session(session_id)
        if state is None:
            raise NotFound(f"navigation session {session_id!r} has expired; start again")
        return Session.from_json(state)

    def _start(self, session_id: str, need: str, mode: Mode) -> Session:
        session = Session(session_id, need, mode.value, region=find_in_text(normalize(need)))
        hint = match_hint(need, self.store.hints())
        if hint and hint.bundle_id:
            session.bundle_id = hint.bundle_id
        elif hint:
            session.weights = {f"item:{i}": 1.0 for i in hint.item_ids}
        elif bundle := self._bundle_for(need):
            session.bundle_id = bundle.id
        else:
            session.weights = self._retrieve(need)
            # Nothing plausible (开个小饭馆 in a catalogue without catering licences): no
            # question about noise; the nearest items end the session with DECLINED.
            session.declined = bool(session.weights) and self._weak(need)
        return session

    def _weak(self, need: str) -> bool:
        q = self.search.analyze(need)
        floor = self.search.settings.vector_min_score
        found = self.search.retrieve(
            q, SearchFilters(kinds=(DocKind.ITEM,)), POOL, vector_floor=floor
        )
        return weak(found, need)

    def _bundle_for(self, need: str) -> Bundle | None:
        """The life event a need names, if it is stated as a need (我想办退休, not 退休人员养老金
        资格认证), is not one item's variant (补领结婚证), and the open catalogue has its items."""
        if variant_in(need) not in (None, "首次") or not (looks_like_need(need) or len(need) <= 6):
            return None
        bundle = match_bundle(need, self.store.bundles())
        if bundle is None:
            return None
        keys = [f"item:{i}" for step in bundle.steps for ids in step.items.values() for i in ids]
        return bundle if self._docs().get(keys) else None

    def _retrieve(self, need: str) -> dict[str, float]:
        """The items `/v1/search` ranks for the need (same analysis, fusion, preferences and
        fallbacks), weighted `(score / best) ** SHARPNESS`."""
        page = self.search.search(need, SearchFilters(kinds=(DocKind.ITEM,)), 1, POOL)
        hits = [h for h in page.hits if h.score > 0]
        if not hits:
            return {}
        best = hits[0].score
        return {doc_key("item", h.id): (h.score / best) ** SHARPNESS for h in hits}

    def _answer(self, session: Session, answer: str) -> str | None:
        """Apply the answer; returns a message when it could not be understood."""
        pending = session.pending
        if pending is None:
            return None
        options = [Option(o.label, frozenset(o.values), len(o.keys)) for o in pending.options]
        got = match_answer(answer, options)
        if not got.understood or (got.skip and session.bundle_id):
            labels = "、".join(o.label for o in options)
            return f"没有听懂“{answer.strip()}”，请说“第一个”或选项名称：{labels}。"
        if got.option is None or got.option.label != OTHER:
            # After 其他 the named values are gone, so the facet may come back with new ones
            # (the next five cases); any other answer settles it.
            session.asked.append(pending.attr)
        session.pending = None
        if got.option is not None and got.option.keeps_all:
            # 都不是 to a list naming every candidate rejects them all; to any other facet it
            # only says the question did not help.
            session.declined = pending.attr in (Attr.CATALOG.value, Attr.SERVICE.value)
        elif got.option is not None:
            kept = set(pending.options[options.index(got.option)].keys)
            if session.bundle_id:
                session.region = next(iter(kept))
            else:
                session.weights = {k: w for k, w in session.weights.items() if k in kept}
        return None

    def _advance(self, session: Session) -> NavStep:
        if session.bundle_id:
            return self._advance_bundle(session)
        mode = Mode(session.mode)
        records = self._items(session.weights)
        pool = _pool(records, session.weights)
        question = None
        # A clear winner ends a session before any question (search is confident); after
        # answers, the remaining siblings' order is retrieval noise: only gain decides.
        confident = session.questions == 0 and winner(pool) is not None
        if not session.declined and not confident and session.questions < MAX_QUESTIONS:
            question = best_question(
                pool,
                set(session.asked),
                mode.max_options,
                _labeller(mode, _variant_words(records, session.weights)),
                mode.max_label,
            )
        if question is None:
            session.pending = None
            items = tuple(records[c.key] for c in shortlist(pool, SHOWN[mode]))
            result = NavResult(items, self._apps_for(items), _materials(items))
            message = (
                NOT_FOUND
                if not items
                else (NO_MATCH if session.questions == 0 else DECLINED)
                if session.declined
                else SHORTLIST
                if len(items) > 1
                else None
            )
            return self._step(session, None, result=result, message=message)
        session.pending = _pending(_lookups_last(question, session.need), pool, mode)
        if question.kind is Attr.REGION and session.region and Attr.REGION not in session.asked:
            # The need named the region (我想在深圳办港澳通行证): answered by it, not asked;
            # a region none of the options covers leaves the question to the citizen.
            if self._answer(session, name_of(session.region)) is None:
                return self._advance(session)
            session.pending = _pending(_lookups_last(question, session.need), pool, mode)
        session.questions += 1
        return self._ask(session, None)

    def _advance_bundle(self, session: Session) -> NavStep:
        bundle = self._bundle(session.bundle_id or "")
        regions = bundle.regions
        region = session.region
        if region is None and len(regions) == 1:
            region = regions[0]
        if region is None:
            mode = Mode(session.mode)
            label = short_label if mode is Mode.ELDER else (lambda _a, v: v)
            options = [
                PendingOption(label(Attr.REGION, name_of(code)), [name_of(code)], [code])
                for code in regions[: mode.max_options]
            ]
            text = f"“{bundle.name}”要在哪个城市办理？"
            session.pending = Pending(Attr.REGION.value, text, options)
            session.questions += 1
            return self._ask(session, None)
        session.region = region
        listing = checklist(bundle, region, self._docs())
        items = tuple(i for s in listing.steps for i in s.items)
        result = NavResult(items, listing.apps, listing.materials, listing)
        message = (
            None
            if items
            else f"{name_of(region)}暂无“{bundle.name}”的在线事项，请到政务服务中心咨询。"
        )
        return self._step(session, None, result=result, message=message)

    def _bundle(self, bundle_id: str) -> Bundle:
        for bundle in self.store.bundles():
            if bundle.id == bundle_id:
                return bundle
        raise NotFound(f"the bundle {bundle_id!r} no longer exists; start again")

    def _ask(self, session: Session, message: str | None) -> NavStep:
        pending = session.pending
        if pending is None:
            return self._advance(session)
        options = tuple(OptionView(o.label, len(o.keys)) for o in pending.options)
        return self._step(session, pending.text, options=options, message=message)

    def _step(
        self,
        session: Session,
        question: str | None,
        options: tuple[OptionView, ...] = (),
        result: NavResult | None = None,
        message: str | None = None,
    ) -> NavStep:
        return NavStep(
            session_id=session.id,
            question=question,
            options=options,
            candidates=self._views(session),
            result=result,
            message=message,
            attribute=kind_of(session.pending.attr).value if session.pending else None,
            questions_asked=session.questions,
        )

    def _views(self, session: Session) -> tuple[CandidateView, ...]:
        total = sum(session.weights.values()) or 1.0
        top = sorted(session.weights.items(), key=lambda kv: -kv[1])[: SHOWN[Mode(session.mode)]]
        records = self._items(dict(top))
        return tuple(
            CandidateView(i.id, i.name, i.region_name, i.department, round(w / total, 4))
            for key, w in top
            if (i := records.get(key)) is not None
        )

    def _items(self, weights: Mapping[str, float]) -> dict[str, Item]:
        found = self._docs().get(list(weights))
        return {k: r for k, r in found.items() if isinstance(r, Item)}

    def _apps_for(self, items: tuple[Item, ...]) -> tuple[App, ...]:
        ids = {i.id for i in items}
        apps = self._docs().iter_kind("app")
        return tuple(a for a in apps if isinstance(a, App) and ids & set(a.item_ids))


def _pool(records: Mapping[str, Item], weights: Mapping[str, float]) -> list[Cand]:
    return [
        Cand(k, w, {a.value: v for a, v in facets(item).items()}, _text(item))
        for k, w in weights.items()
        if (item := records.get(k)) is not None
    ]


def _text(item: Item) -> str:
    """What a citizen reads about an item when telling options apart."""
    parts = (item.name, item.catalog_name, item.department, region_path(item), *item.audiences)
    return " ".join(parts)


def _labeller(mode: Mode, spoken: Mapping[str, str]) -> Callable[[str, str], str]:
    """Option labels: a variant in the words the candidates use (补发 rather than 补领 when
    their names say 补发); in elder mode, short enough to say aloud."""

    def label(attr: str, value: str) -> str:
        kind = kind_of(attr)
        text = spoken.get(value, value) if kind is Attr.VARIANT else value
        return short_label(kind, text) if mode is Mode.ELDER else text

    return label


def _variant_words(records: Mapping[str, Item], weights: Mapping[str, float]) -> dict[str, str]:
    """Each variant's word that the most candidates of that variant use, by retrieval weight:
    补发 for 遗失补发 and 首次、换发、补发 alike."""
    mass: dict[tuple[str, str], float] = {}
    for key, item in records.items():
        for canonical, words in variant_words(item).items():
            for word in words:
                pair = (canonical, word)
                mass[pair] = mass.get(pair, 0.0) + weights.get(key, 0.0)
    spoken: dict[str, str] = {}
    for (canonical, word), _ in sorted(mass.items(), key=lambda kv: (-kv[1], kv[0])):
        spoken.setdefault(canonical, word)
    return spoken


def _lookups_last(question: Question, need: str) -> Question:
    """A progress lookup (查询) is about an application already made, not the service itself:
    a need that does not ask to look something up ("我要办港澳通行证") is not offered 查询 as
    its first choice because many light lookup items add up to the most weight."""
    if question.kind is not Attr.VARIANT or variant_in(need) == "查询":
        return question
    *named, way_out = question.options
    lookups = [o for o in named if o.values == {"查询"}]
    others = [o for o in named if o.values != {"查询"}]
    return replace(question, options=(*others, *lookups, way_out))


def _pending(question: Question, pool: list[Cand], mode: Mode) -> Pending:
    wording = QUESTIONS[question.kind][1 if mode is Mode.ELDER else 0]
    options = [
        PendingOption(o.label, sorted(o.values), [c.key for c in keep(pool, question.attr, o)])
        for o in question.options
    ]
    return Pending(question.attr, wording, options)


def _materials(items: tuple[Item, ...]) -> tuple[str, ...]:
    return tuple(merge_materials([items[0].materials])) if items else ()
