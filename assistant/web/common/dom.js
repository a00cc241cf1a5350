/* What the chat and staff pages share: h(), which builds DOM nodes and never sets HTML, and
 * the translation helpers that make every visible string follow the 中文/English toggle.
 *
 * makeH(special) returns h(tag, props, ...children):
 *  - strings among the children become text nodes;
 *  - `class`, `text`, `on<event>` and element properties are set as such, any other key as an
 *    attribute (true: present and empty; false, null or undefined: left out);
 *  - `special(el, key, value)` handles a page's own keys (its translations) and returns true
 *    when it did.
 */
"use strict";

window.makeH = function makeH(special) {
  const PROPS = ["value", "checked", "disabled", "readOnly", "hidden", "selected", "required"];
  return function h(tag, props, ...kids) {
    const el = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === "class") el.className = v;
        else if (special(el, k, v)) continue;
        else if (k === "text") el.textContent = v;
        else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
        else if (PROPS.includes(k)) el[k] = v;
        else el.setAttribute(k, v === true ? "" : String(v));
      }
    }
    for (const kid of kids.flat(Infinity)) {
      if (kid === null || kid === undefined || kid === false) continue;
      el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return el;
  };
};

/* htmlLang(l): the `lang` attribute for a language code ("en", else Chinese). */
window.htmlLang = (l) => (l === "en" ? "en" : "zh-CN");

/* makeI18n(I18N, getLang) returns {t, setT, setTAttr, retranslate, saveLang}:
 *  - t(key, args): the string in the current language, else the Chinese one, else the key;
 *    `{name}` takes args[name], and an argument {t: key} is itself translated;
 *  - setT(el, key | [key, args]) sets the text and remembers it (data-i18n, data-i18n-args);
 *  - setTAttr(el, {attr: key | [key, args]}) sets attributes and remembers them (data-i18n-attr);
 *  - retranslate() re-applies every remembered string and `html lang` after a toggle;
 *  - saveLang(storageKey, l) keeps the choice in localStorage (for this page only in private
 *    mode) and returns it as "zh" or "en".
 */
window.makeI18n = function makeI18n(I18N, getLang) {
  function t(key, args) {
    let s = I18N[getLang()][key];
    if (s === undefined) s = I18N.zh[key];
    if (s === undefined) s = key;
    if (args) {
      s = s.replace(/\{(\w+)\}/g, (m, k) => {
        if (!(k in args)) return m;
        const v = args[k];
        return v && typeof v === "object" && typeof v.t === "string" ? t(v.t) : String(v);
      });
    }
    return s;
  }

  const parts = (spec) => (Array.isArray(spec) ? spec : [spec, null]);

  function setT(el, spec) {
    const [key, args] = parts(spec);
    el.dataset.i18n = key;
    if (args) el.dataset.i18nArgs = JSON.stringify(args);
    else delete el.dataset.i18nArgs;
    el.textContent = t(key, args);
    return el;
  }

  function setTAttr(el, map) {
    el.dataset.i18nAttr = JSON.stringify(map);
    for (const [attr, spec] of Object.entries(map)) {
      const [key, args] = parts(spec);
      el.setAttribute(attr, t(key, args));
    }
    return el;
  }

  function retranslate() {
    document.documentElement.lang = window.htmlLang(getLang());
    document.querySelectorAll("[data-i18n]").forEach((el) => {
      const args = el.dataset.i18nArgs ? JSON.parse(el.dataset.i18nArgs) : null;
      el.textContent = t(el.dataset.i18n, args);
    });
    document.querySelectorAll("[data-i18n-attr]").forEach((el) => setTAttr(el, JSON.parse(el.dataset.i18nAttr)));
  }

  function saveLang(storageKey, l) {
    const chosen = l === "en" ? "en" : "zh";
    try {
      localStorage.setItem(storageKey, chosen);
    } catch (_) {
      /* private mode: the choice lasts for this page */
    }
    return chosen;
  }

  return { t, setT, setTAttr, retranslate, saveLang };
};
