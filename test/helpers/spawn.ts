import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import {
  type ElicitRequest,
  ElicitRequestSchema,
  type ElicitResult,
} from "@modelcontextprotocol/sdk/types.js";
import type { Emulator } from "../../emulator/index.js";

/** The built bin, as `npx clerk-admin-mcp` runs it. `npm test` builds before vitest runs. */
export const BIN = fileURLToPath(new URL("../../dist/index.js", import.meta.url));

/** A raw `initialize` request, for tests that write JSON-RPC lines to the bin themselves. */
export const INIT = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-11-25",
    capabilities: {},
    clientInfo: { name: "raw", version: "1" },
  },
};

export function assertBuilt(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first`);
}

/** Environment for the child: the parent's PATH and nothing of its Clerk settings. */
export function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ["PATH", "HOME", "SYSTEMROOT"]) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return { ...env, ...extra };
}

export interface RawRun {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns the bin with raw pipes, to look at exactly what it writes. */
export function spawnRaw(env: Record<string, string>, args: string[] = [], bin = BIN): RawRun {
  const child = spawn(process.execPath, [bin, ...args], { env: childEnv(env) });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Resolves once `predicate` holds for the accumulated text, or rejects after `ms`. */
export async function waitFor(read: () => string, predicate: (s: string) => boolean, ms = 5_000) {
  const start = Date.now();
  while (!predicate(read())) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting; got: ${read().slice(-500)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface StdioSession {
  client: Client;
  /** Everything the server wrote on stderr so far. */
  stderr: () => string;
  /** The elicitation requests the server sent, in order. */
  asked: ElicitRequest["params"][];
}

export interface StdioOptions {
  /** Command-line arguments after the bin. */
  args?: string[];
  /** Added to the child's environment (CLERK_SECRET_KEY and CLERK_API_URL point at `emu`). */
  env?: Record<string, string>;
  /** The bin to run (default BIN) and its working folder. */
  bin?: string;
  cwd?: string;
  /** When given, the client supports form elicitation and answers every request with it. */
  answer?: ElicitResult;
  /** The client's name in `initialize`. */
  name?: string;
}

/**
 * A real MCP `Client` connected over stdio to the built bin, configured for `emu`. The caller
 * closes `client` (which ends the child).
 */
export async function connectStdio(emu: Emulator, opts: StdioOptions = {}): Promise<StdioSession> {
  const stderr: string[] = [];
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [opts.bin ?? BIN, ...(opts.args ?? [])],
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    env: childEnv({ CLERK_SECRET_KEY: emu.secretKey, CLERK_API_URL: emu.url, ...opts.env }),
    stderr: "pipe",
  });
  transport.stderr?.on("data", (d: Buffer) => stderr.push(d.toString()));
  const asked: ElicitRequest["params"][] = [];
  const client = new Client(
    { name: opts.name ?? "e2e", version: "1.0.0" },
    { capabilities: opts.answer ? { elicitation: { form: {} } } : {} },
  );
  const { answer } = opts;
  if (answer) {
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked.push(req.params);
      return answer;
    });
  }
  await client.connect(transport);
  return { client, stderr: () => stderr.join(""), asked };
}
