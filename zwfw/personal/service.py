"""The personal space as one service: profiles, events, recommendations and policies.

Routes call one method each; access control (a user acts only on their own data) stays
in the API layer, which knows who is calling. `create_personal_service` is the factory the
application calls at start-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from zwfw.core.errors import ConfigError, InvalidQuery, NotFound
from zwfw.core.pii import mask
from zwfw.core.records import Item, Policy
from zwfw.personal.catalogue import Catalogue, catalog_of
from zwfw.personal.conditions import Rule, compile_policy
from zwfw.personal.eligible import EligibleFinder, EligiblePage
from zwfw.personal.events import Event, EventLog, EventType
from zwfw.personal.fields import Audience, Purpose
from zwfw.personal.profile import Profile, normalise_consents, normalise_values
from zwfw.personal.profiles import NewProfile, ProfileStore
from zwfw.personal.recommend import Context, Recommendation, Recommender
from zwfw.personal.rules import Verdict, judge
from zwfw.personal.tokens import TokenVerifier
from zwfw.storage import Storage

CHINA = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class PolicyMatches:
    """Policies the user qualifies for (with reasons) and those missed by one condition."""

    eligible: list[Verdict]
    near_misses: list[Verdict]


class PersonalService:
    def __init__(
        self,
        db: Storage,
        tokens: TokenVerifier,
        id_salt: str,
        rules: Mapping[str, Rule],
        catalogue: Catalogue,
        retention_days: int,
        clock: Clock,
    ) -> None:
        self._db = db
        self._tokens = tokens
        self._profiles = ProfileStore(db, id_salt)
        self._events = EventLog(db, retention_days)
        self._clock = clock
        self._use(rules, catalogue)

    def reload(self, policies: Iterable[Policy], items: Iterable[Item]) -> None:
        """Serve new policies and items (after an index rebuild); profiles and events stay.
        Everything is built before anything is swapped, so a bad policy leaves the old set."""
        self._use(compile_policies(policies), Catalogue(items))

    def _use(self, rules: Mapping[str, Rule], catalogue: Catalogue) -> None:
        self._rules = rules
        self._catalogue = catalogue
        self._recommender = Recommender(catalogue, self._events)
        self._eligible = EligibleFinder(self._db, rules)

    @property
    def storage(self) -> Storage:
        """The database holding profiles and events (back it up, encrypt it at rest)."""
        return self._db

    @property
    def rules(self) -> Mapping[str, Rule]:
        """The compiled eligibility rules by policy id."""
        return self._rules

    def import_profiles(self, rows: Iterable[NewProfile]) -> int:
        """Bulk insert of new profiles from a trusted source whose values are already
        normalised (as `Profile.values`); used by loads and the benchmark."""
        return self._profiles.put_many(rows, self._clock())

    def user_of(self, token: str) -> str:
        """The user id of a signed token (raises tokens.InvalidToken)."""
        return self._tokens.verify(token)

    def put_profile(
        self,
        user_id: str,
        audience: Audience,
        values: Mapping[str, Any],
        consents: Mapping[str, Iterable[str]],
        id_card_number: str | None = None,
    ) -> Profile:
        now = self._clock()
        clean = normalise_values(audience, values, now.date())
        purposes = normalise_consents(audience, consents)
        return self._profiles.put(user_id, audience, clean, purposes, id_card_number, now)

    def get_profile(self, user_id: str) -> Profile:
        return self._profiles.get(user_id)

    def delete_user(self, user_id: str) -> int:
        """Remove the profile and every event of the user; returns how many rows went."""
        with self._db.transaction("personal") as conn:
            removed = self._profiles.delete(conn, user_id) + self._events.delete_user(conn, user_id)
        self._db.erase_freed()
        return removed

    def user_for_id_card(self, number: str) -> str | None:
        return self._profiles.user_for_id_card(number)

    def record_event(
        self,
        user_id: str,
        kind: EventType,
        item_id: str | None = None,
        query: str | None = None,
        rating: int | None = None,
    ) -> Event:
        item = self._catalogue.get(item_id) if item_id else None
        if kind is EventType.SEARCH and not (query and query.strip()):
            raise InvalidQuery("a search event needs the query")
        if kind is not EventType.SEARCH and item is None:
            raise InvalidQuery(f"a {kind.value} event needs a known item_id, got {item_id!r}")
        if kind is EventType.RATE and rating not in range(1, 6):
            raise InvalidQuery("a rating is a whole number from 1 to 5")
        event = Event(
            user_id, kind, self._clock(), item_id if item else None,
            catalog_of(item) if item else None, mask(query) if query else None, rating,
        )  # fmt: skip
        self._events.record(event)
        return event

    def events_count(self, user_id: str) -> int:
        return self._events.count(user_id)

    def recommendations(
        self, user_id: str, size: int, region: str | None = None
    ) -> tuple[str | None, list[Recommendation]]:
        """(the region used, up to `size` items); `region` is a hint for a cold start."""
        now = self._clock()
        profile = self._profile_or_none(user_id)
        facts = profile.facts(Purpose.RECOMMEND, now.date()) if profile else {}
        audience: Audience = profile.audience if profile else "person"
        used = facts.get("region_code") or region
        ctx = Context(user_id, audience, facts, used)
        return used, self._recommender.recommend(ctx, size, now)

    def policies_for(self, user_id: str) -> PolicyMatches:
        """Live policies of the user's audience judged on facts consented for `policy`."""
        profile = self._profile_or_none(user_id)
        if profile is None:
            return PolicyMatches([], [])
        today = self._clock().date()
        facts = profile.facts(Purpose.POLICY, today)
        verdicts = [
            judge(rule, facts)
            for rule in self._rules.values()
            if rule.policy.audience == profile.audience and _live(rule.policy, today)
        ]
        near = [v for v in verdicts if v.near_miss and not _only_elsewhere(v)]
        return PolicyMatches([v for v in verdicts if v.eligible], near)

    def eligible_page(self, policy_id: str, cursor: str | None, size: int) -> EligiblePage:
        return self._eligible.page(policy_id, cursor, size, self._clock().date())

    def close(self) -> None:
        """Nothing to close: the storage belongs to whoever built it."""

    def _profile_or_none(self, user_id: str) -> Profile | None:
        try:
            return self._profiles.get(user_id)
        except NotFound:
            return None


def _live(policy: Policy, today: dt.date) -> bool:
    starts, ends = policy.effective_from, policy.expires_on
    return (starts is None or starts <= today) and (ends is None or today <= ends)


def _only_elsewhere(verdict: Verdict) -> bool:
    """True when the one missing condition is living (or being registered) elsewhere: moving
    is no step towards a benefit, so such policies are not shown as near-misses."""
    return all(r.known and r.field in _REGION_FIELDS for r in verdict.missing)


_REGION_FIELDS = frozenset({"region_code", "hukou_region_code"})


def compile_policies(policies: Iterable[Policy]) -> dict[str, Rule]:
    """Rules of the policies that have conditions; an invalid tree fails naming the policy."""
    rules = (compile_policy(p) for p in policies)
    return {rule.policy.id: rule for rule in rules if rule is not None}


def create_personal_service(
    storage: Storage,
    token_secret: str,
    id_salt: str,
    policies: Iterable[Policy],
    items: Iterable[Item],
    retention_days: int = 180,
    clock: Clock | None = None,
) -> PersonalService:
    """Build the service at start-up. `id_salt` keys the ID-card HMAC: keep it secret and
    stable, since changing it orphans every stored hash."""
    if len(id_salt) < 16:
        raise ConfigError("the ID-card hashing key (id_salt) must be at least 16 characters")
    if retention_days < 1:
        raise ConfigError("event retention must be at least one day")
    return PersonalService(
        storage,
        TokenVerifier(token_secret),
        id_salt,
        compile_policies(policies),
        Catalogue(items),
        retention_days,
        clock or (lambda: dt.datetime.now(CHINA)),
    )
