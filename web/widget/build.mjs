// Builds web/static/widget.js: one minified file with socket.io-client bundled in.
// Usage (from web/): npm ci && npm run build
import { build } from "esbuild";
import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(join(here, "..", "package.json"), "utf8"));
const outfile = join(here, "..", "static", "widget.js");

await build({
  entryPoints: [join(here, "src", "index.js")],
  outfile,
  bundle: true,
  format: "iife",
  platform: "browser",
  target: ["es2020", "chrome90", "firefox90", "safari15"],
  minify: true,
  legalComments: "eof",
  define: { __VERSION__: JSON.stringify(pkg.version) },
  banner: { js: `/* HeelChat widget ${pkg.version}: built from web/widget/src, do not edit */` },
  logLevel: "warning",
});
console.log(`built ${outfile} (${(statSync(outfile).size / 1024).toFixed(1)} KiB)`);
