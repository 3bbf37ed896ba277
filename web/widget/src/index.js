// Entry point of widget.js. Embed with one script tag:
//   <script src="/widget.js" data-server="http://localhost:5005" data-clinic="HelloPhysio" defer></script>
// or, for full control, load it without data-server and call window.HeelChat.init({...}).

import { configFromDataset } from "./config.js";
import { HeelChatWidget } from "./widget.js";

const script = document.currentScript;
let instance = null;

function init(options = {}) {
  if (instance) return instance; // one widget per page: a second init returns the first
  instance = new HeelChatWidget(options);
  return instance;
}

function whenReady(fn) {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn, { once: true });
  else fn();
}

const api = {
  init,
  get instance() {
    return instance;
  },
  open: () => instance?.open(),
  close: () => instance?.close(),
  destroy: () => {
    instance?.destroy();
    instance = null;
  },
  version: __VERSION__,
};
window.HeelChat = Object.assign(window.HeelChat || {}, api);

if (script && script.dataset && "server" in script.dataset) {
  const options = configFromDataset(script.dataset);
  whenReady(() => init(options));
}
