"""Compose an answer from retrieved units: extractive (default), or an LLM, or a refusal."""

from __future__ import annotations

from typing import Any, Protocol

from assistant.ingest.chunking import flatten_lines
from assistant.retrieve import Retrieval
from assistant.schema import Answer, Citation, Hit, Lang, Unit

PLAN_ZH = "《海口市进一步优化营商环境行动方案(2026—2028年)》"
PLAN_EN = "the Haikou action plan for the business environment (2026–2028)"

NOTICE = {
    "zh": "(本回答由AI根据官方文件自动摘录生成,仅供参考,请以官方发布的文件为准。)",
    "en": "(AI-generated answer, extracted from the official documents for reference only; "
    "the official documents prevail.)",
}
REFUSAL = {
    "zh": (
        f"抱歉,我在{PLAN_ZH}中没有找到能回答这个问题的内容,不便猜测。"
        "建议拨打12345政务服务便民热线咨询,或前往政务服务大厅窗口办理。"
    ),
    "en": (
        f"Sorry, I could not find anything in {PLAN_EN} that answers this question, and I will "
        "not guess. Please call the 12345 government service hotline or visit the "
        "government service hall for help."
    ),
}
MAX_SENTENCES = 3
SECONDARY_RATIO = 0.9  # a further unit is cited when its fused score is this close to the best


class Composer(Protocol):
    def compose(self, retrieval: Retrieval, threshold: float) -> Answer: ...


def unit_label(unit: Unit, lang: Lang) -> str:
    """How an answer names a unit: 第22项“优化用电服务”, or task 22, "Optimize …"."""
    if lang == "zh":
        if unit.kind == "task":
            return f"第{unit.number}项“{unit.title}”"
        return f"“{unit.title}”部分"
    title = unit.title_en or unit.title
    if unit.kind == "task":
        return f'task {unit.number}, "{title}"'
    return f'the section "{title}"'


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


def refusal(retrieval: Retrieval) -> Answer:
    """Say plainly that the knowledge base does not cover it, and where to go instead."""
    return build_answer(retrieval, REFUSAL[retrieval.lang], refused=True)


POINTER = {
    "zh": "{plan}{label}[1]涉及这个话题,但没有写明{what}。为免误导,我不作推测;"
    "请拨打12345政务服务便民热线,或前往政务服务大厅窗口咨询。",
    "en": "{Label} of {plan} [1] covers this topic, but the plan does not state {what}. I will "
    "not guess; please call the 12345 government service hotline or visit the government "
    "service hall.",
}


def pointer_refusal(retrieval: Retrieval, what: str) -> Answer:
    """The plan covers the topic but not the specific asked for: hand off, citing the unit."""
    lang = retrieval.lang
    hit = retrieval.hits[0]
    label = unit_label(hit.unit, lang)
    text = POINTER[lang].format(
        plan=PLAN_ZH if lang == "zh" else PLAN_EN,
        label=label,
        Label=label[:1].upper() + label[1:],
        what=what,
    )
    return build_answer(retrieval, text, refused=True, citations=make_citations([hit], lang))


def cited_hits(retrieval: Retrieval) -> list[Hit]:
    """The best unit, plus any unit scoring nearly as well (up to three in all)."""
    if not retrieval.hits:
        return []
    best = retrieval.hits[0].score
    return [h for h in retrieval.hits[:3] if h.score >= SECONDARY_RATIO * best]


def pick_sentences(hit: Hit, limit: int) -> list[str]:
    """The unit's most relevant sentences, close to the best one, in reading order."""
    if not hit.chunks:
        return [hit.unit.text.split("\n")[0]]
    top = hit.chunks[0][1]
    chosen = {text for text, score in hit.chunks[:limit] if score >= top - 0.03}
    flat = flatten_lines(hit.unit.text)
    order = [text for text, _ in sorted(hit.chunks, key=lambda x: flat.find(x[0]))]
    return [t for t in order if t in chosen]


def make_citations(
    hits: list[Hit], lang: Lang, quotes: list[list[str]] | None = None
) -> list[Citation]:
    """Numbered citations; `quotes` are the sentences the answer took from each unit."""
    return [
        Citation(
            n=i,
            ref=h.unit.ref,
            title=(h.unit.title_en or h.unit.title) if lang == "en" else h.unit.title,
            score=h.score,
            snippet=(h.chunks[0][0] if h.chunks else h.unit.text[:120]),
            quotes=quotes[i - 1] if quotes else [],
        )
        for i, h in enumerate(hits, start=1)
    ]


class ExtractiveComposer:
    """No model: quote the most relevant source sentences, each with its citation number."""

    def compose(self, retrieval: Retrieval, threshold: float) -> Answer:
        if not retrieval.hits or retrieval.relevance < threshold:
            return refusal(retrieval)
        lang = retrieval.lang
        hits = cited_hits(retrieval)
        lines: list[str] = []
        quotes: list[list[str]] = []
        for n, hit in enumerate(hits, start=1):
            limit = MAX_SENTENCES if n == 1 else 1
            sentences = pick_sentences(hit, limit)
            quotes.append(sentences)
            label = unit_label(hit.unit, lang)
            if lang == "zh":
                lead = f"根据{PLAN_ZH}{label}:" if n == 1 else f"另见{label}:"
                lines.append(lead)
                lines.extend(f"{s}[{n}]" for s in sentences)
            else:
                if n == 1:
                    lines.append(
                        f"This is covered by {label} of {PLAN_EN} [{n}]. The plan is published "
                        "in Chinese; the relevant passage, quoted in the original Chinese:"
                    )
                else:
                    lines.append(f"See also {label} [{n}] (original Chinese):")
                lines.extend(f"> {s} [{n}]" for s in sentences)
        return build_answer(
            retrieval,
            "\n".join(lines),
            refused=False,
            citations=make_citations(hits, lang, quotes),
        )
