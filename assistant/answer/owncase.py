"""Does a question ask about the asker's own case? ("Has my work permit been approved?")

The assistant sees no applications, files, payments or records, so it cannot know the
status or outcome of anybody's case. Such a question sits close to a guide on the same
procedure, and the scope classifier, which reads how close the knowledge is, answered 70%
of them with that guide on a held-out set (eval/questions/dev-owncase.jsonl). What tells
them apart is the asking, not the topic, so this is a linear model on the question's
terms (character n-grams in Chinese, words and word pairs in English), trained by
`assistant scope own-case` on own-case questions against answerable ones and shipped as
plain numbers in knowledge_base/scope/own_case.json. It reads no vector, so it does not
depend on the embedding model.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from pathlib import Path

from assistant.lang import has_han, to_simplified

NGRAMS = (1, 3)
OWN_CASE_FILE = "scope/own_case.json"  # under the knowledge base
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[a-z0-9']+")


def char_ngrams(text: str, sizes: tuple[int, int] = NGRAMS) -> list[str]:
    """The character n-grams of each word padded with a space, as scikit-learn's
    `char_wb` analyzer makes them (a Chinese sentence is one word)."""
    low, high = sizes
    out = []
    for word in _SPACE.sub(" ", text).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) <= n:
                out.append(padded)
                break
            out += [padded[i : i + n] for i in range(len(padded) - n + 1)]
    return out


def terms(text: str) -> list[str]:
    """What the model reads, after folding case and Traditional script: the character
    n-grams of a question with Chinese in it; otherwise its words, word pairs and first two
    words ("^has my" against "^how do"). On the held-out sets, English read by character
    n-grams caught fewer own-case questions (65 of 120 against 75) and flagged "fix my
    company's bad credit record" for its "my"; the trainer hands this very function to
    scikit-learn."""
    text = to_simplified(text).lower()
    if has_han(text):
        return char_ngrams(text)
    words = _WORD.findall(text)
    pairs = [f"{a} {b}" for a, b in pairwise(words)]
    return [*words, *pairs, "^" + " ".join(words[:2])]


@dataclass
class OwnCaseModel:
    """A logistic regression on which terms a question holds, as plain numbers."""

    weights: dict[str, float]
    intercept: float
    cut: float  # probability at or above which the question asks about its own case
    trained_on: str = ""
    metrics: dict[str, object] = field(default_factory=dict)

    def probability(self, question: str) -> float:
        z = self.intercept + sum(self.weights.get(t, 0.0) for t in set(terms(question)))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def asks_own_case(self, question: str) -> bool:
        return self.probability(question) >= self.cut

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))
        path.write_text(text + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> OwnCaseModel | None:
        """The shipped model, or None when there is none or it cannot be read."""
        if not path.exists():
            return None
        try:
            model = cls(**json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, TypeError):
            return None
        number = (int, float)
        sound = (
            isinstance(model.weights, dict)
            and all(isinstance(w, number) for w in model.weights.values())
            and isinstance(model.intercept, number)
            and isinstance(model.cut, number)
        )
        return model if sound else None
