"""The public chat page end to end in a real browser: Debian's chromium driven by Playwright.

No mocks: `assistant serve` on a copy of the built data, in Chinese and in English, at desktop
(1280×900) and phone (390×844) sizes. Each run asks a question, a follow-up and an
out-of-scope question (refused, with 12345 as a tel: link); opens a [n] marker's source with
the quoted sentence highlighted in both languages; rates an earlier answer (the row in the
feedback table carries that answer's id); checks that no interface text is in the wrong
language; reloads (the conversation stays), clears it (and it stays cleared). Every state is
captured under artifacts/chat/ to be looked at.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from tests.integration.conftest import CHROMIUM, CHROMIUM_FLAGS, ROOT, start_server, stop

pytestmark = pytest.mark.integration
ARTIFACTS = ROOT / "artifacts" / "chat"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LOCALES = {"zh": "zh-CN", "en": "en-US"}
HTML_LANG = {"zh": "zh-CN", "en": "en"}
QUESTIONS = {
    "zh": ["我们是小微企业,接电要花钱吗?", "那外地企业呢?", "海口今天天气怎么样?"],
    "en": [
        "We are a small business. Do we have to pay to get electricity connected?",
        "What about companies from other provinces?",
        "Tell me a joke",
    ],
}
LOOKING_UP = {"zh": "正在查找…", "en": "Looking it up…"}
THANKS = {"zh": "感谢", "en": "Thank you"}
RAW_REF = re.compile(r"plan#\d|guide:[a-z]|entry:[a-z]")
FIRST_TEXT_MS: dict[str, dict[str, float]] = {}

if not Path(CHROMIUM).exists():  # pragma: no cover - `make test` installs it
    pytest.skip(
        "Debian's chromium is not installed; `make test` installs it", allow_module_level=True
    )


@pytest.fixture(scope="module")
def chat_server(persistent_services, tmp_path_factory):
    """`assistant serve` on a copy of the shared data (ratings land in the copy's database)."""
    data = tmp_path_factory.mktemp("chat") / "data"
    shutil.copytree(persistent_services.settings.data_dir, data)
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data)}
    env.pop("ASSISTANT_DATABASE_URL", None)  # the SQLite store inside the copied data dir
    log = data.parent / "serve.log"
    proc, url = start_server(env, log)
    try:
        yield {"url": url, "db": data / "assistant.db", "log": log}
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield b
        b.close()
    if FIRST_TEXT_MS:
        print("\nfirst visible answer text (ms):", json.dumps(FIRST_TEXT_MS))


# The page's chrome in the chosen language: every visible text and every label outside the
# regions that hold user, answer and source text (data-content) and the language switch
# (each language named in itself). Also: html lang, one h1, every control named, nothing
# wider than the window.
CHECK = r"""(lang) => {
  const bad = [];
  const want = lang === 'zh' ? 'zh-CN' : 'en';
  const html = document.documentElement.lang;
  if (html !== want) bad.push('html lang ' + html);
  const han = /[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/;
  const allowed = new Set(['API', 'AI']);
  const visible = (el) => {
    if (el.closest('[hidden]')) return false;
    if (!el.getClientRects().length) return false;
    const cs = getComputedStyle(el);
    return cs.visibility !== 'hidden' && cs.display !== 'none';
  };
  const chrome = (el) => !el.closest('[data-content], .langs, script, style, noscript');
  const judge = (text, where) => {
    const s = text.trim();
    if (!s) return;
    if (lang === 'en' && han.test(s)) bad.push(`${where}: ${s.slice(0, 80)}`);
    if (lang === 'zh') {
      for (const w of s.match(/[A-Za-z]+/g) || []) {
        if (!allowed.has(w)) { bad.push(`${where}: ${w} in ${s.slice(0, 80)}`); break; }
      }
    }
  };
  judge(document.title, 'title');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !chrome(el) || !visible(el)) continue;
    judge(n.textContent, 'text');
    seen.push(n.textContent.trim());
  }
  for (const el of document.querySelectorAll('[aria-label], [placeholder], [title], [alt]')) {
    if (!chrome(el) || !visible(el)) continue;
    for (const a of ['aria-label', 'placeholder', 'title', 'alt']) {
      if (el.hasAttribute(a)) judge(el.getAttribute(a), a);
    }
  }
  if (document.querySelectorAll('h1').length !== 1) bad.push('not exactly one h1');
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (!visible(el) || el.type === 'hidden') continue;
    const named = el.labels.length || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby');
    if (!named) bad.push('unlabelled control ' + (el.id || el.outerHTML.slice(0, 60)));
  }
  for (const el of document.querySelectorAll('button, a')) {
    if (visible(el) && !el.textContent.trim() && !el.getAttribute('aria-label')) {
      bad.push('a control without a name: ' + el.outerHTML.slice(0, 80));
    }
  }
  const over = document.documentElement.scrollWidth - window.innerWidth;
  if (over > 1) bad.push(`wider than the window by ${over}px`);
  if (!seen.length) bad.push('no interface text found');
  return bad;
}"""

# WCAG 2.1 AA contrast: 4.5:1 for text (3:1 when large), the placeholder included, and 3:1
# for the borders that show where the fields are. Backgrounds are composed up the tree.
CONTRAST = r"""() => {
  const bad = [];
  const parse = (c) => {
    const m = /rgba?\(([^)]+)\)/.exec(c || '');
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a),
    g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a),
    a: 1,
  });
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const ratio = (x, y) => {
    const a = lum(x), b = lum(y);
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };
  const bgOf = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let bg = { r: 255, g: 255, b: 255, a: 1 };
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  const shown = (el) => {
    if (el.closest('[hidden]')) return false;
    const r = el.getBoundingClientRect();
    return r.width > 2 && r.height > 2 && getComputedStyle(el).visibility !== 'hidden';
  };
  const root = document.querySelector('dialog[open]') || document.body;
  for (const el of root.querySelectorAll('*')) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !shown(el) || el.closest('.vh, script, style, noscript')) continue;
    const cs = getComputedStyle(el);
    const bg = bgOf(el);
    let fg = parse(cs.color);
    if (fg.a < 1) fg = over(fg, bg);
    const size = parseFloat(cs.fontSize), bold = Number(cs.fontWeight) >= 700;
    const need = size >= 24 || (size >= 18.66 && bold) ? 3 : 4.5;
    const r = ratio(fg, bg);
    const what = `${el.tagName}.${el.className}: ${el.textContent.trim().slice(0, 40)}`;
    if (r < need) bad.push(`contrast ${r.toFixed(2)} ${what}`);
  }
  for (const el of root.querySelectorAll('textarea, input')) {
    if (!shown(el)) continue;
    const bg = bgOf(el);
    const ph = parse(getComputedStyle(el, '::placeholder').color);
    if (el.placeholder && ratio(ph, bg) < 4.5) bad.push(`placeholder ${ratio(ph, bg).toFixed(2)}`);
    const border = parse(getComputedStyle(el).borderTopColor);
    const around = bgOf(el.parentElement);
    if (ratio(border, around) < 3) bad.push(`field border ${ratio(border, around).toFixed(2)}`);
  }
  return bad;
}"""

# The question box is visible (in the window, not covered) and nothing overlaps the chat.
COMPOSER_VISIBLE = r"""() => {
  const q = document.querySelector('#question');
  const r = q.getBoundingClientRect();
  const inside = r.top >= 0 && r.bottom <= window.innerHeight + 1 && r.width > 100;
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  return inside && document.elementFromPoint(x, y) === q;
}"""


def check(page, lang: str, name: str) -> None:
    problems = page.evaluate(CHECK, lang) + page.evaluate(CONTRAST)
    assert not problems, f"{name} {lang}: {problems}"


def shoot(page, name: str) -> None:
    page.wait_for_timeout(150)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def set_lang(page, lang: str) -> None:
    page.click(f".langs button[data-lang={lang}]")
    page.wait_for_function("(l) => document.documentElement.lang === l", arg=HTML_LANG[lang])


def answers(page):
    return page.locator("#chat article.turn.bot")


def wait_answers(page, n: int) -> None:
    page.wait_for_function(
        "(n) => document.querySelectorAll('#chat article[data-state=done]').length >= n",
        arg=n,
        timeout=60000,
    )


def send(page, question: str) -> None:
    page.fill("#question", question)
    page.press("#question", "Enter")


def top_in_view(page, locator) -> bool:
    """The beginning of the element is in the window, above the question box."""
    box = locator.bounding_box()
    limit = page.evaluate("window.innerHeight - document.querySelector('#composer').offsetHeight")
    return box is not None and 0 <= box["y"] < limit


def comes_into_view(page, locator, timeout_s: float = 3.0) -> bool:
    """top_in_view, allowing for a scroll the page makes on its next animation frame (a
    restored conversation is scrolled to its last answer then, not at once)."""
    end = time.monotonic() + timeout_s
    while not top_in_view(page, locator):
        if time.monotonic() > end:
            return False
        page.wait_for_timeout(50)
    return True


def first_text_ms(page) -> float:
    """The page's own measure, from sending to the first visible answer text (not gated)."""
    page.wait_for_function("() => !Number.isNaN(Number(document.body.dataset.firstTextMs))")
    ms = page.evaluate("Number(document.body.dataset.firstTextMs)")
    assert isinstance(ms, int | float) and ms >= 0
    return ms


def focused_starter(page) -> int:
    return page.evaluate(
        "[...document.querySelectorAll('#starters button')].indexOf(document.activeElement)"
    )


def stored(page) -> dict | None:
    raw = page.evaluate("localStorage.getItem('ow-chat-history')")
    return json.loads(raw) if raw else None


def feedback_rows(db: Path, answer_id: str) -> list[dict]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        rows = con.execute("SELECT * FROM feedback WHERE answer_id = ?", (answer_id,)).fetchall()
        return [dict(r) for r in rows]
    finally:
        con.close()


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chat_page(chat_server, browser, lang, size):
    other = "en" if lang == "zh" else "zh"
    tag = f"{lang}-{size}"
    ctx = browser.new_context(locale=LOCALES[lang], viewport=SIZES[size])
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(chat_server["url"] + "/")
    page.wait_for_selector("#starters button")

    # --- the first view: the browser's language, starters reachable by keyboard ----------
    check(page, lang, "start")
    assert page.evaluate(COMPOSER_VISIBLE)
    starters = page.locator("#starters button")
    assert starters.count() == 4
    assert page.evaluate("document.querySelectorAll('#starters [tabindex=\"0\"]').length") == 1
    starters.nth(0).focus()
    page.keyboard.press("ArrowDown")
    assert focused_starter(page) == 1
    page.keyboard.press("End")
    assert focused_starter(page) == 3
    page.keyboard.press("ArrowRight")  # wraps around
    assert focused_starter(page) == 0
    page.keyboard.press("ArrowUp")
    assert focused_starter(page) == 3
    assert page.evaluate("document.querySelectorAll('#starters [tabindex=\"0\"]').length") == 1
    shoot(page, f"01-start-{tag}")

    # --- 1. a question: echoed at once with "looking it up" in the conversation ----------
    # A slow network (real server, added latency) keeps the waiting state long enough to see.
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 1500, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    q1, q2, q3 = QUESTIONS[lang]
    send(page, q1)
    page.wait_for_selector("#chat .exchange .bubble", timeout=2000)
    assert page.inner_text("#chat .exchange .bubble") == q1
    status = page.locator("#chat article[data-state=pending] .status")
    status.wait_for(timeout=2000)
    assert LOOKING_UP[lang] in status.inner_text()
    assert page.input_value("#question") == ""
    assert page.evaluate(COMPOSER_VISIBLE)  # in the conversation, not over the question box
    check(page, lang, "looking-up")
    shoot(page, f"02-looking-up-{tag}")
    wait_answers(page, 1)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    first = answers(page).nth(0)
    text = first.locator(".answer-text").inner_text()
    assert ("12345" in text or "[1]" in text) and len(text) > 40
    # the first visible text was timed in the page
    first_ms = first_text_ms(page)
    print(f"\n{tag}: first visible answer text after {first_ms} ms (+1500 ms emulated latency)")
    # [n] markers are buttons; sources listed by their labels, never by raw ids
    assert first.locator("button.cite").count() >= 1
    saved = stored(page)
    assert saved is not None
    record = saved["exchanges"][0]["answer"]
    labels = [c["label"] for c in record["citations"]]
    shown = first.locator(".sources .src-label").all_inner_texts()
    assert shown == labels and all(not RAW_REF.search(x) for x in shown)
    assert first.locator(".sources [data-ref]").count() == len(labels)
    assert not RAW_REF.search(page.inner_text("#chat"))
    # follow-up suggestions (the API's), clickable
    suggestions = first.locator(".suggest button.suggestion")
    assert 2 <= suggestions.count() <= 3
    assert suggestions.all_inner_texts() == record["suggestions"][:3]
    # a new answer shows its beginning
    assert top_in_view(page, first)
    check(page, lang, "answer")
    shoot(page, f"03-answer-{tag}")

    # --- a follow-up, then an out-of-scope question after that context --------------------
    send(page, q2)
    wait_answers(page, 2)
    second = answers(page).nth(1)
    assert len(second.locator(".answer-text").inner_text()) > 20
    follow_ms = first_text_ms(page)
    print(f"{tag}: follow-up's first visible text after {follow_ms} ms")
    assert top_in_view(page, second)
    assert first.locator(".suggest").count() == 0  # suggestions follow the last answer only
    send(page, q3)
    wait_answers(page, 3)
    third = answers(page).nth(2)
    refused_ms = first_text_ms(page)
    print(f"{tag}: out-of-scope answer's first visible text after {refused_ms} ms")
    FIRST_TEXT_MS[tag] = {
        "first (+1500 ms emulated latency)": first_ms,
        "follow-up": follow_ms,
        "out-of-scope": refused_ms,
    }
    assert top_in_view(page, third)
    assert "refused" in (third.get_attribute("class") or "")
    tel = third.locator("a[href='tel:12345']")
    assert tel.count() == 1 and "12345" in tel.inner_text()
    assert third.locator(".hall li").count() >= 1
    assert len(page.evaluate("JSON.parse(localStorage.getItem('ow-chat-history')).exchanges")) == 3
    assert page.evaluate(COMPOSER_VISIBLE)  # still in view with a long conversation
    check(page, lang, "refused")
    shoot(page, f"04-refused-{tag}")

    # --- 2. a [n] marker opens its source: the quoted sentence highlighted in both ---------
    marker = first.locator("button.cite").first
    marker.click()
    page.wait_for_selector("#source-panel:not([hidden]) .src-table tr.hl", timeout=30000)
    panel = page.locator("#source-panel")
    ref = marker.get_attribute("data-ref")
    cite = next(c for c in record["citations"] if c["ref"] == ref)
    hl = panel.locator(".src-table tr.hl").first
    assert hl.get_attribute("data-id") in cite["sentence_ids"]
    zh_cell, en_cell = hl.locator("td[lang='zh-CN']"), hl.locator("td[lang='en']")
    assert zh_cell.locator("mark").inner_text().strip()
    assert en_cell.locator("mark").inner_text().strip()
    assert re.search(r"[\u4e00-\u9fff]", zh_cell.inner_text())
    assert re.search(r"[A-Za-z]{3}", en_cell.locator("mark").inner_text())
    zb, eb = zh_cell.bounding_box(), en_cell.bounding_box()
    if size == "desktop":  # side by side; on a phone one above the other
        assert abs(zb["y"] - eb["y"]) < 2 and eb["x"] > zb["x"]
    assert panel.locator("#src-title").inner_text().strip()
    if cite["kind"] == "guide":  # the guide's source, date checked and the tasks it rests on
        assert panel.locator(".src-meta a[href^='http']").count() == 1
        assert re.search(r"\d{4}-\d\d-\d\d", panel.inner_text())
        assert panel.locator(".rests button").count() >= 1
    check(page, lang, "source")
    shoot(page, f"05-source-{tag}")
    page.keyboard.press("Escape")
    page.wait_for_selector("#source-panel", state="hidden")
    assert page.evaluate("document.activeElement.classList.contains('cite')")

    # --- 3. rate an earlier (not the last) answer ------------------------------------------
    answer_id = first.get_attribute("data-answer-id")
    assert answer_id and answer_id != third.get_attribute("data-answer-id")
    first.locator(".rate-btn[data-rating=down]").click()
    first.locator("textarea.comment").fill(f"browser test {tag}")
    check(page, lang, "rating")
    first.locator(".rate-form button[type=submit]").click()
    first.locator(".rate-done").wait_for()
    assert THANKS[lang] in first.locator(".rate-done").inner_text()
    rows = feedback_rows(chat_server["db"], answer_id)
    assert len(rows) == 1, rows
    row = rows[0]
    assert row["rating"] == "down" and row["comment"] == f"browser test {tag}"
    assert row["question"] == record["question"] and row["answer"] == record["answer"]
    assert row["lang"] == lang
    assert set(json.loads(row["refs"])) == {c["ref"] for c in record["citations"]}
    shoot(page, f"06-rated-{tag}")

    # --- 5. the other interface language: every interface string follows -----------------
    set_lang(page, other)
    check(page, other, "switched")
    shoot(page, f"07-switched-{other}-ui-{tag}")
    page.reload()
    page.wait_for_selector("#chat article[data-state=done]")
    assert page.evaluate("document.documentElement.lang") == HTML_LANG[other]  # remembered
    set_lang(page, lang)

    # --- 4. a reload keeps the conversation; clearing empties it for good ----------------
    page.reload()
    wait_answers(page, 3)
    assert page.locator("#chat .exchange .bubble").all_inner_texts() == [q1, q2, q3]
    assert answers(page).nth(0).get_attribute("data-answer-id") == answer_id
    assert answers(page).nth(0).locator(".rate-done").count() == 1  # the rating is kept
    assert answers(page).nth(2).locator("a[href='tel:12345']").count() == 1
    assert comes_into_view(page, answers(page).nth(2))
    assert page.evaluate(COMPOSER_VISIBLE)
    check(page, lang, "reloaded")
    shoot(page, f"08-reloaded-{tag}")

    answers(page).nth(1).locator("button.cite, .src-btn").first.click()
    page.wait_for_selector("#source-panel:not([hidden])")
    page.locator("#src-close").click()
    page.click("#clear")
    page.wait_for_selector("#confirm-clear[open]")
    check(page, lang, "confirm")
    shoot(page, f"09-confirm-{tag}")
    page.click("#clear-cancel")
    page.wait_for_selector("#confirm-clear:not([open])", state="attached")
    assert answers(page).count() == 3  # nothing cleared without the confirmation
    answers(page).nth(0).locator("button.cite").first.click()
    page.wait_for_selector("#source-panel:not([hidden])")
    if size == "phone":  # the source covers the page there: close it to reach the header
        page.locator("#src-close").click()
    page.click("#clear")
    page.click("#clear-confirm")
    page.wait_for_function("() => !document.querySelector('#chat').children.length")
    assert page.is_hidden("#source-panel")
    assert stored(page) is None
    assert page.is_visible("#starters")
    check(page, lang, "cleared")
    shoot(page, f"10-cleared-{tag}")
    page.reload()
    page.wait_for_selector("#starters button")
    assert answers(page).count() == 0 and stored(page) is None

    assert not errors, errors
    ctx.close()


def test_errors_in_the_chosen_language(chat_server, browser):
    """A question over the limit is stopped in the page; the API's own refusal (a question
    that is only control characters) is shown in the conversation, in the chosen language."""
    ctx = browser.new_context(locale="en-US", viewport=SIZES["phone"])
    page = ctx.new_page()
    page.goto(chat_server["url"] + "/")
    page.wait_for_selector("#starters button")
    set_lang(page, "zh")
    page.fill("#question", "长" * 2001)
    assert "2001" in page.inner_text("#count")
    page.click("#send")
    page.wait_for_selector("#composer-msg:not([hidden])")
    assert "上限" in page.inner_text("#composer-msg")
    assert answers(page).count() == 0
    check(page, "zh", "too-long")
    shoot(page, "11-too-long-zh-phone")
    page.fill("#question", "\x01\x02\x03 \x04\x05\x06\x07")
    page.click("#send")
    page.wait_for_selector("#chat article[data-state=error] .err-box")
    box = page.inner_text("#chat article[data-state=error] .err-box")
    assert "无法识别的字符" in box
    assert page.locator("#chat .err-box .retry").count() == 0  # the same text would fail again
    check(page, "zh", "api-error")
    set_lang(page, "en")
    assert "cannot be read" in page.inner_text("#chat article[data-state=error] .err-box")
    check(page, "en", "api-error")
    shoot(page, "12-api-error-en-phone")
    ctx.close()
