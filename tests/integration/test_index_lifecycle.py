"""Build, skip, rebuild, refuse a foreign model, survive an interrupted ingest (real Chroma)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.index.store import IndexMismatchError, IndexMissingError, current_build
from assistant.providers.embeddings import FakeEmbeddings
from assistant.services import build_services

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _services(tmp_path: Path, **kw):
    return build_services(
        Settings(data_dir=tmp_path, kb_dir=ROOT / "knowledge_base", embedding_mode="fake", **kw)
    )


def test_missing_index_says_how_to_build_it(tmp_path):
    with pytest.raises(IndexMissingError, match="assistant ingest"):
        _ = _services(tmp_path).index


def test_unchanged_corpus_is_not_rebuilt_and_rebuild_uses_the_cache(tmp_path):
    s = _services(tmp_path)
    first = s.ingest()
    assert not first.skipped and first.units == 51 and first.embedded == first.chunks
    second = s.ingest()
    assert second.skipped and second.build == first.build
    third = s.ingest(rebuild=True)
    assert not third.skipped and third.embedded == 0 and third.build != first.build
    # old builds are pruned, the new one answers
    assert [p.name for p in (tmp_path / "index" / "builds").iterdir()] == [third.build]
    assert s.assistant.ask("优化用电服务").retrieved


def test_an_index_built_by_another_model_is_refused(tmp_path):
    _services(tmp_path).ingest()
    other = _services(tmp_path)
    other.__dict__["embeddings"] = FakeEmbeddings(dim=64)
    with pytest.raises(IndexMismatchError, match="--rebuild"):
        _ = other.index


def test_interrupted_ingest_leaves_the_previous_index_usable(tmp_path):
    s = _services(tmp_path)
    s.ingest()
    before = current_build(tmp_path / "index")

    class Boom(FakeEmbeddings):
        model_id = s.embeddings.model_id

        def embed_batch(self, texts, is_query):
            if not is_query:
                raise KeyboardInterrupt
            return super().embed_batch(texts, is_query)

    broken = _services(tmp_path)
    broken.__dict__["embeddings"] = Boom()
    with pytest.raises(KeyboardInterrupt):
        broken.ingest(rebuild=True)
    assert current_build(tmp_path / "index") == before
    fresh = _services(tmp_path)
    assert fresh.assistant.ask("优化用电服务").retrieved
    # the next successful ingest clears the half-built directory
    fresh.ingest(rebuild=True)
    assert len(list((tmp_path / "index" / "builds").iterdir())) == 1
