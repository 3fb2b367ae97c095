import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../emulator/index.js";
import { DEFAULT_RETRY } from "../../src/clerk/client.js";
import { textOf } from "../helpers/harness.js";
import { assertBuilt, connectStdio } from "../helpers/spawn.js";

/**
 * Timeouts and rate limits through the built bin. In-process tests run under vitest's
 * NODE_ENV=test, where `@clerk/backend` reads `globalThis.fetch` on every request; in
 * production it binds fetch once, when it loads. Only here does a wrapper installed too late
 * (or not at all) show: the timeout would never fire and the request would hang.
 */

describe("reliability end to end (dist/index.js)", () => {
  let emu: Emulator;
  let client: Client | undefined;
  beforeAll(async () => {
    assertBuilt();
    emu = await startEmulator();
  });
  afterAll(() => emu.close());
  beforeEach(() => {
    emu.reset();
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  async function connect(env: Record<string, string> = {}): Promise<Client> {
    // The SDK's production path, whatever the parent runs under.
    const session = await connectStdio(emu, {
      name: "e2e-reliability",
      env: { NODE_ENV: "production", ...env },
    });
    client = session.client;
    return client;
  }

  it("a Clerk that does not answer ends in a timeout error after a bounded number of requests", async () => {
    const c = await connect({ CLERK_MCP_TIMEOUT_MS: "300" });
    emu.inject({ method: "GET", delayMs: 2_000, times: Number.POSITIVE_INFINITY });
    const result = (await c.callTool({
      name: "list_invitations",
      arguments: {},
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(textOf(result)).toMatch(/did not answer in time/);
    expect(emu.requests.length).toBeGreaterThanOrEqual(1);
    expect(emu.requests.length).toBeLessThanOrEqual(1 + DEFAULT_RETRY.retries);
  });

  it("waits out a 429 with Retry-After: 1, then revokes", async () => {
    const inv = emu.addInvitation({ email_address: "rl-e2e@example.com" });
    const c = await connect();
    emu.inject({ method: "POST", status: 429, headers: { "Retry-After": "1" } });
    const result = (await c.callTool({
      name: "revoke_invitation",
      arguments: { invitation_id: inv.id },
    })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ id: inv.id, status: "revoked" });
    expect(emu.writes().map((w) => [w.path, w.status])).toEqual([
      [`/v1/invitations/${inv.id}/revoke`, 429],
      [`/v1/invitations/${inv.id}/revoke`, 200],
    ]);
    expect(emu.getInvitation(inv.id)?.status).toBe("revoked");
  });
});
