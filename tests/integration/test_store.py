"""The curated store on a real SQLite file and a real PostgreSQL server: workflow,
versions, optimistic locking, audit, effective dates, YAML round trip."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from assistant.db.engine import make_engine
from assistant.knowledge.store import BadTransition, Conflict, CurationStore, InvalidEntry
from assistant.knowledge.validation import Validator
from assistant.knowledge.yaml_io import export_folder, import_folder, read_items
from tests.integration.conftest import ROOT, fresh_database

pytestmark = pytest.mark.integration
KB = ROOT / "knowledge_base"
FAQ = {
    "slug": "durian-inspection",
    "question": {"zh": "榴莲进口怎么查验?", "en": "How are durian imports inspected?"},
    "answer": {"zh": "方案提出设立属地查验绿色通道。", "en": "The plan proposes a green channel."},
    "source_refs": ["plan#4"],
}


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request) -> CurationStore:
    if request.param == "sqlite":
        url = fresh_database("sqlite:///")
    else:
        url = fresh_database(request.getfixturevalue("postgres_url"))
    engine = make_engine(url)
    yield CurationStore(engine, Validator(KB, engine))
    engine.dispose()


def test_the_workflow_draft_review_publish_archive(store):
    view = store.create("faq", dict(FAQ), "alice")
    assert (view.status, view.version, view.published_version) == ("draft", 1, None)
    assert store.live() == []
    with pytest.raises(BadTransition):
        store.publish("durian-inspection", "bob")  # not reviewed yet
    store.submit("durian-inspection", "alice")
    rev = store.revision()
    view = store.publish("durian-inspection", "bob")
    assert (view.status, view.published_version, view.reviewer) == ("published", 1, "bob")
    assert store.revision() == rev + 1
    assert [d["slug"] for _, d in store.live()] == ["durian-inspection"]
    store.archive("durian-inspection", "bob")
    assert store.live() == [] and store.revision() == rev + 2
    actions = [a["action"] for a in store.audit_log()]
    assert actions == ["archive", "publish", "submit", "create"]
    assert all(a["actor"] in ("alice", "bob") and a["time"] for a in store.audit_log())


def test_editing_a_published_entry_keeps_the_published_version_live(store):
    store.create("faq", dict(FAQ), "alice")
    store.submit("durian-inspection", "alice")
    store.publish("durian-inspection", "bob")
    changed = {**FAQ, "answer": {"zh": "新的答案。", "en": "A new answer."}}
    view = store.update("durian-inspection", changed, version=1, actor="alice")
    assert (view.status, view.version, view.published_version) == ("draft", 2, 1)
    live = dict(store.live())
    assert live["faq"]["answer"]["en"] == "The plan proposes a green channel."


def test_a_stale_save_is_a_conflict_and_loses_nothing(store):
    store.create("faq", dict(FAQ), "alice")
    mine = {**FAQ, "answer": {"zh": "甲的版本。", "en": "Alice's version."}}
    theirs = {**FAQ, "answer": {"zh": "乙的版本。", "en": "Bob's version."}}
    store.update("durian-inspection", theirs, version=1, actor="bob")
    with pytest.raises(Conflict) as err:
        store.update("durian-inspection", mine, version=1, actor="alice")
    assert err.value.current == 2 and "saved by someone else" in str(err.value)
    assert store.get("durian-inspection").data["answer"]["en"] == "Bob's version."
    refused = [a for a in store.audit_log() if a["action"] == "conflict"]
    assert refused[0]["detail"]["refused_save"]["answer"]["en"] == "Alice's version."


def test_concurrent_saves_from_one_version_let_exactly_one_win(store):
    store.create("faq", dict(FAQ), "alice")
    results: list[str] = []

    def save(who: str) -> None:
        data = {**FAQ, "answer": {"zh": who, "en": who}}
        try:
            store.update("durian-inspection", data, version=1, actor=who)
            results.append("ok")
        except Conflict:
            results.append("conflict")

    threads = [threading.Thread(target=save, args=(f"editor{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict"] * 5 + ["ok"]
    assert store.get("durian-inspection").version == 2
    assert len(store.versions("durian-inspection")) == 2


def test_every_save_is_a_version_and_any_version_can_be_restored(store):
    store.create("faq", dict(FAQ), "alice")
    for i in range(3):
        data = {**FAQ, "answer": {"zh": f"第{i}版。", "en": f"Take {i}."}}
        store.update("durian-inspection", data, version=i + 1, actor="alice")
    versions = store.versions("durian-inspection")
    assert [v["version"] for v in versions] == [1, 2, 3, 4]
    view = store.restore("durian-inspection", 2, "bob")
    assert (view.version, view.status, view.published_version) == (5, "published", 5)
    assert view.data["answer"]["en"] == "Take 0."
    assert store.versions("durian-inspection")[-1]["comment"] == "restored from version 2"


def test_submit_and_publish_validate_fully_naming_the_field(store):
    store.create("faq", {"slug": "half-done", "question": {"zh": "问?", "en": ""}}, "alice")
    with pytest.raises(InvalidEntry, match=r"question\.en"):
        store.submit("half-done", "alice")
    bad_ref = {**FAQ, "slug": "bad-ref", "source_refs": ["plan#404"]}
    store.create("faq", bad_ref, "alice")
    with pytest.raises(InvalidEntry, match="plan#404"):
        store.submit("bad-ref", "alice")
    with pytest.raises(InvalidEntry, match="colour: unknown field"):
        store.create("faq", {**FAQ, "slug": "x", "colour": "red"}, "alice")
    with pytest.raises(Conflict):
        store.create("faq", dict(FAQ, slug="half-done"), "alice")


def test_effective_dates_decide_what_is_live(store):
    today = date(2026, 11, 28)
    future = {**FAQ, "slug": "future", "effective_from": str(today + timedelta(days=3))}
    past = {**FAQ, "slug": "past", "effective_until": str(today - timedelta(days=1))}
    for item in (future, past, dict(FAQ)):
        store.create("faq", item, "alice")
        store.submit(item["slug"], "alice")
        store.publish(item["slug"], "bob")
    assert [d["slug"] for _, d in store.live(today)] == ["durian-inspection"]
    assert [d["slug"] for _, d in store.live(today + timedelta(days=3))] == [
        "durian-inspection",
        "future",
    ]
    assert store.next_boundary(today) == today + timedelta(days=3)


def test_yaml_import_and_export_round_trip_losslessly(store, tmp_path):
    report = import_folder(store, KB, actor="test", publish=True)
    assert len(report.created) == len(read_items(KB)) >= 60
    export_folder(store, tmp_path / "out")
    again = import_folder(store, tmp_path / "out", actor="test", publish=True)
    assert again.created == [] and again.updated == []  # identical content
    shipped = {(k, d["slug"]): d for k, d, _ in read_items(KB)}
    exported = {(k, d["slug"]): d for k, d, _ in read_items(tmp_path / "out")}
    assert exported == shipped


def test_a_reviewers_comment_reaches_the_editor_and_slugs_are_checked(store):
    store.create("faq", dict(FAQ), "alice")
    store.submit("durian-inspection", "alice")
    assert store.reject("durian-inspection", "bob", "cite task 4 in English too").status == "draft"
    assert store.get("durian-inspection").review_comment == "cite task 4 in English too"
    with pytest.raises(InvalidEntry, match="slug"):
        store.create("faq", {**FAQ, "slug": "Bad Slug"}, "alice")


def test_users_words_are_kept_and_a_bad_phrase_list_is_refused_naming_it(store):
    words = {"zh": ["榴莲咋查验"], "en": ["durian checks at customs"]}
    store.create("faq", {**FAQ, "aliases": words}, "alice")
    assert store.get("durian-inspection").data["aliases"] == words
    store.create("faq", {**FAQ, "slug": "other", "aliases": {"fr": ["x"]}}, "alice")
    with pytest.raises(InvalidEntry, match=r"aliases\.fr"):  # a draft may be unfinished
        store.submit("other", "alice")
