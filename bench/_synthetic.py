"""Synthetic items for the 100k benchmark, and the encoder that gives them derived vectors.

Synthetic items are copies of real Guangdong items moved to another region (region code and
name, department prefix, level) and given a name variant, with unique ids. Their vectors are
the real e5 vector of the item they were derived from plus small Gaussian noise: encoding
100k passages for real with e5 takes about 30 minutes on this machine.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence

import numpy as np

from zwfw.core.records import Item
from zwfw.core.regions import NAMES, NATIONAL
from zwfw.models import normalize
from zwfw.models.encoders import Encoder, Vectors
from zwfw.search.fields import passage_text

# (prefix, suffix) of the name and the matching `variant`; None leaves the name as it is.
VARIANTS: tuple[tuple[str, str, str | None], ...] = (
    ("", "", None),
    ("", "（首次申请）", "首次申请"),
    ("", "（补领）", "补领"),
    ("", "（变更）", "变更"),
    ("", "（注销）", "注销"),
    ("", "（延续）", "延续"),
    ("个人", "", "个人"),
    ("企业", "", "企业"),
    ("个人", "（变更）", "个人变更"),
    ("企业", "（注销）", "企业注销"),
)
_SOURCE_REGIONS = ("广东省", "广州市")  # every real department that names a region uses these


def _level(code: str) -> str:
    if code.endswith("0000"):
        return "省级"
    return "市级" if code.endswith("00") else "区县级"


def _department(department: str, region_name: str) -> str:
    for source in _SOURCE_REGIONS:
        if source in department:
            return department.replace(source, region_name, 1)
    return f"{region_name}{department}"  # e.g. 中国水利… has no region: prefix the new one


def synthesize(real: Sequence[Item], total: int, seed: int = 7) -> list[tuple[Item, int]]:
    """`total - len(real)` synthetic items, each with the index in `real` it was derived from.

    Sources are taken round-robin so every real item has about the same number of copies;
    region and name variant are drawn at random (seeded, so runs are comparable).
    """
    rng = random.Random(seed)
    regions = [(code, name) for code, name in NAMES.items() if code != NATIONAL]
    out: list[tuple[Item, int]] = []
    for n in range(max(0, total - len(real))):
        src_index = n % len(real)
        src = real[src_index]
        code, region_name = rng.choice(regions)
        prefix, suffix, variant = rng.choice(VARIANTS)
        item = dataclasses.replace(
            src,
            id=f"SYN{n:06d}-{src.id}",
            name=f"{prefix}{src.name}{suffix}",
            variant=variant or src.variant,
            department=_department(src.department, region_name),
            region_code=code,
            region_name=region_name,
            level=_level(code),
        )
        out.append((item, src_index))
    return out


def passage_of(item: Item) -> str:
    """The passage `build_doc` gives the encoder for this item (same functions, same order)."""
    return normalize(passage_text(item))


class DerivedVectorEncoder:
    """An Encoder whose passage vectors are looked up instead of computed.

    Queries go to the real encoder. A passage of a real item gets its real e5 vector; a passage
    of a synthetic item gets its source item's real vector plus N(0, sigma²) noise per
    component, re-normalised to unit length. A passage not in the table (the index build
    would have to change for that) is encoded for real and counted in `fallbacks`.
    """

    def __init__(
        self,
        real: Encoder,
        base: Vectors,
        table: dict[str, tuple[int, bool]],
        sigma: float = 0.02,
        seed: int = 11,
    ) -> None:
        self.real, self._base, self._table, self._sigma = real, base, table, sigma
        self._rng = np.random.default_rng(seed)
        self.fallbacks = 0

    @property
    def model_id(self) -> str:
        return self.real.model_id  # the index is served by the real e5 model's query vectors

    @property
    def dim(self) -> int:
        return self.real.dim

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self.real.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        missing: list[int] = []
        for row, text in enumerate(texts):
            hit = self._table.get(text)
            if hit is None:
                missing.append(row)
                continue
            src, noisy = hit
            vec = self._base[src]
            if noisy:
                vec = vec + self._rng.normal(0.0, self._sigma, self.dim).astype(np.float32)
                vec = vec / max(float(np.linalg.norm(vec)), 1e-12)
            out[row] = vec
        if missing:
            self.fallbacks += len(missing)
            out[missing] = self.real.encode_passages([texts[i] for i in missing])
        return out


def vector_table(
    real: Sequence[Item], synthetic: Sequence[tuple[Item, int]]
) -> dict[str, tuple[int, bool]]:
    """Passage text → (row of the source's real vector, add noise?). Real passages win ties."""
    table: dict[str, tuple[int, bool]] = {}
    for src_index, item in enumerate(real):
        table.setdefault(passage_of(item), (src_index, False))
    for item, src_index in synthetic:
        table.setdefault(passage_of(item), (src_index, True))
    return table
