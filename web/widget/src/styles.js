// Styles live in the widget's shadow root, so the host page's CSS cannot break the widget and the
// widget's CSS cannot leak into the page. Colours come from custom properties set from the config.
export const CSS = `
:host { all: initial; }
*, *::before, *::after { box-sizing: border-box; }
.hc {
  --hc-radius: 14px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 15px;
  line-height: 1.45;
  color: var(--hc-text);
  position: fixed;
  bottom: 20px;
  right: 20px;
  z-index: 2147483000;
}
.hc[data-position="left"] { right: auto; left: 20px; }
.sr-only {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; border: 0;
}
button { font: inherit; cursor: pointer; }
:focus { outline: none; }
:focus-visible { outline: 3px solid var(--hc-focus); outline-offset: 2px; }
.hc-launcher {
  display: inline-flex; align-items: center; gap: 8px;
  min-height: 56px; padding: 0 20px 0 16px; border: 0; border-radius: 28px;
  background: var(--hc-primary); color: var(--hc-on-primary);
  font-weight: 600; font-size: 16px;
  box-shadow: 0 6px 20px rgba(0, 0, 0, 0.25);
}
.hc-launcher svg { width: 26px; height: 26px; fill: currentColor; flex: none; }
.hc-launcher:hover { filter: brightness(1.08); }
.hc-launcher:focus-visible { outline-offset: 4px; }
.hc-unread {
  min-width: 12px; height: 12px; border-radius: 6px; background: var(--hc-focus);
  border: 2px solid var(--hc-on-primary);
}
.hc[data-open="true"] .hc-launcher { display: none; }
.hc-panel {
  position: absolute; bottom: 0; right: 0;
  width: 380px; height: min(640px, calc(100vh - 40px));
  display: flex; flex-direction: column;
  background: var(--hc-background); color: var(--hc-text);
  border-radius: var(--hc-radius); overflow: hidden;
  box-shadow: 0 12px 40px rgba(0, 0, 0, 0.3);
}
.hc[data-position="left"] .hc-panel { right: auto; left: 0; }
.hc-panel[hidden] { display: none; }
.hc-header {
  display: flex; align-items: center; gap: 8px;
  padding: 12px 12px 12px 16px; background: var(--hc-primary); color: var(--hc-on-primary);
}
.hc-heading { flex: 1; min-width: 0; }
.hc-title { margin: 0; font-size: 17px; font-weight: 700; line-height: 1.2; overflow-wrap: anywhere; }
.hc-subtitle { margin: 2px 0 0; font-size: 13px; }
.hc-header button {
  min-width: 44px; min-height: 44px; padding: 0 10px; border-radius: 8px;
  background: transparent; color: var(--hc-on-primary); border: 2px solid transparent;
}
.hc-header button:hover { border-color: currentColor; }
.hc-header :focus-visible { outline-color: var(--hc-on-primary); outline-offset: -2px; border-color: transparent; box-shadow: inset 0 0 0 5px var(--hc-primary), inset 0 0 0 7px var(--hc-on-primary); }
.hc-close svg { width: 22px; height: 22px; fill: currentColor; vertical-align: middle; }
.hc-restart { font-size: 14px; text-decoration: underline; text-underline-offset: 3px; }
.hc-confirm, .hc-status {
  padding: 10px 16px; font-size: 14px; border-bottom: 1px solid #d5dbe0;
}
.hc-confirm { background: var(--hc-surface); display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.hc-confirm[hidden], .hc-status:empty { display: none; }
.hc-confirm p { margin: 0; flex: 1 1 100%; }
.hc-status { background: #fff8e1; color: #3d2c00; }
.hc-status[data-state="unavailable"] { background: #fdecea; color: #5f1410; border-left: 4px solid var(--hc-accent); }
.hc-status a { color: inherit; font-weight: 600; }
.hc-status button, .hc-confirm button, .hc-reply, .hc-retry {
  min-height: 40px; padding: 6px 14px; border-radius: 20px;
  border: 2px solid var(--hc-link); background: var(--hc-background); color: var(--hc-link); font-weight: 600;
}
.hc-status button { margin-left: 4px; min-height: 36px; }
.hc-confirm .hc-danger { background: var(--hc-primary); color: var(--hc-on-primary); border-color: var(--hc-primary); }
.hc-log {
  flex: 1; overflow-y: auto; padding: 16px; display: flex; flex-direction: column; gap: 10px;
  overscroll-behavior: contain; scroll-behavior: smooth;
}
.hc-log:focus-visible { outline-offset: -3px; }
.hc-msg { display: flex; flex-direction: column; max-width: 85%; }
.hc-msg--bot { align-self: flex-start; }
.hc-msg--user { align-self: flex-end; align-items: flex-end; }
.hc-text {
  padding: 10px 14px; border-radius: var(--hc-radius); overflow-wrap: anywhere; word-break: break-word;
}
.hc-msg--bot .hc-text { background: var(--hc-surface); color: var(--hc-text); border-bottom-left-radius: 4px; }
.hc-msg--user .hc-text {
  background: var(--hc-primary); color: var(--hc-on-primary); border-bottom-right-radius: 4px; white-space: pre-wrap;
}
.hc-text p { margin: 0; }
.hc-text p + p, .hc-text p + ul, .hc-text p + ol, .hc-text ul + p, .hc-text ol + p { margin-top: 8px; }
.hc-text ul, .hc-text ol { margin: 4px 0 0; padding-left: 22px; }
.hc-text li + li { margin-top: 2px; }
.hc-text a { color: var(--hc-link); font-weight: 600; text-decoration: underline; text-underline-offset: 2px; }
.hc-pending { font-size: 12px; color: var(--hc-muted); margin-top: 4px; }
.hc-replies { display: flex; flex-wrap: wrap; gap: 8px; align-self: flex-start; max-width: 100%; }
.hc-reply { text-align: left; }
.hc-reply:hover, .hc-status button:hover, .hc-confirm button:hover { background: var(--hc-surface); }
.hc-confirm .hc-danger:hover { background: var(--hc-primary); filter: brightness(1.1); }
.hc-typing { padding: 0 16px 8px; display: flex; align-items: center; gap: 4px; min-height: 20px; }
.hc-typing[hidden] { display: none; }
.hc-typing .dot {
  width: 8px; height: 8px; border-radius: 50%; background: var(--hc-muted);
  animation: hc-bounce 1.2s infinite ease-in-out;
}
.hc-typing .dot:nth-child(3) { animation-delay: 0.15s; }
.hc-typing .dot:nth-child(4) { animation-delay: 0.3s; }
.hc-typing-label { font-size: 12px; color: var(--hc-muted); margin-left: 6px; }
@keyframes hc-bounce { 0%, 80%, 100% { transform: translateY(0); opacity: 0.5; } 40% { transform: translateY(-4px); opacity: 1; } }
@media (prefers-reduced-motion: reduce) {
  .hc-typing .dot { animation: none; }
  .hc-log { scroll-behavior: auto; }
}
.hc-composer {
  display: flex; gap: 8px; align-items: flex-end; padding: 10px 12px; border-top: 1px solid #d5dbe0;
}
.hc-input {
  flex: 1; min-width: 0; resize: none; max-height: 120px; min-height: 44px;
  padding: 10px 12px; border: 2px solid #6b7680; border-radius: 10px;
  font: inherit; font-size: 16px; color: var(--hc-text); background: var(--hc-background);
}
.hc-input:focus-visible { outline-offset: 0; border-color: var(--hc-primary); }
.hc-send {
  flex: none; min-width: 64px; min-height: 44px; padding: 0 14px; border: 0; border-radius: 10px;
  background: var(--hc-primary); color: var(--hc-on-primary); font-weight: 600;
}
.hc-send:disabled { opacity: 0.6; cursor: default; }
.hc-note { margin: 0; padding: 0 12px 10px; font-size: 12px; color: var(--hc-muted); }
.hc-count { font-size: 12px; color: var(--hc-muted); padding: 0 12px; text-align: right; }
.hc-count:empty { display: none; }

/* Phones: the panel takes the whole screen (360 px wide and up). */
@media (max-width: 480px) {
  .hc { bottom: 12px; right: 12px; }
  .hc[data-position="left"] { left: 12px; }
  .hc[data-open="true"] { inset: 0; }
  .hc-panel, .hc[data-position="left"] .hc-panel {
    position: fixed; inset: 0; width: 100%; height: 100%; max-height: none; border-radius: 0;
  }
  .hc-msg { max-width: 92%; }
  .hc-restart { padding: 0 6px; }
}
@media (forced-colors: active) {
  .hc-launcher, .hc-send, .hc-reply, .hc-text { border: 1px solid CanvasText; }
}
`;
