import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoSeed, type Emulator, startEmulator } from "../../emulator/index.js";
import { TOOLSET_NAMES } from "../../src/toolsets.js";
import { TOKEN_ENV, TOKENS } from "../helpers/http.js";
import { INSPECTOR, type Node22Run, runNode22 } from "../helpers/node22.js";
import { type RawRun, spawnRaw, waitFor } from "../helpers/spawn.js";

/**
 * A client nobody here wrote: the MCP Inspector's CLI (@modelcontextprotocol/inspector 2.12, on
 * Node 22) lists and calls tools on the built bin in remote mode (`--transport http --auth
 * token`), authenticating with a static bearer token, against the emulator; and its `--strict`
 * schema-portability lint finds nothing in `tools/list`.
 */
describe("MCP Inspector CLI over HTTP with a static token", () => {
  let emu: Emulator;
  let server: RawRun;
  let url: string;
  let home: string;

  beforeAll(async () => {
    emu = await startEmulator({ seed: demoSeed() });
    server = spawnRaw(
      { CLERK_SECRET_KEY: emu.secretKey, CLERK_API_URL: emu.url, CLERK_MCP_HTTP_TOKENS: TOKEN_ENV },
      // Every toolset, the opt-in ones too, so that --strict sees every tool.
      ["--transport", "http", "--port", "0", "--auth", "token", "--writers", "alice"].concat(
        "--toolsets",
        TOOLSET_NAMES.join(","),
      ),
    );
    await waitFor(server.stderr, (s) => /ready: MCP at \S+\/mcp/.test(s), 10_000);
    url = /ready: MCP at (\S+\/mcp)/.exec(server.stderr())?.[1] ?? "";
    // The Inspector keeps a catalog and OAuth state under ~/.mcp-inspector.
    home = mkdtempSync(join(tmpdir(), "clerk-admin-mcp-inspector-"));
  });
  afterAll(async () => {
    server?.child.kill("SIGTERM");
    await server?.exited;
    await emu?.close();
    rmSync(home, { recursive: true, force: true });
  });

  /** The Inspector's CLI against `target`, as `npx @modelcontextprotocol/inspector --cli` runs. */
  function inspector(target: string, token: string, args: string[]): Promise<Node22Run> {
    return runNode22(
      INSPECTOR,
      [
        "--cli",
        target,
        "--transport",
        "http",
        "--header",
        `Authorization: Bearer ${token}`,
        // Never start an interactive OAuth flow: a refused token must end the run.
        "--stored-auth-only",
        ...args,
      ],
      { HOME: home },
    );
  }

  it("lists the tools a writer gets, with titles and all four annotations", async () => {
    const run = await inspector(url, TOKENS.alice, ["--method", "tools/list"]);
    expect(run.code, run.stderr).toBe(0);
    const { tools } = JSON.parse(run.stdout) as {
      tools: Array<{ name: string; title?: string; annotations?: Record<string, unknown> }>;
    };
    const names = tools.map((t) => t.name);
    expect(names).toContain("list_users");
    expect(names).toContain("create_invitation");
    expect(names).toContain("list_waitlist_entries");
    for (const tool of tools) {
      expect(tool.title, tool.name).toBeTruthy();
      expect(Object.keys(tool.annotations ?? {}).sort(), tool.name).toEqual(
        expect.arrayContaining([
          "destructiveHint",
          "idempotentHint",
          "openWorldHint",
          "readOnlyHint",
        ]),
      );
    }
    expect(emu.requests).toEqual([]);
  });

  it("calls list_users: the structured result holds the emulator's users", async () => {
    emu.clearRequests();
    const run = await inspector(url, TOKENS.bob, [
      "--method",
      "tools/call",
      "--tool-name",
      "list_users",
      "--tool-args-json",
      '{"limit":2}',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      isError?: boolean;
      structuredContent: { users: Array<{ id: string }>; total_count: number };
    };
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent.users).toHaveLength(2);
    expect(result.structuredContent.total_count).toBe(4);
    for (const user of result.structuredContent.users) expect(user.id).toMatch(/^user_/);
    expect(emu.requests.map((r) => [r.method, r.path.split("?")[0]]).sort()).toEqual([
      ["GET", "/v1/users"],
      ["GET", "/v1/users/count"],
    ]);
    expect(emu.requests.find((r) => r.path.startsWith("/v1/users?"))?.query.limit).toBe("2");
  });

  it("a reader (bob) is not offered write tools", async () => {
    const run = await inspector(url, TOKENS.bob, ["--method", "tools/list"]);
    expect(run.code, run.stderr).toBe(0);
    const names = (JSON.parse(run.stdout) as { tools: Array<{ name: string }> }).tools.map(
      (t) => t.name,
    );
    expect(names).toContain("list_users");
    expect(names).not.toContain("create_invitation");
  });

  it("a wrong token is refused: the Inspector gets a 401 and calls nothing", async () => {
    emu.clearRequests();
    const run = await inspector(url, "not-a-token-0123456789abcdef", ["--method", "tools/list"]);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("auth_required");
    expect(emu.requests).toEqual([]);
  });

  it("--strict finds no schema-portability problem in tools/list: no error, no warning", async () => {
    const run = await inspector(url, TOKENS.alice, ["--method", "tools/list", "--strict"]);
    expect(run.code, run.stderr).toBe(0);
    // It prints nothing on stderr when it finds nothing; each problem would be a
    // `Warning: tool …` or `Error: tool …` block there, with a count line.
    expect(run.stderr).toBe("");
  });

  describe("--strict, on a server whose schema it must flag", () => {
    // Shows that the lint above runs and reports on stderr: a nullable written as a `type`
    // array, which the listing here rewrites as `anyOf` (test/unit/schema-portability.test.ts).
    let fixture: HttpServer;
    let fixtureUrl: string;
    beforeAll(async () => {
      fixture = createServer(async (req, res) => {
        const mcp = new Server(
          { name: "fixture", version: "1.0.0" },
          { capabilities: { tools: {} } },
        );
        mcp.setRequestHandler(ListToolsRequestSchema, async () => ({
          tools: [
            {
              name: "nullable_arg",
              inputSchema: { type: "object", properties: { note: { type: ["string", "null"] } } },
            },
          ],
        }));
        const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
        await mcp.connect(transport);
        await transport.handleRequest(req, res);
      });
      await new Promise<void>((resolve) => fixture.listen(0, "127.0.0.1", resolve));
      fixtureUrl = `http://127.0.0.1:${(fixture.address() as AddressInfo).port}/mcp`;
    });
    afterAll(async () => {
      await new Promise((resolve) => fixture.close(resolve));
    });

    it("reports the type array", async () => {
      const run = await inspector(fixtureUrl, "any", ["--method", "tools/list", "--strict"]);
      // Warnings leave the exit code at 0 (only errors give 6): the count is what tells.
      expect(run.stderr).toContain('Warning: tool "nullable_arg"');
      expect(run.stderr).toContain("0 errors, 1 warning across 1 tool.");
    });
  });
});
