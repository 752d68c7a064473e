"""The vector-store contract: integer ids to unit vectors, searched by inner product."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt


class VectorStore(Protocol):
    """Nearest-neighbour search over unit vectors; ids are the docstore's integer `vid`s."""

    @property
    def size(self) -> int: ...

    def add(self, ids: Sequence[int], vectors: npt.NDArray[np.float32]) -> None: ...

    def remove(self, ids: Sequence[int]) -> None: ...

    def search(
        self, queries: npt.NDArray[np.float32], k: int
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]: ...

    def save(self, path: Path) -> None: ...
