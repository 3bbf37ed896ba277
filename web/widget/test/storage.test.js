// Unit tests of the transcript store: `node --test widget/test/` (from web/).
import { test } from "node:test";
import assert from "node:assert/strict";

import { ChatStore, MAX_ENTRIES, memoryStorage } from "../src/storage.js";

const memory = memoryStorage;

/**
 * One tab's view of a localStorage shared between processes: writes go to the shared store (and to
 * the view), reads come from the view, which only catches up on sync(). Records the keys it wrote.
 */
function staleView(shared) {
  const view = new Map(shared.map);
  const written = [];
  return {
    getItem: (k) => (view.has(k) ? view.get(k) : null),
    setItem: (k, v) => {
      view.set(k, String(v));
      shared.setItem(k, v);
      written.push(k);
    },
    removeItem: (k) => {
      view.delete(k);
      shared.removeItem(k);
    },
    key: (i) => [...view.keys()][i] ?? null,
    get length() {
      return view.size;
    },
    sync() {
      view.clear();
      for (const [k, v] of shared.map) view.set(k, v);
    },
    written,
  };
}

function transcriptKeys(local) {
  return [...local.map.keys()].filter((k) => k.startsWith("hc:transcript:")).sort();
}

test("one session id per browser, shared by tabs; the tab id is per tab", () => {
  const local = memory();
  const tabA = new ChatStore("hc", { local, session: memory() });
  const tabB = new ChatStore("hc", { local, session: memory() });
  assert.match(tabA.sessionId(), /^[0-9a-f]{32}$/);
  assert.equal(tabA.sessionId(), tabB.sessionId());
  assert.notEqual(tabA.tabId, tabB.tabId);
});

test("a reload keeps the tab id (sessionStorage) and the transcript (localStorage)", () => {
  const local = memory();
  const session = memory();
  const before = new ChatStore("hc", { local, session });
  before.append({ id: "1", from: "user", text: "hi" });
  const after = new ChatStore("hc", { local, session });
  assert.equal(after.tabId, before.tabId);
  assert.deepEqual(after.transcript().map((e) => e.text), ["hi"]);
});

test("only the tab that sent the last message records replies", () => {
  const local = memory();
  const tabA = new ChatStore("hc", { local, session: memory() });
  const tabB = new ChatStore("hc", { local, session: memory() });
  assert.ok(tabA.recordsReplies() && tabB.recordsReplies());
  tabB.claimReplies();
  assert.ok(!tabA.recordsReplies());
  assert.ok(tabB.recordsReplies());
});

test("start over removes the old transcript and makes a new id", () => {
  const store = new ChatStore("hc", { local: memory(), session: memory() });
  const old = store.sessionId();
  store.append({ id: "1", from: "user", text: "private" });
  const fresh = store.newSession();
  assert.notEqual(fresh, old);
  assert.deepEqual(store.transcript(), []);
  assert.equal(store.local.getItem(`hc:transcript:${old}`), null);
  assert.deepEqual(transcriptKeys(store.local), []);
});

test("the transcript is capped and survives corrupt storage", () => {
  const local = memory();
  const store = new ChatStore("hc", { local, session: memory() });
  for (let i = 0; i < MAX_ENTRIES + 25; i += 1) store.append({ id: String(i), from: "bot", text: `m${i}` });
  const entries = store.transcript();
  assert.equal(entries.length, MAX_ENTRIES);
  assert.equal(entries[0].id, "25");
  assert.equal(JSON.parse(local.getItem(store.ownKey())).length, MAX_ENTRIES);
  local.setItem(store.ownKey(), "{not json");
  assert.deepEqual(store.transcript(), []);
});

test("an invalid stored session id is replaced", () => {
  const local = memory();
  local.setItem("hc:session", "<script>");
  const store = new ChatStore("hc", { local, session: memory() });
  assert.match(store.sessionId(), /^[0-9a-f]{32}$/);
});

test("a tab with a stale view of storage never erases another tab's message", () => {
  const shared = memory();
  const sessionA = memory();
  const sessionB = memory();
  const setup = new ChatStore("hc", { local: shared, session: sessionA });
  const sid = setup.sessionId();
  setup.append({ id: "greet", from: "bot", text: "hello", ts: 1 });
  const viewA = staleView(shared);
  const viewB = staleView(shared);
  const tabA = new ChatStore("hc", { local: viewA, session: sessionA });
  const tabB = new ChatStore("hc", { local: viewB, session: sessionB });
  // B sends a message; A has not seen it yet and records a bot reply from its stale view.
  tabB.append({ id: "b1", from: "user", text: "from B", ts: 2, tab: tabB.tabId });
  assert.deepEqual(tabA.transcript().map((e) => e.id), ["greet"]);
  tabA.append({ id: "a1", from: "bot", text: "reply seen by A", ts: 3 });
  const fresh = new ChatStore("hc", { local: shared, session: memory() });
  assert.deepEqual(fresh.transcript().map((e) => e.id), ["greet", "b1", "a1"]);
  // Each tab wrote only its own key, so a stale copy of another tab's entries cannot be written back.
  assert.deepEqual(viewA.written, [`hc:transcript:${sid}:${tabA.tabId}`]);
  assert.deepEqual(viewB.written, [`hc:transcript:${sid}:${tabB.tabId}`]);
  viewA.sync();
  assert.deepEqual(tabA.transcript().map((e) => e.id), ["greet", "b1", "a1"]);
});

test("a stale owner claim never loses a message, and the reply both tabs recorded shows once", () => {
  const shared = memory();
  const tabA = new ChatStore("hc", { local: shared, session: memory() });
  tabA.sessionId();
  const viewA = staleView(shared);
  const staleA = new ChatStore("hc", { local: viewA, session: tabA.session });
  const tabB = new ChatStore("hc", { local: shared, session: memory() });
  tabB.append({ id: "q", from: "user", text: "question", ts: 1, tab: tabB.tabId });
  tabB.claimReplies();
  assert.ok(staleA.recordsReplies()); // A has not seen B's claim yet
  staleA.append({ id: "r-a", from: "bot", text: "answer", ts: 2 });
  tabB.append({ id: "r-b", from: "bot", text: "answer", ts: 2 });
  assert.deepEqual(tabB.transcript().map((e) => e.text), ["question", "answer"]);
  assert.ok(shared.getItem(tabA.ownKey()).includes("r-a") && shared.getItem(tabB.ownKey()).includes("r-b"));
});

test("the same bot text from one tab, or much later, is a real repeat and stays", () => {
  const local = memory();
  const tabA = new ChatStore("hc", { local, session: memory() });
  const tabB = new ChatStore("hc", { local, session: memory() });
  tabA.append({ id: "1", from: "bot", text: "Sorry, say that again?", ts: 1000 });
  tabA.append({ id: "2", from: "bot", text: "Sorry, say that again?", ts: 2000 });
  tabB.append({ id: "3", from: "bot", text: "Sorry, say that again?", ts: 60_000 });
  tabB.append({ id: "4", from: "user", text: "ok", ts: 60_500 });
  tabA.append({ id: "5", from: "user", text: "ok", ts: 61_000 });
  assert.deepEqual(tabB.transcript().map((e) => e.id), ["1", "2", "3", "4", "5"]);
});

test("update changes only this tab's own key", () => {
  const local = memory();
  const tabA = new ChatStore("hc", { local, session: memory() });
  const tabB = new ChatStore("hc", { local, session: memory() });
  tabA.append({ id: "a", from: "user", text: "A", ts: 1, pending: true, tab: tabA.tabId });
  tabB.append({ id: "b", from: "user", text: "B", ts: 2, pending: true, tab: tabB.tabId });
  const before = local.getItem(tabB.ownKey());
  tabA.update("a", { pending: false });
  assert.equal(local.getItem(tabB.ownKey()), before);
  assert.deepEqual(tabB.transcript().map((e) => [e.id, e.pending]), [["a", false], ["b", true]]);
});

test("the transcript merges every tab's key by time", () => {
  const local = memory();
  const tabA = new ChatStore("hc", { local, session: memory() });
  const tabB = new ChatStore("hc", { local, session: memory() });
  tabA.append({ id: "a1", from: "user", text: "a1", ts: 10 });
  tabB.append({ id: "b1", from: "user", text: "b1", ts: 5 });
  tabA.append({ id: "a2", from: "bot", text: "a2", ts: 30 });
  tabB.append({ id: "b2", from: "bot", text: "b2", ts: 20 });
  tabB.append({ id: "b3", from: "bot", text: "b3", ts: 30 }); // same ts as a2: stable order by key
  const keyOrder = tabA.ownKey() < tabB.ownKey() ? ["a2", "b3"] : ["b3", "a2"];
  const expected = ["b1", "a1", "b2", ...keyOrder];
  assert.deepEqual(tabA.transcript().map((e) => e.id), expected);
  assert.deepEqual(tabB.transcript().map((e) => e.id), expected);
  assert.equal(transcriptKeys(local).length, 2);
});

test("the merge drops duplicate ids and keeps the most recent MAX_ENTRIES", () => {
  const local = memory();
  const tabA = new ChatStore("hc", { local, session: memory() });
  const tabB = new ChatStore("hc", { local, session: memory() });
  for (let i = 0; i < MAX_ENTRIES; i += 1) {
    tabA.append({ id: `a${i}`, from: "user", text: "a", ts: 2 * i });
    tabB.append({ id: `b${i}`, from: "bot", text: "b", ts: 2 * i + 1 });
  }
  tabB.append({ id: "a199", from: "user", text: "a", ts: 398 });
  const entries = tabA.transcript();
  assert.equal(entries.length, MAX_ENTRIES);
  assert.equal(new Set(entries.map((e) => e.id)).size, MAX_ENTRIES);
  assert.equal(entries[0].id, "a100");
  assert.equal(entries.at(-1).id, "b199");
});

test("start over removes the transcript keys of every tab", () => {
  const local = memory();
  const tabA = new ChatStore("hc", { local, session: memory() });
  const tabB = new ChatStore("hc", { local, session: memory() });
  const old = tabA.sessionId();
  tabA.append({ id: "a", from: "user", text: "private A", ts: 1 });
  tabB.append({ id: "b", from: "user", text: "private B", ts: 2 });
  local.setItem(`hc:transcript:${old}`, JSON.stringify([{ id: "l", from: "user", text: "legacy" }]));
  local.setItem("hc:transcript:othersession:x", JSON.stringify([{ id: "o", from: "user", text: "other" }]));
  assert.equal(transcriptKeys(local).length, 4);
  tabA.newSession();
  assert.deepEqual(transcriptKeys(local), ["hc:transcript:othersession:x"]);
  assert.deepEqual(tabA.transcript(), []);
  assert.deepEqual(tabB.transcript(), []);
});

test("adopting the server's session id moves every tab's entries", () => {
  const local = memory();
  const tabA = new ChatStore("hc", { local, session: memory() });
  const tabB = new ChatStore("hc", { local, session: memory() });
  const old = tabA.sessionId();
  tabA.append({ id: "a", from: "user", text: "A", ts: 1, pending: true, tab: tabA.tabId });
  tabB.append({ id: "b", from: "bot", text: "B", ts: 2 });
  local.setItem(`hc:transcript:${old}`, JSON.stringify([{ id: "l", from: "user", text: "legacy", ts: 0 }]));
  const confirmed = "server-confirmed-id";
  tabA.adoptSession(confirmed);
  assert.equal(tabB.sessionId(), confirmed);
  assert.deepEqual(transcriptKeys(local), [`hc:transcript:${confirmed}`, tabA.ownKey(), tabB.ownKey()].sort());
  assert.ok(tabA.ownKey().startsWith(`hc:transcript:${confirmed}:`));
  assert.deepEqual(tabB.transcript().map((e) => e.id), ["l", "a", "b"]);
  assert.deepEqual(tabA.transcript(old), []);
  tabA.update("a", { pending: false }); // this tab's pending message is still in its own key
  assert.equal(JSON.parse(local.getItem(tabA.ownKey())).find((e) => e.id === "a").pending, false);
  assert.deepEqual(tabB.transcript().map((e) => [e.id, e.pending]), [["l", undefined], ["a", false], ["b", undefined]]);
});

test("the legacy single transcript key is still read and moved on the next write", () => {
  const local = memory();
  const tab = memory();
  const setup = new ChatStore("hc", { local, session: tab });
  const sid = setup.sessionId();
  const legacy = [
    { id: "g", from: "bot", text: "hello", ts: 1 },
    { id: "p", from: "user", text: "sent before the upgrade", ts: 2, pending: true, tab: setup.tabId },
  ];
  local.setItem(`hc:transcript:${sid}`, JSON.stringify(legacy));
  const other = new ChatStore("hc", { local, session: memory() });
  assert.deepEqual(other.transcript().map((e) => e.text), ["hello", "sent before the upgrade"]);
  other.append({ id: "o", from: "user", text: "from the other tab", ts: 3 });
  assert.equal(local.getItem(`hc:transcript:${sid}`), null);
  assert.deepEqual(other.transcript().map((e) => e.id), ["g", "p", "o"]);
  // The tab that queued the legacy message (same tab id after a reload) can still mark it sent.
  const reloaded = new ChatStore("hc", { local, session: tab });
  reloaded.update("p", { pending: false });
  assert.deepEqual(reloaded.transcript().map((e) => [e.id, e.pending]), [["g", undefined], ["p", false], ["o", undefined]]);
  assert.equal(other.transcript().find((e) => e.id === "p").pending, false);
  assert.equal(local.getItem(`hc:transcript:${sid}:${other.tabId}`).includes('"p"'), true);
});

test("the memory fallback storage can be enumerated", () => {
  const store = new ChatStore("hc", { local: undefined, session: memory() });
  store.newSession();
  store.append({ id: "1", from: "user", text: "hi", ts: 1 });
  assert.ok(typeof store.local.key === "function" && store.local.length >= 2);
  assert.deepEqual(store.transcript().map((e) => e.text), ["hi"]);
  store.newSession();
  assert.deepEqual(store.transcript(), []);
});

/** Resolves when `condition()` holds, polling the event loop (BroadcastChannel delivers asynchronously). */
async function waitFor(condition, ms = 2000) {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test("a duplicated tab (sessionStorage copied with its tab id) takes its own id and key", async () => {
  const local = memory();
  const original = new ChatStore("hc", { local, session: memory() });
  const copied = memory();
  copied.setItem("hc:tab", original.tabId); // what the browser's "Duplicate tab" does
  const duplicate = new ChatStore("hc", { local, session: copied });
  assert.equal(duplicate.tabId, original.tabId);
  const name = `hc-tabs-${Math.random()}`;
  const channels = [new BroadcastChannel(name), new BroadcastChannel(name)];
  try {
    original.watchDuplicates(channels[0]);
    duplicate.watchDuplicates(channels[1]);
    await waitFor(() => duplicate.tabId !== original.tabId);
    assert.equal(copied.getItem("hc:tab"), duplicate.tabId); // kept across the duplicate's reloads
    original.append({ id: "1", from: "user", text: "from the original" });
    duplicate.append({ id: "2", from: "user", text: "from the copy" });
    assert.equal(transcriptKeys(local).length, 2);
    // both tabs see both messages (same millisecond here, so compared without order)
    assert.deepEqual(original.transcript().map((e) => e.text).sort(), ["from the copy", "from the original"]);
  } finally {
    for (const channel of channels) channel.close();
  }
});

test("a reload keeps its tab id: no live tab answers for it", async () => {
  const session = memory();
  const first = new ChatStore("hc", { local: memory(), session });
  const name = `hc-tabs-${Math.random()}`;
  const other = new ChatStore("hc", { local: memory(), session: memory() }); // another tab, another id
  const channels = [new BroadcastChannel(name), new BroadcastChannel(name)];
  try {
    other.watchDuplicates(channels[0]);
    const id = first.tabId;
    first.watchDuplicates(channels[1]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(first.tabId, id);
  } finally {
    for (const channel of channels) channel.close();
  }
});

test("without BroadcastChannel the store still works", () => {
  const store = new ChatStore("hc", { local: memory(), session: memory() });
  assert.equal(store.watchDuplicates(null), null);
});
