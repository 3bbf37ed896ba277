// Widget configuration: defaults, reading the embed <script> tag's data-* attributes, and colour checks.

export const DEFAULTS = Object.freeze({
  server: "", // Rasa base URL, e.g. "http://localhost:5005"; "" means the page's own origin
  transport: "socketio", // "socketio" (default) or "rest"
  socketPath: "/socket.io/",
  clinic: "the clinic",
  title: "", // header title; defaults to the clinic name
  subtitle: "Heel-pain assistant",
  greeting: "", // first bot message, shown locally on first open (works even when the server is down)
  greetingButtons: [], // [{title, payload}] quick replies under the greeting
  initPayload: "", // optional message sent silently to Rasa on first open (e.g. "/greet")
  phone: "", // clinic phone, offered when the assistant is unreachable
  emergency: "", // emergency number, shown in the footer note
  disclaimer: "", // footer note; a default is built from clinic and emergency
  position: "right", // "right" or "left"
  storageKey: "heelchat", // localStorage prefix (change it to run two widgets on one site)
  colors: {},
  openOnLoad: false,
  connectTimeoutMs: 6000, // after this long without a connection, show the "assistant unavailable" state
  replyTimeoutMs: 30000, // typing indicator gives up after this long
  maxLength: 1000,
});

export const DEFAULT_COLORS = Object.freeze({
  primary: "#0b5c6b", // header, bubble, user messages, buttons (white text on it: 7.4:1)
  onPrimary: "#ffffff",
  accent: "#b3261e", // "unavailable" banner border
  background: "#ffffff",
  surface: "#f1f4f6", // bot messages
  text: "#1b1f23",
  muted: "#4a5560", // footnotes (7.0:1 on white)
  focus: "#c05600", // focus ring, distinct from primary (3:1+ against white and primary)
});

const COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

function parseButtons(value) {
  if (Array.isArray(value)) return value;
  if (typeof value !== "string" || !value.trim()) return [];
  try {
    const parsed = JSON.parse(value);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

function cleanButtons(buttons) {
  return parseButtons(buttons)
    .filter((b) => b && typeof b.title === "string" && typeof b.payload === "string")
    .slice(0, 10)
    .map((b) => ({ title: b.title.slice(0, 80), payload: b.payload.slice(0, 500) }));
}

/**
 * Reads data-* attributes of the embed script: data-server, data-clinic, data-greeting,
 * data-greeting-buttons (JSON), data-color-primary, data-color-on-primary, ...
 * @param {DOMStringMap} dataset
 */
export function configFromDataset(dataset) {
  const config = { colors: {} };
  for (const [key, value] of Object.entries(dataset || {})) {
    if (key.startsWith("color") && key.length > 5) {
      const name = key[5].toLowerCase() + key.slice(6); // colorOnPrimary -> onPrimary
      config.colors[name] = value;
    } else if (key === "openOnLoad") {
      config.openOnLoad = value === "" || value === "true";
    } else if (key === "connectTimeoutMs" || key === "replyTimeoutMs" || key === "maxLength") {
      const n = Number(value);
      if (Number.isFinite(n) && n > 0) config[key] = n;
    } else if (key in DEFAULTS) {
      config[key] = value;
    }
  }
  return config;
}

/** Merges user config over the defaults and validates every field. */
export function resolveConfig(input = {}) {
  const config = { ...DEFAULTS, ...input };
  config.server = String(config.server || "").replace(/\/+$/, "");
  config.transport = config.transport === "rest" ? "rest" : "socketio";
  config.clinic = String(config.clinic || DEFAULTS.clinic);
  config.title = String(config.title || config.clinic);
  config.greetingButtons = cleanButtons(config.greetingButtons);
  config.position = config.position === "left" ? "left" : "right";
  config.storageKey = String(config.storageKey || DEFAULTS.storageKey).replace(/[^A-Za-z0-9_-]/g, "") || "heelchat";
  const colors = { ...DEFAULT_COLORS };
  for (const [name, value] of Object.entries(input.colors || {})) {
    if (name in DEFAULT_COLORS && COLOR.test(String(value).trim())) colors[name] = String(value).trim();
  }
  config.warnings = contrastWarnings(colors);
  // Keep text readable whatever the clinic picked: text on the brand colour becomes black or white,
  // and links / quick-reply labels fall back to the text colour when the brand colour is too light.
  if (contrastRatio(colors.onPrimary, colors.primary) < 4.5) {
    colors.onPrimary = contrastRatio("#ffffff", colors.primary) >= contrastRatio("#000000", colors.primary)
      ? "#ffffff" : "#000000";
  }
  colors.link = contrastRatio(colors.primary, colors.background) >= 4.5 ? colors.primary : colors.text;
  config.colors = colors;
  return config;
}

// WCAG 2.x relative luminance and contrast ratio.
function channel(c) {
  const v = c / 255;
  return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

export function luminance(hex) {
  let h = hex.replace("#", "");
  if (h.length === 3) h = [...h].map((c) => c + c).join("");
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrastRatio(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Colour pairs that carry text must reach 4.5:1 (WCAG AA); the focus ring 3:1 on the background. */
export function contrastWarnings(colors) {
  const pairs = [
    ["onPrimary", "primary", 4.5],
    ["text", "background", 4.5],
    ["text", "surface", 4.5],
    ["muted", "background", 4.5],
    ["primary", "background", 4.5], // links and quick-reply labels (else the text colour is used)
    ["focus", "background", 3],
  ];
  const warnings = [];
  for (const [fg, bg, min] of pairs) {
    const ratio = contrastRatio(colors[fg], colors[bg]);
    if (ratio < min) warnings.push(`${fg} on ${bg} has contrast ${ratio.toFixed(2)}:1, below ${min}:1`);
  }
  return warnings;
}
