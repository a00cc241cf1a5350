/* What the chat and staff pages share: h(), which builds DOM nodes and never sets HTML.
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
