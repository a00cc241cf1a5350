"""The staff pages end to end in a real browser: Debian's chromium driven by Playwright.

One flow, no mocks: an editor writes a FAQ in both languages with a live preview, saves and
submits it; a reviewer publishes it; the public chat then answers with it. Along the way: a
save from a stale version is refused with the conflict message and the typed text is kept
(also across a reload), the unanswered queue turns a refused question into a draft, and a
wrong-type upload shows the API's message. Every state is captured at desktop and phone
sizes in both interface languages under artifacts/staff/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.conftest import CHROMIUM, CHROMIUM_FLAGS, ROOT, start_server, stop

pytestmark = pytest.mark.integration
ARTIFACTS = ROOT / "artifacts" / "staff"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
EDITOR = ("ed.lin", "editor-pass-2026")
REVIEWER = ("rev.chen", "reviewer-pass-2026")
SLUG = "second-line-port-models"
FAQ = {
    "question.zh": "海口的“二线口岸”在海港和空港分别实行什么协同管理模式?",
    "question.en": "Which coordinated management models will Haikou's second-line ports use "
    "at the seaport and at the airport?",
    "answer.zh": "按方案,海口将推进“二线口岸”智能化建设,推动海关、海事、边检等口岸监管部门数据"
    "共享共用,为海港“1+3”、空港“1+2”协同管理模式提供保障。",
    "answer.en": "Under the plan, Haikou will make its second-line ports smarter and have customs, "
    "maritime and border inspection share data, to support the '1+3' coordinated model at the "
    "seaport and the '1+2' model at the airport.",
    # users' own words for it: searched, never shown
    "aliases.zh": "海港空港口岸怎么配合",
    "aliases.en": "ports working together at sea and airport",
}
REFUSED = "What's a good recipe for coconut chicken hot pot? <img src=x onerror=window.__pwned=1>"

if not Path(CHROMIUM).exists():  # pragma: no cover - `make test` installs it
    pytest.skip(
        "Debian's chromium is not installed; `make test` installs it", allow_module_level=True
    )


@pytest.fixture(scope="module")
def staff_server(persistent_services, tmp_path_factory):
    """`assistant serve` on a copy of the shared data, so publishing leaves the shared index
    alone; with an editor and a reviewer added through the CLI."""
    data = tmp_path_factory.mktemp("staff") / "data"
    shutil.copytree(persistent_services.settings.data_dir, data)
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data)}
    env.pop("ASSISTANT_DATABASE_URL", None)  # the SQLite store inside the copied data dir
    exe = str(Path(sys.executable).with_name("assistant"))
    for (name, password), role in ((EDITOR, "editor"), (REVIEWER, "reviewer")):
        done = subprocess.run(
            [exe, "users", "add", name, "--role", role],
            input=password + "\n",
            env=env,
            text=True,
            capture_output=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    log = data.parent / "serve.log"
    proc, url = start_server(env, log)
    try:
        yield {"url": url, "log": log}
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield b
        b.close()


# What every captured state must satisfy: the chosen language everywhere (html lang, every
# interface string, titles shown in that language when they exist), one h1, every control
# labelled, nothing wider than the window.
CHECK = r"""(lang) => {
  const cjk = /[\u3400-\u9fff]/;
  const bad = [];
  const visible = (el) => !el.closest('[hidden]') && el.getClientRects().length > 0;
  const want = lang === 'zh' ? 'zh-CN' : 'en';
  const html = document.documentElement.lang;
  if (html !== want) bad.push('html lang ' + html);
  for (const el of document.querySelectorAll('[data-i18n]')) {
    if (!visible(el)) continue;
    const text = el.textContent;
    const args = el.dataset.i18nArgs || '';
    if (lang === 'en' && cjk.test(text) && !cjk.test(args)) bad.push(`zh text: ${text}`);
    if (lang === 'zh' && !cjk.test(text)) bad.push(`en text: ${text}`);
  }
  for (const el of document.querySelectorAll('[data-i18n-attr]')) {
    for (const a of Object.keys(JSON.parse(el.dataset.i18nAttr))) {
      const v = el.getAttribute(a) || '';
      if (lang === 'en' ? cjk.test(v) : !cjk.test(v)) bad.push(`${a}=${v}`);
    }
  }
  for (const el of document.querySelectorAll('[data-bi]')) {
    if (visible(el) && el._bi && (el._bi[lang] || '').trim() && el.lang !== want) {
      bad.push('title in the wrong language: ' + el.textContent);
    }
  }
  if (document.querySelectorAll('h1').length !== 1) bad.push('not exactly one h1');
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (!visible(el) || el.type === 'hidden') continue;
    const named = el.labels.length || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby');
    if (!named) {
      bad.push('unlabelled control ' + (el.id || el.outerHTML.slice(0, 60)));
    }
  }
  for (const el of document.querySelectorAll('button, a')) {
    if (visible(el) && !el.textContent.trim() && !el.getAttribute('aria-label')) {
      bad.push('a control without a name: ' + el.outerHTML.slice(0, 80));
    }
  }
  const over = document.documentElement.scrollWidth - window.innerWidth;
  if (over > 1) bad.push(`wider than the window by ${over}px`);
  return bad;
}"""


def set_lang(page, lang: str) -> None:
    page.click(f".langs button[data-lang={lang}]")
    want = "zh-CN" if lang == "zh" else "en"
    page.wait_for_function("(l) => document.documentElement.lang === l", arg=want)


def shoot(page, name: str) -> None:
    """The current state at desktop and phone sizes, in Chinese and in English; checked, then
    put back as it was."""
    size = page.viewport_size
    start = "zh" if page.evaluate("document.documentElement.lang").startswith("zh") else "en"
    for lang in ("zh", "en"):
        set_lang(page, lang)
        for label, viewport in SIZES.items():
            page.set_viewport_size(viewport)
            page.evaluate("window.scrollTo(0, 0)")
            page.wait_for_timeout(200)
            problems = page.evaluate(CHECK, lang)
            assert not problems, f"{name} {label} {lang}: {problems}"
            page.screenshot(path=str(ARTIFACTS / f"{name}-{label}-{lang}.png"), full_page=True)
    page.set_viewport_size(size)
    set_lang(page, start)


def login(page, user: tuple[str, str]) -> None:
    page.fill("#login-user", user[0])
    page.fill("#login-pass", user[1])
    page.click(".login-form button[type=submit]")


def ask(page, question: str, done_marker: str) -> str:
    """Ask on the public chat page and wait until the answer (with its sources) is shown."""
    before = page.inner_text("#chat").count(done_marker)
    page.fill("#question", question)
    page.click("#send")
    page.wait_for_function(
        "([m, n]) => document.querySelector('#chat').innerText.split(m).length - 1 > n"
        " && !document.querySelector('#chat article:not([data-state=done])')",
        arg=[done_marker, before],
        timeout=30000,
    )
    return page.inner_text("#chat")


def visit(page, base: str, hash_: str) -> None:
    """Open a view by its hash; when it is already open, load it afresh."""
    if page.evaluate("location.hash") == hash_:
        page.reload()
    else:
        page.goto(base + hash_)


def field(name: str) -> str:
    return f"[data-name='{name}']"


def test_staff_flow_end_to_end(staff_server, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    url = staff_server["url"]
    staff = url + "/staff/"
    errors: list[str] = []

    # A question the assistant refuses lands in the unanswered queue.
    public = browser.new_page(locale="en-US")
    public.goto(url + "/")
    public.wait_for_selector("#question", timeout=30000)
    ask(public, REFUSED, "prevail.)")

    # --- the editor logs in (the pages start in Chinese) --------------------------------
    ed_ctx = browser.new_context(locale="zh-CN", viewport=SIZES["desktop"])
    ed = ed_ctx.new_page()
    ed.on("pageerror", lambda e: errors.append(f"editor: {e}"))
    ed.goto(staff)
    ed.wait_for_selector("#login-user")
    assert ed.evaluate("document.documentElement.lang") == "zh-CN"
    assert "工作人员" in ed.inner_text("h1")
    shoot(ed, "01-login")
    login(ed, (EDITOR[0], "not-the-password"))
    ed.wait_for_selector(".login .msg.err")
    assert "wrong username or password" in ed.inner_text(".login .msg.err")
    shoot(ed, "02-login-error")
    login(ed, EDITOR)
    ed.wait_for_selector("table.entries tbody tr a.title-link")
    assert ed.inner_text("#who-name") == EDITOR[0]

    # the list: search and filters
    ed.fill("#f-q", "electricity-connection")
    ed.select_option("#f-kind", "guide")
    ed.wait_for_function(
        "() => { const rows = [...document.querySelectorAll('table.entries tbody tr')];"
        " return rows.length > 0 && rows.every((r) => r.querySelector('.kind-guide')) &&"
        " rows.some((r) => r.innerText.includes('electricity-connection')); }"
    )
    ed.fill("#f-q", "")
    ed.select_option("#f-kind", "")
    ed.wait_for_function("() => document.querySelectorAll('table.entries tbody tr').length > 20")
    shoot(ed, "03-entries")

    # --- a new FAQ, both languages, with the live preview --------------------------------
    ed.click("a[href='#/new/faq']")
    ed.wait_for_selector(field("question.zh"))
    ed.fill(field("slug"), SLUG)
    for name, text in FAQ.items():
        ed.fill(field(name), text)
    ed.fill(field("source_refs"), "plan#4")
    ed.wait_for_function(
        "() => document.querySelector('#pv-zh').innerText.includes('1+3') && "
        "document.querySelector('#pv-en').innerText.includes('1+3') && "
        "!!document.querySelector('#pv-problems .msg.ok')",
        timeout=30000,
    )
    assert "entry" not in ed.inner_text("#pv-problems")
    shoot(ed, "04-editor-new-faq")

    ed.click("#save")
    ed.wait_for_selector(".actions .msg.ok")
    assert "第 1 版" in ed.inner_text(".actions .msg.ok")
    assert ed.evaluate("location.hash") == f"#/edit/{SLUG}"
    ed.click("#submit")
    ed.wait_for_selector(".ed-head .badge.status-in_review")
    assert "已提交审核" in ed.inner_text(".actions .msg.ok")
    assert ed.is_hidden("#publish")  # an editor cannot publish
    shoot(ed, "05-editor-submitted")

    # --- the reviewer publishes it from the review queue ---------------------------------
    rv_ctx = browser.new_context(locale="en-US", viewport=SIZES["desktop"])
    rv = rv_ctx.new_page()
    rv.on("pageerror", lambda e: errors.append(f"reviewer: {e}"))
    rv.goto(staff)
    rv.wait_for_selector("#login-user")
    assert rv.evaluate("document.documentElement.lang") == "zh-CN"  # Chinese by default
    login(rv, REVIEWER)
    rv.wait_for_selector("table.entries tbody tr")
    rv.click("#nav a[data-route=review]")
    card = rv.locator(f"article.card[data-slug='{SLUG}']")
    card.wait_for()
    shoot(rv, "06-review-queue")
    card.locator("button.primary").click()
    card.locator(".msg.ok").wait_for()
    assert "已发布第 1 版" in card.inner_text()

    # --- the public chat answers with it -------------------------------------------------
    ask(public, FAQ["question.en"], "official documents prevail")
    # the text streams first; the list of citations comes with the final render (sources are
    # shown by their labels; the ref is kept in data-ref)
    public.wait_for_function(
        "(ref) => [...document.querySelectorAll('#chat .sources [data-ref]')]"
        ".some((b) => b.dataset.ref === ref)",
        arg=f"entry:{SLUG}",
        timeout=30000,
    )
    chat = public.inner_text("#chat")
    assert "1+3" in chat and "AI-generated" in chat
    public.screenshot(path=str(ARTIFACTS / "07-public-answer.png"), full_page=True)

    # --- a save from a stale version: the conflict, and nothing typed is lost ------------
    visit(ed, staff, f"#/edit/{SLUG}")
    ed.wait_for_selector(".ed-head .badge.status-published")
    assert ed.input_value(field("aliases.en")) == FAQ["aliases.en"]  # saved, stored, shown
    visit(rv, staff, f"#/edit/{SLUG}")
    rv.wait_for_selector(field("answer.en"))
    theirs = FAQ["answer.en"] + " (Reviewer's wording: ask the 12345 hotline for details.)"
    rv.fill(field("answer.en"), theirs)
    rv.click("#save")
    rv.wait_for_selector(".actions .msg.ok")
    mine = FAQ["answer.en"] + " Editor's addition: the seaport model links three agencies."
    ed.fill(field("answer.en"), mine)
    ed.click("#save")
    ed.wait_for_selector(".actions .msg.err")
    message = ed.inner_text(".actions .msg.err")
    assert "saved by someone else" in message and "冲突" in message
    assert ed.input_value(field("answer.en")) == mine
    ed.click("#load-theirs")
    ed.wait_for_selector(".compare:not([hidden]) .theirs")
    assert "Reviewer's wording" in ed.inner_text(".compare")
    assert ed.input_value(field("answer.en")) == mine
    shoot(ed, "08-conflict")

    # a reload brings the typed text back from this browser, based on the old version
    ed.reload()
    ed.wait_for_selector("#discard-local")
    assert ed.input_value(field("answer.en")) == mine
    ed.click("#save")
    ed.wait_for_selector("#load-theirs")
    ed.click("#load-theirs")
    ed.click("#save-over")
    ed.wait_for_function(
        "() => (document.querySelector('.actions .msg.ok') || {}).innerText?.includes('第 3 版')"
    )
    assert ed.input_value(field("answer.en")) == mine
    assert ed.evaluate(f"localStorage.getItem('ow-staff-draft:{SLUG}')") is None

    # --- version history and the diff (reviewer) -----------------------------------------
    visit(rv, staff, f"#/history/{SLUG}")
    rv.wait_for_selector("pre.diff .dl.add")
    diff = rv.inner_text("pre.diff")
    assert "Editor's addition" in diff
    assert rv.locator("table.versions tbody tr").count() == 3
    assert rv.locator("button[data-version]").count() == 2  # the live version needs no restore
    shoot(rv, "09-history")

    # --- the unanswered queue: a refused question becomes a draft ------------------------
    ed.click("#nav a[data-route=queue]")
    group = ed.locator("article.card", has_text="coconut chicken")
    group.wait_for()
    assert ed.evaluate("() => window.__pwned") is None
    assert ed.locator("article.card img").count() == 0
    assert "<img" in group.inner_text()  # shown as the text that was typed
    shoot(ed, "10-unanswered")
    group.locator("button.primary").click()
    ed.wait_for_function("() => location.hash.startsWith('#/edit/faq-from-queue-')")
    ed.wait_for_selector(field("question.en"))
    assert "coconut chicken" in ed.input_value(field("question.en"))
    assert ed.is_visible(".ed-head .badge.status-draft")

    # --- upload: a file of the wrong type is refused with the API's message --------------
    ed.click("#nav a[data-route=upload]")
    ed.wait_for_selector("#up-file")
    ed.set_input_files(
        "#up-file",
        files=[{"name": "guide.txt", "mimeType": "text/plain", "buffer": "办事指南".encode()}],
    )
    ed.fill("#up-slug", "hotline-guide-upload")
    ed.fill("#up-title-zh", "12345热线指南")
    ed.fill("#up-title-en", "12345 hotline guide")
    ed.click("#up-send")
    ed.wait_for_selector(".msg.err")
    upload_error = ed.inner_text(".msg.err")
    assert "only Markdown (.md), Word (.docx) and PDF" in upload_error
    assert "文件类型不支持" in upload_error
    shoot(ed, "11-upload-error")

    # --- a service guide in the form editor ----------------------------------------------
    visit(ed, staff, "#/edit/foreigner-work-permit")
    ed.wait_for_selector(field("fields.materials.zh"))
    assert ed.input_value(field("fields.online.url")).startswith("https://")
    assert ed.input_value(field("fields.materials.source")) == "sunnyhainan"
    ed.wait_for_selector("#pv-problems .msg.ok", timeout=30000)
    assert "Steps" in ed.inner_text("#pv-en") or "[1]" in ed.inner_text("#pv-en")
    shoot(ed, "12-guide-editor")

    assert not errors, errors
