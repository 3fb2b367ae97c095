/**
 * Remote mode against stdio, in one run, against the emulator on 127.0.0.1: the built bin over
 * stdio, one HTTP instance, and two HTTP instances behind a round-robin this script drives (each
 * HTTP request to the next instance). Each gets the same read call (`list_invitations`, limit 1)
 * through the SDK's own `Client`: sequential calls after a warm-up (median, p99, ms), then calls
 * with 32 in flight (calls per second). Every HTTP call authenticates with a static bearer token
 * and builds its own server. Also the cost of that authentication alone, per request: the
 * SHA-256 of the token and a constant-time comparison with every configured entry
 * (`authenticate` in src/transport/http-auth.ts), timed in-process over 10 entries.
 * Used by bench/run.ts (`npm run bench`) and bench/http.ts (`npm run bench:http`).
 */
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { startEmulator } from "../../emulator/index.js";
import { authenticate } from "../../src/transport/http-auth.js";
import type { RemoteOptions } from "../../src/transport/http-config.js";
import { spawnRaw, waitFor } from "../../test/helpers/spawn.js";
import { median, percentile, pooled, round } from "./stats.js";

const BIN = join(fileURLToPath(new URL("../..", import.meta.url)), "dist/index.js");
export const HTTP_PARALLEL_CALLS = 320;
export const HTTP_IN_FLIGHT = 32;
const TOKEN = "bench-token-0123456789abcdef";
const sha256 = (text: string) => createHash("sha256").update(text).digest();

export interface HttpSubjectResult {
  /** Sequential calls: median and p99, ms. */
  median: number;
  p99: number;
  /** Calls per second with HTTP_IN_FLIGHT in flight. */
  perSecond: number;
}

export interface HttpBenchResult {
  calls: number;
  warmup: number;
  subjects: Record<string, HttpSubjectResult>;
  /** `authenticate` per request, µs (median of 5 rounds of 20,000), with `entries` tokens. */
  auth: { perRequestUs: number; entries: number; shareOfHttpMedian: number };
}

/** µs per `authenticate` of a bearer token that matches the last of 10 entries. */
function authCostUs(): { perRequestUs: number; entries: number } {
  const entries = Array.from({ length: 10 }, (_, i) => ({
    name: `t${i}`,
    sha256: sha256(i === 9 ? TOKEN : `other-token-${i}`),
  }));
  // Only the fields authenticate reads: the scheme and the token entries.
  const remote = { auth: "token", tokens: entries } as unknown as RemoteOptions;
  const req = { headers: { authorization: `Bearer ${TOKEN}` } } as IncomingMessage;
  const rounds: number[] = [];
  for (let r = 0; r < 6; r++) {
    const n = 20_000;
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      if (authenticate(req, remote)?.id !== "t9") throw new Error("bench token not matched");
    }
    rounds.push(((performance.now() - start) * 1000) / n);
  }
  return { perRequestUs: median(rounds.slice(1)), entries: entries.length };
}

export async function benchHttp(calls: number, warmup: number): Promise<HttpBenchResult> {
  const emu = await startEmulator();
  for (let i = 0; i < 5; i++) emu.addInvitation({ email_address: `bench${i}@example.com` });
  const env = {
    CLERK_SECRET_KEY: emu.secretKey,
    CLERK_API_URL: emu.url,
    CLERK_MCP_HTTP_TOKENS: `bench:${sha256(TOKEN).toString("hex")}`,
  };
  const instances = [0, 1].map(() =>
    spawnRaw(env, ["--transport", "http", "--port", "0", "--auth", "token"], BIN),
  );
  const urls: string[] = [];
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
  const results: Record<string, HttpSubjectResult> = {};
  try {
    for (const run of instances) {
      await waitFor(run.stderr, (s) => /ready: MCP at \S+\/mcp/.test(s), 10_000);
      urls.push(/ready: MCP at (\S+)\/mcp/.exec(run.stderr())?.[1] ?? "");
    }
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
      for (let i = 0; i < warmup; i++) await call();
      const times: number[] = [];
      for (let i = 0; i < calls; i++) {
        const start = performance.now();
        await call();
        times.push(performance.now() - start);
      }
      const started = performance.now();
      await pooled(Array.from({ length: HTTP_PARALLEL_CALLS }), HTTP_IN_FLIGHT, call);
      const perSecond = HTTP_PARALLEL_CALLS / ((performance.now() - started) / 1000);
      await client.close();
      results[name] = {
        median: round(median(times)),
        p99: round(percentile(times, 99)),
        perSecond: round(perSecond, 0),
      };
    }
  } finally {
    for (const run of instances) run.child.kill("SIGTERM");
    await emu.close();
  }
  const auth = authCostUs();
  const httpMedianMs = results["http, 1 instance"]?.median ?? Number.NaN;
  return {
    calls,
    warmup,
    subjects: results,
    auth: {
      perRequestUs: round(auth.perRequestUs, 2),
      entries: auth.entries,
      shareOfHttpMedian: round(auth.perRequestUs / 1000 / httpMedianMs, 4),
    },
  };
}

/** The report's lines for `r`. */
export function httpReport(r: HttpBenchResult, table: (rows: string[][]) => string): string[] {
  return [
    `Remote mode: list_invitations (limit 1), ${r.calls} sequential calls after ${r.warmup} warm-up, then ${HTTP_PARALLEL_CALLS} with ${HTTP_IN_FLIGHT} in flight (SDK client; static bearer token on every HTTP request)`,
    table([
      ["subject", "seq median ms", "seq p99 ms", `calls/s at ${HTTP_IN_FLIGHT} in flight`],
      ...Object.entries(r.subjects).map(([name, s]) => [
        name,
        s.median.toFixed(2),
        s.p99.toFixed(2),
        s.perSecond.toFixed(0),
      ]),
    ]),
    `Token verification (SHA-256 + constant-time compare over ${r.auth.entries} entries): ${r.auth.perRequestUs.toFixed(2)} µs per request, ${(r.auth.shareOfHttpMedian * 100).toFixed(2)}% of the HTTP median call`,
  ];
}
