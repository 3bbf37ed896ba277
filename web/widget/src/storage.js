// Persistence of the conversation in the visitor's browser.
//
// localStorage (shared by every tab of the site, kept across reloads):
//   <prefix>:session                      the conversation id (Rasa sender id), a 128-bit random token
//   <prefix>:transcript:<session>:<tab>   the part of the transcript written by one tab (the
//                                         socket.io channel has no history): each tab writes only
//                                         its own key, and the transcript shown is the merge of the
//                                         keys of every tab, ordered by time, without duplicate ids
//   <prefix>:transcript:<session>         legacy single key of older versions: still read in the
//                                         merge, moved into the tab's own key on its next write
//   <prefix>:owner                        the tab that sent the last message: only it records bot
//                                         replies, the other tabs pick them up through the "storage"
//                                         event
// sessionStorage (per tab, kept across reloads of that tab):
//   <prefix>:tab, <prefix>:open, <prefix>:draft
//
// Why one key per tab: localStorage is only eventually consistent between the processes of the tabs
// (Chromium), so a read-modify-write of one shared key could write back a stale list and erase a
// message another tab had just added. A tab now only rewrites what it wrote itself. The owner claim
// can still be read stale by the other tab, so both may record the same bot reply; the merge shows
// such a copy once (same text from another tab's key within seconds). Nothing is ever lost. A tab made with the browser's
// "Duplicate tab" copies sessionStorage, hence the tab id: watchDuplicates() has the original answer the copy, which
// then takes a new id (BroadcastChannel; without it the two share a key, as before).

export const MAX_ENTRIES = 200;
export const DUPLICATE_WINDOW_MS = 10_000;

/** A Storage look-alike kept in memory (the fallback below; the unit tests use it too). */
export function memoryStorage() {
  const map = new Map();
  return {
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => map.set(k, String(v)),
    removeItem: (k) => map.delete(k),
    key: (i) => [...map.keys()][i] ?? null,
    get length() {
      return map.size;
    },
    map,
  };
}

// Storage can be missing or throw (privacy modes, full quota, sandboxed iframes): fall back to memory.
function openChannel(name) {
  try {
    return typeof globalThis.BroadcastChannel === "function" ? new globalThis.BroadcastChannel(name) : null;
  } catch {
    return null;
  }
}

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
    const tab = this.session.getItem(this.key("tab"));
    this.tabId = tab && SESSION_ID.test(tab) ? tab : randomId();
    this.session.setItem(this.key("tab"), this.tabId);
  }

  key(name) {
    return `${this.prefix}:${name}`;
  }

  /**
   * Makes a duplicated tab take its own id. Every tab announces its id once on a BroadcastChannel and answers a
   * newcomer announcing the same id; the newcomer (the duplicate) then switches to a fresh id. A reload has no live
   * tab with its id, so it keeps it. Returns the channel, or null where BroadcastChannel is missing.
   */
  watchDuplicates(channel = openChannel(this.key("tabs"))) {
    if (!channel) return null;
    const nonce = randomId(); // this page load
    channel.onmessage = (event) => {
      const data = (event && event.data) || {};
      if (data.type === "hello" && data.tab === this.tabId && data.nonce !== nonce) {
        channel.postMessage({ type: "taken", tab: data.tab, nonce: data.nonce });
      } else if (data.type === "taken" && data.nonce === nonce && data.tab === this.tabId) {
        this.tabId = randomId();
        this.session.setItem(this.key("tab"), this.tabId);
      }
    };
    channel.postMessage({ type: "hello", tab: this.tabId, nonce });
    return channel;
  }

  readKey(storage, fullKey, fallback) {
    try {
      const raw = storage.getItem(fullKey);
      return raw ? JSON.parse(raw) : fallback;
    } catch {
      return fallback;
    }
  }

  /** Writes JSON; returns whether it was stored. */
  writeKey(storage, fullKey, value) {
    try {
      storage.setItem(fullKey, JSON.stringify(value));
      return true;
    } catch {
      // Quota exceeded: keep only the recent half of the transcript and try once more.
      if (Array.isArray(value) && value.length > 10) return this.writeKey(storage, fullKey, value.slice(-Math.floor(value.length / 2)));
      return false;
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

  /** The legacy single transcript key of a session (older versions; read, never written). */
  legacyKey(sessionId) {
    return this.key(`transcript:${sessionId}`);
  }

  /** This tab's own transcript key: the only transcript key it writes. */
  ownKey(sessionId = this.sessionId()) {
    return `${this.legacyKey(sessionId)}:${this.tabId}`;
  }

  /** Every transcript key of a session in localStorage (all tabs, and the legacy key), sorted. */
  transcriptKeys(sessionId) {
    const legacy = this.legacyKey(sessionId);
    const perTab = `${legacy}:`;
    const keys = new Set();
    const storage = this.local;
    if (typeof storage.key === "function" && typeof storage.length === "number") {
      try {
        for (let i = 0; i < storage.length; i += 1) {
          const k = storage.key(i);
          if (k === legacy || (typeof k === "string" && k.startsWith(perTab) && k.length > perTab.length)) keys.add(k);
        }
      } catch {
        // Enumeration refused: fall back to the keys we can name.
      }
    }
    for (const k of [legacy, `${perTab}${this.tabId}`]) if (storage.getItem(k) !== null) keys.add(k);
    return [...keys].sort();
  }

  readList(fullKey) {
    const list = this.readKey(this.local, fullKey, []);
    return Array.isArray(list) ? list.filter((e) => e && typeof e.id === "string") : [];
  }

  /**
   * The conversation: the entries of every tab's key (and the legacy key) merged, ordered by `ts`
   * (ties by key, then position), one entry per id, the most recent MAX_ENTRIES.
   */
  transcript(sessionId = this.sessionId()) {
    const legacy = this.legacyKey(sessionId);
    const own = this.ownKey(sessionId);
    const best = new Map();
    let order = 0;
    for (const k of this.transcriptKeys(sessionId)) {
      const tab = k === legacy ? null : k.slice(legacy.length + 1);
      for (const entry of this.readList(k)) {
        // Which copy of a duplicated id wins: the one in its author's key (it alone updates it), then
        // this tab's, then any other tab's, then the legacy key.
        const rank = tab === null ? 3 : entry.tab === tab ? 0 : k === own ? 1 : 2;
        const ts = Number.isFinite(entry.ts) ? entry.ts : 0;
        const item = { entry, rank, ts, key: k, order: (order += 1) };
        const seen = best.get(entry.id);
        if (!seen || rank < seen.rank) best.set(entry.id, item);
      }
    }
    const sorted = [...best.values()].sort((x, y) => x.ts - y.ts || x.order - y.order);
    // Two tabs that both took the owner claim as theirs record the same bot reply, each in its own key:
    // show one. A copy is the same text from another tab's key within DUPLICATE_WINDOW_MS (one tab
    // records all replies of its turn, so a genuine repeat never comes from two tabs at once).
    const kept = [];
    for (const item of sorted) {
      const e = item.entry;
      const copy = e.from === "bot" && kept.some((k) => k.entry.from === "bot" && k.key !== item.key &&
        k.entry.text === e.text && Math.abs(k.ts - item.ts) < DUPLICATE_WINDOW_MS);
      if (!copy) kept.push(item);
    }
    return kept.slice(-MAX_ENTRIES).map((item) => item.entry);
  }

  /** This tab's own entries, with the legacy key moved into them on the first write. */
  ownEntries(sessionId) {
    const own = this.readList(this.ownKey(sessionId));
    const legacyKey = this.legacyKey(sessionId);
    if (this.local.getItem(legacyKey) === null) return { entries: own, legacyKey: null };
    const ids = new Set(own.map((e) => e.id));
    return { entries: [...this.readList(legacyKey).filter((e) => !ids.has(e.id)), ...own], legacyKey };
  }

  saveOwn(entries, legacyKey, sessionId) {
    const saved = this.writeKey(this.local, this.ownKey(sessionId), entries.slice(-MAX_ENTRIES));
    if (saved && legacyKey) this.local.removeItem(legacyKey);
  }

  /** Starts a new conversation: a new id, and the old transcript (every tab's) removed from this browser. */
  newSession() {
    const old = this.local.getItem(this.key("session"));
    if (old) for (const k of this.transcriptKeys(old)) this.local.removeItem(k);
    const id = randomId();
    this.local.setItem(this.key("session"), id);
    this.local.removeItem(this.key("owner"));
    this.session.removeItem(this.key("draft"));
    return id;
  }

  /** Moves the transcript (every tab's key) to the id the server confirmed (only if it refused ours). */
  adoptSession(id) {
    const old = this.sessionId();
    if (id === old || !SESSION_ID.test(id)) return;
    const from = this.legacyKey(old);
    const to = this.legacyKey(id);
    const moves = this.transcriptKeys(old).map((k) => [k, to + k.slice(from.length), this.readList(k)]);
    for (const [k] of moves) this.local.removeItem(k);
    this.local.setItem(this.key("session"), id);
    for (const [, k, entries] of moves) if (entries.length) this.writeKey(this.local, k, entries.slice(-MAX_ENTRIES));
  }

  /** Adds an entry to this tab's own key (never rewriting what other tabs wrote). */
  append(entry) {
    const sessionId = this.sessionId();
    const { entries, legacyKey } = this.ownEntries(sessionId);
    entries.push(entry);
    this.saveOwn(entries, legacyKey, sessionId);
    return this.transcript(sessionId);
  }

  /**
   * Changes an entry of this tab (its own pending messages). An entry found only in another key (the
   * legacy key, or a tab that moved it) is copied into this tab's key, whose copy then wins the merge.
   */
  update(id, changes) {
    const sessionId = this.sessionId();
    const { entries, legacyKey } = this.ownEntries(sessionId);
    const entry = entries.find((e) => e.id === id);
    if (entry) Object.assign(entry, changes);
    else {
      const elsewhere = this.transcript(sessionId).find((e) => e.id === id);
      if (!elsewhere) return this.transcript(sessionId);
      entries.push({ ...elsewhere, ...changes });
    }
    this.saveOwn(entries, legacyKey, sessionId);
    return this.transcript(sessionId);
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
