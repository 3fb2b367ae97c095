import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../emulator/index.js";
import { TOKEN_ENV, TOKENS } from "../helpers/http.js";
import { assertBuilt, BIN, spawnRaw, waitFor } from "../helpers/spawn.js";

/**
 * The bin in remote mode, from a copy of dist/ with no node_modules (as the Docker image runs
 * it): it listens, answers /healthz, serves MCP over HTTP to the SDK's client with a static
 * token, and stops on SIGTERM. Off loopback it refuses to start without auth.
 */
describe("clerk-admin-mcp --transport http", () => {
  let emu: Emulator;
  let dir: string;
  let bin: string;
  beforeAll(async () => {
    assertBuilt();
    emu = await startEmulator();
    dir = mkdtempSync(join(tmpdir(), "clerk-admin-mcp-http-"));
    cpSync(dirname(BIN), join(dir, "dist"), { recursive: true });
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "clerk-admin-mcp", version: "0.0.0-test", type: "module" }),
    );
    bin = join(dir, "dist", "index.js");
  });
  afterAll(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves MCP at /mcp with a bearer token, /healthz without, and stops on SIGTERM", async () => {
    const run = spawnRaw(
      { CLERK_SECRET_KEY: emu.secretKey, CLERK_API_URL: emu.url, CLERK_MCP_HTTP_TOKENS: TOKEN_ENV },
      ["--transport", "http", "--port", "0", "--auth", "token", "--writers", "alice"],
      bin,
    );
    try {
      await waitFor(run.stderr, (s) => /ready: MCP at \S+\/mcp/.test(s), 10_000);
      const url = /ready: MCP at (\S+)\/mcp/.exec(run.stderr())?.[1] ?? "";
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const client = new Client({ name: "e2e-http", version: "1.0.0" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
          requestInit: { headers: { Authorization: `Bearer ${TOKENS.alice}` } },
        }),
      );
      const { tools } = await client.listTools();
      expect(tools.some((t) => t.name === "create_invitation")).toBe(true);
      const result = (await client.callTool({
        name: "list_invitations",
        arguments: {},
      })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      await client.close();
      expect(run.stdout()).toBe("");
      expect(run.stderr()).not.toContain(emu.secretKey);
    } finally {
      run.child.kill("SIGTERM");
    }
    expect((await run.exited).code).toBe(0);
  });

  it("refuses to start off loopback without auth, naming the fix", async () => {
    const run = spawnRaw(
      { CLERK_SECRET_KEY: emu.secretKey, CLERK_API_URL: emu.url },
      ["--transport", "http", "--host", "0.0.0.0", "--port", "0"],
      bin,
    );
    expect((await run.exited).code).toBe(1);
    expect(run.stderr()).toMatch(/--auth none is accepted only on loopback.*--auth token/);
    expect(run.stdout()).toBe("");
  });
});
