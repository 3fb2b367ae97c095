/**
 * `npm run bench:http`: remote mode against stdio, in one run, on this machine, against the
 * emulator on 127.0.0.1: the built bin over stdio, one HTTP instance, and two HTTP instances
 * behind a round-robin this script drives (each HTTP request to the next instance). Each gets
 * the same read call (`list_invitations`, limit 1) through the SDK's own `Client`: sequential
 * calls after a warm-up (median, p99, ms), then calls with 32 in flight (calls per second).
 * Every HTTP call authenticates with a static bearer token and builds its own server.
 *
 * Options: --calls N (sequential calls per subject, default 300), --warmup N (default 100).
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { startEmulator } from "../emulator/index.js";
import { spawnRaw, waitFor } from "../test/helpers/spawn.js";
import { median, percentile, pooled, round } from "./lib/stats.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "dist/index.js");
const { values: opts } = parseArgs({
  options: {
    calls: { type: "string", default: "300" },
    warmup: { type: "string", default: "100" },
  },
});
const CALLS = Math.max(10, Number(opts.calls));
const WARMUP = Math.max(0, Number(opts.warmup));
const PARALLEL_CALLS = 320;
const IN_FLIGHT = 32;
const TOKEN = "bench-token-0123456789abcdef";

async function main(): Promise<void> {
  const emu = await startEmulator();
  for (let i = 0; i < 5; i++) emu.addInvitation({ email_address: `bench${i}@example.com` });
  const env = {
    CLERK_SECRET_KEY: emu.secretKey,
    CLERK_API_URL: emu.url,
    CLERK_MCP_HTTP_TOKENS: `bench:${createHash("sha256").update(TOKEN).digest("hex")}`,
  };
  const instances = [0, 1].map(() =>
    spawnRaw(env, ["--transport", "http", "--port", "0", "--auth", "token"], BIN),
  );
  const urls: string[] = [];
  for (const run of instances) {
    await waitFor(run.stderr, (s) => /ready: MCP at \S+\/mcp/.test(s), 10_000);
    urls.push(/ready: MCP at (\S+)\/mcp/.exec(run.stderr())?.[1] ?? "");
  }
  let next = 0;
  const http = (roundRobin: boolean): Transport =>
    new StreamableHTTPClientTransport(new URL(`${urls[0]}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } },
      ...(roundRobin
        ? {
            fetch: (input: string | URL, init?: RequestInit) => {
              const target = new URL(input);
              target.host = new URL(urls[next++ % urls.length] ?? "").host;
              return fetch(target, init);
            },
          }
        : {}),
    });
  const subjects: Array<[string, () => Transport]> = [
    [
      "stdio",
      () =>
        new StdioClientTransport({
          command: process.execPath,
          args: [BIN],
          env: { PATH: process.env.PATH ?? "", ...env },
        }),
    ],
    ["http, 1 instance", () => http(false)],
    ["http, 2 instances round-robin", () => http(true)],
  ];
  const rows: string[][] = [
    ["subject", "median ms", "p99 ms", `calls/s at ${IN_FLIGHT} in flight`],
  ];
  const results: Record<string, unknown> = {};
  try {
    for (const [name, make] of subjects) {
      const client = new Client({ name: "bench-http", version: "1.0.0" });
      await client.connect(make());
      const call = async () => {
        const result = await client.callTool({
          name: "list_invitations",
          arguments: { limit: 1 },
        });
        if (result.isError) throw new Error(`${name}: ${JSON.stringify(result.content)}`);
      };
      for (let i = 0; i < WARMUP; i++) await call();
      const times: number[] = [];
      for (let i = 0; i < CALLS; i++) {
        const start = performance.now();
        await call();
        times.push(performance.now() - start);
      }
      const started = performance.now();
      await pooled(Array.from({ length: PARALLEL_CALLS }), IN_FLIGHT, call);
      const perSecond = PARALLEL_CALLS / ((performance.now() - started) / 1000);
      await client.close();
      results[name] = {
        median: round(median(times)),
        p99: round(percentile(times, 99)),
        perSecond: round(perSecond, 0),
      };
      rows.push([
        name,
        median(times).toFixed(2),
        percentile(times, 99).toFixed(2),
        perSecond.toFixed(0),
      ]);
    }
  } finally {
    for (const run of instances) run.child.kill("SIGTERM");
    await emu.close();
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  process.stdout.write(
    `list_invitations (limit 1), ${CALLS} sequential calls after ${WARMUP} warm-up, then ${PARALLEL_CALLS} with ${IN_FLIGHT} in flight:\n`,
  );
  for (const row of rows) {
    process.stdout.write(`${row.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ")}\n`);
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
