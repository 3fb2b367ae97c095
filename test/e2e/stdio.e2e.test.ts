import { readFileSync } from "node:fs";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../emulator/index.js";
import { startHarness } from "../helpers/harness.js";
import { assertBuilt, connectStdio, INIT, spawnRaw, waitFor } from "../helpers/spawn.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  name: string;
  version: string;
};

describe("stdio end to end (dist/index.js)", () => {
  let emu: Emulator;
  beforeAll(async () => {
    assertBuilt();
    emu = await startEmulator();
  });
  afterAll(() => emu.close());

  const connect = (env: Record<string, string> = {}) => connectStdio(emu, { env });

  it("boots, reports name and version from package.json, and gives instructions", async () => {
    const { client } = await connect();
    try {
      expect(client.getServerVersion()).toEqual({ name: pkg.name, version: pkg.version });
      const instructions = client.getInstructions() ?? "";
      expect(instructions).toMatch(/inv_/);
      expect(instructions).toMatch(/orginv_/);
      expect(instructions).toMatch(/list_invitations/);
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(
        expect.arrayContaining(["revoke_invitation", "list_invitations"]),
      );
    } finally {
      await client.close();
    }
  });

  it("serves the same tools/list as the source (dist carries it prebuilt)", async () => {
    const { client } = await connect();
    const h = await startHarness({ config: { toolsets: undefined } });
    try {
      const fromDist = (await client.listTools()).tools;
      const fromSource = (await h.client.listTools()).tools;
      expect(fromDist.length).toBeGreaterThan(0);
      expect(fromDist).toEqual(fromSource);
    } finally {
      await client.close();
      await h.close();
    }
  });

  it("lists and revokes over stdio against the emulator", async () => {
    const inv = emu.addInvitation({ email_address: "e2e@example.com" });
    emu.clearRequests();
    const { client, stderr } = await connect();
    try {
      const list = (await client.callTool({
        name: "list_invitations",
        arguments: { query: "e2e@" },
      })) as CallToolResult;
      expect(list.structuredContent).toMatchObject({ invitations: [{ id: inv.id }] });

      const revoked = (await client.callTool({
        name: "revoke_invitation",
        arguments: { invitation_id: inv.id },
      })) as CallToolResult;
      expect(revoked.isError).toBeFalsy();
      expect(revoked.structuredContent).toMatchObject({ id: inv.id, status: "revoked" });
      expect(emu.writes().map((w) => w.path)).toEqual([`/v1/invitations/${inv.id}/revoke`]);

      const crafted = (await client.callTool({
        name: "revoke_invitation",
        arguments: { invitation_id: "inv_1/../../users/user_1/ban" },
      })) as CallToolResult;
      expect(crafted.isError).toBe(true);
      expect(emu.writes()).toHaveLength(1);
      expect(stderr()).not.toContain(emu.secretKey);
    } finally {
      await client.close();
    }
  });

  it("stdout carries JSON-RPC only, and the key appears nowhere", async () => {
    const inv = emu.addInvitation({ email_address: "pure@example.com" });
    const run = spawnRaw({ CLERK_SECRET_KEY: emu.secretKey, CLERK_API_URL: emu.url });
    const send = (msg: object) => run.child.stdin.write(`${JSON.stringify(msg)}\n`);
    send(INIT);
    await waitFor(run.stdout, (s) => s.includes('"id":1'));
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
    send({
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: { name: "revoke_invitation", arguments: { invitation_id: inv.id } },
    });
    send({
      jsonrpc: "2.0",
      id: 4,
      method: "tools/call",
      params: { name: "revoke_invitation", arguments: { invitation_id: "inv_nope" } },
    });
    await waitFor(run.stdout, (s) => s.includes('"id":4'));
    run.child.stdin.end();
    const { code } = await run.exited;
    expect(code).toBe(0);
    const lines = run.stdout().split("\n").filter(Boolean);
    expect(lines.length).toBe(4);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty("jsonrpc", "2.0");
    expect(run.stdout()).not.toContain(emu.secretKey);
    expect(run.stderr()).not.toContain(emu.secretKey);
    expect(run.stderr()).toMatch(/ready/);
  });

  it("a key Clerk rejects: the error says so and the key is not echoed", async () => {
    const wrong = "sk_test_wrongwrongwrongwrongwrong";
    const { client, stderr } = await connect({ CLERK_SECRET_KEY: wrong });
    try {
      const result = (await client.callTool({
        name: "list_invitations",
        arguments: {},
      })) as CallToolResult;
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      const text = JSON.stringify(result);
      expect(text).toMatch(/HTTP 401/);
      expect(text).toMatch(/secret key/);
      expect(text).not.toContain(wrong);
      expect(stderr()).not.toContain(wrong);
    } finally {
      await client.close();
    }
  });

  it.each([
    ["missing", {}, /CLERK_SECRET_KEY is not set/],
    ["publishable", { CLERK_SECRET_KEY: "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k" }, /publishable key/],
    ["malformed", { CLERK_SECRET_KEY: "sk_test_short sec" }, /not a Clerk secret key/],
  ])("a %s key: one line on stderr, nothing on stdout, exit 1", async (_case, env, message) => {
    const run = spawnRaw({ CLERK_API_URL: emu.url, ...env });
    const { code } = await run.exited;
    expect(code).toBe(1);
    expect(run.stdout()).toBe("");
    const lines = run.stderr().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(lines[0]).toMatch(/CLERK_SECRET_KEY/);
    expect(run.stderr()).not.toContain("short sec");
  });

  it.each(["SIGTERM", "SIGINT"] as const)("exits promptly on %s", async (signal) => {
    const run = spawnRaw({ CLERK_SECRET_KEY: emu.secretKey, CLERK_API_URL: emu.url });
    run.child.stdin.write(`${JSON.stringify(INIT)}\n`);
    await waitFor(run.stdout, (s) => s.includes('"id":1'));
    run.child.kill(signal);
    const { code } = await run.exited;
    expect(code).toBe(0);
  });

  it("exits when stdin closes", async () => {
    const run = spawnRaw({ CLERK_SECRET_KEY: emu.secretKey, CLERK_API_URL: emu.url });
    run.child.stdin.end();
    const { code } = await run.exited;
    expect(code).toBe(0);
  });
});
