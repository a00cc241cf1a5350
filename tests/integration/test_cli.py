"""The CLI as a user runs it: JSON contract, exit codes, readable errors, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.conftest import free_port

pytestmark = pytest.mark.integration
EXE = str(Path(sys.executable).with_name("assistant"))


def run(args, data_dir, **env):
    e = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), **env}
    return subprocess.run([EXE, *args], capture_output=True, text=True, env=e, timeout=120)


@pytest.fixture(scope="module")
def data_dir(persistent_services):
    return persistent_services.settings.data_dir


def test_ask_json_contract(data_dir):
    p = run(["ask", "我们是小微企业,接电要花钱吗?", "--json", "--top-k", "3"], data_dir)
    assert p.returncode == 0, p.stderr
    obj = json.loads(p.stdout)
    assert list(obj) == ["question", "lang", "answer", "refused", "citations", "timings_ms"]
    assert obj["lang"] == "zh" and not obj["refused"]
    first = obj["citations"][0]
    assert "plan#22" in {first["ref"], *first.get("source_refs", [])}
    assert {"ref", "kind", "title", "score", "snippet", "sentence_ids"} <= set(first)
    assert {"embed", "retrieve", "total"} <= set(obj["timings_ms"])


def test_ask_out_of_scope_in_english(data_dir):
    p = run(["ask", "What's a good recipe for coconut chicken hot pot?", "--json"], data_dir)
    obj = json.loads(p.stdout)
    assert obj["refused"] and obj["lang"] == "en" and "12345" in obj["answer"]


def test_plain_output_lists_sources(data_dir):
    p = run(["ask", "Is there a fast lane at customs for fresh seafood?"], data_dir)
    assert p.returncode == 0 and "plan#4" in p.stdout and "AI-generated" in p.stdout


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("问" * 2001, "limit is 2000"),
        ("\x01\x02\x03\x04binary", "binary"),
    ],
)
def test_bad_questions_are_usage_errors(data_dir, question, message):
    p = run(["ask", question], data_dir)
    assert p.returncode == 2
    assert message in p.stderr and "Traceback" not in p.stderr


def test_missing_index(tmp_path):
    p = run(["ask", "接电要花钱吗"], tmp_path)
    assert p.returncode == 1 and "assistant ingest" in p.stderr and "Traceback" not in p.stderr


def test_chroma_server_down(server_services, tmp_path):
    # The server-built index, pointed at a port where nothing listens.
    data = server_services.settings.data_dir
    p = run(
        ["ask", "接电要花钱吗"],
        data,
        ASSISTANT_CHROMA_HOST="127.0.0.1",
        ASSISTANT_CHROMA_PORT=str(free_port()),
    )
    assert p.returncode == 1 and "Chroma server" in p.stderr and "Traceback" not in p.stderr


def test_chat_session_over_stdin(data_dir):
    e = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    p = subprocess.run(
        [EXE, "chat"],
        input="招投标能要求本地设分公司吗?\n那不同所有制的企业呢?\n\n",
        capture_output=True,
        text=True,
        env=e,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.count("plan#28") >= 2


def test_adapter_train_learns_from_gold_questions_and_names_bad_lines(data_dir, tmp_path):
    """`assistant adapter train` on the real index and model: a small file trains a map
    that reads back for this model; a gold ref the index lacks is a usage error naming
    the file and line, and nothing is written."""
    from assistant.retrieve.adapter import QueryAdapter

    good = tmp_path / "train.jsonl"
    rows = [
        {"q": "开个小饭馆接电要多久", "gold": ["plan#22"]},
        {"q": "How long does a new power hookup take?", "gold": ["guide:electricity-connection"]},
        {"q": "讲个笑话", "gold": []},  # out of scope: skipped
    ]
    good.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    out = tmp_path / "adapter.npz"
    p = run(["adapter", "train", "-q", str(good), "--output", str(out)], data_dir)
    assert p.returncode == 0, p.stderr
    assert "(2 questions; 0 left out" in " ".join(p.stdout.split())  # rich wraps lines
    adapter = QueryAdapter.load(out)
    assert adapter is not None and adapter.metrics["questions"] == 2
    assert {"plan#22", "guide:electricity-connection"} <= adapter.refs

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"q": "接电", "gold": ["plan#22"]}\n{"q": "接水", "gold": ["plan#99"]}\n')
    missing = tmp_path / "never.npz"
    p = run(["adapter", "train", "-q", str(bad), "--output", str(missing)], data_dir)
    assert p.returncode == 2 and "bad.jsonl:2" in p.stderr and "plan#99" in p.stderr
    assert "Traceback" not in p.stderr and not missing.exists()


def test_scope_own_case_trains_a_detector_and_names_bad_lines(data_dir, tmp_path):
    """`assistant scope own-case` with scikit-learn: own-case lines against answerable ones
    make a detector that reads back; a malformed line is a usage error naming its file and
    line, and nothing is written."""
    from assistant.answer.owncase import OwnCaseModel

    mine = ["我的执照批了吗", "has my permit been approved", "补贴到账了没", "was my refund paid"]
    general = ["办执照要什么材料", "how do I apply for a permit", "补贴怎么申请", "refund rules"]
    rows = [{"q": q, "in_scope": False, "category": "own-case"} for q in mine * 2]
    rows += [{"q": q, "gold": ["plan#22"]} for q in general * 2]
    rows.append({"q": "讲个笑话", "in_scope": False, "category": "chitchat"})  # skipped
    good = tmp_path / "train.jsonl"
    good.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    out = tmp_path / "own_case.json"
    p = run(["scope", "own-case", "-q", str(good), "--output", str(out)], data_dir)
    assert p.returncode == 0, p.stderr
    assert "of 8 own-case questions caught" in " ".join(p.stdout.split())
    model = OwnCaseModel.load(out)
    assert model is not None and model.metrics["answerable"] == 8

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"q": "我的执照批了吗", "in_scope": false}\n{"in_scope": true}\n')
    missing = tmp_path / "never.json"
    p = run(["scope", "own-case", "-q", str(bad), "--output", str(missing)], data_dir)
    assert p.returncode == 2 and "bad.jsonl:2" in p.stderr
    assert "Traceback" not in p.stderr and not missing.exists()
    # too few of either kind to cross-validate: a usage error, not a crash
    few = tmp_path / "few.jsonl"
    few.write_text('{"q": "我的执照批了吗", "in_scope": false, "category": "own-case"}\n')
    p = run(["scope", "own-case", "-q", str(few), "--output", str(missing)], data_dir)
    assert p.returncode == 2 and "at least" in p.stderr and not missing.exists()
