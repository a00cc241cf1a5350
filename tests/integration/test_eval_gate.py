"""The scoreboard as a gate: the smoke subset must not fall below the recorded floors."""

from __future__ import annotations

import json

import pytest

from assistant.evaluation.cli import evaluate
from tests.integration.conftest import QUESTIONS, ROOT

pytestmark = pytest.mark.integration
FLOORS = json.loads((ROOT / "eval" / "floors.json").read_text())


@pytest.fixture(scope="module")
def smoke(persistent_services):
    return evaluate(persistent_services, [QUESTIONS / "smoke.jsonl"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_quality_stays_above_the_floor(smoke, lang):
    got = smoke["ours"][lang]
    floor = FLOORS[lang]
    below = {m: (got[m], f) for m, f in floor.items() if not m.startswith("max_") and got[m] < f}
    above = {
        m: (got[m[4:]], f) for m, f in floor.items() if m.startswith("max_") and got[m[4:]] > f
    }
    assert not below and not above, f"{lang}: measured vs floor {below | above}"


def test_the_smoke_set_spans_both_languages_and_all_kinds(smoke):
    assert smoke["ours"]["zh"]["answerable"] >= 40 and smoke["ours"]["en"]["answerable"] >= 30
    assert set(smoke["ours_by_kind"]["all"]) == {"plan", "guide", "entry"}
    ids = {r["id"] for r in smoke["records"]["ours"]}
    for prefix in ("zh-", "en-", "hant-", "gzh-", "gen-", "ezh-", "een-", "oos-zh-", "dlg-en-"):
        assert any(i.startswith(prefix) for i in ids), prefix


def test_eval_cli_reports_bad_files(tmp_path, persistent_services):
    import os
    import subprocess
    import sys
    from pathlib import Path

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "lang": "zh", "q": "接电", "gold": ["plan#99"]}\n{oops\n')
    exe = str(Path(sys.executable).with_name("assistant"))
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(persistent_services.settings.data_dir)}
    p = subprocess.run(
        [exe, "eval", "-q", str(bad)], capture_output=True, text=True, env=env, timeout=120
    )
    assert p.returncode == 2
    assert "plan#99" in p.stderr and "nothing was run" in p.stderr


def test_eval_json_is_one_stable_object(tmp_path, persistent_services):
    import os
    import subprocess
    import sys
    from pathlib import Path

    f = tmp_path / "q.jsonl"
    f.write_text(
        '{"id": "a", "lang": "zh", "q": "接电要花钱吗", "gold": ["plan#22"]}\n'
        "{broken line\n"
        '{"id": "b", "lang": "en", "q": "Tell me a joke", "gold": []}\n'
    )
    exe = str(Path(sys.executable).with_name("assistant"))
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(persistent_services.settings.data_dir)}
    p = subprocess.run(
        [exe, "eval", "-q", str(f), "--json", "--baseline"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    obj = json.loads(p.stdout)
    assert {
        "questions",
        "ours",
        "baseline",
        "ratio",
        "calibration",
        "warnings",
        "embedding_model",
    } <= set(obj)
    assert obj["questions"] == 2 and any(":2:" in w for w in obj["warnings"])
    assert obj["ours"]["zh"]["recall@1"] == 1.0
