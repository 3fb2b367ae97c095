import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";

interface Item {
  invitation_id: string;
  outcome: string;
  email_address?: string;
  status?: string;
  error?: string;
}
interface Bulk {
  dry_run: boolean;
  results: Item[];
  counts: Record<string, number>;
  duplicates_removed: number;
}

const DAY = 86_400_000;
const bulkOf = (r: CallToolResult) => r.structuredContent as unknown as Bulk;
const outcomes = (b: Bulk) => Object.fromEntries(b.results.map((r) => [r.invitation_id, r]));

describe("revoke_invitations", () => {
  let h: Harness;
  let ids: Record<"p1" | "p2" | "revoked" | "accepted" | "expired", string>;
  const unknown = "inv_doesnotexist0000";

  beforeEach(async () => {
    h = await startHarness();
    ids = {
      p1: h.emu.addInvitation({ email_address: "p1@example.com" }).id,
      p2: h.emu.addInvitation({ email_address: "p2@example.com" }).id,
      revoked: h.emu.addInvitation({ email_address: "r@example.com", status: "revoked" }).id,
      accepted: h.emu.addInvitation({ email_address: "a@example.com", status: "accepted" }).id,
      expired: h.emu.addInvitation({
        email_address: "e@example.com",
        expires_at: Date.now() - DAY,
      }).id,
    };
    h.emu.clearRequests();
  });
  afterEach(() => h.close());

  const mixed = () => [
    ids.p1,
    ids.revoked,
    ids.accepted,
    ids.expired,
    unknown,
    ids.p2,
    ids.p1, // repeated
  ];

  it("reports an outcome per ID, removes repeats and says so", async () => {
    const result = await h.call("revoke_invitations", { invitation_ids: mixed() });
    expect(result.isError).toBeFalsy();
    const bulk = bulkOf(result);
    expect(bulk.dry_run).toBe(false);
    expect(bulk.duplicates_removed).toBe(1);
    expect(bulk.results.map((r) => r.invitation_id)).toEqual(mixed().slice(0, 6));
    const by = outcomes(bulk);
    expect(by[ids.p1]).toEqual({
      invitation_id: ids.p1,
      outcome: "revoked",
      email_address: "p1@example.com",
      status: "revoked",
    });
    expect(by[ids.p2]?.outcome).toBe("revoked");
    expect(by[ids.revoked]?.outcome).toBe("already_revoked");
    expect(by[ids.accepted]).toMatchObject({ outcome: "not_revocable", status: "accepted" });
    expect(by[ids.expired]).toMatchObject({ outcome: "not_revocable", status: "expired" });
    expect(by[unknown]).toEqual({ invitation_id: unknown, outcome: "not_found" });
    expect(bulk.counts).toEqual({
      revoked: 2,
      already_revoked: 1,
      not_revocable: 2,
      not_found: 1,
    });
    expect(textOf(result)).toMatch(/1 repeated ID was removed/);
    expect(h.emu.getInvitation(ids.p1)?.status).toBe("revoked");
    expect(h.emu.getInvitation(ids.p2)?.status).toBe("revoked");
    // Each distinct ID is revoked once: the repeat sent nothing.
    const revokes = h.emu.writes().map((w) => w.path);
    expect(revokes.filter((p) => p === `/v1/invitations/${ids.p1}/revoke`)).toHaveLength(1);
    expect(revokes).toHaveLength(6);
  });

  it("dry_run reports what would happen and sends no write", async () => {
    const result = await h.call("revoke_invitations", { invitation_ids: mixed(), dry_run: true });
    expect(result.isError).toBeFalsy();
    const bulk = bulkOf(result);
    expect(bulk.dry_run).toBe(true);
    const by = outcomes(bulk);
    expect(by[ids.p1]).toMatchObject({ outcome: "would_revoke", email_address: "p1@example.com" });
    expect(by[ids.p2]?.outcome).toBe("would_revoke");
    expect(by[ids.revoked]?.outcome).toBe("already_revoked");
    expect(by[ids.accepted]).toMatchObject({ outcome: "not_revocable", status: "accepted" });
    expect(by[ids.expired]).toMatchObject({ outcome: "not_revocable", status: "expired" });
    expect(by[unknown]?.outcome).toBe("not_found");
    expect(textOf(result)).toMatch(/^Dry run, nothing changed/);
    expect(h.emu.writes()).toEqual([]);
    expect(h.emu.getInvitation(ids.p1)?.status).toBe("pending");
    // One page of each list, plus findInvitation's two queries to confirm the unknown ID.
    expect(h.emu.requests).toHaveLength(4);
  });

  it("dry_run on a large instance pages the lists only while that is cheaper than per-ID lookups", async () => {
    const many = Array.from({ length: 1_100 }, (_, i) =>
      h.emu.addInvitation({
        email_address: `bulk${i}@example.com`,
        created_at: 1_000 + i,
        expires_at: Date.now() + 30 * DAY,
      }),
    );
    const oldest = many[0]?.id as string;
    const newest = many[1_099]?.id as string;
    const middle = many[600]?.id as string;

    // One ID beyond the first page: two more pages would cost as much as its two lookups.
    h.emu.clearRequests();
    let bulk = bulkOf(
      await h.call("revoke_invitations", { invitation_ids: [newest], dry_run: true }),
    );
    expect(bulk.results[0]?.outcome).toBe("would_revoke");
    expect(h.emu.requests.map((r) => r.query.query ?? "page")).toEqual([
      "page",
      "page",
      newest,
      newest,
    ]);

    // Three unseen IDs: the two remaining pages are cheaper than six lookups.
    h.emu.clearRequests();
    bulk = bulkOf(
      await h.call("revoke_invitations", {
        invitation_ids: [oldest, middle, newest, "inv_nothere"],
        dry_run: true,
      }),
    );
    expect(bulk.results.map((r) => r.outcome)).toEqual([
      "would_revoke",
      "would_revoke",
      "would_revoke",
      "not_found",
    ]);
    const pages = h.emu.requests.filter((r) => r.query.query === undefined);
    // @clerk/backend leaves offset=0 out of the query.
    expect(pages.map((r) => r.query.offset ?? "0").sort()).toEqual(["0", "0", "1000", "500"]);
    expect(h.emu.requests).toHaveLength(6);
    expect(h.emu.writes()).toEqual([]);
  });

  it("a failure is reported on its item and the others still complete", async () => {
    h.emu.inject({ method: "POST", path: `/v1/invitations/${ids.p2}/revoke`, status: 422 });
    const bulk = bulkOf(await h.call("revoke_invitations", { invitation_ids: [ids.p1, ids.p2] }));
    const by = outcomes(bulk);
    expect(by[ids.p1]?.outcome).toBe("revoked");
    expect(by[ids.p2]).toMatchObject({ outcome: "failed" });
    expect(by[ids.p2]?.error).toMatch(/HTTP 422/);
    expect(bulk.counts).toEqual({ revoked: 1, failed: 1 });
  });

  it("sends progress notifications when the client passes a progressToken", async () => {
    const pending = Array.from(
      { length: 30 },
      (_, i) => h.emu.addInvitation({ email_address: `q${i}@example.com` }).id,
    );
    const progress: Array<{ progress: number; total?: number }> = [];
    const result = (await h.client.callTool(
      { name: "revoke_invitations", arguments: { invitation_ids: pending } },
      undefined,
      { onprogress: (p) => progress.push(p) },
    )) as CallToolResult;
    expect(bulkOf(result).counts).toEqual({ revoked: 30 });
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual({ progress: 30, total: 30 });
    const values = progress.map((p) => p.progress);
    expect(new Set(values).size).toBe(values.length);
    expect([...values].sort((a, b) => a - b)).toEqual(values);
  });

  it("under a rate limit, honours Retry-After and revokes every ID with no failure", async () => {
    const pending = Array.from(
      { length: 25 },
      (_, i) => h.emu.addInvitation({ email_address: `rl${i}@example.com` }).id,
    );
    h.emu.setRateLimit({ requests: 10, windowMs: 1_000 });
    const bulk = bulkOf(await h.call("revoke_invitations", { invitation_ids: pending }));
    expect(bulk.counts).toEqual({ revoked: 25 });
    expect(h.emu.rateLimited()).toBeGreaterThan(0);
    for (const id of pending) expect(h.emu.getInvitation(id)?.status).toBe("revoked");
    // Every ID was revoked exactly once: a 429 was never applied.
    const applied = h.emu.writes().filter((w) => w.status === 200);
    expect(applied).toHaveLength(25);
  });
});

/** Clerk applies every revoke of `id`, but no answer arrives within the 300 ms timeout. */
const appliedButNeverAnswered = (id: string) => ({
  method: "POST",
  path: `/v1/invitations/${id}/revoke`,
  delayMs: 1_000,
  applyThenFail: 503,
  times: Number.POSITIVE_INFINITY,
});

describe("revoke_invitations when an answer is lost and cannot be settled", () => {
  it("reports that item as outcome_unknown, and the audit log says so", async () => {
    const dir = mkdtempSync(join(tmpdir(), "clerk-bulk-unknown-"));
    const file = join(dir, "audit.jsonl");
    const h = await startHarness({ config: { timeoutMs: 300, auditLog: file } });
    try {
      const lost = h.emu.addInvitation({ email_address: "lost@example.com" }).id;
      const fine = h.emu.addInvitation({ email_address: "fine@example.com" }).id;
      h.emu.clearRequests();
      // Clerk applies the revoke, but no answer to it or to its repeats arrives in time.
      h.emu.inject(appliedButNeverAnswered(lost));
      const result = await h.call("revoke_invitations", { invitation_ids: [lost, fine] });
      expect(result.isError).toBeFalsy();
      const bulk = bulkOf(result);
      expect(outcomes(bulk)[lost]).toMatchObject({ outcome: "outcome_unknown" });
      expect(outcomes(bulk)[lost]?.error).toMatch(/outcome is unknown/);
      expect(outcomes(bulk)[fine]).toMatchObject({ outcome: "revoked" });
      expect(bulk.counts).toEqual({ outcome_unknown: 1, revoked: 1 });
      // The revoke only sets state, so it was repeated within the gateway's retries.
      expect(h.emu.writes().filter((w) => w.path.includes(lost))).toHaveLength(4);
      const last = JSON.parse(readFileSync(file, "utf8").trimEnd().split("\n").at(-1) ?? "{}");
      expect(last).toMatchObject({
        stage: "outcome",
        outcome: "outcome_unknown",
        counts: { outcome_unknown: 1, revoked: 1 },
      });
    } finally {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("when every item failed but one may have been applied, the results still reach the human", async () => {
    const h = await startHarness({ config: { timeoutMs: 300 } });
    try {
      const refused = h.emu.addInvitation({ email_address: "refused@example.com" }).id;
      const lost = h.emu.addInvitation({ email_address: "lost2@example.com" }).id;
      h.emu.clearRequests();
      h.emu.inject({ method: "POST", path: `/v1/invitations/${refused}/revoke`, status: 422 });
      h.emu.inject(appliedButNeverAnswered(lost));
      const result = await h.call("revoke_invitations", { invitation_ids: [refused, lost] });
      expect(result.isError).toBeFalsy();
      expect(bulkOf(result).counts).toEqual({ failed: 1, outcome_unknown: 1 });
      expect(textOf(result)).toMatch(/^Warning: 1 may or may not have been applied/);
      await vi.waitFor(() => expect(h.emu.getInvitation(lost)?.status).toBe("revoked"));
    } finally {
      await h.close();
    }
  });
});
