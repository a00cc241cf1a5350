"""Words users type → the official Chinese terms of the plan, to let queries meet the text.

One format serves the English glossary (glossary.yaml) and the Chinese colloquial list
(synonyms_zh.yaml): `en` holds the user's words, `zh` the plan's terms, `source_refs` where
those terms are found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Term:
    en: tuple[str, ...]
    zh: tuple[str, ...]
    source_refs: tuple[str, ...]


class Glossary:
    def __init__(self, terms: list[Term], loanwords: dict[str, str] | None = None) -> None:
        self.terms = terms
        # Chinese words English speakers use as they are (fapiao, chop): their meaning in
        # English, for the query's vector, which does not know them.
        self.loanwords = {k.lower(): v for k, v in (loanwords or {}).items()}
        self._loan = (
            re.compile(
                r"\b("
                + "|".join(re.escape(k) for k in sorted(self.loanwords, key=len, reverse=True))
                + r")s?\b",
                re.I,
            )
            if self.loanwords
            else None
        )
        keys = sorted({k for t in terms for k in t.en}, key=len, reverse=True)
        self._by_key: dict[str, list[Term]] = {}
        for t in terms:
            for k in t.en:
                self._by_key.setdefault(k, []).append(t)
        # Longest phrases first; English keys as whole words with an optional plural,
        # Chinese keys (no spaces between words) as substrings.
        alternation = "|".join(
            rf"\b{re.escape(k)}(?=(?:s|es)?\b)" if k.isascii() else re.escape(k) for k in keys
        )
        self._pattern = re.compile(f"({alternation})") if keys else None

    @classmethod
    def load(cls, path: Path) -> Glossary:
        if not path.exists():
            return cls([])
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        terms = [
            Term(
                en=tuple(str(e).lower().strip() for e in t.get("en", [])),
                zh=tuple(str(z).strip() for z in t.get("zh", [])),
                source_refs=tuple(t.get("source_refs", [])),
            )
            for t in data.get("terms", [])
        ]
        return cls(terms, {str(k): str(v) for k, v in (data.get("loanwords") or {}).items()})

    def gloss(self, text: str) -> str:
        """`text` with each loanword followed by its meaning: "fapiao" -> "fapiao (invoice)"."""
        if self._loan is None:
            return text
        meaning = self.loanwords
        return self._loan.sub(lambda m: f"{m.group(0)} ({meaning[m.group(1).lower()]})", text)

    def matches(self, text: str) -> list[Term]:
        """Glossary terms whose English words appear in `text`."""
        if self._pattern is None:
            return []
        found: list[Term] = []
        for m in self._pattern.finditer(text.lower()):
            for t in self._by_key[m.group(1)]:
                if t not in found:
                    found.append(t)
        return found

    def without_keys(self, text: str) -> str:
        """`text` with the words this list knows taken out (they are its terms instead)."""
        return self._pattern.sub(" ", text.lower()) if self._pattern else text

    def expand(self, text: str) -> list[str]:
        """Official Chinese terms for the English words in `text`, without repeats."""
        out: list[str] = []
        for t in self.matches(text):
            out.extend(z for z in t.zh if z not in out)
        return out
