"""The shapes every answer shares: the AI notice, citations, refusals and hand-offs."""

from __future__ import annotations

from typing import Any

from assistant.asks import describe
from assistant.documents import kind_of
from assistant.documents.base import Quoted
from assistant.documents.handoff import GO_TO_PEOPLE, Contacts
from assistant.retrieve import Retrieval
from assistant.schema import Answer, Citation, Hit, Lang, Unit

NOTICE = {
    "zh": "(本回答由AI根据官方文件和办事指南自动摘录生成,仅供参考,请以官方发布的文件为准。)",
    "en": "(AI-generated answer, extracted from official documents and service guides for "
    "reference only; the official documents prevail.)",
}
REFUSAL = {
    "zh": (
        "抱歉,我的知识库(海口市优化营商环境行动方案、办事指南和常见问答)里没有能回答这个问题"
        f"的内容,不便猜测。{GO_TO_PEOPLE['zh']}。"
    ),
    "en": (
        "Sorry, my knowledge base (the Haikou business-environment action plan, service guides "
        "and FAQs) has nothing that answers this question, and I will not guess; "
        f"{GO_TO_PEOPLE['en']}."
    ),
}
# A question about the asker's own case (policy.decide): no unit can answer it.
OWN_CASE = {
    "zh": (
        "抱歉,我看不到任何个人或企业的具体申请、办件和记录,无法查询或判断你这件事的进度和结果。"
        f"{GO_TO_PEOPLE['zh']}。如想了解这类业务的一般规定(材料、时限、办理渠道),可以直接问我。"
    ),
    "en": (
        "Sorry, I cannot see anyone's applications, cases or records, so I cannot tell you "
        f"the status or outcome of yours; {GO_TO_PEOPLE['en']}. If you want the general rules "
        "for this kind of procedure (materials, time limits, where to apply), ask me about those."
    ),
}
POINTER = {
    "zh": "{label}[1]涉及这个话题,但没有写明{what}。为免误导,我不作推测;{go}确认。",
    "en": "{Label} [1] covers this topic, but does not state {what}. I will not guess; {go} "
    "to confirm.",
}


def trace(retrieval: Retrieval) -> dict[str, Any]:
    """The retrieval evidence an answer keeps for evaluation and logs."""
    return {"retrieved": [h.unit.ref for h in retrieval.hits], "relevance": retrieval.relevance}


def build_answer(
    retrieval: Retrieval, body: str, refused: bool, citations: list[Citation] | None = None
) -> Answer:
    """Every answer: the body, then the AI-generated notice, with the retrieval trace."""
    lang = retrieval.lang
    return Answer(
        question=retrieval.query,
        lang=lang,
        refused=refused,
        answer=f"{body}\n{NOTICE[lang]}",
        notice=NOTICE[lang],
        citations=citations or [],
        timings_ms=dict(retrieval.timings_ms),
        **trace(retrieval),
    )


def with_contacts(text: str, contacts: Contacts | None, lang: Lang) -> str:
    extra = contacts.text(lang) if contacts else ""
    return f"{text}\n{extra}" if extra else text


def refusal(
    retrieval: Retrieval, contacts: Contacts | None = None, own_case: bool = False
) -> Answer:
    """Say plainly that the knowledge base does not cover it (or, for a question about the
    asker's own case, that no case can be seen), and where to go instead."""
    lang = retrieval.lang
    text = (OWN_CASE if own_case else REFUSAL)[lang]
    return build_answer(retrieval, with_contacts(text, contacts, lang), refused=True)


def pointer_refusal(
    retrieval: Retrieval, missing: list[str], contacts: Contacts | None = None
) -> Answer:
    """The best unit covers the topic but not the specific asked for: hand off, citing it."""
    lang = retrieval.lang
    hit = retrieval.hits[0]
    label = kind_of(hit.unit).label(hit.unit, lang)
    text = POINTER[lang].format(
        label=label,
        Label=label[:1].upper() + label[1:],
        what=describe(missing, lang),
        go=GO_TO_PEOPLE[lang],
    )
    answer = build_answer(
        retrieval,
        with_contacts(text, contacts, lang),
        refused=True,
        citations=[make_citation(hit, 1, lang)],
    )
    answer.handoff = True
    return answer


def make_citation(hit: Hit, n: int, lang: Lang, quoted: Quoted | None = None) -> Citation:
    unit = hit.unit
    data = unit.data
    snippet = quoted.snippet if quoted and quoted.snippet else _first_text(hit, lang)
    return Citation(
        n=n,
        ref=unit.ref,
        kind=unit.kind,
        title=unit.title_for(lang),
        label=display_label(unit, lang),
        score=hit.score,
        snippet=snippet,
        lang=lang if lang in unit.langs else "zh",
        quotes=quoted.quotes if quoted else [],
        sentence_ids=quoted.sentence_ids if quoted else [],
        source_refs=list(unit.source_refs),
        source_url=str(data.get("source_url", "")) if unit.kind == "guide" else "",
        last_checked=str(data.get("last_checked", "")) if unit.kind == "guide" else "",
    )


def _first_text(hit: Hit, lang: Lang) -> str:
    chunks = hit.chunks_in(lang) or hit.chunks_in("zh")
    return chunks[0][0].text if chunks else hit.unit.text[:120]


KIND_NAMES = {
    "guide": {"zh": "办事指南", "en": "Service guide"},
    "entry": {"zh": "常见问答", "en": "FAQ"},
    "document": {"zh": "文件", "en": "Document"},
    "plan": {"zh": "行动方案", "en": "Action plan"},
}


def display_label(unit: Unit, lang: Lang) -> str:
    """A source as people read it: 第22项 · 优化用电服务 / Service guide · Starting a company."""
    title = unit.title_for(lang)
    if unit.kind == "plan" and unit.part == "task":
        return f"第{unit.number}项 · {title}" if lang == "zh" else f"Task {unit.number} · {title}"
    return f"{KIND_NAMES[unit.kind][lang]} · {title}"
