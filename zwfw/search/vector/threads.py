"""Thread pools owned by settings: FAISS's OpenMP, BLAS and any other OpenMP runtime loaded.

Applied once at start-up (`zwfw.runtime.build_tools`), after the encoder has loaded its
engine so threadpoolctl sees every pool. Libraries default to one thread per core; beside a
second worker or any CPU-bound neighbour those threads wait on each other at every parallel
region, and a 30 ms search becomes a 300 ms one (issue 12).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import faiss as _faiss

faiss: Any = _faiss


def own_threads(threads: int) -> dict[str, int]:
    """Limit every known pool to `threads`; returns the pools seen, by library, for logging."""
    from threadpoolctl import threadpool_info, threadpool_limits

    faiss.omp_set_num_threads(threads)
    threadpool_limits(limits=threads)  # stays in force: the return value is not a `with`
    return {Path(str(p["filepath"])).name: int(p["num_threads"]) for p in threadpool_info()}
