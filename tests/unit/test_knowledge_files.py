"""The knowledge the project ships must be traceable to the plan."""

from pathlib import Path

import pytest
import yaml

from assistant.documents.plan import PlanKind
from assistant.documents.sentences import split_sentences
from assistant.documents.translation import align, load_renderings
from assistant.ingest.corpus import load_corpus
from assistant.retrieve.expansion import Glossary

KB = Path(__file__).resolve().parents[2] / "knowledge_base"
GUIDES = {
    "company-registration",
    "business-license-change",
    "company-deregistration",
    "foreigner-work-permit",
    "foreigner-residence-permit",
    "electricity-connection",
    "water-gas-connection",
    "construction-permit",
    "customs-clearance",
    "tax-registration-invoices",
    "social-insurance-registration",
    "credit-repair",
    "policy-payout",
    "ip-pledge-financing",
    "hotline-12345",
    "one-thing-packages",
}


@pytest.fixture(scope="module")
def units():
    return {u.ref: u for u in PlanKind().load(KB)[0]}


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(KB)


@pytest.mark.parametrize(("name", "at_least"), [("glossary.yaml", 100), ("synonyms_zh.yaml", 20)])
def test_every_official_term_appears_in_its_source_refs(corpus, name, at_least):
    """Plan tasks and service guides alike: a term that leads a query to a guide's
    procedure must be that guide's own wording."""
    data = yaml.safe_load((KB / name).read_text(encoding="utf-8"))
    assert len(data["terms"]) >= at_least
    units = corpus.by_ref
    for term in data["terms"]:
        assert term["source_refs"], term
        texts = [units[r].title + units[r].text for r in term["source_refs"]]
        for zh in term["zh"]:
            assert any(zh in t for t in texts), (zh, term["source_refs"])


def test_title_zh_matches_the_parsed_titles(units):
    data = yaml.safe_load((KB / "titles_en.yaml").read_text(encoding="utf-8"))
    for ref, titles in data["units"].items():
        if units[ref].part == "task":
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
    # the service guides' procedures, in everyday words
    assert "企业注销" in z.expand("公司不开了怎么关掉")
    assert "工作许可" in z.expand("招老外要办什么证")


def test_glossary_leads_everyday_english_to_the_guides_terms():
    g = Glossary.load(KB / "glossary.yaml")
    assert "企业注销" in g.expand("How do I shut down my company?")
    assert "发票申领" in g.expand("Where do we get fapiao?")
    assert "外国人来华工作许可" in g.expand("hiring foreigners")


def test_glossary_matches_whole_words_and_plurals():
    from assistant.retrieve.expansion import Term

    g = Glossary([Term(en=("visa",), zh=("签证",), source_refs=("plan#6",))])
    assert g.expand("visas for engineers") == ["签证"]
    assert g.expand("revisa") == []


def test_every_plan_sentence_has_a_current_english_rendering(units):
    alignment = align(
        {ref: split_sentences(u.text) for ref, u in units.items()}, load_renderings(KB, "plan")
    )
    assert not alignment.missing and not alignment.stale and not alignment.orphans
    assert sum(len(v) for v in alignment.sentences.values()) == 263
    assert all(u.langs == ["zh", "en"] for u in units.values())


def test_each_task_renders_its_title_as_titles_en_does(units):
    for u in units.values():
        if u.part == "task":
            assert u.sentences[0].en.rstrip(".") == u.title_en, u.ref


def test_the_whole_corpus_loads_with_the_required_guides_and_entries(corpus):
    guides = {u.ref.split(":", 1)[1] for u in corpus.units if u.kind == "guide"}
    entries = [u for u in corpus.units if u.kind == "entry"]
    assert guides >= GUIDES
    assert len(entries) >= 40
    assert not corpus.warnings


def test_every_guide_is_sourced_and_dated_and_rests_on_the_plan(corpus):
    for u in corpus.units:
        if u.kind == "guide":
            assert u.data["source_url"].startswith("http") and u.data["last_checked"]
            assert u.source_refs and all(r.startswith("plan#") for r in u.source_refs)
            assert u.sentences, u.ref  # at least one sourced fact


def test_third_party_facts_name_a_source_marked_unofficial(corpus):
    for u in corpus.units:
        if u.kind != "guide":
            continue
        others = u.data.get("other_sources") or {}
        for name, field in u.data["fields"].items():
            if field and field.get("source"):
                assert field["source"] in others, (u.ref, name)


def test_loanwords_are_glossed_for_the_query_vector():
    g = Glossary.load(KB / "glossary.yaml")
    assert g.gloss("How do I get fapiao for my new company?") == (
        "How do I get fapiao (invoice) for my new company?"
    )
    assert g.gloss("Where are our Chops made?") == "Where are our Chops (company seal) made?"
    assert g.gloss("chopsticks for the canteen") == "chopsticks for the canteen"
