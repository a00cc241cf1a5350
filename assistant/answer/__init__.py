"""Answers: the one decision (policy), then an extractive or LLM composition, cited."""

from assistant.answer.extractive import Composer, ExtractiveComposer, cited_hits
from assistant.answer.policy import Decision, decide
from assistant.answer.render import NOTICE, REFUSAL, build_answer, pointer_refusal, refusal

__all__ = [
    "NOTICE",
    "REFUSAL",
    "Composer",
    "Decision",
    "ExtractiveComposer",
    "build_answer",
    "cited_hits",
    "decide",
    "pointer_refusal",
    "refusal",
]
