"""The default composer, no model: quote the cited units, each the way its kind quotes."""

from __future__ import annotations

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


def cited_hits(retrieval: Retrieval) -> list[Hit]:
    """The best unit, plus any unit scoring nearly as well (up to three in all)."""
    if not retrieval.hits:
        return []
    best = retrieval.hits[0].score
    return [h for h in retrieval.hits[:MAX_CITED] if h.score >= SECONDARY_RATIO * best]


class ExtractiveComposer:
    """Quote the most relevant passages with numbered citations, in the asker's language."""

    def compose(self, retrieval: Retrieval, asks: list[str]) -> Answer:
        lang = retrieval.lang
        lines: list[str] = []
        citations = []
        for n, hit in enumerate(cited_hits(retrieval), start=1):
            quoted = kind_of(hit.unit).quote(hit, n, lang, asks, primary=n == 1)
            lines += quoted.lines
            citations.append(make_citation(hit, n, lang, quoted))
        return build_answer(retrieval, "\n".join(lines), refused=False, citations=citations)
