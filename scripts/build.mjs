// Builds dist/ with esbuild. Cold start is felt in every new chat, so the start-up path is
// one file, as small as it can be:
//
// - dist/server.cjs: src/ and what it needs to answer `initialize` and `tools/list`, bundled
//   as CommonJS, so that the modules loaded later are plain requires of files beside it.
// - dist/index.js: the bin (ESM, like the package). Turns on Node's compile cache where Node
//   has it (22.1 and later) and requires server.cjs; on Node 20 it keeps V8's code cache for
//   server.cjs in the user's cache folder itself (see LOADER). No V8 code cache is shipped: it
//   was 45% of the tarball and only the exact Node build that made it could use it
//   (bench/startup.ts measures the difference: README, "Start-up on Node 20 and 22").
// - dist/clerk-backend.cjs: `@clerk/backend`, required on the first tool call
//   (src/clerk/client.ts imports it dynamically, after installing its fetch wrapper), so
//   `initialize` and `tools/list` never load it.
// - dist/ajv-validator.cjs: the SDK's ajv validator, required when the first elicitation
//   answer is checked (src/server.ts builds it lazily).
//
// Modules replaced in server.cjs, each provably unused on this server's paths:
// - `zod/v3` and `zod-to-json-schema`: the SDK's branches for zod 3 schemas. Every schema
//   here is zod 4; a zod 3 schema reaching them throws instead of silently passing.
//
// src/ imports zod as `import * as z from "zod"`, never `import { z }`: esbuild cannot
// tree-shake a namespace that arrives as a named binding, and with it would come all of zod
// (every locale, its compiler, fromJSONSchema), a third of the bundle.
import { spawn } from "node:child_process";
import { chmod, readFile, rm, writeFile } from "node:fs/promises";
import { build } from "esbuild";

const metafile = process.argv.includes("--metafile");

/** Options common to the three CommonJS bundles. */
const common = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // Smaller, faster to parse; names stay readable in stack traces on stderr.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  logLevel: "warning",
};

/** Small modules that stand in for bigger ones in server.cjs; see the list at the top. */
const STUB_SOURCES = {
  "zod-v3":
    'export function object() { throw new Error("zod 3 schemas are not supported by this server"); }',
  "zod-to-json-schema":
    'export function zodToJsonSchema() { throw new Error("zod 3 schemas are not supported by this server"); }',
  // In place of the SDK's ajv module (for src/server.ts, and for the SDK's Server, which
  // builds one only when no validator is passed): the real one is required from
  // dist/ajv-validator.cjs when the first validator is built.
  "ajv-lazy": `let loaded;
export class AjvJsonSchemaValidator {
  constructor(ajv) {
    loaded ??= require("./ajv-validator.cjs");
    return new loaded.AjvJsonSchemaValidator(ajv);
  }
}`,
};

/**
 * Modules src/index.ts imports dynamically, for a mode a normal start never enters: each is
 * built into its own file and required from there when its mode is asked for.
 * - dist/emulator.cjs: `--emulator`, the repository's emulator (emulator/), the same code the
 *   tests run, with its demo seed.
 * - dist/init.cjs: `init`, with jsonc-parser and read bundled in.
 */
const LAZY_CHUNKS = {
  "./emulator-mode.js": "./emulator.cjs",
  "./init.js": "./init.cjs",
};

const serverPlugin = {
  name: "server",
  setup(b) {
    const stub = (filter, name, importer = /./) =>
      b.onResolve({ filter }, (args) =>
        importer.test(args.importer) ? { path: name, namespace: "stub" } : undefined,
      );
    stub(/^zod\/v3$/, "zod-v3");
    stub(/^zod-to-json-schema$/, "zod-to-json-schema");
    stub(/^@modelcontextprotocol\/sdk\/validation\/ajv$/, "ajv-lazy");
    stub(/^\.\.\/validation\/ajv-provider\.js$/, "ajv-lazy", /@modelcontextprotocol\/sdk\//);
    b.onLoad({ filter: /.*/, namespace: "stub" }, (args) => ({
      contents: STUB_SOURCES[args.path],
      resolveDir: process.cwd(),
    }));
    // Loaded lazily, from files beside server.cjs.
    b.onResolve({ filter: /^\.\/ajv-validator\.cjs$/, namespace: "stub" }, (args) => ({
      path: args.path,
      external: true,
    }));
    // Loaded only in their modes, each from its own file: see LAZY_CHUNKS.
    b.onResolve({ filter: /^\.\/(emulator-mode|init)\.js$/ }, (args) =>
      args.importer.endsWith("/src/index.ts")
        ? { path: LAZY_CHUNKS[args.path], external: true }
        : undefined,
    );
    b.onResolve({ filter: /^@clerk\/backend$/ }, (args) =>
      args.importer.endsWith("/src/clerk/client.ts")
        ? { path: "./clerk-backend.cjs", external: true }
        : undefined,
    );
  },
};

await rm("dist", { recursive: true, force: true });
const toolListing = await prebuildToolListing();
const [server] = await Promise.all([
  build({
    ...common,
    entryPoints: { server: "src/index.ts" },
    // See src/tools/listing.ts: tools/list entries computed now rather than at every start.
    define: { __CLERK_MCP_TOOL_LISTING__: JSON.stringify(toolListing) },
    outExtension: { ".js": ".cjs" },
    outdir: "dist",
    // `await import("@clerk/backend")` becomes a require() in a promise of a file beside it.
    supported: { "dynamic-import": false },
    plugins: [serverPlugin],
    metafile,
  }),
  build({ ...common, entryPoints: ["@clerk/backend"], outfile: "dist/clerk-backend.cjs" }),
  build({ ...common, entryPoints: ["src/emulator-mode.ts"], outfile: "dist/emulator.cjs" }),
  build({
    ...common,
    entryPoints: ["src/init.ts"],
    outfile: "dist/init.cjs",
    // jsonc-parser's "main" is a UMD build whose requires esbuild cannot follow.
    mainFields: ["module", "main"],
  }),
  build({
    ...common,
    entryPoints: ["@modelcontextprotocol/sdk/validation/ajv"],
    outfile: "dist/ajv-validator.cjs",
  }),
]);

// src/index.ts's hashbang is for the bin, which is dist/index.js.
const serverSource = await readFile("dist/server.cjs", "utf8");
await writeFile("dist/server.cjs", serverSource.replace(/^#!.*\n/, ""));
await chmod("dist/server.cjs", 0o644);

// The bin. Where Node has its own compile cache (22.1 and later), the bin turns it on and
// requires server.cjs: V8's code for it is kept in the system's temporary folder after the
// first start. Node 20 has none for this, so the bin does the same by hand: it compiles
// server.cjs with V8's code cache from the user's cache folder and, when there was none or V8
// rejected it (another Node, other flags, a new version of the file), writes one as the
// process exits, when the functions the session ran are compiled. The user's own folder, not
// the shared temporary one: a cache another user could plant would be code run as this one.
const LOADER = `#!/usr/bin/env node
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import module, { createRequire } from "node:module";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";
if (module.enableCompileCache) {
  module.enableCompileCache();
  createRequire(import.meta.url)("./server.cjs");
} else {
  const dirname = fileURLToPath(new URL(".", import.meta.url));
  const filename = join(dirname, "server.cjs");
  const source = readFileSync(filename, "utf8");
  const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "clerk-admin-mcp");
  const file = join(dir, \`server-\${source.length}-\${process.version}-\${process.arch}.cache\`);
  let cachedData;
  try {
    cachedData = readFileSync(file);
  } catch {}
  const script = new Script(module.wrap(source), { filename, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once("exit", () => {
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        writeFileSync(\`\${file}.\${process.pid}\`, script.createCachedData(), { mode: 0o600 });
        renameSync(\`\${file}.\${process.pid}\`, file);
      } catch {}
    });
  }
  const m = { exports: {} };
  script.runInThisContext()(m.exports, createRequire(filename), m, filename, dirname);
}
`;
await writeFile("dist/index.js", LOADER);
await chmod("dist/index.js", 0o755);
if (metafile) await writeFile("dist/meta.json", JSON.stringify(server.metafile));

/**
 * Every tool's `tools/list` entry, as `toolListing` (src/tools/listing.ts) makes it, as the
 * JSON text of an object keyed by tool name: bundles a three-line script and runs it.
 * @throws Error with the child's stderr when the script fails.
 */
async function prebuildToolListing() {
  const script = await build({
    ...common,
    stdin: {
      contents: `import { ALL_TOOLS } from "./src/tools/registry.ts";
import { toolListing } from "./src/tools/listing.ts";
process.stdout.write(JSON.stringify(Object.fromEntries(ALL_TOOLS.map((t) => [t.name, toolListing(t)]))));`,
      resolveDir: process.cwd(),
      loader: "ts",
    },
    write: false,
    plugins: [serverPlugin],
  });
  // The script is too long for a command line: node reads it from stdin.
  const child = spawn(process.execPath, ["-"], { stdio: ["pipe", "pipe", "pipe"] });
  child.stdin.end(script.outputFiles[0].text);
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  child.stderr.on("data", (d) => {
    err += d;
  });
  const code = await new Promise((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`tool listing script exited (${code}): ${err}`);
  JSON.parse(out);
  return out;
}
