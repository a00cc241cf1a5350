"""Prompt templates per language, loaded once from prompts/, their variables checked."""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

from assistant.config import PROJECT_ROOT
from assistant.schema import Lang

REQUIRED = {"context", "question"}


class PromptError(ValueError):
    pass


@cache
def load_prompt(name: str, lang: Lang, root: Path = PROJECT_ROOT / "prompts") -> str:
    """The template prompts/<name>_<lang>.txt; it must use exactly {context} and {question}."""
    path = root / f"{name}_{lang}.txt"
    text = path.read_text(encoding="utf-8")
    fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
    if fields != REQUIRED:
        raise PromptError(f"{path}: expected variables {sorted(REQUIRED)}, found {sorted(fields)}")
    return text
