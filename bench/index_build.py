"""Index build throughput with real e5 vectors, and a rebuild of 100k items with 1 % changed.

Run from the repository root:  .venv/bin/python bench/index_build.py [--cold N] [--size N]

1. **Cold build**: the real Guangdong items (the first `--cold` of them), from scratch
   (`incremental=False`, no previous build), with the real encoder: items/s end to end.
2. **Seed**: `--size` items (real plus `_synthetic` copies with real text), built once. As
   in search_latency.py, the synthetic items' vectors are their source's real e5 vector plus
   noise (`DerivedVectorEncoder`): encoding 100k passages for real would take 30–50 minutes.
3. **Rebuild, 1 % changed**: `--changed` of the items get a new name (so new passage text),
   and `build_index` runs again as `zwfw index` does. Every changed passage is encoded by the
   real e5 model (the table has no vector for it); everything else comes from the serving
   build. Reports the wall time and how many passages were encoded.

`--encoders e5,e5_onnx` runs the cold build once per encoder kind, back to back in the same
process (so the two figures share the machine's load), and also times the encoding of the
120 `items_dev` queries one at a time (the uncached search path's cost). The ONNX encoder's
folder is `ZWFW_ENCODER__MODEL_PATH`, or `zwfw models export-onnx`'s default. `--size 0`
skips the seed and the rebuild.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from _synthetic import DerivedVectorEncoder, passage_of, synthesize, vector_table

from zwfw.core.records import Item
from zwfw.core.settings import EncoderKind, EncoderSettings, Settings
from zwfw.indexer import build_index, load_sources
from zwfw.indexer.check import check_index
from zwfw.models import Segmenter
from zwfw.models.encoders import Encoder, Vectors, create_encoder

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1] / "shared"


class Counting:
    """Counts the passages that reach the real encoder, and the time spent encoding them."""

    def __init__(self, inner: Encoder) -> None:
        self.inner, self.passages, self.seconds = inner, 0, 0.0
        self.model_id, self.dim = inner.model_id, inner.dim

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        self.passages += len(texts)
        start = time.perf_counter()
        try:
            return self.inner.encode_passages(texts)
        finally:
            self.seconds += time.perf_counter() - start


def _timed(label: str, fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    took = time.perf_counter() - start
    print(f"{label}: {took:.1f} s", file=sys.stderr)
    return took


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cold", type=int, default=2262, help="items in the cold build")
    ap.add_argument("--size", type=int, default=100_000, help="items in the rebuild")
    ap.add_argument("--changed", type=float, default=0.01, help="share changed before rebuild")
    ap.add_argument("--threads", type=int, default=1, help="encoder threads")
    ap.add_argument("--encoders", default="", help="compare cold builds: e.g. e5,e5_onnx")
    ap.add_argument("--work-dir", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "index_build.json")
    args = ap.parse_args()
    source = SHARED / "data" / "guangdong_items.jsonl"
    if not source.exists():
        print(f"{source} is missing: nothing to measure", file=sys.stderr)
        return 0
    real = [r for r in load_sources([source]).records if isinstance(r, Item)]
    segmenter = Segmenter()
    configured = Settings().encoder.model_copy(update={"threads": args.threads})
    encoder = Counting(create_encoder(configured).inner)
    work = Path(args.work_dir or tempfile.mkdtemp(prefix="zwfw-index-bench-"))
    result: dict[str, object] = {"machine": platform.machine(), "cpus": os.cpu_count(),
                                 "encoder_threads": args.threads,
                                 "encoder": encoder.model_id}  # fmt: skip

    cold = real[: args.cold]
    if args.encoders:  # instead of the configured encoder's cold build
        result["compare"] = _compare(args.encoders, configured, cold, work, segmenter)
    else:
        result["cold"] = _cold(cold, work / "cold", encoder, segmenter)
    if args.size <= 0:
        return _write(result, args.out)

    synthetic = synthesize(real, args.size)
    items = [*real, *(item for item, _ in synthetic)]
    base = encoder.inner.encode_passages([passage_of(i) for i in real])
    derived = DerivedVectorEncoder(encoder.inner, np.asarray(base), vector_table(real, synthetic))
    big = Settings(index_dir=work / "big")
    took = _timed("seed build", lambda: build_index(items, big, derived, segmenter))
    result["seed"] = {"items": len(items), "seconds": round(took, 1)}

    step = max(1, round(1 / args.changed))
    changed = [
        dataclasses.replace(item, name=f"{item.name}（{n}号修订）") if n % step == 0 else item
        for n, item in enumerate(items)
    ]
    encoder.passages, encoder.seconds = 0, 0.0
    took = _timed("rebuild", lambda: build_index(changed, big, encoder, segmenter))
    report = check_index(big)
    result["rebuild"] = {
        "items": len(changed),
        "changed": len(items[::step]),
        "encoded": encoder.passages,
        "seconds": round(took, 1),
        "encoding_seconds": round(encoder.seconds, 1),
        "other_seconds": round(took - encoder.seconds, 1),
        "consistent": report.consistent,
    }
    return _write(result, args.out)


def _write(result: dict[str, object], out: Path) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def _cold(items: list[Item], where: Path, encoder: Encoder, segmenter: Segmenter) -> dict:
    """items/s, and the process's CPU seconds per wall second: far below 1 (one thread) when
    a neighbour takes the cores, so figures from such a run are compared as ratios only."""
    cpu = time.process_time()
    took = _timed(f"cold build ({encoder.model_id})", lambda: build_index(
        items, Settings(index_dir=where), encoder, segmenter, incremental=False))  # fmt: skip
    return {"items": len(items), "seconds": round(took, 1),
            "items_per_s": round(len(items) / took, 1),
            "cpu_share": round((time.process_time() - cpu) / took, 2)}  # fmt: skip


def _compare(kinds: str, base: EncoderSettings, items: list[Item], work: Path,
             segmenter: Segmenter) -> dict[str, object]:  # fmt: skip
    """Cold build and single-query encoding per encoder kind, in one process."""
    dev = SHARED / "eval" / "items_dev.jsonl"
    queries = [json.loads(line)["query"] for line in dev.open(encoding="utf-8")]
    out: dict[str, object] = {}
    for kind in kinds.split(","):
        encoder = create_encoder(base.model_copy(update={"kind": EncoderKind(kind)})).inner
        for q in queries[:10]:
            encoder.encode_queries([q])  # warm-up
        times = []
        for q in queries:
            start = time.perf_counter()
            encoder.encode_queries([q])
            times.append(time.perf_counter() - start)
        row = _cold(items, work / f"cold-{kind}", encoder, segmenter)
        row["query_encode_p50_ms"] = round(float(np.median(times)) * 1000, 2)
        row["query_encode_p90_ms"] = round(float(np.percentile(times, 90)) * 1000, 2)
        out[encoder.model_id] = row
    return out


if __name__ == "__main__":
    raise SystemExit(main())
