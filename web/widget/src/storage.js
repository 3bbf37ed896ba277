// Persistence of the conversation in the visitor's browser.
//
// localStorage (shared by every tab of the site, kept across reloads):
//   <prefix>:session              the conversation id (Rasa sender id), a 128-bit random token
//   <prefix>:transcript:<session> the widget's own transcript (the socket.io channel has no history)
//   <prefix>:owner                the tab that sent the last message: only it records bot replies,
//                                 the other tabs pick them up through the "storage" event
// sessionStorage (per tab, kept across reloads of that tab):
//   <prefix>:tab, <prefix>:open, <prefix>:draft

export const MAX_ENTRIES = 200;

function memoryStorage() {
  const map = new Map();
  return {
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => map.set(k, String(v)),
    removeItem: (k) => map.delete(k),
    key: (i) => [...map.keys()][i] ?? null,
    get length() {
      return map.size;
    },
  };
}

// Storage can be missing or throw (privacy modes, full quota, sandboxed iframes): fall back to memory.
function usable(getStorage) {
  try {
    const storage = getStorage();
    const probe = "__heelchat_probe__";
    storage.setItem(probe, "1");
    storage.removeItem(probe);
    return storage;
  } catch {
    return memoryStorage();
  }
}

export function randomId() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID().replace(/-/g, "");
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === "function") c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const SESSION_ID = /^[A-Za-z0-9_-]{8,64}$/;

export class ChatStore {
  constructor(prefix, { local, session } = {}) {
    this.prefix = prefix;
    this.local = local || usable(() => globalThis.localStorage);
    this.session = session || usable(() => globalThis.sessionStorage);
    this.tabId = this.session.getItem(this.key("tab")) || randomId();
    this.session.setItem(this.key("tab"), this.tabId);
  }

  key(name) {
    return `${this.prefix}:${name}`;
  }

  readJSON(storage, name, fallback) {
    try {
      const raw = storage.getItem(this.key(name));
      return raw ? JSON.parse(raw) : fallback;
    } catch {
      return fallback;
    }
  }

  writeJSON(storage, name, value) {
    try {
      storage.setItem(this.key(name), JSON.stringify(value));
    } catch {
      // Quota exceeded: keep only the recent half of the transcript and try once more.
      if (Array.isArray(value) && value.length > 10) this.writeJSON(storage, name, value.slice(-Math.floor(value.length / 2)));
    }
  }

  /** The current session id, created on first use. */
  sessionId() {
    let id = this.local.getItem(this.key("session"));
    if (!id || !SESSION_ID.test(id)) {
      id = randomId();
      this.local.setItem(this.key("session"), id);
    }
    return id;
  }

  /** Starts a new conversation: a new id, and the old transcript removed from this browser. */
  newSession() {
    const old = this.local.getItem(this.key("session"));
    if (old) this.local.removeItem(this.key(`transcript:${old}`));
    const id = randomId();
    this.local.setItem(this.key("session"), id);
    this.local.removeItem(this.key("owner"));
    this.session.removeItem(this.key("draft"));
    return id;
  }

  /** Moves the transcript to the id the server confirmed (only if it refused ours). */
  adoptSession(id) {
    const old = this.sessionId();
    if (id === old || !SESSION_ID.test(id)) return;
    const transcript = this.transcript(old);
    this.local.removeItem(this.key(`transcript:${old}`));
    this.local.setItem(this.key("session"), id);
    this.saveTranscript(transcript, id);
  }

  transcript(sessionId = this.sessionId()) {
    const list = this.readJSON(this.local, `transcript:${sessionId}`, []);
    return Array.isArray(list) ? list.filter((e) => e && typeof e.id === "string") : [];
  }

  saveTranscript(entries, sessionId = this.sessionId()) {
    this.writeJSON(this.local, `transcript:${sessionId}`, entries.slice(-MAX_ENTRIES));
  }

  append(entry) {
    const entries = this.transcript();
    entries.push(entry);
    this.saveTranscript(entries);
    return entries;
  }

  update(id, changes) {
    const entries = this.transcript();
    const entry = entries.find((e) => e.id === id);
    if (entry) Object.assign(entry, changes);
    this.saveTranscript(entries);
    return entries;
  }

  claimReplies() {
    this.local.setItem(this.key("owner"), this.tabId);
  }

  /** Whether this tab records incoming bot messages (it sent the last message, or nobody did). */
  recordsReplies() {
    const owner = this.local.getItem(this.key("owner"));
    return !owner || owner === this.tabId;
  }

  isOpen() {
    return this.session.getItem(this.key("open")) === "1";
  }

  setOpen(open) {
    this.session.setItem(this.key("open"), open ? "1" : "0");
  }

  draft() {
    return this.session.getItem(this.key("draft")) || "";
  }

  setDraft(text) {
    if (text) this.session.setItem(this.key("draft"), text);
    else this.session.removeItem(this.key("draft"));
  }
}
