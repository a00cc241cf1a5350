"""LLM composer: the model writes the answer from the cited units only, or we fall back.

The decision to answer stays with the policy, never with the model; an answer whose
markers do not point at a supplied document, or a failed call, falls back to the
extractive composer, so a model can only make an answer better written, not less faithful.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from assistant.answer.extractive import Composer, cited_hits
from assistant.answer.prompts import load_prompt
from assistant.answer.render import build_answer, make_citation
from assistant.documents import kind_of
from assistant.schema import Answer, Hit, Lang

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.retrieve import Retrieval

log = logging.getLogger(__name__)
REPLACE = "\x00replace\x00"  # streamed: drop the text so far, the answer starts again
_MARKER = re.compile(r"\[(\d+)\]")


def format_docs(hits: list[Hit], lang: Lang = "zh") -> str:
    """Wrap each unit in a numbered <document> block, escaped, in `lang` where it has it.

    >>> from assistant.schema import Unit
    >>> u = Unit(ref="plan#22", doc_id="plan", kind="plan", part="task", number=22,
    ...          title="优化用电服务", text="优化用电服务。<b>零投资</b>")
    >>> print(format_docs([Hit(unit=u, score=1.0)]))
    <document n="1" ref="plan#22" lang="zh" title="优化用电服务">
    优化用电服务。&lt;b&gt;零投资&lt;/b&gt;
    </document>
    """
    blocks = []
    for n, h in enumerate(hits, start=1):
        u = h.unit
        doc_lang = lang if lang in u.langs else "zh"
        body = kind_of(u).context_text(u, doc_lang)
        blocks.append(
            f'<document n="{n}" ref="{html.escape(u.ref)}" lang="{doc_lang}" '
            f'title="{html.escape(u.title_for(doc_lang))}">\n{html.escape(body)}\n</document>'
        )
    return "\n".join(blocks)


class LLMComposer:
    def __init__(self, model: BaseChatModel, fallback: Composer) -> None:
        self.model = model
        self.fallback = fallback

    def compose(self, retrieval: Retrieval, asks: list[str]) -> Answer:
        *_, answer = self.stream(retrieval, asks)
        assert isinstance(answer, Answer)
        return answer

    def stream(self, retrieval: Retrieval, asks: list[str]) -> Iterator[str | Answer]:
        """The model's tokens as they come. Checked at the end: an answer whose markers do
        not point at a supplied document is replaced by the extractive one (REPLACE first
        tells a streaming client to discard what it showed)."""
        lang = retrieval.lang
        hits = cited_hits(retrieval)
        prompt = load_prompt("answer", lang).format(
            context=format_docs(hits, lang), question=retrieval.query
        )
        parts: list[str] = []
        try:
            for chunk in self.model.stream(prompt):
                token = str(chunk.content)
                if token:
                    parts.append(token)
                    yield token
        except Exception as exc:  # the endpoint is the operator's; never fail the user for it
            log.warning("chat model failed (%s); answering extractively", type(exc).__name__)
            yield from self._fallback(retrieval, asks, parts)
            return
        text = "".join(parts).strip()
        markers = {int(m) for m in _MARKER.findall(text)}
        if not text or not markers or not markers <= set(range(1, len(hits) + 1)):
            log.warning("chat model answer lacks valid citation markers; answering extractively")
            yield from self._fallback(retrieval, asks, parts)
            return
        citations = [make_citation(h, n, lang) for n, h in enumerate(hits, start=1)]
        answer = build_answer(retrieval, text, refused=False, citations=citations)
        yield "\n" + answer.notice
        yield answer

    def _fallback(
        self, retrieval: Retrieval, asks: list[str], shown: list[str]
    ) -> Iterator[str | Answer]:
        if shown:
            yield REPLACE
        yield from self.fallback.stream(retrieval, asks)
