// How the widget talks to Rasa. Both transports offer the same small interface:
//   start(sessionId)      connect (socket.io) or get ready (REST)
//   send(sessionId, text) -> Promise<boolean>: true once the message left the browser
//   reconnectNow()        skip the back-off wait (browser came back online, "Retry now")
//   switchSession(id)     new conversation (start over)
//   stop()
// and report through callbacks: onMessage(botMessage), onStatus(status), onReady(), onSession(id).
// Status is one of "connecting", "online", "reconnecting", "unavailable".

import { io } from "socket.io-client";

/** Normalises a Rasa bot message (socket.io `bot_uttered` or a REST reply item). */
export function normaliseBotMessage(data) {
  if (!data || typeof data !== "object") return null;
  let text = typeof data.text === "string" ? data.text : "";
  const rawButtons = Array.isArray(data.quick_replies) ? data.quick_replies : Array.isArray(data.buttons) ? data.buttons : [];
  const buttons = rawButtons
    .filter((b) => b && typeof b.title === "string" && typeof b.payload === "string")
    .slice(0, 12)
    .map((b) => ({ title: b.title, payload: b.payload }));
  const image = data.image || (data.attachment && data.attachment.type === "image" && data.attachment.payload?.src);
  if (typeof image === "string" && image) text += (text ? "\n" : "") + `[Open the image](${image})`;
  if (!text && !buttons.length) return null;
  return { text, buttons };
}

export class SocketTransport {
  constructor(config, callbacks) {
    this.config = config;
    this.cb = callbacks;
    this.sessionId = null;
    this.ready = false; // connected and the server confirmed our session (room joined)
    this.firstFailureAt = null;
    this.socket = null;
  }

  start(sessionId) {
    this.sessionId = sessionId;
    const url = this.config.server || undefined; // undefined: the page's origin
    this.socket = io(url, {
      path: this.config.socketPath,
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 8000,
      randomizationFactor: 0.3,
      timeout: 8000,
      autoConnect: false,
    });
    const socket = this.socket;
    this.status("connecting");
    socket.on("connect", () => {
      this.ready = false;
      // With session_persistence the server puts this socket in the room named after the session id
      // and answers session_confirm; messages are sent only after that, or their replies would be lost.
      socket.emit("session_request", { session_id: this.sessionId });
    });
    socket.on("session_confirm", (data) => {
      const confirmed = typeof data === "string" ? data : data && data.session_id;
      if (confirmed && confirmed !== this.sessionId) {
        this.sessionId = confirmed;
        this.cb.onSession?.(confirmed);
      }
      this.ready = true;
      this.firstFailureAt = null;
      this.status("online");
      this.cb.onReady?.();
    });
    socket.on("bot_uttered", (data) => {
      const message = normaliseBotMessage(data);
      if (message) this.cb.onMessage(message);
    });
    socket.on("disconnect", (reason) => {
      this.ready = false;
      if (this.stopped) return;
      this.noteFailure();
      // After a server-side disconnect socket.io does not retry by itself.
      if (reason === "io server disconnect") setTimeout(() => !this.stopped && socket.connect(), 1000);
    });
    socket.on("connect_error", () => {
      this.ready = false;
      this.noteFailure();
    });
    socket.io.on("reconnect_attempt", () => this.noteFailure());
    socket.connect();
  }

  noteFailure() {
    if (this.stopped) return;
    const now = Date.now();
    if (this.firstFailureAt === null) this.firstFailureAt = now;
    clearTimeout(this.unavailableTimer);
    const waited = now - this.firstFailureAt;
    if (waited >= this.config.connectTimeoutMs) {
      this.status("unavailable");
    } else {
      this.status(this.everOnline ? "reconnecting" : "connecting");
      this.unavailableTimer = setTimeout(() => {
        if (!this.ready && !this.stopped) this.status("unavailable");
      }, this.config.connectTimeoutMs - waited);
    }
  }

  status(value) {
    if (value === "online") {
      this.everOnline = true;
      clearTimeout(this.unavailableTimer);
    }
    if (value !== this.lastStatus) {
      this.lastStatus = value;
      this.cb.onStatus(value);
    }
  }

  async send(sessionId, text) {
    if (!this.ready || !this.socket || !this.socket.connected) return false;
    this.socket.emit("user_uttered", { message: text, session_id: sessionId });
    return true;
  }

  reconnectNow() {
    if (!this.socket || this.stopped || this.socket.connected) return;
    this.socket.disconnect();
    this.socket.connect();
  }

  switchSession(sessionId) {
    this.sessionId = sessionId;
    this.ready = false;
    if (!this.socket) return;
    // A socket cannot leave a room from the client side: reconnect so only the new room is joined.
    this.socket.disconnect();
    this.socket.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.unavailableTimer);
    this.socket?.disconnect();
  }
}

/**
 * Rasa's REST channel. Works behind any load balancer without sticky sessions, but it has no server
 * push: replies come only as the answer to a message, all at once.
 */
export class RestTransport {
  constructor(config, callbacks) {
    this.config = config;
    this.cb = callbacks;
    this.ready = true; // optimistic: the first failed request says otherwise
    this.failures = 0;
  }

  start(sessionId) {
    this.sessionId = sessionId;
    this.cb.onStatus("online");
    this.ping();
  }

  async ping() {
    try {
      const res = await fetch(`${this.config.server}/`, { method: "GET", cache: "no-store" });
      if (!res.ok) throw new Error(String(res.status));
      this.online();
    } catch {
      this.offline();
    }
  }

  online() {
    const wasDown = !this.ready;
    this.ready = true;
    this.failures = 0;
    clearTimeout(this.retryTimer);
    this.cb.onStatus("online");
    if (wasDown) this.cb.onReady?.();
  }

  offline() {
    this.ready = false;
    this.failures += 1;
    this.cb.onStatus("unavailable");
    clearTimeout(this.retryTimer);
    const delay = Math.min(1000 * 2 ** Math.min(this.failures, 4), 15000);
    this.retryTimer = setTimeout(() => this.ping(), delay);
  }

  async send(sessionId, text) {
    if (!this.ready) return false;
    let replies = [];
    let failed = false;
    try {
      const res = await fetch(`${this.config.server}/webhooks/rest/webhook`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: sessionId, message: text }),
      });
      // The server answered: the message arrived even if handling it failed, so it is not re-sent.
      if (res.ok) replies = await res.json().catch(() => []);
      else failed = true;
    } catch {
      this.offline(); // network error: kept as pending and sent again when the server is back
      return false;
    }
    this.online();
    if (failed) {
      setTimeout(() => {
        this.cb.onNotice?.("server-error");
        this.cb.onTurnEnd?.();
      }, 0);
      return true;
    }
    // Returned first, delivered just after: the caller marks the message sent before replies render.
    setTimeout(() => {
      for (const item of Array.isArray(replies) ? replies : []) {
        const message = normaliseBotMessage(item);
        if (message) this.cb.onMessage(message);
      }
      this.cb.onTurnEnd?.();
    }, 0);
    return true;
  }

  reconnectNow() {
    this.ping();
  }

  switchSession(sessionId) {
    this.sessionId = sessionId;
  }

  stop() {
    clearTimeout(this.retryTimer);
  }
}

export function createTransport(config, callbacks) {
  return config.transport === "rest" ? new RestTransport(config, callbacks) : new SocketTransport(config, callbacks);
}
