"""Reading the training and dev question files (JSON Lines) for the trained parts."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


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


def file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_signature(paths: list[Path]) -> str:
    """What a trained part records it learned from: each file's name and content hash."""
    return ",".join(f"{p.name}:{file_sha(p)[:12]}" for p in paths)
