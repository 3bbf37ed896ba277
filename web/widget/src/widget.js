// The chat widget: a launcher bubble and a non-modal dialog inside a shadow root.
// Every piece of user or bot text reaches the DOM through textContent / createTextNode (see markdown.js).

import { resolveConfig } from "./config.js";
import { renderMarkdown } from "./markdown.js";
import { ChatStore, randomId } from "./storage.js";
import { CSS } from "./styles.js";
import { createTransport } from "./transport.js";

const ICON_CHAT =
  "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z";
const ICON_CLOSE =
  "M18.3 5.7a1 1 0 0 0-1.4 0L12 10.6 7.1 5.7a1 1 0 1 0-1.4 1.4l4.9 4.9-4.9 4.9a1 1 0 1 0 1.4 1.4l4.9-4.9 4.9 4.9a1 1 0 0 0 1.4-1.4L13.4 12l4.9-4.9a1 1 0 0 0 0-1.4z";

const SVG_NS = "http://www.w3.org/2000/svg";

function el(doc, tag, attrs = {}, ...children) {
  const node = doc.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "text") node.textContent = value;
    else if (name === "className") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child) node.appendChild(child);
  return node;
}

function icon(doc, path) {
  const svg = doc.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const p = doc.createElementNS(SVG_NS, "path");
  p.setAttribute("d", path);
  svg.appendChild(p);
  return svg;
}

export class HeelChatWidget {
  constructor(options = {}, doc = document) {
    this.doc = doc;
    this.config = resolveConfig(options);
    for (const warning of this.config.warnings) console.warn(`[HeelChat] ${warning}`);
    this.store = new ChatStore(this.config.storageKey);
    this.store.watchDuplicates(); // "Duplicate tab" copies the tab id: the copy takes its own
    this.sessionId = this.store.sessionId();
    this.rendered = new Map(); // entry id -> element
    this.awaitingReply = false;
    this.status = "connecting";
    this.build();
    this.renderTranscript();
    this.transport = createTransport(this.config, {
      onMessage: (m) => this.receive(m),
      onStatus: (s) => this.setStatus(s),
      onReady: () => this.flushOutbox(),
      onSession: (id) => this.adoptSession(id),
      onTurnEnd: () => this.setTyping(false),
      onNotice: (kind) => kind === "server-error" && this.announce("Sorry, something went wrong on our side. Please try again."),
    });
    // Connect when the visitor first opens the chat (most page views never do), or at once when a
    // conversation is already under way, so that its replies and queued messages are not held up.
    if (this.store.transcript().some((e) => e.from === "user")) this.connect();
    this.onStorage = (event) => this.syncFromStorage(event);
    this.onOnline = () => this.connected && this.transport.reconnectNow();
    window.addEventListener("storage", this.onStorage);
    window.addEventListener("online", this.onOnline);
    if (this.store.isOpen() || this.config.openOnLoad) this.open({ focus: false });
  }

  // ----------------------------------------------------------------------------------- DOM

  build() {
    const d = this.doc;
    const c = this.config;
    this.host = el(d, "div", { id: `${c.storageKey}-widget`, "data-heelchat": "" });
    const colors = c.colors;
    const vars = {
      primary: colors.primary, "on-primary": colors.onPrimary, accent: colors.accent, background: colors.background,
      surface: colors.surface, text: colors.text, muted: colors.muted, focus: colors.focus, link: colors.link,
    };
    for (const [name, value] of Object.entries(vars)) this.host.style.setProperty(`--hc-${name}`, value);
    const root = this.host.attachShadow({ mode: "open" });
    this.root = root;
    if ("adoptedStyleSheets" in root && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(el(d, "style", { text: CSS }));
    }

    const name = c.title;
    this.launcher = el(d, "button", {
      type: "button", className: "hc-launcher", "aria-expanded": "false", "aria-controls": "hc-panel",
      "aria-label": `Chat with ${name}`,
    }, icon(d, ICON_CHAT), el(d, "span", { text: "Chat", "aria-hidden": "true" }));
    this.unread = el(d, "span", { className: "hc-unread", hidden: true, "aria-hidden": "true" });
    this.launcher.appendChild(this.unread);

    this.restartButton = el(d, "button", { type: "button", className: "hc-restart", text: "Start over" });
    this.closeButton = el(d, "button", { type: "button", className: "hc-close", "aria-label": "Close chat" }, icon(d, ICON_CLOSE));
    const header = el(d, "div", { className: "hc-header" },
      el(d, "div", { className: "hc-heading" },
        el(d, "h2", { className: "hc-title", id: "hc-title", text: name }),
        c.subtitle ? el(d, "p", { className: "hc-subtitle", text: c.subtitle }) : null),
      this.restartButton, this.closeButton);

    this.confirmYes = el(d, "button", { type: "button", className: "hc-danger", text: "Clear conversation" });
    this.confirmNo = el(d, "button", { type: "button", text: "Cancel" });
    this.confirmBar = el(d, "div", { className: "hc-confirm", role: "group", "aria-labelledby": "hc-confirm-text", hidden: true },
      el(d, "p", { id: "hc-confirm-text", text: "Clear this conversation from this device and start over?" }),
      this.confirmYes, this.confirmNo);

    this.statusBar = el(d, "div", { className: "hc-status", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    this.log = el(d, "div", {
      className: "hc-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
      "aria-label": `Conversation with ${name}`, tabindex: "0",
    });
    this.typing = el(d, "div", { className: "hc-typing", hidden: true },
      el(d, "span", { className: "sr-only", text: `${name} is typing` }),
      el(d, "span", { className: "dot", "aria-hidden": "true" }),
      el(d, "span", { className: "dot", "aria-hidden": "true" }),
      el(d, "span", { className: "dot", "aria-hidden": "true" }),
      el(d, "span", { className: "hc-typing-label", "aria-hidden": "true", text: "typing…" }));
    this.input = el(d, "textarea", {
      className: "hc-input", id: "hc-input", rows: "1", maxlength: String(c.maxLength), autocomplete: "off",
      placeholder: "Type your message…", enterkeyhint: "send", "aria-describedby": "hc-note",
    });
    this.sendButton = el(d, "button", { type: "submit", className: "hc-send", text: "Send" });
    this.form = el(d, "form", { className: "hc-composer" },
      el(d, "label", { for: "hc-input", className: "sr-only", text: `Message to ${name}` }), this.input, this.sendButton);
    const emergency = c.emergency ? ` In an emergency call ${c.emergency}.` : "";
    this.note = el(d, "p", { className: "hc-note", id: "hc-note", text: c.disclaimer || `General information, not a diagnosis.${emergency}` });
    // Announcements that are not messages (conversation cleared, errors) go through this one region.
    this.announcer = el(d, "div", { className: "sr-only", role: "status", "aria-live": "polite" });

    this.panel = el(d, "div", {
      className: "hc-panel", id: "hc-panel", role: "dialog", "aria-label": `Chat with ${name}`, "aria-modal": "false", hidden: true,
    }, header, this.confirmBar, this.statusBar, this.log, this.typing, this.form, this.note, this.announcer);
    this.wrapper = el(d, "div", { className: "hc", "data-position": c.position, "data-open": "false" }, this.launcher, this.panel);
    root.appendChild(this.wrapper);
    (d.body || d.documentElement).appendChild(this.host);

    this.launcher.addEventListener("click", () => this.open());
    this.closeButton.addEventListener("click", () => this.close());
    this.restartButton.addEventListener("click", () => this.askRestart());
    this.confirmNo.addEventListener("click", () => this.cancelRestart());
    this.confirmYes.addEventListener("click", () => this.restart());
    this.panel.addEventListener("keydown", (event) => this.onKeydown(event));
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submitInput();
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submitInput();
      }
    });
    this.input.addEventListener("input", () => {
      this.store.setDraft(this.input.value);
      this.autosize();
    });
    this.input.value = this.store.draft();
  }

  autosize() {
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight + 4, 120)}px`;
  }

  onKeydown(event) {
    if (event.key !== "Escape") return;
    event.stopPropagation();
    if (!this.confirmBar.hidden) this.cancelRestart();
    else this.close();
  }

  // ----------------------------------------------------------------------------------- open / close

  connect() {
    if (this.connected) return;
    this.connected = true;
    this.transport.start(this.sessionId);
  }

  open({ focus = true } = {}) {
    this.connect();
    this.panel.hidden = false;
    this.wrapper.dataset.open = "true";
    this.launcher.setAttribute("aria-expanded", "true");
    this.unread.hidden = true;
    this.store.setOpen(true);
    this.greetIfNew();
    this.scrollToEnd();
    this.autosize();
    if (focus) this.input.focus();
  }

  close() {
    this.cancelRestart();
    this.panel.hidden = true;
    this.wrapper.dataset.open = "false";
    this.launcher.setAttribute("aria-expanded", "false");
    this.store.setOpen(false);
    this.launcher.focus();
  }

  get isOpen() {
    return !this.panel.hidden;
  }

  /** The clinic's greeting (and optional silent init message) once per conversation. */
  greetIfNew() {
    if (this.store.transcript().length) return;
    const c = this.config;
    if (c.greeting || c.greetingButtons.length) {
      this.store.append({ id: randomId(), from: "bot", text: c.greeting, buttons: c.greetingButtons, ts: Date.now(), greeting: true });
    }
    if (c.initPayload) this.queueUserMessage({ text: c.initPayload, hidden: true });
    this.renderTranscript();
  }

  // ----------------------------------------------------------------------------------- sending

  submitInput() {
    const text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this.store.setDraft("");
    this.autosize();
    this.queueUserMessage({ text });
  }

  /** Sends a quick reply: the title is what the visitor sees, the payload what Rasa gets. */
  chooseReply(button) {
    this.queueUserMessage({ text: button.title, payload: button.payload });
    this.input.focus();
  }

  queueUserMessage({ text, payload, hidden = false }) {
    const entry = { id: randomId(), from: "user", text: text.slice(0, this.config.maxLength), ts: Date.now(), pending: true, tab: this.store.tabId };
    if (payload) entry.payload = payload;
    if (hidden) entry.hidden = true;
    this.store.append(entry);
    this.renderTranscript();
    this.flushOutbox();
  }

  /** Sends pending messages of this tab in order; they stay pending (and visible) while offline. */
  async flushOutbox() {
    if (this.flushing || !this.connected) return;
    this.flushing = true;
    try {
      for (;;) {
        const entry = this.store.transcript().find((e) => e.from === "user" && e.pending && e.tab === this.store.tabId);
        if (!entry) break;
        this.store.claimReplies();
        const sent = await this.transport.send(this.sessionId, entry.payload || entry.text);
        if (!sent) break;
        this.store.update(entry.id, { pending: false });
        this.renderTranscript();
        this.setTyping(true);
      }
    } finally {
      this.flushing = false;
    }
  }

  // ----------------------------------------------------------------------------------- receiving

  receive(message) {
    this.setTyping(false);
    if (!this.store.recordsReplies()) return; // the tab that asked records it; we get it via "storage"
    this.store.append({ id: randomId(), from: "bot", text: message.text, buttons: message.buttons, ts: Date.now() });
    this.renderTranscript();
    if (!this.isOpen) this.unread.hidden = false;
  }

  setTyping(on) {
    clearTimeout(this.typingTimer);
    this.awaitingReply = on;
    this.typing.hidden = !on;
    if (on) {
      this.typingTimer = setTimeout(() => this.setTyping(false), this.config.replyTimeoutMs);
      this.scrollToEnd();
    }
  }

  // ----------------------------------------------------------------------------------- rendering

  renderTranscript() {
    const entries = this.store.transcript().filter((e) => !e.hidden);
    const ids = new Set(entries.map((e) => e.id));
    for (const [id, node] of this.rendered) {
      if (!ids.has(id)) {
        node.remove();
        this.rendered.delete(id);
      }
    }
    for (const entry of entries) {
      let node = this.rendered.get(entry.id);
      if (!node) {
        node = this.renderEntry(entry);
        this.rendered.set(entry.id, node);
        this.log.appendChild(node);
      }
      this.updatePending(node, entry);
    }
    this.renderReplies(entries);
    this.scrollToEnd();
  }

  renderEntry(entry) {
    const d = this.doc;
    const bot = entry.from === "bot";
    const who = el(d, "span", { className: "sr-only", text: bot ? `${this.config.title} said: ` : "You said: " });
    const text = el(d, "div", { className: "hc-text" });
    if (bot) text.appendChild(renderMarkdown(entry.text || "", d));
    else text.textContent = entry.text;
    const node = el(d, "div", { className: `hc-msg hc-msg--${bot ? "bot" : "user"}`, "data-id": entry.id }, who, text);
    if (!entry.text && bot) text.hidden = true; // buttons only
    return node;
  }

  updatePending(node, entry) {
    let marker = node.querySelector(".hc-pending");
    if (entry.pending && !marker) {
      marker = el(this.doc, "span", { className: "hc-pending", text: "Not sent yet: it will go when the connection is back." });
      node.appendChild(marker);
    } else if (!entry.pending && marker) {
      marker.remove();
    }
  }

  /** Quick replies belong to the last message only: once the visitor answers they are gone. */
  renderReplies(entries) {
    this.replies?.remove();
    this.replies = null;
    const last = entries[entries.length - 1];
    if (!last || last.from !== "bot" || !Array.isArray(last.buttons) || !last.buttons.length) return;
    const group = el(this.doc, "div", { className: "hc-replies", role: "group", "aria-label": "Suggested replies" });
    for (const button of last.buttons) {
      const b = el(this.doc, "button", { type: "button", className: "hc-reply", text: button.title });
      b.addEventListener("click", () => this.chooseReply(button));
      group.appendChild(b);
    }
    this.replies = group;
    this.log.appendChild(group);
  }

  scrollToEnd() {
    if (this.panel.hidden) return;
    this.log.scrollTop = this.log.scrollHeight;
  }

  // ----------------------------------------------------------------------------------- status

  setStatus(status) {
    this.status = status;
    this.wrapper.dataset.status = status;
    const bar = this.statusBar;
    bar.dataset.state = status;
    bar.replaceChildren();
    const d = this.doc;
    if (status === "reconnecting") {
      bar.append("Connection lost. Reconnecting… Anything you type will be sent when it is back.");
    } else if (status === "unavailable") {
      bar.append("The assistant can't be reached right now. Your messages are kept and sent when it is back.");
      if (this.config.phone) {
        const tel = this.config.phone.replace(/[^+0-9]/g, "");
        bar.append(" For help now, call ");
        bar.append(el(d, "a", { href: `tel:${tel}`, text: this.config.phone }));
        bar.append(".");
      }
      const retry = el(d, "button", { type: "button", className: "hc-retry", text: "Try again" });
      retry.addEventListener("click", () => {
        bar.replaceChildren("Trying again…");
        this.transport.reconnectNow();
        this.input.focus();
      });
      bar.append(" ", retry);
    } else if (status === "online" && this.wasDown) {
      this.announce("Connected again.");
    }
    this.wasDown = status === "reconnecting" || status === "unavailable";
  }

  announce(text) {
    this.announcer.textContent = "";
    // A new text node after a tick makes screen readers announce even a repeated message.
    setTimeout(() => {
      this.announcer.textContent = text;
    }, 50);
  }

  // ----------------------------------------------------------------------------------- start over

  askRestart() {
    this.confirmBar.hidden = false;
    this.confirmNo.focus();
  }

  cancelRestart() {
    if (this.confirmBar.hidden) return;
    this.confirmBar.hidden = true;
    this.restartButton.focus();
  }

  /**
   * New conversation id and an empty transcript on this device. No "/restart" is sent: the old
   * conversation simply ends (Rasa keeps its tracker as for any conversation), and the new id gives a
   * fresh tracker with no slots carried over.
   */
  restart() {
    this.confirmBar.hidden = true;
    this.sessionId = this.store.newSession();
    this.setTyping(false);
    if (this.connected) this.transport.switchSession(this.sessionId);
    this.input.value = "";
    this.renderTranscript();
    this.greetIfNew();
    this.announce("Conversation cleared. You can start again.");
    this.input.focus();
  }

  adoptSession(id) {
    this.store.adoptSession(id);
    this.sessionId = id;
  }

  /** Another tab changed the conversation: show its messages, or follow it to a new conversation. */
  syncFromStorage(event) {
    if (event.storageArea !== this.store.local || !event.key || !event.key.startsWith(`${this.config.storageKey}:`)) return;
    const current = this.store.sessionId();
    if (current !== this.sessionId) {
      this.sessionId = current;
      if (this.connected) this.transport.switchSession(current);
      this.setTyping(false);
    }
    this.renderTranscript();
  }

  destroy() {
    clearTimeout(this.typingTimer);
    this.transport.stop();
    window.removeEventListener("storage", this.onStorage);
    window.removeEventListener("online", this.onOnline);
    this.host.remove();
  }
}
