"""The web UI (gradio): chat with streamed, cited answers in Chinese or English.

No business logic: every action calls the same services the HTTP API uses. User and
knowledge text reach the page escaped; the only markup is what this module adds.
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.chat import ChatSession, InvalidQuestionError
from assistant.web.sources import render_source_html, source_view
from assistant.web.streaming import pieces

if TYPE_CHECKING:
    from assistant.schema import Answer
    from assistant.services import Services

UI_LANGS = {"中文": "zh", "English": "en"}
TEXT = {
    "zh": {
        "title": "## 一窗通办智能助手\n海口市优化营商环境行动方案(2026—2028年)智能问答。"
        "回答由AI生成,请以官方发布文件为准。",
        "question": "您的问题",
        "placeholder": "例如:我们是小微企业,接电要花钱吗?",
        "send": "发送",
        "clear": "清空对话",
        "starters": "试着问问",
        "citations": "上一条回答的来源(点击查看原文)",
        "comment": "意见(可选)",
        "up": "有帮助",
        "down": "没帮助",
        "chat": "对话",
        "ui": "界面语言",
        "sources": "来源",
        "thanks": "感谢您的反馈,已记录(编号 {id})。",
        "nothing": "还没有可以评价的回答。",
        "source_hint": "点击上方的来源,查看原文,引用的句子会被高亮。",
    },
    "en": {
        "title": "## One-Window Assistant\nQuestions and answers on Haikou's business-environment "
        "action plan (2026–2028). Answers are AI-generated; the official documents prevail.",
        "question": "Your question",
        "placeholder": "e.g. Is there a fast lane at customs for fresh seafood?",
        "send": "Send",
        "clear": "Clear conversation",
        "starters": "Try asking",
        "citations": "Sources of the last answer (click to read the original)",
        "comment": "Comment (optional)",
        "up": "Helpful",
        "down": "Not helpful",
        "chat": "Chat",
        "ui": "Interface language",
        "sources": "Sources",
        "thanks": "Thank you, your feedback was saved (no. {id}).",
        "nothing": "There is no answer to rate yet.",
        "source_hint": "Choose a source above to read the original text with the cited "
        "sentences highlighted.",
    },
}
STARTERS = {
    "zh": [
        "我们是小微企业,接电要花钱吗?",
        "外国人在海口工作生活有哪些便利服务?",
        "企业第一次轻微违规会不会直接罚款?",
        "对这个方案有意见,应该怎么反馈?",
    ],
    "en": [
        "Is there a fast lane at customs for fresh seafood?",
        "What help is there for foreigners who live and work in Haikou?",
        "Will my shop be fined for a first minor violation?",
        "How can I send comments on this plan?",
    ],
}
BROWSER_LANG_JS = (
    "() => ((navigator.language || 'en').toLowerCase().startsWith('zh') ? '中文' : 'English')"
)


def render_answer(answer: Answer) -> str:
    """Answer text plus its numbered sources, as plain text (the page escapes it)."""
    if not answer.citations:
        return answer.answer
    label = "Sources" if answer.lang == "en" else "来源"
    lines = [answer.answer, "", f"{label}:"]
    lines += [f"[{c.n}] {c.ref} {c.title}" for c in answer.citations]
    return "\n".join(lines)


def render_source(services: Services, ref: str, cited: list[str], lang: str) -> str:
    """A unit in both languages side by side, the cited sentences (by id) marked."""
    unit = services.index.units.get(ref)
    if unit is None:
        return ""
    return render_source_html(source_view(unit, set(cited)), lang)


CSS = (
    "#source mark { background: #ffe58f; } #chat { font-size: 15px; } "
    "#source table.bilingual { width: 100%; border-collapse: collapse; } "
    "#source table.bilingual td { vertical-align: top; padding: 4px 8px; width: 50%; "
    "border-bottom: 1px solid #eee; } #source tr.cited { background: #fffbe6; }"
)


def make_theme() -> gr.themes.Base:
    # System fonts: the default theme fetches web fonts, which closed networks refuse.
    return gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["monospace"])


def build_ui(services: Services) -> gr.Blocks:
    with gr.Blocks(
        title="One-Window Assistant · 一窗通办智能助手", analytics_enabled=False
    ) as demo:
        turns = gr.State([])  # the user's questions, for follow-ups
        last = gr.State({})  # the last answer: question, answer, lang, citations
        title = gr.Markdown(TEXT["zh"]["title"], elem_id="title")
        ui_lang = gr.Radio(list(UI_LANGS), value="中文", label=TEXT["zh"]["ui"], elem_id="ui-lang")
        chatbot = gr.Chatbot(
            label=TEXT["zh"]["chat"],
            elem_id="chat",
            height=460,
            render_markdown=False,
            sanitize_html=True,
            buttons=["copy"],
            feedback_options=None,
        )
        with gr.Row():
            box = gr.Textbox(
                label=TEXT["zh"]["question"],
                placeholder=TEXT["zh"]["placeholder"],
                elem_id="question",
                scale=5,
                max_length=2000,
            )
            send = gr.Button(TEXT["zh"]["send"], variant="primary", elem_id="send", scale=1)
        starters = gr.Radio(STARTERS["zh"], label=TEXT["zh"]["starters"], elem_id="starters")
        citations = gr.Radio([], label=TEXT["zh"]["citations"], elem_id="citations")
        source = gr.HTML(f"<p>{TEXT['zh']['source_hint']}</p>", elem_id="source")
        with gr.Row():
            up = gr.Button(TEXT["zh"]["up"], elem_id="fb-up", size="sm")
            down = gr.Button(TEXT["zh"]["down"], elem_id="fb-down", size="sm")
            comment = gr.Textbox(
                label=TEXT["zh"]["comment"], elem_id="fb-comment", scale=3, max_length=2000
            )
        status = gr.Markdown("", elem_id="fb-status")
        clear = gr.Button(TEXT["zh"]["clear"], elem_id="clear", size="sm")

        def respond(
            question: str, history: list[dict[str, Any]], asked: list[str]
        ) -> Iterator[tuple[Any, ...]]:
            # The chatbot renders HTML; everything shown is escaped text, so what a user types
            # (or a source contains) is displayed, never executed or fetched.
            history = [*history, {"role": "user", "content": html.escape(question)}]
            try:
                services.sync_knowledge()
                session = ChatSession(services.assistant, turns=list(asked))
                answer = session.send(question)
                if answer.refused and not answer.handoff:
                    services.queue.record(answer.question, answer.lang, "refused")
            except InvalidQuestionError as exc:
                history.append({"role": "assistant", "content": html.escape(f"⚠ {exc}")})
                yield history, asked, {}, gr.update(choices=[], value=None), ""
                return
            text = ""
            history.append({"role": "assistant", "content": ""})
            for piece in pieces(answer.answer):
                text += piece
                history[-1] = {"role": "assistant", "content": html.escape(text)}
                yield history, asked, {}, gr.update(), ""
                time.sleep(0.005)
            history[-1] = {"role": "assistant", "content": html.escape(render_answer(answer))}
            state = {
                "question": answer.question,
                "answer": answer.answer,
                "lang": answer.lang,
                "refs": [c.ref for c in answer.citations],
                # what to highlight when a source is opened: the quoted sentences, by id
                "quotes": {c.ref: c.sentence_ids for c in answer.citations},
            }
            choices = [(f"[{c.n}] {c.ref} {c.title}", c.ref) for c in answer.citations]
            yield (
                history,
                session.turns,
                state,
                gr.update(choices=choices, value=None),
                "",
            )

        outputs = [chatbot, turns, last, citations, box]
        send.click(respond, [box, chatbot, turns], outputs, concurrency_limit=8)
        box.submit(respond, [box, chatbot, turns], outputs, concurrency_limit=8)
        starters.input(respond, [starters, chatbot, turns], outputs, concurrency_limit=8)

        def open_source(ref: str | None, state: dict[str, Any], choice: str) -> str:
            if not ref:
                return ""
            return render_source(
                services, ref, state.get("quotes", {}).get(ref, []), UI_LANGS.get(choice, "zh")
            )

        citations.change(open_source, [citations, last, ui_lang], source)

        def rate(rating: str) -> Any:
            def _rate(state: dict[str, Any], note: str, choice: str) -> tuple[str, str]:
                lang = UI_LANGS.get(choice, "zh")
                if not state:
                    return TEXT[lang]["nothing"], note
                fid = services.feedback.add(
                    rating=rating,
                    question=state["question"],
                    answer=state["answer"],
                    lang=state["lang"],
                    refs=state["refs"],
                    comment=note.strip(),
                    channel="web",
                )
                if rating == "down":
                    services.queue.record(
                        state["question"], state["lang"], "rated_down", state["refs"]
                    )
                return TEXT[lang]["thanks"].format(id=fid), ""

            return _rate

        up.click(rate("up"), [last, comment, ui_lang], [status, comment])
        down.click(rate("down"), [last, comment, ui_lang], [status, comment])

        def reset() -> tuple[Any, ...]:
            return [], [], {}, gr.update(choices=[], value=None), "", ""

        clear.click(reset, None, [chatbot, turns, last, citations, source, status])

        def switch(choice: str, ref: str | None, state: dict[str, Any]) -> tuple[Any, ...]:
            lang = UI_LANGS.get(choice, "zh")
            t = TEXT[lang]
            shown = open_source(ref, state, choice) if ref else f"<p>{t['source_hint']}</p>"
            return (
                gr.update(label=t["chat"]),
                gr.update(value=t["title"]),
                gr.update(label=t["ui"]),
                gr.update(label=t["question"], placeholder=t["placeholder"]),
                gr.update(value=t["send"]),
                gr.update(choices=STARTERS[lang], value=None, label=t["starters"]),
                gr.update(label=t["citations"]),
                gr.update(value=t["up"]),
                gr.update(value=t["down"]),
                gr.update(label=t["comment"]),
                gr.update(value=t["clear"]),
                shown,
            )

        ui_lang.change(
            switch,
            [ui_lang, citations, last],
            [
                chatbot,
                title,
                ui_lang,
                box,
                send,
                starters,
                citations,
                up,
                down,
                comment,
                clear,
                source,
            ],
        )
        demo.load(None, None, ui_lang, js=BROWSER_LANG_JS)
    demo.queue(default_concurrency_limit=4, max_size=128)
    return demo
