"""Latency, build time and memory of `Suggester.suggest` over 100k synthetic titles.

Run from the repository root:  .venv/bin/python bench/suggest_latency.py [--titles N]
Titles are real Guangdong item names (../shared/data/guangdong_items.jsonl, or the demo
catalogue without it) given a region and a name variant, so all 100k are distinct: the worst
case for the suggester, whose build cost grows with distinct texts (a real catalogue repeats
one name across regions, and repeats merge).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import platform
import random
import re
import statistics
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from _synthetic import VARIANTS

from zwfw.core.regions import NAMES, NATIONAL
from zwfw.models import initials, joined, normalize
from zwfw.search.suggest import SuggestEntry, Suggester

HERE = Path(__file__).resolve().parent
SOURCES = (
    HERE.parents[1] / "shared" / "data" / "guangdong_items.jsonl",
    HERE.parent / "data" / "demo" / "items.jsonl",
)
KINDS = ("hanzi", "infix", "pinyin", "initials")
HAN = re.compile(r"[\u3400-\u9fff]")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--titles", type=int, default=100_000, help="distinct titles to index")
    p.add_argument("--queries", type=int, default=2_000, help="timed suggest calls")
    p.add_argument("--size", type=int, default=8, help="suggestions per call")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--out", type=Path, default=HERE / "results" / "suggest_latency.json")
    return p.parse_args(argv)


def real_names() -> tuple[list[str], Path]:
    source = next(path for path in SOURCES if path.exists())
    lines = source.read_text(encoding="utf-8").splitlines()
    names = dict.fromkeys(json.loads(line)["name"] for line in lines if line.strip())
    return list(names), source


def synthetic_titles(names: Sequence[str], total: int, rng: random.Random) -> list[str]:
    """`total` distinct titles: the real names, then names with a region and a variant.

    The region goes in front (广州市…) or at the end (…（广州市）) so hanzi prefixes meet both
    wide ranges (every title of a region) and narrow ones.
    """
    regions = [name for code, name in NAMES.items() if code != NATIONAL]
    titles = dict.fromkeys(names)
    while len(titles) < total:
        name, region = rng.choice(names), rng.choice(regions)
        prefix, suffix, _ = rng.choice(VARIANTS)
        if rng.random() < 0.5:
            titles.setdefault(f"{region}{prefix}{name}{suffix}")
        else:
            titles.setdefault(f"{prefix}{name}{suffix}（{region}）")
    return list(titles)[:total]


def make_queries(titles: Sequence[str], n: int, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, prefix) pairs, a quarter of each kind, shuffled.

    hanzi: the first 1–4 characters of a title; infix: 2–4 characters from a hanzi inside one;
    pinyin: the first 2–12 letters of a title's full pinyin; initials: its first 2–4 initials.
    """
    out: list[tuple[str, str]] = []
    for i in range(n):
        kind, title = KINDS[i % len(KINDS)], normalize(rng.choice(titles))
        if kind == "hanzi":
            out.append((kind, title[: rng.randint(1, 4)]))
        elif kind == "infix":
            starts = [i for i in range(1, len(title) - 1) if HAN.match(title[i])] or [0]
            start = rng.choice(starts)
            out.append((kind, title[start : start + rng.randint(2, 4)]))
        elif kind == "pinyin":
            out.append((kind, joined(title)[: rng.randint(2, 12)]))
        else:
            out.append((kind, initials(title)[: rng.randint(2, 4)]))
    rng.shuffle(out)
    return out


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def build(titles: Sequence[str]) -> tuple[Suggester, float, int]:
    """The suggester, its build time in s, and the RSS it added (after warming the models)."""
    joined("社会保障卡"), normalize("社保")  # load the pinyin and OpenCC tables first
    gc.collect()
    before = rss_bytes()
    start = time.perf_counter()
    entries = [SuggestEntry(t, "item", 1.0, f"SYN{i:06d}") for i, t in enumerate(titles)]
    suggester = Suggester(entries)
    seconds = time.perf_counter() - start
    del entries
    gc.collect()
    return suggester, seconds, rss_bytes() - before


def stats(ms: Sequence[float]) -> dict[str, float]:
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {
        "p50": round(q[49], 3),
        "p90": round(q[89], 3),
        "p99": round(q[98], 3),
        "max": round(max(ms), 3),
        "mean": round(statistics.fmean(ms), 3),
    }


def measure(suggester: Suggester, queries: Sequence[tuple[str, str]], size: int) -> dict[str, Any]:
    for _, prefix in queries[:100]:  # warm caches (OpenCC, numpy) outside the timing
        suggester.suggest(prefix, size)
    by_kind: dict[str, list[float]] = {kind: [] for kind in KINDS}
    empty = 0
    start = time.perf_counter()
    for kind, prefix in queries:
        t0 = time.perf_counter_ns()
        found = suggester.suggest(prefix, size)
        by_kind[kind].append((time.perf_counter_ns() - t0) / 1e6)
        empty += not found
    wall = time.perf_counter() - start
    every = [ms for values in by_kind.values() for ms in values]
    return {
        "all": stats(every),
        "by_kind": {k: stats(v) for k, v in by_kind.items()},
        "calls_per_s": round(len(queries) / wall),
        "empty_results": empty,
    }


def machine() -> dict[str, Any]:
    versions: dict[str, str | None] = {}
    for dist in ("numpy", "pypinyin", "opencc-python-reimplemented"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "processor": platform.processor() or platform.machine(),
        "versions": versions,
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    rng = random.Random(args.seed)
    names, source = real_names()
    titles = synthetic_titles(names, args.titles, rng)
    suggester, build_s, rss_delta = build(titles)
    timings = measure(suggester, make_queries(titles, args.queries, rng), args.size)
    held = suggester.stats()
    report = {
        "benchmark": "suggest_latency",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "source": source.name,
        "titles": len(titles),
        "queries": args.queries,
        "size": args.size,
        "build_s": round(build_s, 2),
        "memory": {
            "rss_delta_mb": round(rss_delta / 2**20, 1),
            "approx_held_mb": round(held["approx_bytes"] / 2**20, 1),
            "infix_positions": held["infix_positions"],
        },
        "latency_ms": timings,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(
        f"{len(titles):,} titles from {source.name}: build {build_s:.1f} s, "
        f"RSS +{report['memory']['rss_delta_mb']} MB "
        f"(held ≈ {report['memory']['approx_held_mb']} MB)"
    )
    for kind, s in [("all", timings["all"]), *timings["by_kind"].items()]:
        print(f"  {kind:9} p50 {s['p50']:.3f} ms  p99 {s['p99']:.3f} ms  max {s['max']:.3f} ms")
    print(f"  {timings['calls_per_s']:,} calls/s; {timings['empty_results']} empty; -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
