"""Regenerate eval/questions/smoke.jsonl: a fixed, spread-out sample of the golden sets.

Every 5th answerable question, every 4th out-of-scope question and every 3rd dialogue,
so the test-suite gate sees every file, kind and language without running them all.
"""

from __future__ import annotations

from pathlib import Path

QUESTIONS = Path(__file__).resolve().parents[1] / "eval" / "questions"
SAMPLES = {
    "golden-zh.jsonl": 5,
    "golden-en.jsonl": 5,
    "traditional.jsonl": 5,
    "golden-guides-zh.jsonl": 4,
    "golden-guides-en.jsonl": 4,
    "golden-entries.jsonl": 4,
    "out-of-scope-zh.jsonl": 4,
    "out-of-scope-en.jsonl": 4,
    "dialogues-zh.jsonl": 3,
    "dialogues-en.jsonl": 3,
}


def main() -> None:
    lines: list[str] = []
    for name, step in SAMPLES.items():
        rows = [ln for ln in (QUESTIONS / name).read_text(encoding="utf-8").splitlines() if ln]
        lines.extend(rows[::step])
    (QUESTIONS / "smoke.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"smoke.jsonl: {len(lines)} questions")


if __name__ == "__main__":
    main()
