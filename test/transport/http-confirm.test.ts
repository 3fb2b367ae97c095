import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { useAuditFile } from "../helpers/audit-file.js";
import { textOf } from "../helpers/harness.js";
import { call, type RemoteHarness, SECRET, startRemote, TOKENS } from "../helpers/http.js";
import { INV, INV2, TOOL_SEED } from "../helpers/tool-cases.js";

/**
 * Confirmation without server state: a destructive call without a token changes nothing and
 * answers with the preview and a signed token; the repeat with it goes ahead on any instance
 * that shares the secret, and a token for other arguments, another actor, another secret or
 * past its expiry is refused before any request.
 */

let h: RemoteHarness;
afterEach(async () => {
  await h?.close();
});

function tokenOf(result: CallToolResult): string {
  const match = /confirmation_token: (\S+)/.exec(textOf(result));
  if (!match?.[1]) throw new Error(`no token in: ${textOf(result)}`);
  return match[1];
}

describe("remote mode: confirmation tokens", () => {
  const audit = useAuditFile("clerk-http-confirm-");
  let clock = 1_900_000_000;
  const now = () => clock;

  const start = (extra: { perInstanceEnv?: Array<Record<string, string>> } = {}) =>
    startRemote({
      seed: TOOL_SEED,
      instances: 2,
      argv: ["--writers", "alice,carol"],
      config: { auditLog: audit.path() },
      now,
      ...extra,
    });

  it("issues a token on one instance (nothing changed) and redeems it on another", async () => {
    h = await start();
    const onA = await h.connect(TOKENS.alice, 0);
    const onB = await h.connect(TOKENS.alice, 1);

    const first = await call(onA, "revoke_invitation", { invitation_id: INV });
    expect(first.isError).toBe(true);
    expect(first.structuredContent).toBeUndefined();
    const text = textOf(first);
    expect(text).toContain("pending1@example.com");
    expect(text).toMatch(/Show this preview to the person/);
    expect(h.emu.writes()).toEqual([]);
    expect(h.emu.getInvitation(INV)?.status).toBe("pending");

    const second = await call(onB, "revoke_invitation", {
      invitation_id: INV,
      confirmation_token: tokenOf(first),
    });
    expect(second.isError).toBeFalsy();
    expect(h.emu.getInvitation(INV)?.status).toBe("revoked");
    expect(h.emu.writes().map((w) => w.path)).toEqual([`/v1/invitations/${INV}/revoke`]);

    const lines = audit.lines();
    expect(lines.map((l) => `${l.stage}:${l.outcome ?? ""}`)).toEqual([
      "outcome:awaiting_confirmation",
      "intent:",
      "outcome:succeeded",
    ]);
    const id = lines[0]?.confirmation_id;
    expect(typeof id).toBe("string");
    for (const line of lines) {
      expect(line.confirmation_id).toBe(id);
      expect(line.actor).toEqual({ kind: "token", id: "alice" });
    }
  });

  it("refuses, before any request, a token for other arguments, another actor or another tool", async () => {
    h = await start();
    const alice = await h.connect(TOKENS.alice, 0);
    const carol = await h.connect(TOKENS.carol, 1);
    const token = tokenOf(await call(alice, "revoke_invitation", { invitation_id: INV }));
    h.emu.clearRequests();

    const altered = await call(alice, "revoke_invitation", {
      invitation_id: INV2,
      confirmation_token: token,
    });
    expect(altered.isError).toBe(true);
    expect(textOf(altered)).toContain("other arguments");
    const other = await call(carol, "revoke_invitation", {
      invitation_id: INV,
      confirmation_token: token,
    });
    expect(other.isError).toBe(true);
    expect(textOf(other)).toContain("someone else");
    const forged = await call(alice, "revoke_invitation", {
      invitation_id: INV,
      confirmation_token: `${token.split(".")[0]}.AAAA`,
    });
    expect(forged.isError).toBe(true);
    expect(textOf(forged)).toContain("not one this server issued");

    expect(h.emu.requests).toEqual([]);
    expect(h.emu.getInvitation(INV)?.status).toBe("pending");
    expect(audit.lines().map((l) => l.reason)).toEqual([
      undefined,
      "confirmation_token_arguments",
      "confirmation_token_actor",
      "confirmation_token_signature",
    ]);
  });

  it("refuses a token signed with another secret", async () => {
    h = await start({
      perInstanceEnv: [{}, { CLERK_MCP_CONFIRM_SECRET: `${SECRET}-other-instance` }],
    });
    const onA = await h.connect(TOKENS.alice, 0);
    const onB = await h.connect(TOKENS.alice, 1);
    const token = tokenOf(await call(onA, "revoke_invitation", { invitation_id: INV }));
    h.emu.clearRequests();
    const result = await call(onB, "revoke_invitation", {
      invitation_id: INV,
      confirmation_token: token,
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("not one this server issued");
    expect(h.emu.requests).toEqual([]);
  });

  it("refuses an expired token (TTL from CLERK_MCP_CONFIRM_TTL_S)", async () => {
    h = await startRemote({
      seed: TOOL_SEED,
      argv: ["--writers", "alice"],
      env: { CLERK_MCP_CONFIRM_TTL_S: "60" },
      now,
    });
    const alice = await h.connect(TOKENS.alice);
    const first = await call(alice, "revoke_invitation", { invitation_id: INV });
    expect(textOf(first)).toContain("valid 60 s");
    const token = tokenOf(first);
    clock += 61;
    h.emu.clearRequests();
    const late = await call(alice, "revoke_invitation", {
      invitation_id: INV,
      confirmation_token: token,
    });
    expect(late.isError).toBe(true);
    expect(textOf(late)).toContain("has expired");
    expect(h.emu.requests).toEqual([]);
  });

  it("two instances behind a round-robin behave as one: every call succeeds on either", async () => {
    h = await start();
    const alice = await h.connect(TOKENS.alice, "round-robin");
    const { tools } = await alice.listTools();
    expect(tools.some((t) => t.name === "revoke_invitations")).toBe(true);
    for (let i = 0; i < 4; i++) {
      expect((await call(alice, "list_invitations")).isError).toBeFalsy();
    }
    const preview = await call(alice, "revoke_invitations", { invitation_ids: [INV, INV2] });
    const done = await call(alice, "revoke_invitations", {
      invitation_ids: [INV, INV2],
      confirmation_token: tokenOf(preview),
    });
    expect(done.isError).toBeFalsy();
    expect(h.emu.getInvitation(INV)?.status).toBe("revoked");
    expect(h.emu.getInvitation(INV2)?.status).toBe("revoked");
    expect(new Set(h.served)).toEqual(new Set([0, 1]));
    expect(h.served.filter((i) => i === 0).length).toBeGreaterThanOrEqual(3);
    expect(h.served.filter((i) => i === 1).length).toBeGreaterThanOrEqual(3);
  });
});
