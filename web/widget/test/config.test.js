// Unit tests of widget configuration and colour contrast: `node --test widget/test/` (from web/).
import { test } from "node:test";
import assert from "node:assert/strict";

import { configFromDataset, contrastRatio, resolveConfig, DEFAULT_COLORS, contrastWarnings } from "../src/config.js";

test("data-* attributes become config, colours grouped", () => {
  const config = configFromDataset({
    server: "http://localhost:5005/", clinic: "HelloPhysio", greeting: "Hi", colorPrimary: "#123456",
    colorOnPrimary: "#ffffff", greetingButtons: '[{"title":"A","payload":"/a"}]', openOnLoad: "",
    connectTimeoutMs: "3000", unknownThing: "x",
  });
  assert.deepEqual(config.colors, { primary: "#123456", onPrimary: "#ffffff" });
  assert.equal(config.openOnLoad, true);
  assert.equal(config.connectTimeoutMs, 3000);
  assert.equal(config.unknownThing, undefined);
  const resolved = resolveConfig(config);
  assert.equal(resolved.server, "http://localhost:5005");
  assert.deepEqual(resolved.greetingButtons, [{ title: "A", payload: "/a" }]);
  assert.equal(resolved.title, "HelloPhysio");
});

test("bad values fall back to safe defaults", () => {
  const resolved = resolveConfig({
    transport: "carrier-pigeon", position: "middle", storageKey: "a b<c>", greetingButtons: "not json",
    colors: { primary: "red; background: url(x)", text: "#000" },
  });
  assert.equal(resolved.transport, "socketio");
  assert.equal(resolved.position, "right");
  assert.equal(resolved.storageKey, "abc");
  assert.deepEqual(resolved.greetingButtons, []);
  assert.equal(resolved.colors.primary, DEFAULT_COLORS.primary);
  assert.equal(resolved.colors.text, "#000");
});

test("WCAG contrast ratio", () => {
  assert.equal(contrastRatio("#000000", "#ffffff").toFixed(1), "21.0");
  assert.equal(contrastRatio("#fff", "#fff"), 1);
  assert.ok(contrastRatio(DEFAULT_COLORS.onPrimary, DEFAULT_COLORS.primary) >= 4.5);
});

test("the default palette passes every check", () => {
  assert.deepEqual(contrastWarnings({ ...DEFAULT_COLORS }), []);
});

test("a light brand colour gets dark text and links fall back to the text colour", () => {
  const resolved = resolveConfig({ colors: { primary: "#8fd3e8" } });
  assert.equal(resolved.colors.onPrimary, "#000000");
  assert.equal(resolved.colors.link, resolved.colors.text);
  assert.ok(resolved.warnings.some((w) => w.startsWith("onPrimary on primary")));
});
