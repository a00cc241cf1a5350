"""Build, skip, rebuild, refuse a foreign model, survive an interrupted ingest (real Chroma)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.documents.base import KnowledgeFileError
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
    kinds = {u.kind for u in s.index.units.values()}
    assert not first.skipped and first.embedded == first.chunks and first.units > 100
    assert kinds == {"plan", "guide", "entry"} and not first.warnings
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


def _copy_kb(tmp_path: Path) -> Path:
    kb = tmp_path / "kb"
    shutil.copytree(ROOT / "knowledge_base", kb)
    return kb


def test_a_bad_guide_fails_ingest_naming_file_and_field_and_the_index_keeps_serving(tmp_path):
    kb = _copy_kb(tmp_path)
    s = build_services(Settings(data_dir=tmp_path / "data", kb_dir=kb, embedding_mode="fake"))
    s.ingest()
    before = current_build(tmp_path / "data" / "index")
    guide = kb / "guides" / "credit-repair.yaml"
    guide.write_text(guide.read_text(encoding="utf-8") + "colour: red\n", encoding="utf-8")
    with pytest.raises(KnowledgeFileError, match=r"credit-repair\.yaml: colour: unknown field"):
        s.ingest()
    guide.write_text(
        guide.read_text(encoding="utf-8")
        .replace("colour: red\n", "")
        .replace("source_refs: [", "source_refs: [plan#404, "),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeFileError, match=r"credit-repair\.yaml: source_refs.*plan#404"):
        s.ingest()
    assert current_build(tmp_path / "data" / "index") == before
    assert s.assistant.ask("信用修复怎么申请?").retrieved


def test_a_changed_chinese_sentence_is_reported_and_its_old_english_not_served(tmp_path):
    kb = _copy_kb(tmp_path)
    plan = kb / "sources" / "haikou-business-environment-plan-2026-2028.txt"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(
        text.replace("加快推进非电网直供电小区治理。", "加快推进非电网直供电小区的治理工作。"),
        encoding="utf-8",
    )
    s = build_services(Settings(data_dir=tmp_path / "data", kb_dir=kb, embedding_mode="fake"))
    report = s.ingest()
    assert any("stale" in w and "plan#22/" in w for w in report.warnings)
    changed = next(x for x in s.index.units["plan#22"].sentences if "的治理工作" in x.zh)
    assert changed.en == ""
    assert not any(c.lang == "en" and changed.id in c.sentence_ids for c in s.index.chunks)
