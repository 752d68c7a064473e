"""Full eligibility passes (免申即享 push lists) over 1M generated profiles.

Run from the repository root:  .venv/bin/python bench/eligibility.py [--profiles N]
Profiles are generated with a fixed seed (80% people, 20% enterprises) over the regions of
`zwfw.core.regions`, with ~10% of fields missing and ~15% of consents withheld, and bulk
inserted through `ProfileStore.put_many` into the real schema. A pass is what the admin
route does: `PersonalService.eligible_page` from no cursor until `next_cursor` is None, in
pages of 10,000, timed per demo policy. A 2,000-profile sample is checked against the
Python evaluator (`rules.judge`) so the timed SQL is known to give the right answer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from zwfw.core.records import Item, Policy
from zwfw.core.regions import NAMES, NATIONAL
from zwfw.indexer import load_sources
from zwfw.personal import Purpose, create_personal_service, judge
from zwfw.personal.fields import EMPLOYMENT, REVENUE_BANDS, SIZES, STORED, Audience
from zwfw.personal.profile import Profile
from zwfw.storage import Storage, migrate

HERE = Path(__file__).resolve().parent
DEMO = HERE.parent / "data" / "demo"
NOW = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
POLICIES = (
    "demo-policy-001", "demo-policy-005", "demo-policy-007", "demo-policy-010",
    "demo-policy-015", "demo-policy-019", "demo-policy-021", "demo-policy-024",
    "demo-policy-028",
)  # fmt: skip
REGIONS = [c for c in NAMES if c != NATIONAL]
INDUSTRIES = ["I65", "C16", "K70", "F51", "M73", "C39", "H62", "A01"]
QUALIFICATIONS = ["高新技术企业", "专精特新", "专精特新小巨人"]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--profiles", type=int, default=1_000_000)
    p.add_argument("--page-size", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--db", type=Path, default=Path("var/bench/personal-eligibility.sqlite"))
    p.add_argument("--out", type=Path, default=HERE / "results" / "eligibility.json")
    return p.parse_args(argv)


def person(rng: random.Random) -> dict[str, Any]:
    return {
        "birth_year": rng.randint(1925, 2008),
        "region_code": rng.choice(REGIONS),
        "hukou_region_code": rng.choice(REGIONS),
        "employment_status": rng.choice(EMPLOYMENT),
        "children_birth_years": tuple(sorted(rng.sample(range(2005, 2027), rng.randint(0, 3)))),
        "has_disability": rng.random() < 0.06,
        "disability_level": rng.randint(1, 4),
        "retired": rng.random() < 0.2,
        "low_income": rng.random() < 0.1,
    }


def enterprise(rng: random.Random) -> dict[str, Any]:
    return {
        "region_code": rng.choice(REGIONS),
        "industry_code": rng.choice(INDUSTRIES),
        "size": rng.choice(SIZES),
        "founded_on": dt.date(2026, 1, 1) - dt.timedelta(days=rng.randint(0, 12_000)),
        "employees": rng.randint(0, 2000),
        "revenue_band": rng.choice(REVENUE_BANDS),
        "qualifications": tuple(sorted(rng.sample(QUALIFICATIONS, rng.randint(0, 2)))),
        "laid_off_rate": round(rng.random() * 0.3, 3),
    }


def profiles(
    total: int, seed: int
) -> Iterator[tuple[str, Audience, dict[str, Any], dict[str, Any]]]:
    rng = random.Random(seed)
    for n in range(total):
        audience: Audience = "enterprise" if n % 5 == 0 else "person"
        values = (enterprise if audience == "enterprise" else person)(rng)
        values = {k: v for k, v in values.items() if rng.random() < 0.9}
        purposes = [Purpose.POLICY, Purpose.PUSH, Purpose.RECOMMEND]
        consents = {
            f: frozenset(p for p in purposes if rng.random() < 0.85) for f, _ in STORED[audience]
        }
        yield f"user-{n:07d}", audience, values, consents


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    records = load_sources([DEMO]).records
    policies = [r for r in records if isinstance(r, Policy)]
    items = [r for r in records if isinstance(r, Item)]
    fresh = not args.db.exists()
    storage = Storage(f"sqlite:///{args.db.resolve()}")
    migrate(storage)
    service = create_personal_service(
        storage, "bench-secret-" + "x" * 32, "bench-id-key-0123456789", policies, items,
        clock=lambda: NOW,
    )  # fmt: skip
    load_seconds = None
    if fresh:
        started = time.perf_counter()
        service.import_profiles(profiles(args.profiles, args.seed))
        load_seconds = time.perf_counter() - started
        print(f"generated and stored {args.profiles:,} profiles in {load_seconds:.1f} s")
    rules = {p: service.rules[p] for p in POLICIES}
    sample = [Profile(u, a, v, c, False, NOW) for u, a, v, c in profiles(2_000, args.seed)]
    results = []
    for policy_id, rule in rules.items():
        started = time.perf_counter()
        eligible, pages, cursor = [], 0, None
        while True:
            page = service.eligible_page(policy_id, cursor, args.page_size)
            eligible += page.user_ids
            pages += 1
            if (cursor := page.next_cursor) is None:
                break
        seconds = time.perf_counter() - started
        expected = {
            p.user_id for p in sample
            if p.audience == rule.policy.audience
            and judge(rule, p.facts(Purpose.PUSH, NOW.date())).eligible
        }  # fmt: skip
        found = {u for u in eligible if u < f"user-{len(sample):07d}"}
        assert found == expected, f"{policy_id}: SQL and rules.judge disagree on the sample"
        print(f"{policy_id} {rule.policy.title[:24]:<24} {len(eligible):>8,} eligible "
              f"{pages:>4} pages {seconds:6.2f} s")  # fmt: skip
        results.append(
            {"policy": policy_id, "title": rule.policy.title, "eligible": len(eligible),
             "pages": pages, "seconds": round(seconds, 3)}
        )  # fmt: skip
    service.close()
    report = {
        "profiles": args.profiles,
        "page_size": args.page_size,
        "load_seconds": None if load_seconds is None else round(load_seconds, 1),
        "max_pass_seconds": max(r["seconds"] for r in results),
        "passes": results,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "sqlite": __import__("sqlite3").sqlite_version},
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"slowest full pass: {report['max_pass_seconds']:.2f} s; wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
