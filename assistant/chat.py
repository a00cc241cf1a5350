"""The assistant's front door: input checks, language, follow-ups, safety, timing."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.answer import decide, pointer_refusal, refusal
from assistant.lang import clean_text, detect_lang, junk_ratio
from assistant.schema import Answer, Lang

if TYPE_CHECKING:
    from assistant.answer import Composer
    from assistant.answer.scope import Scope
    from assistant.documents.handoff import Contacts
    from assistant.retrieve import HybridSearcher, Retrieval


class InvalidQuestionError(ValueError):
    """The question cannot be asked as given; the message says why, for a person."""


# A turn that leans on the previous one ("那外地企业呢?", "And for foreigners?").
_FOLLOW_UP = re.compile(
    r"^(那|那么|那如果|还有|另外|如果是|要是|而|并且|同样|也)|[呢吗]\s*[??]?\s*$|"
    r"^(and|what about|how about|and for|and if|what if|same for|also|then)\b",
    re.IGNORECASE,
)


def validate_question(raw: object, max_chars: int) -> str:
    """Return the cleaned question or raise InvalidQuestionError with a readable reason."""
    if not isinstance(raw, str):
        raise InvalidQuestionError("the question must be text")
    if "\x00" in raw or junk_ratio(raw) > 0.1:
        raise InvalidQuestionError(
            "the question contains binary or control characters; please type it as plain text"
        )
    text = clean_text(raw).strip()
    if not text:
        raise InvalidQuestionError("the question is empty; please type a question")
    if len(text) > max_chars:
        raise InvalidQuestionError(
            f"the question is {len(text)} characters long; the limit is {max_chars}. "
            "Please shorten it to the part you need answered."
        )
    return re.sub(r"\s+", " ", text)


def is_follow_up(question: str) -> bool:
    short = len(question) <= 12 if detect_lang(question) == "zh" else len(question.split()) <= 5
    return bool(_FOLLOW_UP.search(question.strip())) or short


@dataclass
class Assistant:
    """Answers one question, optionally in the context of earlier user turns."""

    searcher: HybridSearcher
    composer: Composer
    thresholds: dict[str, float]
    max_chars: int = 2000
    top_k: int = 5
    contacts: Contacts | None = None
    scope: Scope | None = None

    def ask(
        self,
        question: object,
        lang: Lang | None = None,
        history: list[str] | None = None,
        top_k: int | None = None,
    ) -> Answer:
        t0 = time.perf_counter()
        q = validate_question(question, self.max_chars)
        lang = lang or detect_lang(q)
        query = q
        if history and is_follow_up(q):
            # Without an LLM to rewrite the question, carry the previous topic into retrieval.
            query = f"{history[-1]} {q}"
        retrieval = self.searcher.search(query, lang=lang, k=top_k or self.top_k)
        retrieval.query = q
        threshold = self.thresholds[lang]
        answer = self._compose(q, lang, retrieval, threshold)
        answer.timings_ms["total"] = (time.perf_counter() - t0) * 1000.0
        return answer

    def _compose(self, q: str, lang: Lang, retrieval: Retrieval, threshold: float) -> Answer:
        decision = decide(q, retrieval, threshold, self.scope)
        if decision.action == "refuse":
            return refusal(retrieval, self.contacts)
        if decision.action == "handoff":
            return pointer_refusal(retrieval, decision.missing, self.contacts)
        return self.composer.compose(retrieval, decision.asks)


@dataclass
class ChatSession:
    """A multi-turn conversation: keeps the user's turns for follow-up resolution."""

    assistant: Assistant
    turns: list[str] = field(default_factory=list)
    max_history: int = 20

    def send(self, question: str, lang: Lang | None = None) -> Answer:
        answer = self.assistant.ask(question, lang=lang, history=self.turns)
        self.turns = [*self.turns, answer.question][-self.max_history :]
        return answer

    def clear(self) -> None:
        self.turns = []
