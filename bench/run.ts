/**
 * `npm run bench`: one run, on this machine, against the emulator on 127.0.0.1, side by side:
 * this server (dist/index.js), `node -e 0` (the floor for start-up), @clerk/agent-toolkit
 * 0.3.15 (what users have today) and the same revoke done in-process with @clerk/backend (the
 * floor for calls). Prints a table and writes bench/results/latest.json. Takes about 25 s.
 *
 * Options: --runs N (cold starts per subject, default 9, at least 7), --warmup N (calls per
 * subject before the timed ones, default 500), --json PATH.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createClerkClient } from "@clerk/backend";
import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";
import { type Emulator, type RateLimit, startEmulator } from "../emulator/index.js";
import { benchHttp, httpReport } from "./lib/http.js";
import { procMemory, StdioRpc } from "./lib/rpc.js";
import { median, percentile, pooled, round } from "./lib/stats.js";
import { countToolTokens, type ListedTool, type ToolTokens } from "./tokens.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SERVER_BIN = join(ROOT, "dist/index.js");
const TOOLKIT_BIN = join(
  ROOT,
  "node_modules/@clerk/agent-toolkit/dist/modelcontextprotocol/local-server.js",
);

const { values: opts } = parseArgs({
  options: {
    runs: { type: "string", default: "9" },
    // A stdio server lives for a whole session, so per-call cost is taken in steady state, after
    // V8 has optimised the call path; every subject gets the same warm-up. The first call is
    // reported on its own.
    warmup: { type: "string", default: "500" },
    json: { type: "string", default: join(ROOT, "bench/results/latest.json") },
  },
});
const RUNS = Math.max(7, Number(opts.runs));
const WARMUP_CALLS = Math.max(0, Number(opts.warmup));
const SEQUENTIAL_CALLS = 1000;
/** The sequential calls are taken in this many rounds, interleaving the subjects. */
const SEQUENTIAL_ROUNDS = 5;
const FLOOR = "in-process @clerk/backend";
const PARALLEL_CALLS = 320;
const IN_FLIGHT = 32;
const BULK = { ids: 300, perCall: 100, rateLimit: { requests: 100, windowMs: 1000 } };
/** The tool-definition budget the tests enforce: each limit, and the average's committed ratchet. */
const TOKEN_BUDGET = JSON.parse(
  readFileSync(new URL("./token-budget.json", import.meta.url), "utf8"),
) as {
  averagePerTool: { limit: number; committed: number };
  defaultSelectionTotal: { limit: number };
};

interface Subject {
  name: string;
  args: string[];
  /** The single-revoke tool and its argument name. */
  revokeTool: string;
  revokeArg: string;
}

const SERVER: Subject = {
  name: "clerk-admin-mcp",
  args: [SERVER_BIN],
  revokeTool: "revoke_invitation",
  revokeArg: "invitation_id",
};
const TOOLKIT: Subject = {
  name: "agent-toolkit 0.3.15",
  args: [TOOLKIT_BIN],
  revokeTool: "revokeInvitation",
  revokeArg: "invitationId",
};

/** The child sees PATH and HOME, the emulator's URL and key, and nothing else of ours. */
function childEnv(emu: Emulator): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ["PATH", "HOME"]) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return { ...env, CLERK_SECRET_KEY: emu.secretKey, CLERK_API_URL: emu.url };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => process.stderr.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------
// Cold start

interface ColdStart {
  initializeMs: number[];
  toolsListMs: number[];
}

async function nodeFloorOnce(): Promise<number> {
  const start = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
    child.on("exit", () => resolve());
    child.on("error", reject);
  });
  return performance.now() - start;
}

/** Spawn → `initialize` answered → `tools/list` answered, then stdin closed and exit awaited. */
async function coldStartOnce(subject: Subject, emu: Emulator): Promise<[number, number]> {
  const rpc = new StdioRpc(process.execPath, subject.args, childEnv(emu));
  await rpc.initialize(LATEST_PROTOCOL_VERSION);
  const init = performance.now() - rpc.spawnedAt;
  await rpc.request("tools/list");
  const list = performance.now() - rpc.spawnedAt;
  await rpc.close();
  return [init, list];
}

async function coldStarts(emu: Emulator): Promise<Record<string, ColdStart>> {
  const out: Record<string, ColdStart> = {
    "node -e 0": { initializeMs: [], toolsListMs: [] },
    [SERVER.name]: { initializeMs: [], toolsListMs: [] },
    [TOOLKIT.name]: { initializeMs: [], toolsListMs: [] },
  };
  // One discarded round warms the file cache; then the subjects take turns, so that a burst
  // of load on the machine does not land on one subject only.
  for (let round = -1; round < RUNS; round++) {
    const floor = await nodeFloorOnce();
    const ours = await coldStartOnce(SERVER, emu);
    const theirs = await coldStartOnce(TOOLKIT, emu);
    if (round < 0) continue;
    out["node -e 0"]?.initializeMs.push(floor);
    out["node -e 0"]?.toolsListMs.push(floor);
    out[SERVER.name]?.initializeMs.push(ours[0]);
    out[SERVER.name]?.toolsListMs.push(ours[1]);
    out[TOOLKIT.name]?.initializeMs.push(theirs[0]);
    out[TOOLKIT.name]?.toolsListMs.push(theirs[1]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Calls and memory

interface CallStats {
  firstCallMs?: number;
  sequential: { medianMs: number; p99Ms: number; calls: number };
  parallel: { inFlight: number; calls: number; wallMs: number; callsPerSecond: number };
  parallelLatency: { medianMs: number; p99Ms: number };
  failures: number;
}

interface ServerRun {
  tools: ListedTool[];
  /** Sequential MCP `ping`s: the pipe and JSON-RPC round trip with no tool work in it. */
  ping: { medianMs: number; p99Ms: number };
  memory: { idlePeakMiB: number; idleRssMiB: number; loadedPeakMiB: number };
  calls: CallStats;
}

interface CallResult {
  isError?: boolean;
}

function seedPending(emu: Emulator, count: number, tag: string): string[] {
  return Array.from(
    { length: count },
    (_, i) => emu.addInvitation({ email_address: `${tag}-${i}@example.com` }).id,
  );
}

/** One subject of the call measurements: revokes one invitation, true when it was revoked. */
type Revoke = (id: string) => Promise<boolean>;

/**
 * Per subject, one after the other: the first call, the warm-up, then 32 in flight. The
 * sequential calls are taken in between, in rounds that interleave the subjects (the order
 * turns each round), all against the one emulator: latencies keep falling over a bench
 * process's first thousands of calls (seen for both servers, whichever runs), and a subject
 * measured first would otherwise pay for that.
 */
async function measureCalls(
  emu: Emulator,
  subjects: Record<string, Revoke>,
): Promise<Record<string, CallStats>> {
  const names = Object.keys(subjects);
  const ids: Record<string, string[]> = Object.fromEntries(names.map((n) => [n, []]));
  const failures: Record<string, number> = {};
  const call = async (name: string, id: string) => {
    ids[name]?.push(id);
    if (!(await (subjects[name] as Revoke)(id))) failures[name] = (failures[name] ?? 0) + 1;
  };
  const firstCallMs: Record<string, number> = {};
  for (const name of names) {
    const [first, ...warmup] = seedPending(emu, 1 + WARMUP_CALLS, `${name}-warm`);
    const start = performance.now();
    await call(name, first as string);
    firstCallMs[name] = performance.now() - start;
    for (const id of warmup) await call(name, id);
  }

  const sequential: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const perRound = SEQUENTIAL_CALLS / SEQUENTIAL_ROUNDS;
  for (let round = 0; round < SEQUENTIAL_ROUNDS; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length] as string;
      const roundIds = seedPending(emu, perRound, `${name}-seq${round}`);
      sequential[name]?.push(...(await pooled(roundIds, 1, (id) => call(name, id))));
    }
  }

  const out: Record<string, CallStats> = {};
  for (const name of names) {
    const parallelIds = seedPending(emu, PARALLEL_CALLS, `${name}-par`);
    const wallStart = performance.now();
    const parallel = await pooled(parallelIds, IN_FLIGHT, (id) => call(name, id));
    const wallMs = performance.now() - wallStart;
    const seq = sequential[name] ?? [];
    const notRevoked = (ids[name] ?? []).filter(
      (id) => emu.getInvitation(id)?.status !== "revoked",
    ).length;
    out[name] = {
      firstCallMs: firstCallMs[name],
      sequential: { medianMs: median(seq), p99Ms: percentile(seq, 99), calls: seq.length },
      parallel: {
        inFlight: IN_FLIGHT,
        calls: parallel.length,
        wallMs,
        callsPerSecond: (parallel.length / wallMs) * 1000,
      },
      parallelLatency: { medianMs: median(parallel), p99Ms: percentile(parallel, 99) },
      failures: Math.max(failures[name] ?? 0, notRevoked),
    };
  }
  return out;
}

/** A stdio server under measurement, initialized, with its `tools/list`. */
interface Running {
  subject: Subject;
  rpc: StdioRpc;
  tools: ListedTool[];
}

async function startSubject(subject: Subject, emu: Emulator): Promise<Running> {
  const rpc = new StdioRpc(process.execPath, subject.args, childEnv(emu));
  await rpc.initialize(LATEST_PROTOCOL_VERSION);
  const { tools } = await rpc.request<{ tools: ListedTool[] }>("tools/list");
  return { subject, rpc, tools };
}

function revokeVia({ subject, rpc }: Running): Revoke {
  return async (id) => {
    const result = await rpc.request<CallResult>("tools/call", {
      name: subject.revokeTool,
      arguments: { [subject.revokeArg]: id },
    });
    return result.isError !== true;
  };
}

/**
 * Both servers and the in-process floor against one emulator: idle memory, the calls
 * (`measureCalls`), memory after them, then sequential MCP `ping`s.
 */
async function measureServers(): Promise<{
  ours: ServerRun;
  theirs: ServerRun;
  floor: CallStats;
}> {
  const emu = await startEmulator();
  const running: Running[] = [];
  try {
    for (const subject of [SERVER, TOOLKIT]) running.push(await startSubject(subject, emu));
    const [ours, theirs] = running as [Running, Running];
    await sleep(1000);
    const idle = [await ours.rpc.memory(), await theirs.rpc.memory()];
    const clerk = createClerkClient({ secretKey: emu.secretKey, apiUrl: emu.url });
    const calls = await measureCalls(emu, {
      [SERVER.name]: revokeVia(ours),
      [TOOLKIT.name]: revokeVia(theirs),
      [FLOOR]: async (id) => (await clerk.invitations.revokeInvitation(id)).status === "revoked",
    });
    const run = async (r: Running, i: number): Promise<ServerRun> => {
      const loaded = await r.rpc.memory();
      const pings = await pooled(Array.from({ length: SEQUENTIAL_CALLS }), 1, async () => {
        await r.rpc.request("ping");
      });
      const before = idle[i] as { rssMiB: number; peakMiB: number };
      return {
        tools: r.tools,
        ping: { medianMs: median(pings), p99Ms: percentile(pings, 99) },
        memory: {
          idlePeakMiB: before.peakMiB,
          idleRssMiB: before.rssMiB,
          loadedPeakMiB: loaded.peakMiB,
        },
        calls: calls[r.subject.name] as CallStats,
      };
    };
    return {
      ours: await run(ours, 0),
      theirs: await run(theirs, 1),
      floor: calls[FLOOR] as CallStats,
    };
  } finally {
    for (const r of running) await r.rpc.close();
    await emu.close();
  }
}

async function nodeIdleMemory(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 5000)"], { stdio: "ignore" });
  await sleep(1000);
  const status = await procMemory(child.pid);
  child.kill();
  return status.peakMiB;
}

// ---------------------------------------------------------------------------------------------
// Bulk revoke under a rate limit

interface BulkResult {
  available: boolean;
  ids: number;
  calls: number;
  rateLimit: RateLimit;
  wallMs?: number;
  minimumMs: number;
  revoked?: number;
  rateLimited429?: number;
  failedCalls?: number;
  failedItems?: number;
  requests?: number;
}

/** Per-item outcomes in a revoke_invitations result, whatever its exact shape. */
function failedItems(structured: unknown): number {
  if (!structured || typeof structured !== "object") return 0;
  const results = (structured as { results?: unknown }).results;
  if (!Array.isArray(results)) return 0;
  return results.filter((r) => (r as { outcome?: unknown })?.outcome === "failed").length;
}

async function measureBulk(listed: readonly ListedTool[]): Promise<BulkResult> {
  const { rateLimit } = BULK;
  // The last window can open no sooner than (windows - 1) full windows after the first request.
  const minimumMs = (Math.ceil(BULK.ids / rateLimit.requests) - 1) * rateLimit.windowMs;
  const base = { ids: BULK.ids, calls: BULK.ids / BULK.perCall, rateLimit, minimumMs };
  if (!listed.some((t) => t.name === "revoke_invitations")) return { available: false, ...base };

  const emu = await startEmulator();
  const rpc = new StdioRpc(process.execPath, SERVER.args, childEnv(emu));
  try {
    await rpc.initialize(LATEST_PROTOCOL_VERSION);
    // A server lives for the whole session: warm it (the one-time load of @clerk/backend is the
    // "first call" figure above) before the limiter starts counting, so the bulk figure is the
    // rate limit's, not the start-up's.
    const warmIds = seedPending(emu, 50, "bulk-warmup");
    await rpc.request("tools/call", {
      name: "revoke_invitations",
      arguments: { invitation_ids: warmIds },
    });
    emu.clearRequests();
    emu.setRateLimit(rateLimit);
    const ids = seedPending(emu, BULK.ids, "bulk");
    let failedCalls = 0;
    let failed = 0;
    const start = performance.now();
    for (let i = 0; i < ids.length; i += BULK.perCall) {
      const result = await rpc.request<CallResult & { structuredContent?: unknown }>("tools/call", {
        name: "revoke_invitations",
        arguments: { invitation_ids: ids.slice(i, i + BULK.perCall) },
      });
      if (result.isError) failedCalls++;
      failed += failedItems(result.structuredContent);
    }
    const wallMs = performance.now() - start;
    return {
      available: true,
      ...base,
      wallMs,
      revoked: ids.filter((id) => emu.getInvitation(id)?.status === "revoked").length,
      rateLimited429: emu.rateLimited(),
      failedCalls,
      failedItems: failed,
      requests: emu.requests.length,
    };
  } finally {
    await rpc.close();
    await emu.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

interface Target {
  name: string;
  measured: string;
  target: string;
  met: boolean | null;
}

function fmt(n: number | undefined, digits = 1): string {
  return n === undefined || Number.isNaN(n) ? "–" : n.toFixed(digits);
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join("  ");
      return i === 0 ? `${line}\n${widths.map((w) => "-".repeat(w)).join("  ")}` : line;
    })
    .join("\n");
}

async function gitCommit(): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("error", () => resolve(undefined));
    child.on("exit", (code) => resolve(code === 0 ? out.trim() : undefined));
  });
}

async function main(): Promise<void> {
  if (!existsSync(SERVER_BIN)) throw new Error("dist/index.js is missing: run `npm run build`");
  if (!existsSync(TOOLKIT_BIN)) throw new Error("@clerk/agent-toolkit is missing: run `npm ci`");
  const started = performance.now();
  const loadBefore = os.loadavg()[0];

  log(`cold start: ${RUNS} runs per subject (+1 discarded)…`);
  const coldEmu = await startEmulator();
  const cold = await coldStarts(coldEmu).finally(() => coldEmu.close());

  log("calls and memory: clerk-admin-mcp, agent-toolkit and in-process @clerk/backend…");
  const { ours, theirs, floor } = await measureServers();
  const nodeIdlePeakMiB = await nodeIdleMemory();
  log("bulk: revoke_invitations under the rate limit…");
  const bulk = await measureBulk(ours.tools);
  log("remote mode: stdio, one HTTP instance, two behind a round-robin; token check cost…");
  const remote = await benchHttp(300, 100);

  const tokens: Record<string, ToolTokens> = {
    [SERVER.name]: countToolTokens(ours.tools),
    [TOOLKIT.name]: countToolTokens(theirs.tools),
  };

  const coldMedians = Object.fromEntries(
    Object.entries(cold).map(([k, v]) => [
      k,
      { initializeMs: median(v.initializeMs), toolsListMs: median(v.toolsListMs) },
    ]),
  );
  const oursCold = coldMedians[SERVER.name]?.toolsListMs ?? Number.NaN;
  const nodeCold = coldMedians["node -e 0"]?.toolsListMs ?? Number.NaN;
  const kitCold = coldMedians[TOOLKIT.name]?.toolsListMs ?? Number.NaN;
  const overheadMs = ours.calls.sequential.medianMs - floor.sequential.medianMs;
  const oursTok = tokens[SERVER.name] as ToolTokens;
  const kitTok = tokens[TOOLKIT.name] as ToolTokens;
  const invitationTools = (t: ToolTokens) =>
    t.perTool.filter((p) => /invitation/i.test(p.name)).length;

  const targets: Target[] = [
    {
      name: "cold start to tools/list vs node -e 0",
      measured: `${fmt(oursCold / nodeCold, 2)}×`,
      target: "≤ 1.3×",
      met: oursCold <= 1.3 * nodeCold,
    },
    {
      name: "cold start to tools/list vs agent-toolkit",
      measured: `${fmt(oursCold / kitCold, 2)}×`,
      target: "≤ 0.5×",
      met: oursCold <= 0.5 * kitCold,
    },
    {
      name: "per-call overhead over in-process floor (median)",
      measured: `${fmt(overheadMs, 2)} ms`,
      target: "≤ 0.5 ms",
      met: overheadMs <= 0.5,
    },
    {
      name: "idle peak RSS vs agent-toolkit",
      measured: `${fmt(ours.memory.idlePeakMiB / theirs.memory.idlePeakMiB, 2)}×`,
      target: "≤ 0.8×",
      met: ours.memory.idlePeakMiB <= 0.8 * theirs.memory.idlePeakMiB,
    },
    {
      name: "bulk revoke wall time vs rate-limit minimum",
      measured:
        bulk.wallMs === undefined
          ? "revoke_invitations not available"
          : `${fmt(bulk.wallMs / bulk.minimumMs, 2)}× (${bulk.revoked}/${bulk.ids} revoked, ${bulk.failedCalls} failed calls, ${bulk.failedItems} failed items)`,
      target: "≤ 1.3×, all revoked, none failed",
      met:
        bulk.wallMs === undefined
          ? null
          : bulk.wallMs <= 1.3 * bulk.minimumMs &&
            bulk.revoked === bulk.ids &&
            bulk.failedCalls === 0 &&
            bulk.failedItems === 0,
    },
    {
      name: "token verification per HTTP request vs the HTTP median call",
      measured: `${fmt(remote.auth.perRequestUs, 2)} µs (${fmt(remote.auth.shareOfHttpMedian * 100, 2)}%)`,
      target: "≤ 1%",
      met: remote.auth.shareOfHttpMedian <= 0.01,
    },
    {
      name: "tool-definition tokens per tool (average; name, title, description, input schema)",
      measured: `${fmt(oursTok.average)} (agent-toolkit ${fmt(kitTok.average)})`,
      target: `≤ ${TOKEN_BUDGET.averagePerTool.limit}`,
      met: oursTok.average <= TOKEN_BUDGET.averagePerTool.limit,
    },
    {
      name: "tool-definition tokens, default selection's whole list",
      measured: `${oursTok.total} (agent-toolkit ${kitTok.total})`,
      target: `≤ ${TOKEN_BUDGET.defaultSelectionTotal.limit}`,
      met: oursTok.total <= TOKEN_BUDGET.defaultSelectionTotal.limit,
    },
    {
      name: "tools offered vs agent-toolkit (all / invitation tools)",
      measured: `${oursTok.count} vs ${kitTok.count} / ${invitationTools(oursTok)} vs ${invitationTools(kitTok)}`,
      target: "more tools",
      met: oursTok.count > kitTok.count,
    },
  ];

  const out = [
    "",
    `clerk-admin-mcp bench — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, load ${fmt(loadBefore, 2)} at start`,
    "",
    "Cold start (median of runs, ms)",
    table([
      ["subject", "initialize", "tools/list", "runs"],
      ...Object.entries(cold).map(([name, v]) => [
        name,
        fmt(median(v.initializeMs)),
        fmt(median(v.toolsListMs)),
        String(v.toolsListMs.length),
      ]),
    ]),
    "",
    "Memory (MiB)",
    table([
      ["subject", "idle peak RSS", "idle RSS", "peak RSS after load"],
      ["node -e (idle)", fmt(nodeIdlePeakMiB), "", ""],
      ...(
        [
          [SERVER.name, ours],
          [TOOLKIT.name, theirs],
        ] as const
      ).map(([name, r]) => [
        name,
        fmt(r.memory.idlePeakMiB),
        fmt(r.memory.idleRssMiB),
        fmt(r.memory.loadedPeakMiB),
      ]),
    ]),
    "",
    `Revoke calls (ms): ${WARMUP_CALLS} warm-up calls each; sequential ×${SEQUENTIAL_CALLS} in ${SEQUENTIAL_ROUNDS} rounds interleaving the subjects; then ${PARALLEL_CALLS} with ${IN_FLIGHT} in flight; ping = stdio JSON-RPC round trip alone`,
    table([
      [
        "subject",
        "ping median",
        "first call",
        "seq median",
        "seq p99",
        "par median",
        "par p99",
        "calls/s",
        "failed",
      ],
      ...(
        [
          [SERVER.name, ours.calls, ours.ping.medianMs],
          [TOOLKIT.name, theirs.calls, theirs.ping.medianMs],
          ["in-process @clerk/backend", floor, undefined],
        ] as const
      ).map(([name, c, ping]) => [
        name,
        fmt(ping, 2),
        fmt(c.firstCallMs),
        fmt(c.sequential.medianMs, 2),
        fmt(c.sequential.p99Ms, 2),
        fmt(c.parallelLatency.medianMs, 2),
        fmt(c.parallelLatency.p99Ms, 2),
        fmt(c.parallel.callsPerSecond, 0),
        String(c.failures),
      ]),
    ]),
    "",
    `Bulk: ${BULK.ids} IDs via revoke_invitations in ${BULK.ids / BULK.perCall} calls, emulator limited to ${BULK.rateLimit.requests} requests per ${BULK.rateLimit.windowMs} ms`,
    bulk.available
      ? table([
          [
            "wall ms",
            "minimum ms",
            "ratio",
            "revoked",
            "429s",
            "requests",
            "failed calls",
            "failed items",
          ],
          [
            fmt(bulk.wallMs, 0),
            String(bulk.minimumMs),
            `${fmt((bulk.wallMs ?? 0) / bulk.minimumMs, 2)}×`,
            `${bulk.revoked}/${bulk.ids}`,
            String(bulk.rateLimited429),
            String(bulk.requests),
            String(bulk.failedCalls),
            String(bulk.failedItems),
          ],
        ])
      : "  skipped: this build has no revoke_invitations",
    "",
    ...httpReport(remote, table),
    "",
    "Tool-definition tokens (o200k_base; name + title + description + inputSchema)",
    table([
      ["subject", "tools", "total", "average", "largest"],
      ...Object.entries(tokens).map(([name, t]) => {
        const largest = [...t.perTool].sort((a, b) => b.tokens - a.tokens)[0];
        return [
          name,
          String(t.count),
          String(t.total),
          fmt(t.average),
          largest ? `${largest.name} (${largest.tokens})` : "",
        ];
      }),
    ]),
    "",
    table([
      ["clerk-admin-mcp tool", "tokens"],
      ...oursTok.perTool.map((p) => [p.name, String(p.tokens)]),
    ]),
    "",
    "Targets",
    table([
      ["target", "measured", "goal", "met"],
      ...targets.map((t) => [
        t.name,
        t.measured,
        t.target,
        t.met === null ? "n/a" : t.met ? "yes" : "NO",
      ]),
    ]),
    "",
  ];
  process.stdout.write(out.join("\n"));

  const results = {
    meta: {
      date: new Date().toISOString(),
      commit: await gitCommit(),
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      loadAverageAtStart: loadBefore,
      runs: RUNS,
      durationSeconds: round((performance.now() - started) / 1000, 1),
    },
    coldStart: Object.fromEntries(
      Object.entries(cold).map(([k, v]) => [
        k,
        {
          initializeMedianMs: round(median(v.initializeMs)),
          toolsListMedianMs: round(median(v.toolsListMs)),
          initializeMs: v.initializeMs.map((x) => round(x)),
          toolsListMs: v.toolsListMs.map((x) => round(x)),
        },
      ]),
    ),
    memory: {
      "node -e (idle)": { idlePeakMiB: round(nodeIdlePeakMiB) },
      [SERVER.name]: roundAll(ours.memory),
      [TOOLKIT.name]: roundAll(theirs.memory),
    },
    calls: {
      [SERVER.name]: roundAll({ ...ours.calls, ping: ours.ping }),
      [TOOLKIT.name]: roundAll({ ...theirs.calls, ping: theirs.ping }),
      "in-process @clerk/backend": roundAll(floor),
    },
    bulk: roundAll(bulk),
    remote,
    tokens,
    targets,
  };
  await mkdir(dirname(opts.json), { recursive: true });
  await writeFile(opts.json, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${opts.json} in ${fmt((performance.now() - started) / 1000)} s`);
}

/** Rounds every number in a plain JSON value. */
function roundAll<T>(value: T): T {
  if (typeof value === "number") return round(value) as T;
  if (Array.isArray(value)) return value.map(roundAll) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundAll(v)])) as T;
  }
  return value;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    log(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
