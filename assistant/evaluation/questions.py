"""Golden question files (JSON Lines): load, validate, report bad lines by number."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from assistant.schema import Lang


@dataclass
class Question:
    id: str
    lang: Lang
    turns: list[str]  # one turn for a plain question; the last turn is scored
    gold: list[str]
    source: str = ""  # file stem, e.g. golden-zh
    category: str = ""  # for out-of-scope sets: other-place, personal, chitchat, near-miss…

    @property
    def q(self) -> str:
        return self.turns[-1]

    @property
    def answerable(self) -> bool:
        return bool(self.gold)


@dataclass
class LoadResult:
    questions: list[Question] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # malformed lines, skipped
    errors: list[str] = field(default_factory=list)  # unknown refs: nothing may run


def _parse(line: str, source: str) -> Question:
    obj = json.loads(line)
    if not isinstance(obj, dict):
        raise ValueError("expected a JSON object")
    missing = [k for k in ("id", "lang", "gold") if k not in obj]
    if "q" not in obj and "turns" not in obj:
        missing.append("q or turns")
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    if obj["lang"] not in ("zh", "en"):
        raise ValueError(f"lang must be zh or en, not {obj['lang']!r}")
    turns = obj.get("turns") or [obj.get("q")]
    if not all(isinstance(t, str) and t.strip() for t in turns):
        raise ValueError("every question turn must be non-empty text")
    gold = obj["gold"]
    if not isinstance(gold, list) or not all(isinstance(g, str) for g in gold):
        raise ValueError("gold must be a list of refs")
    return Question(
        id=str(obj["id"]),
        lang=obj["lang"],
        turns=list(turns),
        gold=gold,
        source=source,
        category=str(obj.get("category") or obj.get("type") or ""),
    )


def load_questions(paths: list[Path], known_refs: set[str]) -> LoadResult:
    """Read every file; malformed lines become warnings, unknown refs become errors."""
    result = LoadResult()
    seen: set[str] = set()
    for path in paths:
        if not path.exists():
            result.errors.append(f"{path}: no such file")
            continue
        with path.open(encoding="utf-8", errors="replace") as fh:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    q = _parse(line, path.stem)
                except (ValueError, json.JSONDecodeError) as exc:
                    result.warnings.append(f"{path}:{n}: skipped malformed line ({exc})")
                    continue
                if q.id in seen:
                    result.warnings.append(f"{path}:{n}: skipped duplicate id {q.id}")
                    continue
                seen.add(q.id)
                unknown = [g for g in q.gold if g not in known_refs]
                if unknown:
                    result.errors.append(f"{path}:{n}: {q.id} has unknown gold refs {unknown}")
                result.questions.append(q)
    return result
