// A deliberately tiny, safe markdown subset for bot messages.
//
// Supported: **bold** / __bold__, bullet lists ("- ", "* ", "• "), numbered lists ("1. " or "1) "),
// [links](url) and bare http(s) URLs. Links are kept only for http, https, tel and mailto; anything
// else (javascript:, data:, raw HTML, images, headings, italics...) is shown as the literal text it was.
//
// The parser returns a plain tree (no HTML strings anywhere) and renderMarkdown() turns that tree into
// DOM nodes with createElement/createTextNode, so no text ever reaches innerHTML.

const SAFE_SCHEMES = new Set(["http:", "https:", "tel:", "mailto:"]);
const MAX_INPUT = 8000; // longer messages are cut: a runaway payload must not freeze the page
// eslint-disable-next-line no-control-regex
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f-\u009f]/;

/**
 * Returns a normalised href if the URL may be linked, otherwise null.
 * @param {string} raw
 * @returns {string|null}
 */
export function safeHref(raw) {
  if (typeof raw !== "string") return null;
  const value = raw.trim();
  if (!value || value.length > 2048 || CONTROL_OR_SPACE.test(value)) return null;
  // Only absolute URLs with an explicit scheme: relative links would point into the host page.
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value);
  if (!scheme) return null;
  let url;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (!SAFE_SCHEMES.has(url.protocol)) return null;
  if (url.protocol === "tel:") {
    const number = decodeURIComponentSafe(value.slice(4));
    return /^\+?[0-9][0-9 ().-]{2,30}$/.test(number) ? "tel:" + number.replace(/[ ().-]/g, "") : null;
  }
  if (url.protocol === "mailto:") {
    const address = decodeURIComponentSafe(value.slice(7).split("?")[0]);
    return /^[^\s@<>"'`]+@[^\s@<>"'`]+\.[^\s@<>"'`]+$/.test(address) ? "mailto:" + address : null;
  }
  if (!url.hostname) return null;
  if (url.username || url.password) return null; // https://clinic.example@evil.example tricks
  return url.href;
}

function decodeURIComponentSafe(value) {
  try {
    return decodeURIComponent(value);
  } catch {
    return "";
  }
}

/** True for links that leave the page (opened in a new tab with noopener). */
export function isExternal(href) {
  return /^https?:/i.test(href);
}

// ---------------------------------------------------------------------------------------------
// Parsing: text -> blocks
//   block := {type:"paragraph", lines: Inline[][]} | {type:"list", ordered, start, items: Inline[][]}
//   inline := {type:"text", text} | {type:"strong", children: inline[]} | {type:"link", href, text}
// ---------------------------------------------------------------------------------------------

const BULLET = /^\s{0,3}[-*•]\s+(.*)$/;
const NUMBERED = /^\s{0,3}(\d{1,3})[.)]\s+(.*)$/;

/**
 * Parses the supported subset into a tree of plain objects.
 * @param {string} text
 */
export function parseMarkdown(text) {
  const source = String(text ?? "").replace(/\r\n?/g, "\n").slice(0, MAX_INPUT);
  const blocks = [];
  let paragraph = null;
  let list = null;

  const closeParagraph = () => {
    if (paragraph) blocks.push(paragraph);
    paragraph = null;
  };
  const closeList = () => {
    if (list) blocks.push(list);
    list = null;
  };

  for (const line of source.split("\n")) {
    if (!line.trim()) {
      closeParagraph();
      closeList();
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      const ordered = Boolean(numbered);
      closeParagraph();
      if (list && list.ordered !== ordered) closeList();
      if (!list) {
        list = { type: "list", ordered, start: ordered ? Number(numbered[1]) : 1, items: [] };
      }
      list.items.push(parseInline(bullet ? bullet[1] : numbered[2]));
      continue;
    }
    if (list && /^\s{2,}\S/.test(line) && list.items.length) {
      // An indented continuation line belongs to the previous list item.
      const item = list.items[list.items.length - 1];
      item.push({ type: "text", text: " " }, ...parseInline(line.trim()));
      continue;
    }
    closeList();
    if (!paragraph) paragraph = { type: "paragraph", lines: [] };
    paragraph.lines.push(parseInline(line));
  }
  closeParagraph();
  closeList();
  return blocks;
}

const WORD = /[\p{L}\p{N}]/u;
const LINK = /\[([^\[\]\n]{1,300})\]\(([^()\s]{1,2048})\)/y;
const BARE_URL = /https?:\/\/[^\s<>"'`()\[\]]+/y;

/**
 * Parses one line of inline markup.
 * @param {string} line
 * @param {boolean} [inStrong]
 */
export function parseInline(line, inStrong = false) {
  const out = [];
  let buffer = "";
  const flush = () => {
    if (buffer) out.push({ type: "text", text: buffer });
    buffer = "";
  };
  let i = 0;
  while (i < line.length) {
    const ch = line[i];
    // **bold** or __bold__ (not nested in another bold; must close on the same line). Underscores only
    // count at word edges, so snake_case__names and URLs with "__" stay as they are.
    if (!inStrong && (ch === "*" || ch === "_") && line[i + 1] === ch && (ch === "*" || /^[\s([{"']?$/.test(line[i - 1] || ""))) {
      const marker = ch + ch;
      let end = line.indexOf(marker, i + 2);
      while (ch === "_" && end !== -1 && (WORD.test(line[end + 2] || "") || /\s/.test(line[end - 1]))) {
        end = line.indexOf(marker, end + 1);
      }
      const inner = end > i + 2 ? line.slice(i + 2, end) : "";
      if (inner && inner.trim() === inner) {
        flush();
        out.push({ type: "strong", children: parseInline(inner, true) });
        i = end + 2;
        continue;
      }
    }
    if (ch === "[") {
      LINK.lastIndex = i;
      const match = LINK.exec(line);
      if (match) {
        const href = safeHref(match[2]);
        if (href) {
          flush();
          out.push({ type: "link", href, text: match[1] });
          i = LINK.lastIndex;
          continue;
        }
        // Unsafe scheme: keep the whole construct as literal text.
        buffer += match[0];
        i = LINK.lastIndex;
        continue;
      }
    }
    if ((ch === "h" || ch === "H") && (i === 0 || /[\s(]/.test(line[i - 1]))) {
      BARE_URL.lastIndex = i;
      const match = BARE_URL.exec(line);
      if (match) {
        let url = match[0];
        const trailing = /[.,;:!?]+$/.exec(url);
        if (trailing) url = url.slice(0, -trailing[0].length);
        const href = safeHref(url);
        if (href) {
          flush();
          out.push({ type: "link", href, text: url });
          i += url.length;
          continue;
        }
      }
    }
    buffer += ch;
    i += 1;
  }
  flush();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Rendering: tree -> DOM (createElement / createTextNode / setAttribute only)
// ---------------------------------------------------------------------------------------------

function renderInline(doc, parent, nodes) {
  for (const node of nodes) {
    if (node.type === "text") {
      parent.appendChild(doc.createTextNode(node.text));
    } else if (node.type === "strong") {
      const strong = doc.createElement("strong");
      renderInline(doc, strong, node.children);
      parent.appendChild(strong);
    } else if (node.type === "link") {
      const a = doc.createElement("a");
      a.setAttribute("href", node.href);
      if (isExternal(node.href)) {
        a.setAttribute("target", "_blank");
        a.setAttribute("rel", "noopener noreferrer");
      }
      a.appendChild(doc.createTextNode(node.text));
      parent.appendChild(a);
    }
  }
}

/**
 * Renders text into a DocumentFragment of safe nodes.
 * @param {string} text
 * @param {Document} [doc]
 */
export function renderMarkdown(text, doc = globalThis.document) {
  const fragment = doc.createDocumentFragment();
  for (const block of parseMarkdown(text)) {
    if (block.type === "paragraph") {
      const p = doc.createElement("p");
      block.lines.forEach((line, index) => {
        if (index > 0) p.appendChild(doc.createElement("br"));
        renderInline(doc, p, line);
      });
      fragment.appendChild(p);
    } else {
      const listEl = doc.createElement(block.ordered ? "ol" : "ul");
      if (block.ordered && block.start !== 1) listEl.setAttribute("start", String(block.start));
      for (const item of block.items) {
        const li = doc.createElement("li");
        renderInline(doc, li, item);
        listEl.appendChild(li);
      }
      fragment.appendChild(listEl);
    }
  }
  return fragment;
}

/** Plain-text version of a message (for previews and screen-reader summaries). */
export function toPlainText(text) {
  const parts = [];
  const inlineText = (nodes) =>
    nodes.map((n) => (n.type === "strong" ? inlineText(n.children) : n.text)).join("");
  for (const block of parseMarkdown(text)) {
    if (block.type === "paragraph") parts.push(block.lines.map(inlineText).join("\n"));
    else parts.push(block.items.map((item) => "• " + inlineText(item)).join("\n"));
  }
  return parts.join("\n\n");
}
