import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import type { Emulator, SeedData } from "../../emulator/index.js";
import { isWriteTool } from "../../src/safety/selection.js";
import { ALL_TOOLS } from "../../src/tools/registry.js";
import { startHarness, textOf } from "../helpers/harness.js";

/**
 * The lost-answer rule over every write tool. Clerk holds the write's answer past the attempt
 * timeout and then applies it (`applied later`), or never applies it (`never applied`). Only
 * Clerk's final state may decide what the result says: no "nothing changed", "not created",
 * "still pending" unless the state shows it, and the audit log never says `failed` for a write
 * that was applied.
 *
 * Writes that only set state are repeated, so both variants end applied and reported so.
 * Creates are never repeated: they are looked up several times, found when applied later, and
 * reported as of unknown outcome (never "not created") when not.
 */

const TIMEOUT_MS = 150;
/** Clerk applies the held request this long after it arrived: after the attempt timed out. */
const APPLY_AFTER_MS = 250;

const ORG = "org_acme000001";
const ADMIN = "user_admin00001";
const MEMBER = "user_member0001";
const OUTSIDER = "user_outside001";
const BANNED = "user_banned0001";
const INV = "inv_pending0001";
const INV2 = "inv_pending0002";
const ORGINV = "orginv_pending01";

const SEED: SeedData = {
  users: [
    { id: ADMIN, email_address: "admin@acme.test" },
    { id: MEMBER, email_address: "member@acme.test" },
    { id: OUTSIDER, email_address: "out@else.test" },
    { id: BANNED, email_address: "banned@else.test", banned: true },
  ],
  organizations: [
    {
      id: ORG,
      name: "Acme",
      slug: "acme",
      members: [
        { user_id: ADMIN, role: "org:admin" },
        { user_id: MEMBER, role: "org:member" },
      ],
    },
  ],
  invitations: [
    { id: INV, email_address: "ada@example.com" },
    { id: INV2, email_address: "bo@example.com" },
  ],
  organization_invitations: [
    { id: ORGINV, organization_id: ORG, email_address: "cy@example.com", role: "org:member" },
  ],
};

/** A GET against the emulator over HTTP, as Clerk's API answers it. */
async function api(emu: Emulator, path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${emu.url}${path}`, {
    headers: { Authorization: `Bearer ${emu.secretKey}` },
  });
  return { status: res.status, body: await res.json() };
}

/** The items of a list answer: Clerk sends a bare array unless `paginated=true` is asked for. */
const dataOf = (r: { body: unknown }): Array<Record<string, unknown>> =>
  Array.isArray(r.body) ? r.body : (r.body as { data: Array<Record<string, unknown>> }).data;

interface LostCase {
  /** The tool; a case name may add words after it (variants of one tool). */
  tool: string;
  args: Record<string, unknown>;
  /** The write request Clerk holds. */
  write: { method: string; path: string };
  /** Writes that only set state are repeated; creates are looked up. */
  kind: "state" | "create";
  /** Whether Clerk's state now shows the change. */
  applied(emu: Emulator): Promise<boolean>;
}

const CASES: Record<string, LostCase> = {
  revoke_invitation: {
    tool: "revoke_invitation",
    args: { invitation_id: INV },
    write: { method: "POST", path: `/v1/invitations/${INV}/revoke` },
    kind: "state",
    applied: async (emu) => emu.getInvitation(INV)?.status === "revoked",
  },
  revoke_invitations: {
    tool: "revoke_invitations",
    args: { invitation_ids: [INV2] },
    write: { method: "POST", path: `/v1/invitations/${INV2}/revoke` },
    kind: "state",
    applied: async (emu) => emu.getInvitation(INV2)?.status === "revoked",
  },
  create_invitation: {
    tool: "create_invitation",
    args: { email_address: "new@example.com", notify: false },
    write: { method: "POST", path: "/v1/invitations" },
    kind: "create",
    applied: async (emu) =>
      dataOf(await api(emu, "/v1/invitations?query=new%40example.com")).length === 1,
  },
  create_invitations: {
    tool: "create_invitations",
    args: { email_addresses: ["n1@example.com", "n2@example.com"], notify: false },
    write: { method: "POST", path: "/v1/invitations/bulk" },
    kind: "create",
    applied: async (emu) =>
      dataOf(await api(emu, "/v1/invitations?query=example.com&status=pending")).filter((i) =>
        String(i.email_address).startsWith("n"),
      ).length === 2,
  },
  revoke_organization_invitation: {
    tool: "revoke_organization_invitation",
    args: { organization_id: ORG, invitation_id: ORGINV },
    write: { method: "POST", path: `/v1/organizations/${ORG}/invitations/${ORGINV}/revoke` },
    kind: "state",
    applied: async (emu) => emu.getOrganizationInvitation(ORGINV)?.status === "revoked",
  },
  create_organization_invitation: {
    tool: "create_organization_invitation",
    args: { organization_id: ORG, email_address: "oi@example.com", role: "org:member" },
    write: { method: "POST", path: `/v1/organizations/${ORG}/invitations` },
    kind: "create",
    applied: async (emu) =>
      dataOf(await api(emu, `/v1/organizations/${ORG}/invitations?status=pending`)).some(
        (i) => i.email_address === "oi@example.com",
      ),
  },
  ban_user: {
    tool: "ban_user",
    args: { user_id: MEMBER },
    write: { method: "POST", path: `/v1/users/${MEMBER}/ban` },
    kind: "state",
    applied: async (emu) => emu.getUser(MEMBER)?.banned === true,
  },
  unban_user: {
    tool: "unban_user",
    args: { user_id: BANNED },
    write: { method: "POST", path: `/v1/users/${BANNED}/unban` },
    kind: "state",
    applied: async (emu) => emu.getUser(BANNED)?.banned === false,
  },
  update_user_metadata: {
    tool: "update_user_metadata",
    args: { user_id: MEMBER, public_metadata: { plan: "pro" } },
    write: { method: "PATCH", path: `/v1/users/${MEMBER}/metadata` },
    kind: "state",
    applied: async (emu) =>
      (emu.getUser(MEMBER)?.public_metadata as Record<string, unknown>)?.plan === "pro",
  },
  create_organization: {
    tool: "create_organization",
    args: { name: "Globex", slug: "globex" },
    write: { method: "POST", path: "/v1/organizations" },
    kind: "create",
    applied: async (emu) => (await api(emu, "/v1/organizations/globex")).status === 200,
  },
  "create_organization without a slug": {
    tool: "create_organization",
    args: { name: "Initech", created_by: ADMIN },
    write: { method: "POST", path: "/v1/organizations" },
    kind: "create",
    applied: async (emu) =>
      dataOf(await api(emu, "/v1/organizations?query=Initech")).some((o) => o.name === "Initech"),
  },
  update_organization: {
    tool: "update_organization",
    args: { organization_id: ORG, name: "Acme Two" },
    write: { method: "PATCH", path: `/v1/organizations/${ORG}` },
    kind: "state",
    applied: async (emu) =>
      ((await api(emu, `/v1/organizations/${ORG}`)).body as { name: string }).name === "Acme Two",
  },
  update_organization_metadata: {
    tool: "update_organization_metadata",
    args: { organization_id: ORG, public_metadata: { tier: "gold" } },
    write: { method: "PATCH", path: `/v1/organizations/${ORG}/metadata` },
    kind: "state",
    applied: async (emu) =>
      (
        (await api(emu, `/v1/organizations/${ORG}`)).body as {
          public_metadata: Record<string, unknown>;
        }
      ).public_metadata.tier === "gold",
  },
  delete_organization: {
    tool: "delete_organization",
    args: { organization_id: ORG },
    write: { method: "DELETE", path: `/v1/organizations/${ORG}` },
    kind: "state",
    applied: async (emu) => (await api(emu, `/v1/organizations/${ORG}`)).status === 404,
  },
  create_organization_membership: {
    tool: "create_organization_membership",
    args: { organization_id: ORG, user_id: OUTSIDER, role: "org:member" },
    write: { method: "POST", path: `/v1/organizations/${ORG}/memberships` },
    kind: "create",
    applied: async (emu) => (await roleOf(emu, OUTSIDER)) === "org:member",
  },
  update_organization_membership: {
    tool: "update_organization_membership",
    args: { organization_id: ORG, user_id: MEMBER, role: "org:admin" },
    write: { method: "PATCH", path: `/v1/organizations/${ORG}/memberships/${MEMBER}` },
    kind: "state",
    applied: async (emu) => (await roleOf(emu, MEMBER)) === "org:admin",
  },
  delete_organization_membership: {
    tool: "delete_organization_membership",
    args: { organization_id: ORG, user_id: MEMBER },
    write: { method: "DELETE", path: `/v1/organizations/${ORG}/memberships/${MEMBER}` },
    kind: "state",
    applied: async (emu) => (await roleOf(emu, MEMBER)) === undefined,
  },
};

async function roleOf(emu: Emulator, user_id: string): Promise<string | undefined> {
  const page = dataOf(await api(emu, `/v1/organizations/${ORG}/memberships?limit=100`));
  const m = page.find((x) => (x.public_user_data as { user_id: string }).user_id === user_id);
  return m?.role as string | undefined;
}

/** Words no result may say unless Clerk's final state shows nothing was done. */
const DENIES =
  /nothing changed|not created|not deleted|still pending|nothing was (created|deleted)/i;

function lastOutcome(file: string): Record<string, unknown> {
  const lines = readFileSync(file, "utf8").trimEnd().split("\n");
  return JSON.parse(lines.at(-1) ?? "{}");
}

function bulkCounts(result: CallToolResult): Record<string, number> | undefined {
  return (result.structuredContent as { counts?: Record<string, number> } | undefined)?.counts;
}

describe("every write tool has a lost-answer case", () => {
  it("the table names every write tool the server has", () => {
    const writes = ALL_TOOLS.filter(isWriteTool).map((t) => t.name);
    const covered = new Set(Object.values(CASES).map((c) => c.tool));
    expect(writes.filter((name) => !covered.has(name))).toEqual([]);
  });
});

describe.concurrent.each(Object.entries(CASES))("%s, when Clerk's answer is lost", (_name, c) => {
  const run = async (variant: "applied later" | "never applied") => {
    const dir = mkdtempSync(join(tmpdir(), "clerk-lost-"));
    const audit = join(dir, "audit.jsonl");
    const h = await startHarness({
      seed: SEED,
      config: { timeoutMs: TIMEOUT_MS, auditLog: audit },
      retry: { settleDelaysMs: [0, 150, 300] },
    });
    try {
      h.emu.inject({
        ...c.write,
        delayMs: APPLY_AFTER_MS,
        // Answering after the delay without handling the request: Clerk never applies it.
        ...(variant === "never applied" ? { status: 503 } : {}),
      });
      const result = await h.call(c.tool, c.args);
      // Let the held request finish, so the state is Clerk's final one.
      await new Promise((r) => setTimeout(r, APPLY_AFTER_MS + 50));
      const sent = h.emu.requests.filter(
        (r) => r.method === c.write.method && r.path.split("?")[0] === c.write.path,
      ).length;
      return { result, applied: await c.applied(h.emu), outcome: lastOutcome(audit), sent };
    } finally {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("applied later: reported as done, audited as done, never denied", async () => {
    const { result, applied, outcome, sent } = await run("applied later");
    expect(applied).toBe(true);
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(textOf(result)).not.toMatch(DENIES);
    expect(textOf(result)).toMatch(/answer was lost/);
    expect(outcome).toMatchObject({ stage: "outcome", outcome: "succeeded" });
    // A create is sent once and looked up; a state-setting write is repeated.
    expect(sent).toBe(c.kind === "create" ? 1 : 2);
  });

  it("never applied: no result claims it was or was not done unless Clerk's state shows it", async () => {
    const { result, applied, outcome, sent } = await run("never applied");
    const text = textOf(result);
    if (c.kind === "state") {
      // The repeat applied it, and the result says so.
      expect(applied).toBe(true);
      expect(result.isError, text).toBeFalsy();
      expect(text).not.toMatch(DENIES);
      expect(outcome).toMatchObject({ outcome: "succeeded" });
      expect(sent).toBe(2);
      return;
    }
    expect(applied).toBe(false);
    expect(text).not.toMatch(DENIES);
    expect(text).toMatch(/outcome is unknown.*Check with/);
    expect(outcome).toMatchObject({ stage: "outcome", outcome: "outcome_unknown" });
    expect(sent).toBe(1);
    const counts = bulkCounts(result);
    if (counts) expect(Object.keys(counts)).toEqual(["outcome_unknown"]);
    else expect(result.isError).toBe(true);
  });
});
