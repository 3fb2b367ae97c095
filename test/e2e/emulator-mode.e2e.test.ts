import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMULATOR_NOTE } from "../../src/results.js";
import { assertBuilt, BIN, childEnv } from "../helpers/spawn.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A real MCP client over stdio to `bin`, with no Clerk key or URL in its environment. */
async function connect(command: string, args: string[], env: Record<string, string> = {}) {
  const stderr: string[] = [];
  const transport = new StdioClientTransport({
    command,
    args,
    env: childEnv(env),
    stderr: "pipe",
  });
  transport.stderr?.on("data", (d: Buffer) => stderr.push(d.toString()));
  const client = new Client({ name: "emulator-mode", version: "1.0.0" });
  await client.connect(transport);
  return { client, stderr: () => stderr.join("") };
}

/** Checks a session against the demo seed: instructions, a read, a write, the labels. */
async function expectSeededEmulator(client: Client, stderr: () => string) {
  expect(client.getInstructions()).toMatch(/^EMULATOR: .*not a real Clerk instance/);
  const tools = (await client.listTools()).tools.map((t) => t.name);
  expect(tools).toContain("list_users");

  const users = (await client.callTool({ name: "list_users", arguments: {} })) as CallToolResult;
  expect(users.isError).toBeFalsy();
  const emails = JSON.stringify(users.structuredContent);
  expect(emails).toContain("ada@example.com");
  expect(users.content.at(-1)).toEqual({ type: "text", text: EMULATOR_NOTE });

  const orgs = (await client.callTool({
    name: "list_organizations",
    arguments: {},
  })) as CallToolResult;
  expect(JSON.stringify(orgs.structuredContent)).toContain("acme");

  // Error results say it too.
  const missing = (await client.callTool({
    name: "get_user",
    arguments: { user_id: "user_doesNotExist000000000000" },
  })) as CallToolResult;
  expect(missing.isError).toBe(true);
  expect(missing.content.at(-1)).toEqual({ type: "text", text: EMULATOR_NOTE });

  // So do the results the SDK makes itself, such as arguments a tool's schema refuses.
  const refused = (await client.callTool({
    name: "list_users",
    arguments: { userId: "x" },
  })) as CallToolResult;
  expect(refused.isError).toBe(true);
  expect(refused.content.at(-1)).toEqual({ type: "text", text: EMULATOR_NOTE });
  expect(refused.content.filter((c) => c.type === "text" && c.text === EMULATOR_NOTE)).toHaveLength(
    1,
  );

  expect(stderr()).toMatch(/ready: EMULATOR \(built-in, demo data in memory; not a real Clerk/);
  // The request log the start-up line points at shows what the server sent.
  const logUrl = /request log (http:\/\/127\.0\.0\.1:\d+\/__emulator\/requests)/.exec(
    stderr(),
  )?.[1];
  expect(logUrl).toBeDefined();
  const log = (await (await fetch(logUrl as string)).json()) as Array<{ path: string }>;
  expect(log.map((r) => r.path.split("?")[0])).toEqual(
    expect.arrayContaining(["/v1/users", "/v1/organizations"]),
  );
}

describe("--emulator", () => {
  beforeAll(assertBuilt);

  it("serves the demo instance with no key, and says it is the emulator everywhere", async () => {
    const { client, stderr } = await connect(process.execPath, [BIN, "--emulator"]);
    try {
      await expectSeededEmulator(client, stderr);
    } finally {
      await client.close();
    }
  });

  it("is also turned on by CLERK_MCP_EMULATOR, and ignores a real key set beside it", async () => {
    const { client, stderr } = await connect(process.execPath, [BIN], {
      CLERK_MCP_EMULATOR: "true",
      CLERK_SECRET_KEY: "sk_live_realKeyMustNotBeUsed0000",
    });
    try {
      await expectSeededEmulator(client, stderr);
    } finally {
      await client.close();
    }
  });

  it("keeps the emulator out of the start-up bundle (its own file, loaded only in this mode)", () => {
    const server = readFileSync(join(ROOT, "dist/server.cjs"), "utf8");
    expect(server).toContain('require("./emulator.cjs")');
    expect(server).not.toContain("__emulator/requests");
    expect(server).not.toContain("ada@example.com");
    const chunk = readFileSync(join(ROOT, "dist/emulator.cjs"), "utf8");
    expect(chunk).toContain("__emulator/requests");
    expect(chunk).toContain("ada@example.com");
  });
});

/**
 * What `npx -y clerk-admin-mcp --emulator` does on a machine with only Node: the packed
 * tarball, installed into an empty folder (no network: the package has no dependencies), its
 * bin run by a real MCP client.
 */
describe("the packed package", () => {
  let dir: string;
  let files: string[];
  beforeAll(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), "clerk-admin-mcp-pack-"));
    // --ignore-scripts: prepack would rebuild dist/ under the other tests' feet.
    const packed = JSON.parse(
      execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], {
        cwd: ROOT,
        encoding: "utf8",
      }),
    ) as Array<{ filename: string; files: Array<{ path: string }> }>;
    files = packed[0]?.files.map((f) => f.path) ?? [];
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "try-it", private: true }));
    execFileSync(
      "npm",
      ["install", "--offline", "--no-audit", "--no-fund", join(dir, packed[0]?.filename ?? "")],
      { cwd: dir, stdio: "pipe" },
    );
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("ships the emulator and init chunks, and no code cache", () => {
    expect(files).toEqual(
      expect.arrayContaining(["dist/index.js", "dist/emulator.cjs", "dist/init.cjs"]),
    );
    expect(files.filter((f) => f.endsWith(".cache"))).toEqual([]);
  });

  it("serves a seeded instance to a real MCP client from its installed bin", async () => {
    const bin = join(dir, "node_modules", ".bin", "clerk-admin-mcp");
    const { client, stderr } = await connect(bin, ["--emulator"]);
    try {
      await expectSeededEmulator(client, stderr);
    } finally {
      await client.close();
    }
  });
});
