"""Ingest reads every kind and refuses a corpus with dangling refs, naming the file."""

import shutil
from pathlib import Path

import pytest

from assistant.documents.base import KnowledgeFileError
from assistant.ingest.corpus import load_corpus

KB = Path(__file__).resolve().parents[2] / "knowledge_base"


@pytest.fixture
def kb(tmp_path):
    for name in ("sources", "translations", "titles_en.yaml"):
        src = KB / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / name)
    (tmp_path / "guides").mkdir()
    (tmp_path / "entries").mkdir()
    return tmp_path


ENTRY = """slug: power-cost
question: {zh: "接电要钱吗?", en: "Do we pay to connect?"}
answer: {zh: "符合条件的不用。", en: "Eligible firms do not."}
source_refs: [%s]
"""


def test_entries_rest_on_refs_that_exist(kb):
    (kb / "entries" / "power-cost.yaml").write_text(ENTRY % "plan#22", encoding="utf-8")
    corpus = load_corpus(kb)
    unit = corpus.by_ref["entry:power-cost"]
    assert unit.kind == "entry" and unit.langs == ["zh", "en"]
    assert unit.data["rests_on"][0]["label_en"].startswith("Task 22 (")


def test_an_unknown_source_ref_fails_naming_file_and_field(kb):
    (kb / "entries" / "power-cost.yaml").write_text(ENTRY % "plan#99", encoding="utf-8")
    with pytest.raises(KnowledgeFileError) as err:
        load_corpus(kb)
    assert "power-cost.yaml" in str(err.value) and "source_refs" in str(err.value)
    assert "plan#99" in str(err.value)


def test_a_slug_must_match_its_file_name(kb):
    (kb / "entries" / "other.yaml").write_text(ENTRY % "plan#22", encoding="utf-8")
    with pytest.raises(KnowledgeFileError, match=r"other\.yaml"):
        load_corpus(kb)


def test_an_unknown_field_fails(kb):
    text = ENTRY % "plan#22" + "tags: [x]\n"
    (kb / "entries" / "power-cost.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeFileError, match="tags: unknown field"):
        load_corpus(kb)


def test_aliases_attach_to_their_plan_units(kb):
    (kb / "aliases.yaml").write_text(
        'units:\n  plan#22: {en: ["power hookup"], zh: ["接电"]}\n', encoding="utf-8"
    )
    corpus = load_corpus(kb)
    assert corpus.by_ref["plan#22"].aliases == {"en": ["power hookup"], "zh": ["接电"]}
    assert corpus.by_ref["plan#23"].aliases == {}


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('units:\n  plan#99: {en: ["x"]}\n', "units.plan#99"),
        ('units:\n  plan#22: {fr: ["x"]}\n', "fr"),
        ('units:\n  plan#22: {en: [""]}\n', "en"),
        ('units:\n  plan#22: {en: "power"}\n', "en"),
        ("words: []\n", "units"),
    ],
)
def test_a_malformed_aliases_file_fails_naming_the_field(kb, text, names):
    (kb / "aliases.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeFileError) as err:
        load_corpus(kb)
    assert "aliases.yaml" in str(err.value) and names in str(err.value)


def test_an_entry_carries_its_own_aliases_into_one_searched_only_chunk(kb):
    text = ENTRY % "plan#22" + 'aliases: {en: ["grid hookup fee"], zh: ["接电花钱吗"]}\n'
    (kb / "entries" / "power-cost.yaml").write_text(text, encoding="utf-8")
    unit = load_corpus(kb).by_ref["entry:power-cost"]
    assert unit.aliases == {"zh": ["接电花钱吗"], "en": ["grid hookup fee"]}
    from assistant.ingest.chunking import chunk_unit

    alias = [c for c in chunk_unit(unit) if c.searched_only]
    assert [(c.lang, c.text, c.context) for c in alias] == [
        ("zh", "接电花钱吗", "接电要钱吗?"),
        ("en", "grid hookup fee", "Do we pay to connect?"),
    ]


@pytest.mark.parametrize(
    ("aliases", "names"),
    [
        ('{fr: ["x"]}', "aliases.fr"),
        ('{en: [""]}', "aliases.en.0"),
        ('{en: "power"}', "aliases.en"),
        ("{en: [" + ", ".join(['"x"'] * 31) + "]}", "aliases.en"),
        ('{zh: ["' + "接" * 81 + '"]}', "aliases.zh.0"),
    ],
)
def test_malformed_entry_aliases_fail_naming_the_field(kb, aliases, names):
    text = ENTRY % "plan#22" + f"aliases: {aliases}\n"
    (kb / "entries" / "power-cost.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeFileError) as err:
        load_corpus(kb)
    assert "power-cost.yaml" in str(err.value) and names in str(err.value)
