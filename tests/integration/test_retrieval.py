"""Questions written the way users ask, against the real model and real Chroma (disk and server)."""

from __future__ import annotations

import re

import pytest

from assistant.documents.sentences import flatten_lines
from tests.integration.conftest import load_jsonl

pytestmark = pytest.mark.integration

DEV = load_jsonl("dev-zh.jsonl") + load_jsonl("dev-en.jsonl")
ANSWERABLE = [q for q in DEV if q["gold"]]
OUT_OF_SCOPE = [q for q in DEV if not q["gold"]]


def test_the_dev_set_is_big_enough():
    for lang in ("zh", "en"):
        assert sum(1 for q in ANSWERABLE if q["lang"] == lang) >= 15
        assert sum(1 for q in OUT_OF_SCOPE if q["lang"] == lang) >= 5


def covered(services, refs: list[str]) -> set[str]:
    """What the retrieved refs stand for: themselves and, for guides and entries, the plan
    refs they rest on."""
    return {r for ref in refs for r in services.covers(ref)}


@pytest.mark.parametrize("q", ANSWERABLE, ids=[q["id"] for q in ANSWERABLE])
def test_expected_ref_in_top_3(services, q):
    answer = services.assistant.ask(q["q"])
    assert answer.lang == q["lang"]
    assert covered(services, answer.retrieved[:3]) & set(q["gold"]), (q["q"], answer.retrieved)


GUIDE_DEV = load_jsonl("dev-guides.jsonl")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_guide_questions_find_their_guide(services, lang):
    qs = [q for q in GUIDE_DEV if q["lang"] == lang]
    found = sum(1 for q in qs if set(services.assistant.ask(q["q"]).retrieved[:3]) & set(q["gold"]))
    # measured on the dev set when guides landed: 0.79 (zh) and 0.80 (en) within the top 3
    assert found / len(qs) >= 0.75


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_out_of_scope_questions_are_refused(services, lang):
    questions = [q for q in OUT_OF_SCOPE if q["lang"] == lang]
    answers = [services.assistant.ask(q["q"]) for q in questions]
    refused = [a for a in answers if a.refused]
    # The floor measured when the refusal threshold was calibrated (zh 6/6, en 5/6).
    assert len(refused) >= 5, [(a.question, a.relevance) for a in answers if not a.refused]
    for a in refused:
        assert "12345" in a.answer and a.lang == lang
        # a refusal cites nothing, or only the unit that covers the topic but lacks the
        # specific asked for (a fee, a time, an address)
        assert not a.citations or (
            len(a.citations) == 1 and ("does not state" in a.answer or "没有写明" in a.answer)
        )


def test_traditional_chinese_finds_the_same_task(services):
    simplified = services.assistant.ask("小微企业接电要不要自己出钱?")
    traditional = services.assistant.ask("小微企業接電要不要自己出錢?")
    assert traditional.lang == "zh"
    assert traditional.retrieved[0] == simplified.retrieved[0]
    assert "plan#22" in services.covers(traditional.retrieved[0])


def test_english_answers_are_english_and_plan_quotes_are_labelled_unofficial(services):
    for question in (
        "Is there a fast lane at customs for fresh seafood?",
        "What will Haikou do to speed up customs inspection of fresh produce?",
    ):
        answer = services.assistant.ask(question)
        assert not answer.refused and answer.lang == "en"
        assert "plan#4" in covered(services, [c.ref for c in answer.citations])
        assert "AI-generated" in answer.answer
        assert not re.search(r"[\u4e00-\u9fff]", answer.answer), answer.answer
        if answer.citations[0].kind == "plan":
            assert "unofficial English rendering (the Chinese original prevails)" in answer.answer


def test_every_answer_sentence_comes_from_a_cited_source(services):
    """Faithfulness: quoted lines are verbatim source sentences of the cited unit."""
    for q in ANSWERABLE[:10]:
        answer = services.assistant.ask(q["q"])
        if answer.refused:
            continue
        for line in answer.answer.splitlines():
            marker = line.rfind("[")
            if marker <= 0 or not line.endswith("]"):
                continue  # framing lines: the lead-in and the AI notice
            n = int(line[marker + 1 : -1])
            quoted = line[:marker].strip().removeprefix(">").strip()
            # a guide's list item or labelled field: "1. Passport", "Time limit: 4 days"
            quoted = re.sub(r"^(\d+\. |[^::]{1,24}[::] ?)", "", quoted)
            unit = services.index.units[answer.citations[n - 1].ref]
            texts = [flatten_lines(unit.text)] + [s.zh for s in unit.sentences]
            texts += [" ".join(s.en for s in unit.sentences)] + [s.en for s in unit.sentences]
            assert any(quoted in t for t in texts if t), (quoted, unit.ref)


def test_follow_up_carries_the_topic(services):
    from assistant.chat import ChatSession

    session = ChatSession(services.assistant)
    session.send("招投标的时候,能要求我们必须在本地设分公司吗?")
    follow = session.send("那不同所有制的企业呢?")
    assert "plan#28" in covered(services, follow.retrieved[:3])


def test_everyday_words_the_synonyms_know_keep_a_follow_up_in_the_conversation(services):
    # 工厂 is nowhere in the knowledge base, but the synonyms lead it to 工业企业; 天气
    # is not ours at all
    searcher = services.searcher
    assert searcher.known_share("工厂") == 1.0
    assert searcher.known_share("skilled technicians") == 1.0
    assert searcher.known_share("天气") == 0.0
    from assistant.chat import ChatSession

    session = ChatSession(services.assistant)
    session.send("我们饭店准备把烧煤的炉子改成烧气的,设备钱能补一点吗?")
    follow = session.send("工厂呢?")
    assert not follow.refused and "plan#23" in covered(services, follow.retrieved[:3])
    assert session.send("那明天海口天气咋样").refused


def test_a_follow_up_on_another_utility_leads_with_that_utility(services):
    # 跟 ("and") is one character and names no subject: the water-and-gas guide, which
    # names 用水 and 燃气, goes before the electricity one of the first question
    from assistant.chat import ChatSession

    session = ChatSession(services.assistant)
    session.send("海口对小微企业接电有啥优惠?")
    follow = session.send("那用水跟燃气呢")
    assert follow.retrieved[0] in {"guide:water-gas-connection", "plan#23"}


@pytest.mark.parametrize(
    "turns",
    [
        ["企业跟外国公司有合同纠纷能在海口仲裁吗", "我跟老公离婚,房子怎么分"],
        [
            "Can foreigners get legal help at the immigration service centre?",
            "and my kid's school enrolment? she turns 6 in may",
        ],
    ],
)
def test_a_follow_up_naming_a_subject_the_answer_never_speaks_of_is_refused(services, turns):
    # alone it is refused; with the conversation it would be answered from a unit that
    # names none of its words (离婚, school), so the conversation does not make it ours
    from assistant.chat import ChatSession

    session = ChatSession(services.assistant)
    for turn in turns[:-1]:
        session.send(turn)
    assert session.send(turns[-1]).refused


@pytest.mark.parametrize(
    "turns",
    [
        [
            "Where do I apply for a construction permit?",
            "my landlord won't give back my deposit, what can i do",
        ],
        [
            "how can small firms get bank loans easier?",
            "I need a personal loan for a car, which bank has the lowest rate",
        ],
        ["外国人工作许可大概多久能办好", "顺便问下,我自己的护照快过期了,去哪换新的"],
    ],
)
def test_a_question_clearly_out_of_scope_alone_is_not_made_ours_by_the_conversation(
    services, turns
):
    # with the earlier turn its words retrieve the earlier unit (the deposit, the loan),
    # but alone the scope classifier rules it out with under 3% of its cut
    from assistant.chat import ChatSession

    session = ChatSession(services.assistant)
    for turn in turns[:-1]:
        assert not session.send(turn).refused
    assert session.send(turns[-1]).refused


def test_a_short_follow_up_for_a_fact_still_leans_on_the_conversation(services):
    # its own words (办完) are no subject: it asks for the time limit of what was discussed
    from assistant.chat import ChatSession

    session = ChatSession(services.assistant)
    session.send("刚招了员工要办社保登记")
    follow = session.send("多长时间内必需办完?")
    assert follow.retrieved[0] == "guide:social-insurance-registration"
    assert not follow.refused or follow.handoff


def test_aliases_find_a_unit_but_are_never_quoted(services):
    # "打赢官司对方不给钱" is an alias of task 39 (enforcement), not its text
    answer = services.assistant.ask("打赢官司了对方就是不给钱怎么办")
    assert answer.retrieved[0] == "plan#39" and not answer.refused
    for words in services.index.units["plan#39"].aliases.values():
        assert not any(w in answer.answer for w in words)
    assert "执行" in answer.answer


def test_retriever_is_a_langchain_retriever(services):
    docs = services.retriever.invoke("外国人在海口工作生活有哪些便利服务?")
    assert docs and "plan#6" in covered(services, [docs[0].metadata["ref"]])
    assert docs[0].page_content == services.index.units[docs[0].metadata["ref"]].text
    assert docs[0].metadata["kind"] in ("plan", "guide", "entry")


OWN_CASE_DEV = load_jsonl("dev-owncase.jsonl")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_questions_about_ones_own_case_are_refused_and_general_ones_answered(services, lang):
    """The real assistant on a held-out set (by a helper who saw neither the training set
    nor the model): "has my permit been approved?" is refused, and most say why (no case
    can be seen; the scope refuses the rest in its general words); the same procedures
    asked in general are answered (or handed off for a detail the unit lacks). Measured
    when the detector landed: of 60 own-case questions zh 39 refused (18 before it), 21 of
    them in the own-case words; en 48 (18), 31; no general one refused."""
    from assistant.answer.render import OWN_CASE

    qs = [q for q in OWN_CASE_DEV if q["lang"] == lang]
    mine = [services.assistant.ask(q["q"]) for q in qs if not q["gold"]]
    general = [services.assistant.ask(q["q"]) for q in qs if q["gold"]]
    refused = [a for a in mine if a.refused]
    assert len(refused) >= 35 and all("12345" in a.answer for a in refused)
    assert sum(OWN_CASE[lang] in a.answer for a in refused) >= 15
    assert sum(a.refused and not a.handoff for a in general) <= 1
