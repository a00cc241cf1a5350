"""The assistant's front door: input checks, language, follow-ups, safety, timing."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.answer import Decision, decide, pointer_refusal, refusal
from assistant.answer.llm import REPLACE
from assistant.answer.manipulation import manipulation
from assistant.answer.policy import beyond_rescue
from assistant.followup import Turn, plan
from assistant.lang import clean_text, detect_lang, junk_ratio
from assistant.retrieve.search import MAX_QUERY_CHARS
from assistant.schema import Answer, Lang

if TYPE_CHECKING:
    from assistant.answer import Composer
    from assistant.answer.owncase import OwnCaseModel
    from assistant.answer.scope import Scope
    from assistant.documents.handoff import Contacts
    from assistant.retrieve import HybridSearcher, Retrieval


class InvalidQuestionError(ValueError):
    """The question cannot be asked as given; the message says why, for a person, and
    `code` says it for a program (a page shows its own words in its own language)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def validate_question(raw: object, max_chars: int) -> str:
    """Return the cleaned question or raise InvalidQuestionError with a readable reason."""
    if not isinstance(raw, str):
        raise InvalidQuestionError("the question must be text", "question_not_text")
    if "\x00" in raw or junk_ratio(raw) > 0.1:
        raise InvalidQuestionError(
            "the question contains binary or control characters; please type it as plain text",
            "question_binary",
        )
    text = clean_text(raw).strip()
    if not text:
        raise InvalidQuestionError(
            "the question is empty; please type a question", "question_empty"
        )
    if len(text) > max_chars:
        raise InvalidQuestionError(
            f"the question is {len(text)} characters long; the limit is {max_chars}. "
            "Please shorten it to the part you need answered.",
            "question_too_long",
        )
    return re.sub(r"\s+", " ", text)


HISTORY_TURNS = 3  # at most this many earlier user turns are ever read for a follow-up


def clean_history(history: list[str] | None, max_chars: int) -> list[str]:
    """Earlier turns as the question itself is cleaned: no control or surrogate characters,
    no more than a question's length each, and only the last few."""
    out = []
    for turn in (history or [])[-HISTORY_TURNS:]:
        text = re.sub(r"\s+", " ", clean_text(str(turn))).strip()[:max_chars]
        if text and junk_ratio(text) <= 0.1:
            out.append(text)
    return out


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
    own_case: OwnCaseModel | None = None

    def ask(
        self,
        question: object,
        lang: Lang | None = None,
        history: list[str] | None = None,
        top_k: int | None = None,
    ) -> Answer:
        """Answer `question`; `lang` only chooses the answer's language, never the scope."""
        answer: Answer | None = None
        for event, value in self.stream(question, lang, history, top_k):
            if event == "done":
                answer = value
        assert answer is not None
        return answer

    def stream(
        self,
        question: object,
        lang: Lang | None = None,
        history: list[str] | None = None,
        top_k: int | None = None,
    ) -> Iterator[tuple[str, Any]]:
        """("delta", text) as each part of the answer is ready, then ("done", Answer).

        A bad question raises InvalidQuestionError before anything is yielded.
        """
        t0 = time.perf_counter()
        q = validate_question(question, self.max_chars)
        asked_in = detect_lang(q)
        k = top_k or self.top_k
        retrieval, context = self._retrieve(q, asked_in, clean_history(history, self.max_chars), k)
        decision = self._decide(q, retrieval, context)
        if decision.lead:
            retrieval.hits.insert(0, retrieval.hits.pop(decision.lead))
        retrieval.query = q
        retrieval.lang = lang or asked_in
        if decision.action == "answer":
            answer = None
            for part in self.composer.stream(retrieval, decision.asks):
                if isinstance(part, Answer):
                    answer = part
                elif part == REPLACE:
                    yield "replace", ""  # the model's text failed its checks: start over
                else:
                    yield "delta", part
            assert answer is not None
        else:
            if decision.action == "refuse":
                answer = refusal(retrieval, self.contacts, own_case=decision.own_case)
            else:
                answer = pointer_refusal(retrieval, decision.missing, self.contacts)
            for line in answer.answer.splitlines(keepends=True):
                yield "delta", line
        answer.timings_ms["total"] = (time.perf_counter() - t0) * 1000.0
        yield "done", answer

    def _retrieve(self, q: str, lang: Lang, history: list[str], k: int) -> tuple[Retrieval, str]:
        """The retrieval to answer from, and the earlier question it leans on (if any)."""
        places = self.scope.places if self.scope else None
        # Earlier turns that tried to re-task the assistant give a follow-up no context.
        history = [h for h in history if not manipulation(h)]
        turn = plan(
            q,
            history,
            self.searcher.known_share,
            lambda text: places is not None and places.flags(text)[0] > 0,
        )
        if turn is not None and turn.certain:
            return self._with_context(q, lang, turn, k), turn.context
        alone = self.searcher.search(q, lang=lang, k=k)
        if turn is None:
            return alone, ""
        if self._decide(q, alone).action != "refuse":
            return alone, ""  # complete on its own: the conversation does not steer it
        if turn.subject and beyond_rescue(q, alone, self.scope):
            return alone, ""  # a subject of its own that is clearly not ours
        combined = self._with_context(q, lang, turn, k)
        if (
            turn.subject
            and combined.hits
            and not combined.speaks_of_focus(combined.hits[0].unit.ref)
        ):
            # It names a subject the answer never speaks of ("and my kid's school
            # enrolment?" after the immigration centre): the conversation does not make it
            # ours. One of its words there is enough, as users name a subject in their own
            # words: on eval/questions/dev-dialogues4.jsonl, refusing when any word was
            # missing refused 5 more of 20 out-of-scope follow-ups, but 3 of 70 answerable
            # ones too; this refuses 2 more and no answerable one.
            return alone, ""
        if self._decide(q, combined, turn.context).action != "refuse":
            return combined, turn.context
        return alone, ""

    def _decide(self, q: str, retrieval: Retrieval, context: str = "") -> Decision:
        threshold = self.thresholds[detect_lang(q)]
        return decide(q, retrieval, threshold, self.scope, context, self.own_case)

    def _with_context(self, q: str, lang: Lang, turn: Turn, k: int) -> Retrieval:
        # The earlier question carries the topic; the follow-up adds its own words only
        # (its asking words, "要多久?", choose the answer's part, not the unit).
        # Only so much of a query is searched (MAX_QUERY_CHARS): a long earlier turn is cut,
        # never the follow-up's own words.
        room = max(0, MAX_QUERY_CHARS - len(turn.focus) - 1)
        query = f"{turn.context[:room]} {turn.focus}".strip()
        retrieval = self.searcher.search(query, lang=lang, k=k)
        if turn.focus:
            self.searcher.refocus(retrieval, turn.focus)
        return retrieval


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
