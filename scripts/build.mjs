// Builds dist/ with esbuild: src/ and its runtime dependencies in one ESM file, so a cold
// start reads one file instead of resolving and compiling some 300 modules.
//
// - `@clerk/backend` is reached only through `await import()` in src/clerk/client.ts; with
//   `splitting` that import becomes a separate chunk, loaded on the first tool call, so
//   `initialize` and `tools/list` never pay for it.
// - Chunks sit beside index.js (not in a subfolder) so that `createRequire(import.meta.url)
//   ("../package.json")` in src/server.ts resolves to the package root from any of them.
// - The entry's shebang is kept by esbuild; the bin must be executable for `npx`.
// - Bundled CommonJS dependencies may call `require` for Node built-ins, which an ES module
//   does not have: the banner gives each output file one.
import { chmod, rm, writeFile } from "node:fs/promises";
import { build } from "esbuild";

const metafile = process.argv.includes("--metafile");

await rm("dist", { recursive: true, force: true });
const result = await build({
  entryPoints: ["src/index.ts"],
  outdir: "dist",
  bundle: true,
  splitting: true,
  chunkNames: "[name]-[hash]",
  platform: "node",
  format: "esm",
  target: "node20",
  // Smaller, faster to parse; names stay readable in stack traces on stderr.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  banner: {
    js: 'import { createRequire as __bundleCreateRequire } from "node:module"; const require = __bundleCreateRequire(import.meta.url);',
  },
  metafile,
  logLevel: "warning",
});
await chmod("dist/index.js", 0o755);
if (metafile) await writeFile("dist/meta.json", JSON.stringify(result.metafile));
