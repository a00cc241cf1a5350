"""The English text is aligned sentence by sentence; a changed Chinese sentence is never
served with its old rendering."""

import pytest

from assistant.documents.base import KnowledgeFileError
from assistant.documents.translation import align, load_renderings


def write(tmp_path, body):
    folder = tmp_path / "translations" / "plan"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "part.yaml").write_text(body, encoding="utf-8")
    return load_renderings(tmp_path, "plan")


RENDERED = """
plan#1:
  - {id: plan#1/1, zh: "甲。", en: "A."}
  - {id: plan#1/2, zh: "乙。", en: "B."}
  - {id: plan#1/3, zh: "丙。", en: "C."}
"""


def test_matching_sentences_get_their_rendering(tmp_path):
    res = align({"plan#1": ["甲。", "乙。", "丙。"]}, write(tmp_path, RENDERED))
    assert [s.en for s in res.sentences["plan#1"]] == ["A.", "B.", "C."]
    assert not res.warnings()


def test_a_changed_chinese_sentence_makes_its_rendering_stale_and_unserved(tmp_path):
    res = align({"plan#1": ["甲。", "乙改了。", "丙。"]}, write(tmp_path, RENDERED))
    assert [s.en for s in res.sentences["plan#1"]] == ["A.", "", "C."]
    assert res.stale == ["plan#1/2"]
    assert "stale" in res.warnings()[0] and "plan#1/2" in res.warnings()[0]


def test_an_inserted_sentence_moves_the_others_without_losing_them(tmp_path):
    res = align({"plan#1": ["甲。", "新。", "乙。", "丙。"]}, write(tmp_path, RENDERED))
    assert [s.en for s in res.sentences["plan#1"]] == ["A.", "", "B.", "C."]
    assert res.missing == ["plan#1/2"] and not res.stale


def test_a_rendering_of_no_current_sentence_is_reported(tmp_path):
    res = align({"plan#1": ["甲。"]}, write(tmp_path, RENDERED))
    assert res.orphans == ["plan#1/2", "plan#1/3"]


@pytest.mark.parametrize(
    "body",
    [
        'plan#1:\n  - {id: plan#1/1, zh: "甲。"}\n',
        "plan#1:\n  - {id: a, zh: b, en: c, note: d}\n",
        "plan#1: [oops\n",
    ],
)
def test_malformed_translation_files_name_themselves(tmp_path, body):
    with pytest.raises(KnowledgeFileError, match=r"part\.yaml"):
        write(tmp_path, body)
