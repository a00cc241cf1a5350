"""The default composer, no model: quote the cited units, each the way its kind quotes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from assistant.answer.render import build_answer, make_citation
from assistant.documents import kind_of
from assistant.retrieve import Retrieval
from assistant.schema import Answer, Hit

SECONDARY_RATIO = 0.9  # a further unit is cited when its fused score is this close to the best
MAX_CITED = 3


class Composer(Protocol):
    def compose(self, retrieval: Retrieval, asks: list[str]) -> Answer:
        """Write the answer; the policy has already decided that one should be given."""
        ...

    def stream(self, retrieval: Retrieval, asks: list[str]) -> Iterator[str | Answer]:
        """The answer's text in parts as each is ready, then the Answer itself."""
        ...


def cited_hits(retrieval: Retrieval) -> list[Hit]:
    """The best unit, plus any unit scoring nearly as well (up to three in all)."""
    if not retrieval.hits:
        return []
    best = retrieval.hits[0].score
    return [h for h in retrieval.hits[:MAX_CITED] if h.score >= SECONDARY_RATIO * best]


def not_distinguished(label: str, focus: str, lang: str) -> str:
    """The assistant's framing when a follow-up asks about a subject the source does not
    single out ("那外地企业呢?" of a task that speaks of small firms only)."""
    if lang == "zh":
        return f"{label}没有专门说到“{focus}”;以下是它的相关内容,请据此判断或向12345热线确认:"
    return (
        f"{label[:1].upper() + label[1:]} says nothing specific about “{focus}”; here is what "
        "it does say (ask the 12345 hotline to confirm how it applies):"
    )


class ExtractiveComposer:
    """Quote the most relevant passages with numbered citations, in the asker's language."""

    def compose(self, retrieval: Retrieval, asks: list[str]) -> Answer:
        *_, answer = self.stream(retrieval, asks)
        assert isinstance(answer, Answer)
        return answer

    def stream(self, retrieval: Retrieval, asks: list[str]) -> Iterator[str | Answer]:
        """Each cited unit's lines as soon as they are quoted, then the Answer."""
        lang = retrieval.lang
        lines: list[str] = []
        citations = []
        for n, hit in enumerate(cited_hits(retrieval), start=1):
            kind = kind_of(hit.unit)
            part: list[str] = []
            if n == 1 and retrieval.unmentioned.get(hit.unit.ref):
                part.append(not_distinguished(kind.label(hit.unit, lang), retrieval.focus, lang))
            quoted = kind.quote(hit, n, lang, asks, primary=n == 1)
            part += quoted.lines
            citations.append(make_citation(hit, n, lang, quoted))
            yield ("\n" if lines else "") + "\n".join(part)
            lines += part
        answer = build_answer(retrieval, "\n".join(lines), refused=False, citations=citations)
        yield "\n" + answer.notice
        yield answer
