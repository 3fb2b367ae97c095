import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";

interface Item {
  email_address: string;
  outcome: string;
  invitation?: { id: string; email_address: string; url: string | null; public_metadata: unknown };
  note?: string;
  error?: string;
}
interface Bulk {
  results: Item[];
  counts: Record<string, number>;
  duplicates_removed: number;
}

const emails = (n: number, prefix = "p") =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}@example.com`);
const bulkOf = (r: CallToolResult) => r.structuredContent as unknown as Bulk;
const byEmail = (b: Bulk) => Object.fromEntries(b.results.map((r) => [r.email_address, r]));

describe("create_invitations", () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness({ seed: { users: [{ email_address: "user@example.com" }] } });
  });
  afterEach(() => h.close());

  it("uses the bulk endpoint in chunks of at most 10, with metadata keys unchanged", async () => {
    const list = emails(23);
    const result = await h.call("create_invitations", {
      email_addresses: list,
      public_metadata: { planTier: "team" },
      notify: false,
    });
    expect(result.isError).toBeFalsy();
    const bulk = bulkOf(result);
    expect(bulk.counts).toEqual({ created: 23 });
    expect(textOf(result)).toMatch(
      /No email was sent \(notify: false\): share each invitation's url/,
    );
    expect(bulk.results.map((r) => r.email_address)).toEqual(list);
    for (const item of bulk.results) {
      expect(item.outcome).toBe("created");
      expect(item.invitation?.email_address).toBe(item.email_address);
      expect(item.invitation?.url).toMatch(/__clerk_ticket=/);
      expect(item.invitation?.public_metadata).toEqual({ planTier: "team" });
    }
    const writes = h.emu.writes();
    expect(writes.map((w) => w.path)).toEqual(Array(3).fill("/v1/invitations/bulk"));
    expect(writes.map((w) => (w.body as unknown[]).length).sort()).toEqual([10, 10, 3]);
    const first = (writes[0]?.body as Array<Record<string, unknown>> | undefined)?.[0];
    expect(first).toMatchObject({ public_metadata: { planTier: "team" }, notify: false });
    expect(first).not.toHaveProperty("publicMetadata");
  });

  it("falls back to one call per address when Clerk refuses a chunk, so one conflict does not sink the others", async () => {
    h.emu.addInvitation({ email_address: "dup@example.com" });
    h.emu.clearRequests();
    const list = ["a@example.com", "dup@example.com", "user@example.com", "b@example.com"];
    const result = await h.call("create_invitations", { email_addresses: list });
    expect(result.isError).toBeFalsy();
    const bulk = bulkOf(result);
    const items = byEmail(bulk);
    expect(items["a@example.com"]?.outcome).toBe("created");
    expect(items["b@example.com"]?.outcome).toBe("created");
    expect(items["dup@example.com"]).toMatchObject({ outcome: "already_invited" });
    expect(items["dup@example.com"]?.error).toMatch(/ignore_existing/);
    expect(items["user@example.com"]).toMatchObject({ outcome: "already_a_user" });
    expect(items["dup@example.com"]).not.toHaveProperty("invitation");
    expect(bulk.counts).toEqual({ created: 2, already_invited: 1, already_a_user: 1 });
    expect(textOf(result)).not.toMatch(/No email was sent/);
    expect(h.emu.writes().map((w) => `${w.path} ${w.status}`)).toEqual([
      "/v1/invitations/bulk 422",
      "/v1/invitations 200",
      "/v1/invitations 400",
      "/v1/invitations 422",
      "/v1/invitations 200",
    ]);
  });

  it("removes repeated addresses (ignoring case) and says so", async () => {
    const result = await h.call("create_invitations", {
      email_addresses: ["x@example.com", "X@Example.com", "y@example.com", "x@example.com"],
    });
    const bulk = bulkOf(result);
    expect(bulk.duplicates_removed).toBe(2);
    expect(bulk.results.map((r) => r.email_address)).toEqual(["x@example.com", "y@example.com"]);
    expect(textOf(result)).toMatch(/2 repeated addresses were removed/);
    expect(h.emu.writes()[0]?.body).toHaveLength(2);
  });

  it("a chunk applied before its answer was lost is found by lookups and reported created", async () => {
    h.emu.inject({ method: "POST", path: "/v1/invitations/bulk", applyThenFail: 502 });
    const bulk = bulkOf(await h.call("create_invitations", { email_addresses: emails(10) }));
    expect(bulk.counts).toEqual({ created: 10 });
    for (const item of bulk.results) {
      expect(item.note).toMatch(/answer was lost/);
      expect(item.invitation?.email_address).toBe(item.email_address);
    }
    // The write is never repeated; the rest are lookups by email address.
    expect(h.emu.writes()).toHaveLength(1);
    const lookups = h.emu.requests.filter((r) => r.method === "GET");
    expect(lookups.map((r) => r.query.query).sort()).toEqual([...emails(10)].sort());
  });

  it("a chunk whose answer was lost and that was not applied: every address is outcome_unknown, never 'failed'", async () => {
    h.emu.inject({ method: "POST", path: "/v1/invitations/bulk", status: 503 });
    const result = await h.call("create_invitations", { email_addresses: emails(3) });
    // Items that may have been applied must reach the human, so this is no error result.
    expect(result.isError).toBeFalsy();
    const bulk = bulkOf(result);
    expect(bulk.counts).toEqual({ outcome_unknown: 3 });
    for (const item of bulk.results) expect(item.error).toMatch(/outcome is unknown/);
    expect(textOf(result)).toMatch(/^Warning: 3 may or may not have been applied/);
    expect(textOf(result)).not.toMatch(/nothing was created/);
    expect(h.emu.writes()).toHaveLength(1);
  });

  it("a chunk refused for another reason (401) fails each address without a per-address fallback", async () => {
    h.emu.inject({ method: "POST", path: "/v1/invitations/bulk", status: 401 });
    const result = await h.call("create_invitations", { email_addresses: emails(3) });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^All 3 addresses failed; the first failure: .*HTTP 401/);
    expect(h.emu.writes()).toHaveLength(1);
  });

  it("after a lost per-address answer, an older pending invitation is not reported as created: the outcome is unknown", async () => {
    // The old invitation makes Clerk refuse the chunk, so each address is sent on its own;
    // the one for old@ then fails with a 503 that was not applied.
    const old = h.emu.addInvitation({
      email_address: "old@example.com",
      created_at: Date.now() - 3_600_000,
    });
    h.emu.clearRequests();
    h.emu.inject({ method: "POST", path: "/v1/invitations", status: 503 });
    const result = await h.call("create_invitations", {
      email_addresses: ["old@example.com", "new@example.com"],
    });
    expect(result.isError).toBeFalsy();
    const items = byEmail(bulkOf(result));
    expect(items["old@example.com"]).toMatchObject({ outcome: "outcome_unknown" });
    expect(items["old@example.com"]).not.toHaveProperty("invitation");
    expect(items["old@example.com"]?.error).toMatch(/outcome is unknown/);
    expect(items["old@example.com"]?.error).not.toContain(old.id);
    expect(items["new@example.com"]?.outcome).toBe("created");
    expect(bulkOf(result).counts).toEqual({ outcome_unknown: 1, created: 1 });
    expect(h.emu.writes().map((w) => `${w.path} ${w.status}`)).toEqual([
      "/v1/invitations/bulk 400",
      "/v1/invitations 503",
      "/v1/invitations 200",
    ]);
  });

  it("sends progress notifications when the client passes a progressToken", async () => {
    const progress: Array<{ progress: number; total?: number }> = [];
    const result = (await h.client.callTool(
      { name: "create_invitations", arguments: { email_addresses: emails(25) } },
      undefined,
      { onprogress: (p) => progress.push(p) },
    )) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.at(-1)).toEqual({ progress: 25, total: 25 });
    const values = progress.map((p) => p.progress);
    expect([...values].sort((a, b) => a - b)).toEqual(values);
  });
});

describe("create_invitations when every address fails", () => {
  let h: Harness;
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "clerk-create-bulk-"));
  });
  afterEach(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a 401 stops a 25-address batch: an isError result, audited as failed with its status", async () => {
    const file = join(dir, "audit.jsonl");
    h = await startHarness({ config: { auditLog: file } });
    h.emu.inject({ status: 401, times: Infinity });
    const result = await h.call("create_invitations", { email_addresses: emails(25) });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(textOf(result)).toMatch(
      /^All 25 addresses failed; the first failure: Clerk answered HTTP 401/,
    );
    expect(textOf(result)).toMatch(/Clerk rejected the secret key/);
    // A 401 neither falls back to one call per address nor goes on with other chunks: only
    // the chunks already in flight were sent.
    const writes = h.emu.writes().map((w) => `${w.path} ${w.status}`);
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.length).toBeLessThanOrEqual(3);
    expect(new Set(writes)).toEqual(new Set(["/v1/invitations/bulk 401"]));
    const lines = readFileSync(file, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ stage: "outcome", outcome: "failed", http_status: 401 });
  });
});
