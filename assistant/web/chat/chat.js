/* The public chat of the One-Window Assistant: plain JS, no build step, no network but our own API.
 *
 * Rules kept throughout (as on the staff pages):
 *  - user and knowledge text is inserted with textContent only (h() never sets HTML);
 *  - every visible string comes from I18N and follows the 中文/English toggle (data-i18n*);
 *    regions that hold user, answer or source text carry data-content;
 *  - the conversation is kept in localStorage until the user clears it;
 *  - every error is shown in the page, in the chosen language, never with alert().
 */
"use strict";

(function () {
  // ---------------------------------------------------------------- strings
  const I18N = {
    zh: {
      app_title: "海口一窗通办 · 智能问答",
      skip: "跳到提问框",
      lang_label: "界面语言",
      clear: "清空对话",
      welcome_title: "有什么可以帮你?",
      intro:
        "可以问海口营商环境政策、办事指南和常见问题。每个回答都注明出处,点击回答中的编号(如 [1])即可对照原文。",
      starters_label: "试试这些问题:",
      starters_hint: "可用方向键在问题之间移动,按回车键提问。",
      chat_label: "对话",
      question_label: "输入你的问题",
      question_ph: "请输入你的问题",
      send: "发送",
      count: "{n} / {max} 字",
      you_asked: "你的问题:",
      answer_n: "第 {n} 个回答",
      looking_up: "正在查找…",
      answer_ready: "回答已生成。",
      sources_h: "来源",
      cite_label: "[{n}] 来源:{label}(打开原文)",
      suggest_h: "你还可以问",
      contacts_h: "需要人工帮助?",
      call: "拨打 {hotline} 政务服务热线",
      hall_h: "政务服务大厅",
      rate_q: "这个回答有帮助吗?",
      rate_up: "有帮助",
      rate_down: "没帮助",
      comment_label: "补充意见(可选)",
      comment_ph: "哪里不对,或者还缺少什么?",
      rate_send: "提交评价",
      rate_sending: "正在提交…",
      cancel: "取消",
      thanks_up: "已评价为“有帮助”,感谢你的反馈!",
      thanks_down: "已评价为“没帮助”,感谢反馈,我们会据此改进。",
      err_rating: "评价没有提交成功,请稍后再试。",
      retry: "重试",
      err_network: "无法连接服务器,请检查网络后重试。",
      err_unavailable: "服务暂时不可用(知识库可能正在更新),请稍后再试。",
      err_server: "服务器出错了,请稍后再试。",
      err_empty: "请先输入问题。",
      err_long: "问题有 {n} 个字,超过 {max} 字的上限,请只保留需要回答的部分。",
      err_binary: "问题中含有无法识别的字符,请用普通文字输入。",
      err_conversation: "对话太长了,请清空对话后重新开始。",
      err_invalid: "无法处理这个问题,请修改后重试。",
      err_interrupted: "回答中断了,没有完成。",
      err_unfinished: "这个问题还没有回答完(页面曾被刷新或关闭)。",
      busy: "请等当前回答完成后再提问。",
      close_source: "关闭原文",
      loading_source: "正在加载原文…",
      source_opened: "已打开原文。",
      err_source: "无法打开这个来源,请稍后再试。",
      kind_plan: "行动方案",
      kind_guide: "办事指南",
      kind_entry: "常见问答",
      kind_document: "文档",
      col_zh: "中文原文",
      col_en: "英文译文",
      quoted_note: "高亮的句子就是回答引用的内容。",
      no_quote_note: "回答引用了这个来源,但没有标出具体句子。",
      en_note: "英文为非官方译文,以中文原文为准。",
      guide_source: "信息来源:",
      unofficial: "(非官方来源,请以官方渠道为准)",
      last_checked: "核对日期:{date}",
      rests_on: "依据的方案任务",
      no_en: "(无英文译文)",
      confirm_title: "清空整个对话?",
      confirm_body: "所有问答、评价和打开的原文都会被清除,本浏览器中保存的对话记录也会删除,无法恢复。",
      confirm_yes: "清空对话",
      cleared: "对话已清空。",
      footer_ai: "回答由人工智能根据官方文件自动生成,仅供参考,以官方发布的文件为准。",
      staff_link: "工作人员入口",
      api_link: "API 文档",
    },
    en: {
      app_title: "Haikou One-Window Service · Assistant",
      skip: "Skip to the question box",
      lang_label: "Interface language",
      clear: "Clear conversation",
      welcome_title: "How can we help?",
      intro:
        "Ask about Haikou's business-environment policies, service guides and common questions. Every answer cites its sources: select a number such as [1] in an answer to read the original text.",
      starters_label: "Try one of these:",
      starters_hint: "Use the arrow keys to move between questions and Enter to ask.",
      chat_label: "Conversation",
      question_label: "Your question",
      question_ph: "Type your question",
      send: "Send",
      count: "{n} / {max} characters",
      you_asked: "You asked:",
      answer_n: "Answer {n}",
      looking_up: "Looking it up…",
      answer_ready: "The answer is ready.",
      sources_h: "Sources",
      cite_label: "[{n}] Source: {label} (open the original text)",
      suggest_h: "You could also ask",
      contacts_h: "Need to talk to someone?",
      call: "Call the {hotline} hotline",
      hall_h: "Government service hall",
      rate_q: "Was this answer helpful?",
      rate_up: "Helpful",
      rate_down: "Not helpful",
      comment_label: "Comment (optional)",
      comment_ph: "What was wrong or missing?",
      rate_send: "Send rating",
      rate_sending: "Sending…",
      cancel: "Cancel",
      thanks_up: "Rated helpful. Thank you for your feedback!",
      thanks_down: "Rated not helpful. Thank you, we will use this to improve.",
      err_rating: "Your rating could not be sent. Please try again later.",
      retry: "Try again",
      err_network: "Could not reach the server. Check your connection and try again.",
      err_unavailable:
        "The service is unavailable right now (the knowledge base may be updating). Please try again later.",
      err_server: "Something went wrong on the server. Please try again later.",
      err_empty: "Type a question first.",
      err_long:
        "Your question has {n} characters; the limit is {max}. Please keep only the part you need answered.",
      err_binary: "Your question contains characters that cannot be read. Please type it as plain text.",
      err_conversation: "This conversation is too long. Please clear it and start again.",
      err_invalid: "This question could not be processed. Please change it and try again.",
      err_interrupted: "The answer was interrupted before it was finished.",
      err_unfinished: "This question was not answered (the page was reloaded or closed).",
      busy: "Please wait until the current answer is finished.",
      close_source: "Close the source",
      loading_source: "Loading the source…",
      source_opened: "The source is open.",
      err_source: "This source could not be opened. Please try again later.",
      kind_plan: "Action plan",
      kind_guide: "Service guide",
      kind_entry: "FAQ",
      kind_document: "Document",
      col_zh: "Chinese original",
      col_en: "English",
      quoted_note: "The highlighted sentences are the ones the answer quotes.",
      no_quote_note: "The answer cites this source without marking particular sentences.",
      en_note: "The English text is an unofficial rendering; the Chinese original prevails.",
      guide_source: "Source:",
      unofficial: "(not an official source; please confirm through official channels)",
      last_checked: "Last checked: {date}",
      rests_on: "Plan tasks it rests on",
      no_en: "(no English rendering)",
      confirm_title: "Clear the whole conversation?",
      confirm_body:
        "All questions, answers, ratings and the open source will be removed, and the conversation saved in this browser will be deleted. This cannot be undone.",
      confirm_yes: "Clear conversation",
      cleared: "The conversation has been cleared.",
      footer_ai:
        "Answers are AI-generated from official documents, for reference only; the official documents prevail.",
      staff_link: "Staff pages",
      api_link: "API docs",
    },
  };

  const STARTERS = {
    zh: [
      "我们是小微企业,接电要花钱吗?",
      "外国人在海口工作生活有哪些便利服务?",
      "企业第一次轻微违规会不会直接罚款?",
      "注册公司需要准备哪些材料?",
    ],
    en: [
      "Is there a fast lane at customs for fresh seafood?",
      "What help is there for foreigners who live and work in Haikou?",
      "Will my shop be fined for a first minor violation?",
      "What documents do I need to register a company?",
    ],
  };

  const LANG_KEY = "ow-chat-lang";
  const STORE_KEY = "ow-chat-history";
  const MAX_CHARS = 2000; // the API's limit (settings.max_question_chars)
  const SHOW_COUNT_FROM = 1800;
  const MAX_MESSAGES = 40; // earlier turns sent as context; the API accepts up to 100
  const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;

  let lang = initialLang();
  let exchanges = []; // [{id, question, answer?, failed?, rating?, comment?}]
  let busy = null; // {controller, ex} while an answer streams
  let srcState = null; // {ref, ids, view, trigger, error}
  let seq = 0;

  // ---------------------------------------------------------------- i18n
  function initialLang() {
    try {
      const v = localStorage.getItem(LANG_KEY);
      if (v === "zh" || v === "en") return v;
    } catch (_) {
      /* storage blocked: fall back to the browser */
    }
    const prefs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""];
    return String(prefs[0] || "").toLowerCase().startsWith("zh") ? "zh" : "en";
  }

  const { htmlLang } = window; // from ../common/dom.js

  // t, setT (data-i18n, data-i18n-args) and setTAttr (data-i18n-attr {attr: key | [key, args]})
  // from ../common/dom.js, reading this page's language.
  const { t, setT, setTAttr, retranslate, saveLang } = window.makeI18n(I18N, () => lang);

  function applyLang() {
    retranslate();
    document.querySelectorAll(".langs button").forEach((b) => {
      b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
    });
    document.title = t("app_title");
    renderStarters();
    if (srcState && srcState.view) renderSource();
    updateCount();
  }

  function setLang(l) {
    lang = saveLang(LANG_KEY, l);
    applyLang();
  }

  // ---------------------------------------------------------------- DOM helper
  // h(tag, props, ...children) from ../common/dom.js, with this page's translation keys.
  const h = window.makeH((el, k, v) => {
    if (k === "t") setT(el, v);
    else if (k === "tattr") setTAttr(el, v);
    else return false;
    return true;
  });

  const $ = (sel, root) => (root || document).querySelector(sel);
  const textLang = (s) => (HAN.test(s || "") ? "zh-CN" : "en");
  const newId = () => Date.now().toString(36) + "-" + (++seq).toString(36);

  // A thumb drawn as SVG: emoji fonts are not on every closed-network machine.
  function thumb(down) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "18");
    svg.setAttribute("height", "18");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    if (down) svg.style.transform = "rotate(180deg)";
    const path = document.createElementNS(ns, "path");
    path.setAttribute(
      "d",
      "M2 10h4v11H2zM8 21h9.3c.9 0 1.7-.6 1.9-1.5l1.7-6.6c.3-1.3-.7-2.5-2-2.5H14l.8-4.2c.2-1-.3-1.9-1.2-2.3L13 3.6 8 9.7z"
    );
    path.setAttribute("fill", "currentColor");
    svg.append(path);
    return svg;
  }

  // ---------------------------------------------------------------- storage
  function save() {
    try {
      const keep = exchanges.map((e) => ({
        id: e.id,
        question: e.question,
        answer: e.answer || null,
        failed: !e.answer,
        error: e.answer ? null : e.errorKey || null,
        rating: e.rating || null,
        comment: e.comment || "",
      }));
      if (keep.length) localStorage.setItem(STORE_KEY, JSON.stringify({ v: 1, exchanges: keep }));
      else localStorage.removeItem(STORE_KEY);
    } catch (_) {
      /* full or blocked storage: the conversation lasts for this page */
    }
  }

  function load() {
    try {
      const raw = localStorage.getItem(STORE_KEY);
      if (!raw) return [];
      const data = JSON.parse(raw);
      if (!data || data.v !== 1 || !Array.isArray(data.exchanges)) return [];
      return data.exchanges.filter((e) => e && typeof e.question === "string" && e.id);
    } catch (_) {
      return [];
    }
  }

  // ---------------------------------------------------------------- announcements
  function announce(text, textLanguage) {
    const live = $("#answer-live");
    live.textContent = "";
    live.lang = textLanguage || htmlLang(lang);
    // a fresh node each time, so the same text twice is still announced
    window.setTimeout(() => {
      live.textContent = text;
    }, 50);
  }

  // ---------------------------------------------------------------- starters (a toolbar)
  function renderStarters() {
    const box = $("#starters");
    const focused = box.contains(document.activeElement) ? [...box.children].indexOf(document.activeElement) : -1;
    box.replaceChildren(
      ...STARTERS[lang].map((q, i) =>
        h("button", { type: "button", class: "starter", tabindex: i === 0 ? "0" : "-1", text: q, onclick: () => ask(q) })
      )
    );
    if (focused >= 0) moveStarter(focused);
  }

  function moveStarter(i) {
    const items = [...$("#starters").children];
    if (!items.length) return;
    const n = (i + items.length) % items.length;
    items.forEach((b, j) => (b.tabIndex = j === n ? 0 : -1));
    items[n].focus();
  }

  function onStarterKey(ev) {
    const items = [...$("#starters").children];
    const i = items.indexOf(document.activeElement);
    if (i < 0) return;
    const moves = { ArrowDown: i + 1, ArrowRight: i + 1, ArrowUp: i - 1, ArrowLeft: i - 1, Home: 0, End: items.length - 1 };
    if (ev.key in moves) {
      ev.preventDefault();
      moveStarter(moves[ev.key]);
    }
  }

  function updateWelcome() {
    $("#welcome").hidden = exchanges.length > 0;
  }

  // ---------------------------------------------------------------- composer
  function updateCount() {
    const q = $("#question");
    const count = $("#count");
    const n = [...q.value.trim()].length;
    if (n >= SHOW_COUNT_FROM) {
      count.hidden = false;
      count.textContent = t("count", { n, max: MAX_CHARS });
      count.classList.toggle("over", n > MAX_CHARS);
    } else {
      count.hidden = true;
      count.textContent = "";
    }
  }

  function composerMsg(key, args) {
    const box = $("#composer-msg");
    if (!key) {
      box.hidden = true;
      box.replaceChildren();
      return;
    }
    box.replaceChildren(h("span", { t: [key, args || null] }));
    box.hidden = false;
  }

  // ---------------------------------------------------------------- API
  class ApiError extends Error {
    constructor(status, message, type) {
      super(message);
      this.status = status;
      this.type = type || "";
    }
  }

  async function errorFrom(res) {
    let message = res.statusText || "error";
    let type = "";
    try {
      const body = await res.json();
      if (body && body.error) {
        message = body.error.message || message;
        type = body.error.type || "";
      }
    } catch (_) {
      /* not JSON */
    }
    return new ApiError(res.status, message, type);
  }

  // The key of the message to show for an error, in the chosen language.
  function errorKey(err) {
    if (!err) return "err_server";
    if (err.type === "interrupted") return "err_interrupted";
    if (err.status === 0 || err.type === "network") return "err_network";
    if (err.status === 503 || err.type === "service_unavailable") return "err_unavailable";
    if (err.status === 413) return "err_conversation";
    const m = String(err.message || "");
    if (err.status === 400) {
      if (/binary|control characters/i.test(m)) return "err_binary";
      if (/empty/i.test(m)) return "err_empty";
      if (/characters long/i.test(m)) return "err_long";
      return "err_invalid";
    }
    if (err.status >= 400 && err.status < 500) return "err_invalid";
    return "err_server";
  }

  // POST /api/v1/chat with stream: true; calls on(event, data) for each server-sent event.
  async function streamChat(body, on, signal) {
    let res;
    try {
      res = await fetch("/api/v1/chat", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify(body),
        signal,
      });
    } catch (e) {
      if (e && e.name === "AbortError") throw e;
      throw new ApiError(0, (e && e.message) || "network error", "network");
    }
    if (!res.ok) throw await errorFrom(res);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = "";
    const dispatch = (block) => {
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (!line || line.startsWith(":")) continue;
        const at = line.indexOf(":");
        const field = at < 0 ? line : line.slice(0, at);
        let value = at < 0 ? "" : line.slice(at + 1);
        if (value.startsWith(" ")) value = value.slice(1);
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
      if (!data.length) return;
      let parsed;
      try {
        parsed = JSON.parse(data.join("\n"));
      } catch (_) {
        return;
      }
      on(event, parsed);
    };
    for (;;) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch (e) {
        if (e && e.name === "AbortError") throw e;
        throw new ApiError(0, (e && e.message) || "network error", "interrupted");
      }
      if (chunk.done) break;
      buf += decoder.decode(chunk.value, { stream: true });
      // CRLF or CR line ends become LF; a CR at the very end may be half of a CRLF
      const tail = buf.endsWith("\r") ? "\r" : "";
      buf = buf.slice(0, buf.length - tail.length).replace(/\r\n?/g, "\n") + tail;
      let i;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        dispatch(buf.slice(0, i));
        buf = buf.slice(i + 2);
      }
    }
    buf += decoder.decode();
    if (buf.trim()) dispatch(buf.replace(/\r\n?/g, "\n"));
  }

  async function postJSON(path, body) {
    let res;
    try {
      res = await fetch(path, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError(0, (e && e.message) || "network error", "network");
    }
    if (!res.ok) throw await errorFrom(res);
    return res.json();
  }

  async function getJSON(path) {
    let res;
    try {
      res = await fetch(path, { headers: { Accept: "application/json" } });
    } catch (e) {
      throw new ApiError(0, (e && e.message) || "network error", "network");
    }
    if (!res.ok) throw await errorFrom(res);
    return res.json();
  }

  // ---------------------------------------------------------------- rendering an exchange
  function exNode(ex) {
    return document.getElementById("ex-" + ex.id);
  }

  function renderExchange(ex, index) {
    const qNode = h("div", { class: "turn user" },
      h("span", { class: "vh", t: "you_asked" }),
      h("p", { class: "bubble", "data-content": "", lang: textLang(ex.question), text: ex.question }));
    const hid = "ah-" + ex.id;
    const art = h("article", { class: "turn bot", "aria-labelledby": hid, "data-state": "pending" },
      h("h2", { class: "vh", id: hid, t: ["answer_n", { n: index + 1 }] }),
      h("p", { class: "status" }, h("span", { class: "spinner", "aria-hidden": "true" }), h("span", { t: "looking_up" })),
      h("div", { class: "answer-text", "data-content": "" }),
      h("div", { class: "after" }));
    return h("div", { class: "exchange", id: "ex-" + ex.id, "data-ex": ex.id }, qNode, art);
  }

  // Answer text, line by line; while streaming the markers are plain text, at the end they
  // become buttons that open the cited source.
  function lineNode() {
    return h("span", { class: "line" });
  }

  function appendPiece(box, piece) {
    if (piece === "\n") {
      box.append(lineNode());
      return;
    }
    let line = box.lastElementChild;
    if (!line) {
      line = lineNode();
      box.append(line);
    }
    const parts = piece.split("\n");
    parts.forEach((p, i) => {
      if (i > 0) {
        line = lineNode();
        box.append(line);
      }
      if (p && !line.firstChild && p.startsWith("> ")) {
        line.classList.add("quote"); // a quoted sentence of the source
        p = p.slice(2);
      }
      if (p) line.append(document.createTextNode(p));
    });
  }

  const TOKEN = /\[(\d+)\]|https?:\/\/[^\s,,。;;、()()“”"'<>\]]+/g;

  function renderAnswerText(box, ex) {
    const a = ex.answer;
    const cites = a.citations || [];
    box.replaceChildren();
    box.lang = htmlLang(a.lang);
    // the hall's lines are shown once, in the contacts box under the answer
    const hall = new Set(a.refused && a.contacts && Array.isArray(a.contacts.hall) ? a.contacts.hall.map((x) => String(x).trim()) : []);
    const lines = String(a.answer || "").split("\n");
    lines.forEach((text, li) => {
      if (hall.has(text.trim())) return;
      const line = lineNode();
      if (text.startsWith("> ")) {
        line.classList.add("quote");
        text = text.slice(2);
      }
      const isNotice = li === lines.length - 1 && /^\s*[((].*\bAI\b.*[))]\s*$/.test(text);
      if (isNotice) line.classList.add("notice");
      let last = 0;
      for (const m of text.matchAll(TOKEN)) {
        if (m.index > last) line.append(text.slice(last, m.index));
        if (m[1] !== undefined) {
          const n = Number(m[1]);
          const c = cites[n - 1];
          if (c) {
            line.append(h("button", {
              type: "button",
              class: "cite",
              "data-ref": c.ref,
              "data-n": String(n),
              "aria-controls": "source-panel",
              tattr: { "aria-label": ["cite_label", { n, label: c.label || c.title || "" }] },
              text: `[${n}]`,
              onclick: (ev) => openSource(c, ev.currentTarget),
            }));
          } else {
            line.append(m[0]);
          }
        } else {
          const url = m[0].replace(/[.,:;!?]+$/, ""); // a full stop after a link is not part of it
          line.append(h("a", { href: url, rel: "noopener noreferrer", target: "_blank", class: "url", text: url }));
          last = m.index + url.length;
          continue;
        }
        last = m.index + m[0].length;
      }
      if (last < text.length) line.append(text.slice(last));
      box.append(line);
    });
  }

  function renderAfter(ex, art, isLast) {
    const after = $(".after", art);
    after.replaceChildren();
    const a = ex.answer;
    if (!a) {
      const key = ex.errorKey || "err_unfinished";
      // a question the API refused as invalid is not retried as it is
      const retryable = !["err_empty", "err_long", "err_binary", "err_invalid"].includes(key);
      after.append(h("div", { class: "err-box", role: ex.liveError ? "alert" : null },
        h("p", null, h("span", { t: [key, key === "err_long" ? { n: [...ex.question].length, max: MAX_CHARS } : null] })),
        retryable
          ? h("button", { type: "button", class: "secondary small retry", t: "retry", onclick: () => retry(ex) })
          : null));
      return;
    }
    const ansLang = htmlLang(a.lang);
    if (a.refused) after.append(contactsBox(a));
    const cites = a.citations || [];
    if (cites.length) {
      after.append(h("section", { class: "sources", "aria-labelledby": "sh-" + ex.id },
        h("h3", { id: "sh-" + ex.id, t: "sources_h" }),
        h("ol", null, cites.map((c, i) =>
          h("li", null, h("button", {
            type: "button",
            class: "src-btn",
            "data-ref": c.ref,
            "data-n": String(i + 1),
            "aria-controls": "source-panel",
            onclick: (ev) => openSource(c, ev.currentTarget),
          },
          h("span", { class: "src-n", text: `[${i + 1}]` }),
          h("span", { class: "src-label", "data-content": "", lang: ansLang, text: c.label || c.title })))))));
    }
    const sugg = (a.suggestions || []).slice(0, 3);
    if (isLast && sugg.length) {
      after.append(h("section", { class: "suggest", "aria-labelledby": "gh-" + ex.id },
        h("h3", { id: "gh-" + ex.id, t: "suggest_h" }),
        h("ul", null, sugg.map((q) =>
          h("li", null, h("button", { type: "button", class: "suggestion", "data-content": "", lang: ansLang, text: q, onclick: () => ask(q) }))))));
    }
    after.append(rateBox(ex));
  }

  function contactsBox(a) {
    const c = a.contacts || {};
    const hotline = /^[0-9-]{3,20}$/.test(c.hotline || "") ? c.hotline : "12345";
    const tel = /^tel:[0-9+-]{3,20}$/.test(c.tel || "") ? c.tel : "tel:" + hotline;
    const hall = Array.isArray(c.hall) ? c.hall.filter((x) => typeof x === "string" && x.trim()) : [];
    return h("section", { class: "contacts", "aria-label": null },
      h("h3", { t: "contacts_h" }),
      h("p", null, h("a", { class: "tel", href: tel },
        h("span", { class: "tel-icon", "aria-hidden": "true", text: "☎" }),
        h("span", { t: ["call", { hotline }] }))),
      hall.length
        ? h("div", { class: "hall" },
            h("p", { class: "hall-h", t: "hall_h" }),
            h("ul", { "data-content": "", lang: htmlLang(a.lang) }, hall.map((line) => h("li", { text: line }))))
        : null);
  }

  function rateBox(ex) {
    const box = h("div", { class: "rate" });
    const qid = "rq-" + ex.id;
    if (ex.rating) {
      box.append(h("p", { class: "rate-done", role: "status", t: ex.rating === "up" ? "thanks_up" : "thanks_down" }));
      return box;
    }
    const up = h("button", { type: "button", class: "rate-btn up", "aria-pressed": "false", "data-rating": "up" }, thumb(false), h("span", { t: "rate_up" }));
    const down = h("button", { type: "button", class: "rate-btn down", "aria-pressed": "false", "data-rating": "down" }, thumb(true), h("span", { t: "rate_down" }));
    const cid = "rc-" + ex.id;
    const comment = h("textarea", { id: cid, class: "comment", rows: "2", maxlength: "2000", tattr: { placeholder: "comment_ph" } });
    const send = h("button", { type: "submit", class: "primary small", t: "rate_send" });
    const cancel = h("button", { type: "button", class: "secondary small", t: "cancel" });
    const msg = h("p", { class: "rate-msg", role: "alert", hidden: true });
    const form = h("form", { class: "rate-form", hidden: true, novalidate: true },
      h("label", { for: cid, t: "comment_label" }), comment,
      h("div", { class: "row" }, send, cancel), msg);
    let chosen = null;
    const choose = (r) => {
      chosen = r;
      up.setAttribute("aria-pressed", String(r === "up"));
      down.setAttribute("aria-pressed", String(r === "down"));
      form.hidden = false;
      comment.focus();
    };
    up.addEventListener("click", () => choose("up"));
    down.addEventListener("click", () => choose("down"));
    cancel.addEventListener("click", () => {
      chosen = null;
      up.setAttribute("aria-pressed", "false");
      down.setAttribute("aria-pressed", "false");
      form.hidden = true;
      msg.hidden = true;
      up.focus();
    });
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (!chosen) return;
      const a = ex.answer;
      const refs = [...new Set((a.citations || []).map((c) => c.ref))].slice(0, 20);
      send.disabled = true;
      setT(send, "rate_sending");
      msg.hidden = true;
      try {
        await postJSON("/api/v1/feedback", {
          rating: chosen,
          question: String(a.question || ex.question).slice(0, 2000),
          answer: String(a.answer).slice(0, 20000),
          lang: a.lang === "en" ? "en" : "zh",
          refs,
          comment: comment.value.trim().slice(0, 2000),
          answer_id: /^[A-Za-z0-9_-]{1,64}$/.test(a.answer_id || "") ? a.answer_id : "",
        });
        ex.rating = chosen;
        ex.comment = comment.value.trim();
        save();
        const done = rateBox(ex);
        box.replaceWith(done);
        const p = $(".rate-done", done);
        p.tabIndex = -1;
        p.focus();
      } catch (err) {
        send.disabled = false;
        setT(send, "rate_send");
        setT(msg, "err_rating");
        msg.hidden = false;
      }
    });
    box.append(
      h("div", { class: "rate-row", role: "group", "aria-labelledby": qid },
        h("span", { class: "rate-q", id: qid, t: "rate_q" }), up, down),
      form);
    return box;
  }

  function finishRender(ex, isLast) {
    const node = exNode(ex);
    if (!node) return;
    const art = $("article", node);
    art.dataset.state = ex.answer ? "done" : "error";
    if (ex.answer) {
      art.dataset.answerId = ex.answer.answer_id || "";
      art.classList.toggle("refused", !!ex.answer.refused);
      renderAnswerText($(".answer-text", art), ex);
    } else {
      $(".answer-text", art).replaceChildren();
    }
    $(".status", art).hidden = true;
    renderAfter(ex, art, isLast);
  }

  function refreshSuggestions() {
    exchanges.forEach((ex, i) => {
      const node = exNode(ex);
      if (!node || !ex.answer) return;
      const s = $(".suggest", node);
      if (s && i !== exchanges.length - 1) s.remove();
    });
  }

  // ---------------------------------------------------------------- scrolling
  function composerHeight() {
    return $("#composer").getBoundingClientRect().height;
  }

  // A new answer is shown from its beginning, never from its end: its question goes to the top
  // of the window (or the answer itself, after a long question) and is held there while the
  // text streams in and the page grows, until it is there or the user scrolls.
  let pinned = null;

  function scrollTarget(ex) {
    const node = exNode(ex);
    if (!node) return null;
    const bubble = $(".turn.user", node);
    const room = window.innerHeight - composerHeight();
    return bubble.getBoundingClientRect().height < room * 0.35 ? node : $("article", node);
  }

  function pinStart(ex) {
    pinned = scrollTarget(ex);
    followPin();
  }

  function followPin() {
    if (!pinned || !document.body.contains(pinned)) {
      pinned = null;
      return;
    }
    pinned.scrollIntoView({ block: "start" });
    if (pinned.getBoundingClientRect().top <= 16) pinned = null; // there: stop following
  }

  function unpin() {
    pinned = null;
  }

  // ---------------------------------------------------------------- asking
  function history() {
    const msgs = [];
    for (const ex of exchanges) {
      if (!ex.answer) continue;
      msgs.push({ role: "user", content: ex.question });
      msgs.push({ role: "assistant", content: ex.answer.answer });
    }
    return msgs.slice(-MAX_MESSAGES);
  }

  function validate(q) {
    const n = [...q].length;
    if (!n) return ["err_empty", null];
    if (n > MAX_CHARS) return ["err_long", { n, max: MAX_CHARS }];
    return null;
  }

  async function ask(raw) {
    const question = String(raw || "").trim();
    if (busy) {
      composerMsg("busy");
      return;
    }
    const bad = validate(question);
    if (bad) {
      composerMsg(bad[0], bad[1]);
      $("#question").focus();
      return;
    }
    composerMsg(null);
    const ex = { id: newId(), question };
    const messages = history();
    messages.push({ role: "user", content: question });
    exchanges.push(ex);
    save();
    updateWelcome();
    const node = renderExchange(ex, exchanges.length - 1);
    $("#chat").append(node);
    refreshSuggestions();
    const q = $("#question");
    if (q.value.trim() === question) {
      q.value = "";
      updateCount();
    }
    await run(ex, messages);
  }

  async function run(ex, messages) {
    const node = exNode(ex);
    const art = $("article", node);
    const text = $(".answer-text", art);
    const status = $(".status", art);
    const started = performance.now();
    const askLang = lang;
    text.lang = htmlLang(askLang);
    art.dataset.state = "pending";
    status.hidden = false;
    setT(status.lastElementChild, "looking_up");
    pinStart(ex);
    announce(t("looking_up"));
    const controller = new AbortController();
    busy = { controller, ex };
    $("#send").setAttribute("aria-disabled", "true");
    let firstShown = false;
    let measured = false;
    let done = null;
    const firstText = () => {
      if (firstShown) return;
      firstShown = true;
      status.hidden = true;
      art.dataset.state = "streaming";
      if (measured) return;
      measured = true;
      // measured when the browser is about to paint the first text
      requestAnimationFrame(() => {
        const ms = Math.round(performance.now() - started);
        document.body.dataset.firstTextMs = String(ms);
        art.dataset.firstTextMs = String(ms);
      });
    };
    let following = false;
    const follow = () => {
      if (following || !pinned) return;
      following = true;
      requestAnimationFrame(() => {
        following = false;
        followPin();
      });
    };
    try {
      await streamChat({ messages, lang: askLang, stream: true }, (event, data) => {
        if (event === "meta") {
          ex.answerId = data.answer_id;
        } else if (event === "delta") {
          if (typeof data.text !== "string" || !data.text) return;
          appendPiece(text, data.text);
          firstText();
          follow();
        } else if (event === "replace") {
          text.replaceChildren();
          firstShown = false;
          status.hidden = false;
          art.dataset.state = "pending";
        } else if (event === "done") {
          done = data;
        } else if (event === "error") {
          const e = data && data.error ? data.error : {};
          throw new ApiError(503, e.message || "error", e.type || "service_unavailable");
        }
      }, controller.signal);
      if (!done) throw new ApiError(0, "the answer stopped before it was finished", "interrupted");
      ex.answer = {
        question: done.question || ex.question,
        lang: done.lang === "en" ? "en" : "zh",
        answer: String(done.answer || ""),
        refused: !!done.refused,
        citations: Array.isArray(done.citations) ? done.citations : [],
        suggestions: Array.isArray(done.suggestions) ? done.suggestions.filter((s) => typeof s === "string") : [],
        contacts: done.refused && done.contacts ? done.contacts : null,
        answer_id: done.answer_id || ex.answerId || "",
      };
      if (!firstShown) firstText();
      save();
      finishRender(ex, exchanges[exchanges.length - 1] === ex);
      followPin();
      pinned = null;
      announce(t("answer_ready") + " " + ex.answer.answer, htmlLang(ex.answer.lang));
    } catch (err) {
      if (err && err.name === "AbortError") return; // cleared
      controller.abort(); // stop reading what is left of the stream
      ex.errorKey = errorKey(err);
      ex.liveError = true;
      save();
      finishRender(ex, true);
      followPin();
      pinned = null;
    } finally {
      if (busy && busy.ex === ex) {
        busy = null;
        $("#send").removeAttribute("aria-disabled");
      }
    }
  }

  function retry(ex) {
    if (busy) {
      composerMsg("busy");
      return;
    }
    const i = exchanges.indexOf(ex);
    if (i < 0) return;
    exchanges.splice(i, 1);
    const node = exNode(ex);
    if (node) node.remove();
    renumber();
    ask(ex.question);
  }

  function renumber() {
    exchanges.forEach((ex, i) => {
      const hEl = document.getElementById("ah-" + ex.id);
      if (hEl) setT(hEl, ["answer_n", { n: i + 1 }]);
    });
  }

  // ---------------------------------------------------------------- the source panel
  const panel = () => $("#source-panel");

  async function openSource(cite, trigger) {
    const ids = Array.isArray(cite.sentence_ids) ? cite.sentence_ids : [];
    document.querySelectorAll(".cite.active, .src-btn.active, .rest-btn.active").forEach((b) => b.classList.remove("active"));
    if (trigger) trigger.classList.add("active");
    const keepTrigger = srcState && trigger && trigger.classList.contains("rest-btn") ? srcState.trigger : trigger;
    srcState = { ref: cite.ref, ids, view: null, trigger: keepTrigger, loading: true };
    const p = panel();
    p.hidden = false;
    document.body.classList.add("src-open");
    $("#src-kicker").replaceChildren();
    $("#src-title").textContent = "";
    $("#src-body").replaceChildren();
    setT($("#src-status"), "loading_source");
    const mine = srcState;
    try {
      const q = ids.length ? "?highlight=" + encodeURIComponent(ids.join(",")) : "";
      const view = await getJSON("/api/v1/sources/" + encodeURIComponent(cite.ref) + q);
      if (srcState !== mine) return;
      mine.view = view;
      mine.loading = false;
      renderSource();
      setT($("#src-status"), "source_opened");
      $("#src-title").focus({ preventScroll: true });
      p.scrollTop = 0;
      // the first quoted sentence in view inside the panel (the page itself stays put)
      const hl = $(".src-table tr.hl", p);
      if (hl) {
        const top = hl.getBoundingClientRect().top - p.getBoundingClientRect().top;
        if (top > p.clientHeight * 0.55) p.scrollTop = top - $(".src-head", p).offsetHeight - 16;
      }
    } catch (err) {
      if (srcState !== mine) return;
      mine.loading = false;
      $("#src-body").replaceChildren(h("p", { class: "err-box", role: "alert", t: "err_source" }));
      $("#src-status").textContent = "";
      $("#src-close").focus();
    }
  }

  function closeSource() {
    const p = panel();
    if (p.hidden) return;
    const trigger = srcState && srcState.trigger;
    p.hidden = true;
    document.body.classList.remove("src-open");
    srcState = null;
    document.querySelectorAll(".cite.active, .src-btn.active").forEach((b) => b.classList.remove("active"));
    $("#src-status").textContent = "";
    if (trigger && document.body.contains(trigger)) trigger.focus();
  }

  function renderSource() {
    const v = srcState.view;
    const en = lang === "en";
    const title = en && v.title_en ? v.title_en : v.title;
    const group = en && v.group_en ? v.group_en : v.group;
    const kinds = { plan: "kind_plan", guide: "kind_guide", entry: "kind_entry", document: "kind_document" };
    $("#src-kicker").replaceChildren(h("span", { t: kinds[v.kind] || "kind_document" }));
    if (group) {
      $("#src-kicker").append(h("span", { class: "src-group", "data-content": "", lang: en && v.group_en ? "en" : "zh-CN", text: group }));
    }
    const titleEl = $("#src-title");
    titleEl.textContent = title || v.ref;
    titleEl.lang = en && v.title_en ? "en" : "zh-CN";
    const sentences = Array.isArray(v.sentences) ? v.sentences : [];
    const anyHl = sentences.some((s) => s.highlighted);
    const notes = [h("p", { class: "src-note", t: anyHl ? "quoted_note" : "no_quote_note" })];
    if (v.kind === "plan" || v.english_note) notes.push(h("p", { class: "src-note", t: "en_note" }));
    const cell = (textValue, label, colKey, cellLang, hl) => {
      const kids = [];
      if (label) kids.push(h("b", { class: "s-label", text: label }), " ");
      if (textValue) kids.push(hl ? h("mark", { text: textValue }) : textValue);
      else kids.push(h("span", { class: "s-missing", "data-content": null, t: "no_en" }));
      return h("td", { lang: cellLang, tattr: { "data-label": colKey } }, kids);
    };
    const rows = sentences.map((s) =>
      h("tr", { class: s.highlighted ? "hl" : null, "data-id": s.id },
        cell(s.zh, s.label_zh, "col_zh", "zh-CN", s.highlighted),
        cell(s.en, s.label_en, "col_en", "en", s.highlighted)));
    const table = h("table", { class: "src-table" },
      h("thead", null, h("tr", null, h("th", { scope: "col", t: "col_zh" }), h("th", { scope: "col", t: "col_en" }))),
      h("tbody", { "data-content": "" }, rows));
    // the "no English" placeholder is interface text inside the content: keep it translated
    const extra = [];
    if (v.kind === "guide") {
      const name = (v.source_name && (v.source_name[lang] || v.source_name.zh || v.source_name.en)) || "";
      const url = /^https?:\/\//i.test(v.source_url || "") ? v.source_url : "";
      if (url || name) {
        extra.push(h("p", { class: "src-meta" },
          h("span", { t: "guide_source" }), " ",
          url
            ? h("a", { href: url, rel: "noopener noreferrer", target: "_blank", "data-content": "", text: name || url })
            : h("span", { "data-content": "", text: name }),
          v.source_official === false ? [" ", h("span", { t: "unofficial" })] : null));
      }
      if (v.last_checked) extra.push(h("p", { class: "src-meta", t: ["last_checked", { date: v.last_checked }] }));
    }
    const rests = Array.isArray(v.rests_on) ? v.rests_on : [];
    if (rests.length) {
      extra.push(h("section", { class: "rests" },
        h("h3", { t: "rests_on" }),
        h("ul", null, rests.map((r) =>
          h("li", null, h("button", {
            type: "button",
            class: "rest-btn link-btn",
            "data-ref": r.ref,
            "data-content": "",
            lang: en ? "en" : "zh-CN",
            text: (en ? r.label_en : r.label_zh) || r.ref,
            onclick: (ev) => openSource({ ref: r.ref, sentence_ids: [] }, ev.currentTarget),
          }))))));
    }
    $("#src-body").replaceChildren(...notes, h("div", { class: "table-wrap" }, table), ...extra);
  }

  // ---------------------------------------------------------------- clearing
  function clearAll() {
    if (busy) {
      busy.controller.abort();
      busy = null;
      $("#send").removeAttribute("aria-disabled");
    }
    exchanges = [];
    try {
      localStorage.removeItem(STORE_KEY);
    } catch (_) {
      /* nothing stored */
    }
    closeSource();
    $("#chat").replaceChildren();
    composerMsg(null);
    delete document.body.dataset.firstTextMs;
    updateWelcome();
    announce(t("cleared"));
    window.scrollTo(0, 0);
    $("#question").focus();
  }

  // ---------------------------------------------------------------- start
  function restore() {
    exchanges = load().map((e) => ({
      id: String(e.id),
      question: e.question,
      answer: e.answer && typeof e.answer.answer === "string" ? e.answer : null,
      rating: e.rating === "up" || e.rating === "down" ? e.rating : null,
      comment: e.comment || "",
      errorKey: typeof e.error === "string" && /^err_\w+$/.test(e.error) && e.error in I18N.zh ? e.error : null,
    }));
    const chat = $("#chat");
    exchanges.forEach((ex, i) => {
      chat.append(renderExchange(ex, i));
      finishRender(ex, i === exchanges.length - 1);
    });
    updateWelcome();
    const last = exchanges[exchanges.length - 1];
    if (last) requestAnimationFrame(() => pinStart(last));
  }

  function init() {
    document.querySelectorAll(".langs button").forEach((b) => b.addEventListener("click", () => setLang(b.dataset.lang)));
    $("#starters").addEventListener("keydown", onStarterKey);
    const q = $("#question");
    $("#composer").addEventListener("submit", (ev) => {
      ev.preventDefault();
      ask(q.value);
    });
    q.addEventListener("keydown", (ev) => {
      // Enter sends; Shift+Enter is a new line; never while an input method is composing.
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing && ev.keyCode !== 229) {
        ev.preventDefault();
        ask(q.value);
      }
    });
    q.addEventListener("input", () => {
      updateCount();
      if (!$("#composer-msg").hidden) composerMsg(null);
    });
    $("#skip").addEventListener("click", (ev) => {
      ev.preventDefault();
      q.focus();
    });
    const dlg = $("#confirm-clear");
    $("#clear").addEventListener("click", () => {
      if (typeof dlg.showModal === "function") dlg.showModal();
      else if (window.confirm(t("confirm_title"))) clearAll();
    });
    dlg.addEventListener("close", () => {
      if (dlg.returnValue === "yes") clearAll();
      else $("#clear").focus();
      dlg.returnValue = "";
    });
    $("#src-close").addEventListener("click", closeSource);
    window.addEventListener("wheel", unpin, { passive: true });
    window.addEventListener("touchmove", unpin, { passive: true });
    window.addEventListener("keydown", (ev) => {
      if (ev.target instanceof Element && ev.target.closest("textarea, input")) return;
      if (["PageUp", "PageDown", "Home", "End", "ArrowUp", "ArrowDown", " "].includes(ev.key)) unpin();
    });
    panel().addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") {
        ev.preventDefault();
        closeSource();
      }
    });
    applyLang();
    restore();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
