import { readFileSync } from "node:fs";
import { type ElicitRequest, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { useAuditFile } from "../helpers/audit-file.js";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";

/**
 * The confirmation hooks of revoke_invitation and revoke_invitations: the question is skipped
 * only when the lookup shows that nothing will change; a target the lookup misses is still
 * asked about, by ID. And a bulk revoke whose every item fails is an error, audited as such.
 */

const UNKNOWN = "inv_notfoundbylookup01";
/** Makes the next `n` list queries answer an empty page, as a lookup that misses would. */
const emptyLookups = (h: Harness, n: number) =>
  h.emu.inject({
    method: "GET",
    path: "/v1/invitations",
    status: 200,
    body: { data: [], total_count: 0 },
    times: n,
  });

let h: Harness;
let asked: ElicitRequest["params"][];
const audit = useAuditFile("clerk-confirm-");
afterEach(async () => {
  await h.close();
});

async function declining(): Promise<Harness> {
  h = await startHarness({
    capabilities: { elicitation: { form: {} } },
    config: { auditLog: audit.path() },
  });
  asked = [];
  h.client.setRequestHandler(ElicitRequestSchema, async (req) => {
    asked.push(req.params);
    return { action: "decline" };
  });
  return h;
}

describe("revoke_invitation", () => {
  it("asks, naming the ID, when the lookup misses an invitation that exists; decline changes nothing", async () => {
    const hh = await declining();
    const id = hh.emu.addInvitation({ email_address: "hidden@example.com" }).id;
    hh.emu.clearRequests();
    emptyLookups(hh, 2);
    const result = await hh.call("revoke_invitation", { invitation_id: id });
    expect(asked).toHaveLength(1);
    expect(asked[0]?.message).toContain(`${id} (not found by lookup)`);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("declined");
    expect(hh.emu.writes()).toEqual([]);
    expect(hh.emu.getInvitation(id)?.status).toBe("pending");
  });

  it.each([
    ["revoked", { status: "revoked" as const, revoked: true }],
    ["accepted", { status: "accepted" as const }],
  ])("does not ask when the lookup shows it %s (nothing will change)", async (_, extra) => {
    const hh = await declining();
    const id = hh.emu.addInvitation({ email_address: "done@example.com", ...extra }).id;
    await hh.call("revoke_invitation", { invitation_id: id });
    expect(asked).toEqual([]);
  });
});

describe("revoke_invitations", () => {
  it("counts every ID that may change, naming those the lookup did not find; settled ones are left out", async () => {
    const hh = await declining();
    const pending = hh.emu.addInvitation({ email_address: "p@example.com" }).id;
    const revoked = hh.emu.addInvitation({
      email_address: "r@example.com",
      status: "revoked",
      revoked: true,
    }).id;
    hh.emu.clearRequests();
    const result = await hh.call("revoke_invitations", {
      invitation_ids: [pending, revoked, UNKNOWN],
    });
    expect(asked).toHaveLength(1);
    expect(asked[0]?.message).toMatch(/^Revoke 2 invitations \(/);
    expect(asked[0]?.message).toContain("p@example.com");
    expect(asked[0]?.message).toContain(`${UNKNOWN} (not found by lookup)`);
    expect(asked[0]?.message).not.toContain("r@example.com");
    expect(result.isError).toBe(true);
    expect(hh.emu.writes()).toEqual([]);
  });

  it("asks about pending invitations the lookup misses, instead of revoking them unannounced", async () => {
    const hh = await declining();
    const ids = ["a", "b", "c"].map(
      (n) => hh.emu.addInvitation({ email_address: `${n}@example.com` }).id,
    );
    hh.emu.clearRequests();
    // Both list pages, then each ID's two queries.
    emptyLookups(hh, 2 + 2 * ids.length);
    const result = await hh.call("revoke_invitations", { invitation_ids: ids });
    expect(asked).toHaveLength(1);
    expect(asked[0]?.message).toMatch(/^Revoke 3 invitations/);
    for (const id of ids) expect(asked[0]?.message).toContain(`${id} (not found by lookup)`);
    expect(result.isError).toBe(true);
    expect(hh.emu.writes()).toEqual([]);
    expect(ids.every((id) => hh.emu.getInvitation(id)?.status === "pending")).toBe(true);
  });

  it("does not ask when every ID is already revoked, accepted or expired", async () => {
    const hh = await declining();
    const ids = [
      hh.emu.addInvitation({ email_address: "r@example.com", status: "revoked", revoked: true }).id,
      hh.emu.addInvitation({ email_address: "a@example.com", status: "accepted" }).id,
      hh.emu.addInvitation({ email_address: "e@example.com", expires_at: Date.now() - 1000 }).id,
    ];
    const result = await hh.call("revoke_invitations", { invitation_ids: ids });
    expect(asked).toEqual([]);
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      counts: { already_revoked: 1, not_revocable: 2 },
    });
  });
});

describe("revoke_invitations when every revoke fails", () => {
  it("a 401 stops the batch: the rest are not sent, and all failing is an error audited as failed", async () => {
    h = await startHarness({ config: { auditLog: audit.path() } });
    const ids = Array.from(
      { length: 100 },
      (_, i) => h.emu.addInvitation({ email_address: `x${i}@example.com` }).id,
    );
    h.emu.clearRequests();
    h.emu.inject({ status: 401, times: Infinity });
    const result = await h.call("revoke_invitations", { invitation_ids: ids });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(textOf(result)).toMatch(
      /^All 100 revokes failed; the first failure: Clerk answered HTTP 401/,
    );
    expect(textOf(result)).toMatch(/Clerk rejected the secret key/);
    // Only the revokes already in flight when the first 401 came back were sent.
    expect(h.emu.writes().length).toBeGreaterThan(0);
    expect(h.emu.writes().length).toBeLessThanOrEqual(10);
    expect(h.emu.writes().every((w) => w.status === 401)).toBe(true);
    const lines = readFileSync(audit.path(), "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ stage: "outcome", outcome: "failed", http_status: 401 });
  });

  it("every revoke refused: an isError result with the counts and the first failure", async () => {
    h = await startHarness();
    const ids = [0, 1, 2].map(
      (i) => h.emu.addInvitation({ email_address: `r${i}@example.com` }).id,
    );
    h.emu.clearRequests();
    h.emu.inject({ method: "POST", status: 422, times: Infinity });
    const result = await h.call("revoke_invitations", { invitation_ids: ids });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(textOf(result)).toMatch(
      /^All 3 revokes failed; the first failure: Clerk answered HTTP 422/,
    );
    expect(h.emu.writes()).toHaveLength(3);
  });

  it("one success among failures keeps the per-item result", async () => {
    h = await startHarness();
    const ok = h.emu.addInvitation({ email_address: "ok@example.com" }).id;
    const bad = h.emu.addInvitation({ email_address: "bad@example.com" }).id;
    h.emu.clearRequests();
    h.emu.inject({ method: "POST", path: `/v1/invitations/${bad}/revoke`, status: 422 });
    const result = await h.call("revoke_invitations", { invitation_ids: [ok, bad] });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ counts: { revoked: 1, failed: 1 } });
    expect(JSON.stringify(result.structuredContent)).not.toContain("failure");
  });

  it("a 401 mid-batch keeps the results of revokes already in flight, and sends no more", async () => {
    h = await startHarness();
    const ids = Array.from(
      { length: 20 },
      (_, i) => h.emu.addInvitation({ email_address: `m${i}@example.com` }).id,
    );
    h.emu.clearRequests();
    h.emu.inject({ method: "POST", path: `/v1/invitations/${ids[5]}/revoke`, status: 401 });
    const result = await h.call("revoke_invitations", { invitation_ids: ids });
    expect(result.isError).toBeFalsy();
    const { results, counts } = result.structuredContent as {
      results: Array<{ invitation_id: string; outcome: string; error?: string }>;
      counts: Record<string, number>;
    };
    const revoked = results.filter((r) => r.outcome === "revoked").map((r) => r.invitation_id);
    // Every revoke the server sent is reported as what Clerk did; none is lost.
    const sent = h.emu.writes().filter((w) => w.status === 200).length;
    expect(revoked).toHaveLength(sent);
    expect(revoked.every((id) => h.emu.getInvitation(id)?.status === "revoked")).toBe(true);
    expect(counts).toEqual({ revoked: sent, failed: 20 - sent });
    const notSent = results.filter((r) =>
      /^Not sent: Clerk rejected the secret key/.test(r.error ?? ""),
    );
    expect(notSent.length).toBe(20 - sent - 1);
    expect(notSent.every((r) => h.emu.getInvitation(r.invitation_id)?.status === "pending")).toBe(
      true,
    );
  });
});
