"""Run golden questions through our assistant and the baseline, producing records."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.chat import ChatSession
from assistant.evaluation.metrics import Record
from assistant.evaluation.questions import Question
from assistant.lang import detect_lang

if TYPE_CHECKING:
    from assistant.evaluation.baseline import BaselinePipeline
    from assistant.services import Services


def kind_of_ref(gold: list[str]) -> str:
    if not gold:
        return ""
    return gold[0].split(":", 1)[0] if ":" in gold[0] else "plan"


def group_of(services: Services, gold: list[str]) -> str:
    if not gold:
        return "out of scope"
    unit = services.index.units.get(gold[0])
    if unit is None or unit.kind != "plan":
        return {"guide": "service guides", "entry": "FAQ entries"}.get(kind_of_ref(gold), "other")
    if not unit.group:
        return "sections (notice, ideology, goals, requirements)"
    # English names: the charts' fonts carry no Chinese glyphs on a bare machine.
    numeral = unit.group[1 : unit.group.find(")")]
    n = "一二三四五六七八九十".find(numeral) + 1
    return f"group {n}: {unit.group_en}" if unit.group_en and n else unit.group


def run_ours(
    services: Services, questions: list[Question], on_record: Callable[[Record], None] | None = None
) -> list[Record]:
    records = []
    for q in questions:
        session = ChatSession(services.assistant)
        for turn in q.turns[:-1]:
            session.send(turn)
        t = time.perf_counter()
        answer = session.send(q.q)
        latency = (time.perf_counter() - t) * 1000.0
        rec = Record(
            id=q.id,
            lang=q.lang,
            source=q.source,
            gold=q.gold,
            ranked=answer.retrieved,
            covers=[services.covers(r) for r in answer.retrieved],
            answer=answer.answer,
            kind=kind_of_ref(q.gold),
            refused=answer.refused,
            handoff=answer.handoff,
            category=q.category,
            answer_lang=answer.lang,
            cited=[c.ref for c in answer.citations],
            relevance=answer.relevance,
            latency_ms=latency,
            group=group_of(services, q.gold),
        )
        records.append(rec)
        if on_record:
            on_record(rec)
    return records


def run_baseline(
    services: Services, baseline: BaselinePipeline, questions: list[Question]
) -> list[Record]:
    records = []
    for q in questions:
        # The plain pipeline has no conversation memory; it sees the last turn only.
        got = baseline.ask(q.q)
        ranked = got["ranked"]
        records.append(
            Record(
                id=q.id,
                lang=q.lang,
                source=q.source,
                gold=q.gold,
                ranked=ranked,
                refused=False,
                answer_lang=detect_lang(got["answer"]) if got["answer"] else "zh",
                cited=ranked[: baseline.k],
                relevance=0.0,
                latency_ms=got["latency_ms"],
                group=group_of(services, q.gold),
                covers=[services.covers(r) for r in ranked],
                answer=got["answer"],
                kind=kind_of_ref(q.gold),
            )
        )
    return records
