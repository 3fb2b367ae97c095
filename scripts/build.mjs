// Builds dist/ with esbuild. Cold start is felt in every new chat, so the start-up path is
// one file, as small as it can be, compiled from a V8 code cache when the Node that runs it
// is the one that built it:
//
// - dist/server.cjs: src/ and what it needs to answer `initialize` and `tools/list`, bundled
//   as CommonJS, because only a classic script can be compiled with a code cache (`vm.Script`
//   `cachedData`; Node 20 has no compile cache for ES modules).
// - dist/server.cjs.cache: V8's code cache for it, written here by a throw-away run of the
//   server that answers `initialize` and `tools/list`, so the functions those run are in it.
// - dist/index.js: the bin (ESM, like the package). Compiles server.cjs with the cache and
//   runs it. V8 checks the cache against its own version, flags and the source, and compiles
//   from source when it does not match (another Node, NODE_OPTIONS) or the file is missing;
//   nothing is written at run time.
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
import { chmod, readFile, rm, stat, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const noCache = process.argv.includes("--no-code-cache");
const metafile = process.argv.includes("--metafile");
/** The code cache run takes well under a second; a child still running after this is stuck. */
const CODE_CACHE_TIMEOUT_MS = 20_000;

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
    // `await import("@clerk/backend")` becomes a require() in a promise: a classic script
    // compiled by vm has no loader for import().
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

// src/index.ts's hashbang is for the bin; vm compiles the file as a plain script.
const serverSource = await readFile("dist/server.cjs", "utf8");
await writeFile("dist/server.cjs", serverSource.replace(/^#!.*\n/, ""));
await chmod("dist/server.cjs", 0o644);

// The bin. `Module.wrap` keeps line numbers; the cache is only read, never written.
const LOADER = `#!/usr/bin/env node
import { readFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";
const filename = join(dirname(fileURLToPath(import.meta.url)), "server.cjs");
let cachedData;
try {
  cachedData = readFileSync(\`\${filename}.cache\`);
} catch {}
const script = new Script(Module.wrap(readFileSync(filename, "utf8")), { filename, cachedData });
if (process.env.CLERK_MCP_DEBUG_CODE_CACHE) {
  process.stderr.write(\`code cache: \${cachedData ? (script.cachedDataRejected ? "rejected" : "used") : "none"}\\n\`);
}
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(filename), module, filename, dirname(filename));
`;
await writeFile("dist/index.js", LOADER);
await chmod("dist/index.js", 0o755);
if (!noCache) {
  try {
    await writeCodeCache();
  } catch (err) {
    process.stderr.write(`build failed: ${err.message}\n`);
    process.exit(1);
  }
}
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

/**
 * Runs server.cjs as the bin does, in a child that answers `initialize` and `tools/list` over
 * stdio with a placeholder key (it makes no Clerk call), then has it write the code cache of
 * the script it ran. The cache then holds the start-up path's functions, already compiled.
 * A child that has not finished within CODE_CACHE_TIMEOUT_MS is killed and the build fails.
 * @throws Error saying what went wrong, with the child's stderr.
 */
async function writeCodeCache() {
  const producer = `
const { readFileSync, writeFileSync } = require("node:fs");
const Module = require("node:module");
const { dirname } = require("node:path");
const { Script } = require("node:vm");
const filename = ${JSON.stringify(fileURLToPath(new URL("../dist/server.cjs", import.meta.url)))};
const script = new Script(Module.wrap(readFileSync(filename, "utf8")), { filename });
process.on("message", () => {
  writeFileSync(filename + ".cache", script.createCachedData());
  process.exit(0);
});
const module = { exports: {} };
script.runInThisContext()(module.exports, Module.createRequire(filename), module, filename, dirname(filename));
`;
  const child = spawn(process.execPath, ["-e", producer], {
    env: {
      PATH: process.env.PATH ?? "",
      CLERK_SECRET_KEY: "sk_test_codecacheplaceholder",
      CLERK_API_URL: "http://127.0.0.1:9",
    },
    stdio: ["pipe", "pipe", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const answered = new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes('"id":2')) resolve();
    });
    exited.then((code) => reject(new Error(`code cache run exited (${code}): ${stderr}`)));
  });
  let timer;
  const timedOut = new Promise((_, reject) => {
    timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `the code cache run did not finish within ${CODE_CACHE_TIMEOUT_MS / 1000} s and was killed (it should answer initialize and tools/list, then exit). Its stderr: ${stderr.trim() || "(empty)"}. To build without the cache: node scripts/build.mjs --no-code-cache`,
        ),
      );
    }, CODE_CACHE_TIMEOUT_MS);
  });
  try {
    await Promise.race([produce(), timedOut]);
  } finally {
    clearTimeout(timer);
  }
  await stat("dist/server.cjs.cache");

  async function produce() {
    const send = (msg) => child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", ...msg })}\n`);
    send({
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "build", version: "0" },
      },
    });
    send({ method: "notifications/initialized" });
    send({ id: 2, method: "tools/list" });
    await answered;
    child.send("write");
    const code = await exited;
    if (code !== 0) throw new Error(`code cache run failed (${code}): ${stderr}`);
  }
}
