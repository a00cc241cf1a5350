"""Reading the training and dev question files (JSON Lines) for the trained parts."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

Row = TypeVar("Row")

# A training question this close to an evaluation question (difflib's ratio, lower-cased)
# is left out of training: a trained part learns questions like it, and the golden sets
# must measure questions it has not seen. About one in seven training questions was this
# close to a golden or dev5 one, most written independently (111 units invite the same
# questions).
NEAR = 0.7


def jsonl_rows(paths: list[Path]) -> Iterator[tuple[str, dict[str, Any]]]:
    """("file:line", object) for every non-blank line; a line that is not a JSON object is
    an error naming its file and line."""
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise ValueError(f"{where}: not JSON ({exc})") from exc
            if not isinstance(row, dict):
                raise ValueError(f"{where}: not a JSON object")
            yield where, row


def labelled_rows(paths: list[Path]) -> Iterator[tuple[dict[str, Any], bool]]:
    """(line, answerable) for every single question with `q` and either `in_scope` or a
    `gold` list (empty: out of scope); multi-turn lines are skipped. A malformed line is an
    error naming its file and number."""
    for where, row in jsonl_rows(paths):
        if "turns" in row and "q" not in row:
            continue
        try:
            label = row["in_scope"] if "in_scope" in row else bool(row["gold"])
            assert isinstance(row["q"], str) and isinstance(label, bool)
        except (KeyError, AssertionError, TypeError) as exc:
            raise ValueError(f"{where}: needs text `q` and `in_scope` or `gold` ({exc})") from exc
        yield row, label


def file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_signature(paths: list[Path]) -> str:
    """What a trained part records it learned from: each file's name and content hash."""
    return ",".join(f"{p.name}:{file_sha(p)[:12]}" for p in paths)


def held_out_questions(paths: list[Path]) -> list[str]:
    """Every question in evaluation files: single questions and each turn of a dialogue."""
    out = []
    for _, row in jsonl_rows(paths):
        if isinstance(row.get("q"), str):
            out.append(row["q"])
        out += [t for t in row.get("turns") or [] if isinstance(t, str)]
    return out


def near_repeats(questions: list[str], held_out: list[str], cutoff: float = NEAR) -> list[int]:
    """Positions of the questions that nearly repeat a held-out one."""
    import difflib

    held = [q.lower() for q in held_out]
    return [
        i
        for i, q in enumerate(questions)
        if held and difflib.get_close_matches(q.lower(), held, n=1, cutoff=cutoff)
    ]


def without_near_repeats(
    rows: list[Row], question: Callable[[Row], str], held_out: list[Path] | None
) -> tuple[list[Row], dict[str, Any]]:
    """The training rows but those whose question nearly repeats one in the `held_out`
    files, and what to record about it in the trained part's metrics."""
    paths = held_out or []
    repeats = set(near_repeats([question(r) for r in rows], held_out_questions(paths)))
    kept = [row for i, row in enumerate(rows) if i not in repeats]
    return kept, {"left_out_near_held_out": len(repeats), "held_out": files_signature(paths)}
