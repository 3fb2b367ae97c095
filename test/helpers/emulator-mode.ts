import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { expect } from "vitest";
import { EMULATOR_NOTE } from "../../src/results.js";
import { childEnv } from "./spawn.js";

/** A real MCP client over stdio to `bin`, with no Clerk key or URL in its environment. */
export async function connect(command: string, args: string[], env: Record<string, string> = {}) {
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
export async function expectSeededEmulator(client: Client, stderr: () => string) {
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
