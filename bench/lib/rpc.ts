import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";

/**
 * A bare JSON-RPC client for a stdio MCP server: one JSON message per line, nothing else.
 * The bench times servers through it rather than through the SDK's `Client`, so that the
 * figures are the server's and the pipe's, with as little client work in them as possible,
 * and every subject is measured through the same client.
 */

export interface RpcError {
  code: number;
  message: string;
}

interface Pending {
  resolve(result: unknown): void;
  reject(err: Error): void;
}

export class StdioRpc {
  readonly child: ChildProcessWithoutNullStreams;
  /** `performance.now()` just before spawn. */
  readonly spawnedAt: number;
  private nextId = 1;
  private buffer = "";
  private stderrTail = "";
  private readonly pending = new Map<number, Pending>();
  readonly exited: Promise<number | null>;

  constructor(command: string, args: string[], env: Record<string, string>) {
    this.spawnedAt = performance.now();
    this.child = spawn(command, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => this.onData(chunk));
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-2000);
    });
    this.exited = new Promise((resolve) => {
      this.child.on("exit", (code) => {
        const err = new Error(`server exited (${code}) before answering: ${this.stderrTail}`);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        resolve(code);
      });
    });
  }

  /** Sends a request and resolves with its `result`; rejects on a JSON-RPC error. */
  request<T = unknown>(method: string, params: object = {}): Promise<T> {
    const id = this.nextId++;
    const answer = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject });
    });
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
    return answer;
  }

  notify(method: string, params: object = {}): void {
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method, params })}\n`);
  }

  /** `initialize` then `notifications/initialized`, as a client must. */
  async initialize(protocolVersion: string): Promise<void> {
    await this.request("initialize", {
      protocolVersion,
      capabilities: {},
      clientInfo: { name: "clerk-admin-mcp-bench", version: "1.0.0" },
    });
    this.notify("notifications/initialized");
  }

  /** Resident set size now and its peak so far (Linux `VmRSS`/`VmHWM`), in MiB. */
  async memory(): Promise<{ rssMiB: number; peakMiB: number }> {
    return procMemory(this.child.pid);
  }

  /** Closes stdin and waits for the exit; kills the process if it lingers. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 2_000);
    await this.exited;
    clearTimeout(timer);
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    for (let nl = this.buffer.indexOf("\n"); nl !== -1; nl = this.buffer.indexOf("\n")) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line === "") continue;
      const msg = JSON.parse(line) as { id?: number; result?: unknown; error?: RpcError };
      // Notifications (progress, logging) and server-to-client requests carry no answer here.
      if (typeof msg.id !== "number" || !("result" in msg || "error" in msg)) continue;
      const p = this.pending.get(msg.id);
      if (!p) continue;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${msg.error.code}: ${msg.error.message}`));
      else p.resolve(msg.result);
    }
  }
}

/** `VmRSS` and `VmHWM` of a process, in MiB (Linux only). */
export async function procMemory(pid: number | undefined): Promise<{
  rssMiB: number;
  peakMiB: number;
}> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  return { rssMiB: kib("VmRSS") / 1024, peakMiB: kib("VmHWM") / 1024 };
}
