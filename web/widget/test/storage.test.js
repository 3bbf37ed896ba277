// Unit tests of the transcript store: `node --test widget/test/` (from web/).
import { test } from "node:test";
import assert from "node:assert/strict";

import { ChatStore, MAX_ENTRIES } from "../src/storage.js";

function memory() {
  const map = new Map();
  return { getItem: (k) => (map.has(k) ? map.get(k) : null), setItem: (k, v) => map.set(k, String(v)), removeItem: (k) => map.delete(k), map };
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
});

test("the transcript is capped and survives corrupt storage", () => {
  const local = memory();
  const store = new ChatStore("hc", { local, session: memory() });
  for (let i = 0; i < MAX_ENTRIES + 25; i += 1) store.append({ id: String(i), from: "bot", text: `m${i}` });
  const entries = store.transcript();
  assert.equal(entries.length, MAX_ENTRIES);
  assert.equal(entries[0].id, "25");
  local.setItem(`hc:transcript:${store.sessionId()}`, "{not json");
  assert.deepEqual(store.transcript(), []);
});

test("an invalid stored session id is replaced", () => {
  const local = memory();
  local.setItem("hc:session", "<script>");
  const store = new ChatStore("hc", { local, session: memory() });
  assert.match(store.sessionId(), /^[0-9a-f]{32}$/);
});
