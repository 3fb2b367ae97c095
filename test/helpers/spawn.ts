import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The built bin, as `npx clerk-admin-mcp` runs it. `npm test` builds before vitest runs. */
export const BIN = fileURLToPath(new URL("../../dist/index.js", import.meta.url));

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
export function spawnRaw(env: Record<string, string>, args: string[] = []): RawRun {
  const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(env) });
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
