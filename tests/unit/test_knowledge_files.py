"""The knowledge the project ships must be traceable to the plan."""

from pathlib import Path

import pytest
import yaml

from assistant.glossary import Glossary
from assistant.ingest.sources import load_units

KB = Path(__file__).resolve().parents[2] / "knowledge_base"


@pytest.fixture(scope="module")
def units():
    return {u.ref: u for u in load_units(KB)}


@pytest.mark.parametrize(("name", "at_least"), [("glossary.yaml", 100), ("synonyms_zh.yaml", 20)])
def test_every_official_term_appears_in_its_source_refs(units, name, at_least):
    data = yaml.safe_load((KB / name).read_text(encoding="utf-8"))
    assert len(data["terms"]) >= at_least
    for term in data["terms"]:
        assert term["source_refs"], term
        texts = [units[r].title + units[r].text for r in term["source_refs"]]
        for zh in term["zh"]:
            assert any(zh in t for t in texts), (zh, term["source_refs"])


def test_title_zh_matches_the_parsed_titles(units):
    data = yaml.safe_load((KB / "titles_en.yaml").read_text(encoding="utf-8"))
    for ref, titles in data["units"].items():
        if units[ref].kind == "task":
            assert titles["zh"] == units[ref].title


def test_glossary_expands_english_words_to_official_terms():
    g = Glossary.load(KB / "glossary.yaml")
    terms = g.expand("Is there a fast lane at customs for fresh seafood?")
    assert "海关" in terms
    assert g.expand("tell me a joke") == []


def test_chinese_synonyms_expand_colloquial_words():
    z = Glossary.load(KB / "synonyms_zh.yaml")
    assert z.expand("接电收费吗?") == ["用电", "报装", "低压接入"]
    assert "拖欠账款" in z.expand("国企一直拖欠我们的货款")
    assert z.expand("今天天气怎么样") == []


def test_glossary_matches_whole_words_and_plurals():
    from assistant.glossary import Term

    g = Glossary([Term(en=("visa",), zh=("签证",), source_refs=("plan#6",))])
    assert g.expand("visas for engineers") == ["签证"]
    assert g.expand("revisa") == []
