"""End to end in a real browser: Debian's chromium driven by Playwright (no browser download)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.db.engine import make_engine
from assistant.knowledge.feedback import FeedbackStore
from tests.integration.conftest import ROOT, free_port, wait_until_up

pytestmark = pytest.mark.integration
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "artifacts" / "browser"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]

if not Path(CHROMIUM).exists():  # pragma: no cover - `make test` installs it
    pytest.skip(
        "Debian's chromium is not installed; `make test` installs it", allow_module_level=True
    )


@pytest.fixture(scope="module")
def server(persistent_services, tmp_path_factory):
    port = free_port()
    data = persistent_services.settings.data_dir
    db = tmp_path_factory.mktemp("web-db") / "web.db"
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(data),
        "ASSISTANT_DATABASE_URL": f"sqlite:///{db}",
    }
    exe = str(Path(sys.executable).with_name("assistant"))
    log = db.with_suffix(".log")
    proc = subprocess.Popen(
        [exe, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(proc, f"{url}/api/v1/health", log)
    yield {"url": url, "db": f"sqlite:///{db}"}
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def ask(page, question: str, done_marker: str) -> str:
    # Count the marker before sending: a fast answer must not be counted as "before".
    before = page.inner_text("#chat").count(done_marker)
    page.fill("#question textarea", question)
    page.click("#send")
    page.wait_for_function(
        "([m, n]) => document.querySelector('#chat').innerText.split(m).length - 1 > n",
        arg=[done_marker, before],
        timeout=30000,
    )
    return page.inner_text("#chat")


def test_chat_in_both_languages_with_sources_feedback_and_switch(server, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(locale="zh-CN", viewport={"width": 1100, "height": 1300})
    page.goto(server["url"] + "/")
    page.wait_for_selector("#question textarea", timeout=30000)
    assert "一窗通办" in page.inner_text("#title")  # started in the browser's language

    chat = ask(page, "我们是小微企业,接电要花钱吗?", "以官方发布的文件为准")
    assert "[1]" in chat and "AI" in chat and "以官方发布的文件为准" in chat
    question = "What will Haikou do to speed up customs inspection of fresh produce?"
    chat = ask(page, question, "official documents prevail")
    assert "plan#4" in chat and "AI-generated" in chat and "official documents prevail" in chat
    assert "unofficial English rendering" in chat
    page.screenshot(path=str(ARTIFACTS / "1-answers.png"), full_page=True)

    # open the first citation: both languages side by side, the quoted sentence marked in both
    page.locator("#citations label", has_text="plan#4").click()
    page.wait_for_selector("#source mark", timeout=10000)
    marked = " ".join(page.locator("#source tr.cited").all_inner_texts())
    assert "鲜活易腐" in marked and "perishable" in marked
    page.screenshot(path=str(ARTIFACTS / "2-source.png"), full_page=True)

    # switch the interface language
    page.locator("#ui-lang label", has_text="English").click()
    page.wait_for_function(
        "() => document.querySelector('#send').innerText.includes('Send')", timeout=10000
    )
    assert "One-Window Assistant" in page.inner_text("#title")

    # feedback with a comment, stored in the database
    page.fill("#fb-comment textarea", "clear and cited")
    page.click("#fb-down")
    page.wait_for_function(
        "() => document.querySelector('#fb-status').innerText.includes('saved')", timeout=10000
    )
    page.screenshot(path=str(ARTIFACTS / "3-feedback.png"), full_page=True)
    store = FeedbackStore(make_engine(server["db"]))
    assert store.count("down") == 1
    row = store.get(1)
    assert row and row["comment"] == "clear and cited" and row["refs"][0] == "plan#4"
    assert row["channel"] == "web"


def test_starts_in_english_and_refuses_with_the_handoff(server, browser):
    page = browser.new_page(locale="en-US")
    page.goto(server["url"] + "/")
    page.wait_for_selector("#send", timeout=30000)
    page.wait_for_function(
        "() => document.querySelector('#send').innerText.includes('Send')", timeout=30000
    )
    chat = ask(page, "What's a good recipe for coconut chicken hot pot?", "prevail.)")
    assert "service hall" in chat


def test_user_text_is_escaped(server, browser):
    page = browser.new_page(locale="en-US")
    page.goto(server["url"] + "/")
    page.wait_for_selector("#question textarea", timeout=30000)
    ask(
        page,
        '<img src="http://192.0.2.1/x.png" onerror="window.__pwned=1">'
        "<script>window.__pwned=2</script> customs?",
        "prevail.)",
    )
    time.sleep(0.5)
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("#chat img[src*='192.0.2.1']").count() == 0
    assert page.locator("#chat script").count() == 0
    assert "<img" in page.inner_text("#chat")  # shown as the text the user typed
    page.screenshot(path=str(ARTIFACTS / "4-escaped.png"), full_page=True)


def test_bad_input_keeps_the_page_working(server, browser):
    page = browser.new_page(locale="zh-CN")
    page.goto(server["url"] + "/")
    page.wait_for_selector("#question textarea", timeout=30000)
    chat = ask(page, "   ", "⚠")
    assert "empty" in chat
    chat = ask(page, "\u0001\u0002\u0003\u0004\u0005", "⚠")
    assert "binary" in chat
    # the textbox refuses input past 2,000 characters
    page.fill("#question textarea", "问" * 2500)
    assert len(page.input_value("#question textarea")) <= 2000
    chat = ask(page, "外国人在海口工作生活有哪些便利服务?", "以官方发布的文件为准")
    assert "[1]" in chat
