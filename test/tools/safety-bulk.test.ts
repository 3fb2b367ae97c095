import { readFileSync } from "node:fs";
import { type ElicitRequest, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useAuditFile } from "../helpers/audit-file.js";
import { type Harness, type HarnessOptions, startHarness, textOf } from "../helpers/harness.js";

/** The operator controls on the bulk and organization tools (issue 3's write tools). */

const METADATA_VALUE = "bulk-metadata-value-5519";

let h: Harness | undefined;
const audit = useAuditFile("clerk-audit-bulk-");
let asked: ElicitRequest["params"][];

afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function confirming(
  answer: { action: "accept" | "decline" | "cancel"; content?: { confirm: boolean } },
  opts: HarnessOptions = {},
): Promise<Harness> {
  h = await startHarness({
    capabilities: { elicitation: { form: {} } },
    ...opts,
    config: { auditLog: audit.path(), ...opts.config },
  });
  asked = [];
  h.client.setRequestHandler(ElicitRequestSchema, async (req) => {
    asked.push(req.params);
    return answer;
  });
  return h;
}

const auditLines = audit.lines;

function seedPending(hh: Harness, n: number): string[] {
  const ids = Array.from(
    { length: n },
    (_, i) =>
      hh.emu.addInvitation({
        email_address: `person${i}@example.com`,
        public_metadata: { plan: METADATA_VALUE },
      }).id,
  );
  hh.emu.clearRequests();
  return ids;
}

describe("revoke_invitations", () => {
  it("asks once with the count and first addresses; decline sends no write", async () => {
    const hh = await confirming({ action: "decline" });
    const ids = seedPending(hh, 7);
    const result = await hh.call("revoke_invitations", { invitation_ids: ids });
    expect(asked).toHaveLength(1);
    expect(asked[0]?.message).toContain("7");
    expect(asked[0]?.message).toContain("person0@example.com");
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("Nothing was changed");
    expect(hh.emu.writes()).toEqual([]);
    expect(ids.every((id) => hh.emu.getInvitation(id)?.status === "pending")).toBe(true);
    expect(auditLines()).toEqual([
      expect.objectContaining({
        stage: "outcome",
        outcome: "declined",
        targets: { invitation_ids: ids },
      }),
    ]);
  });

  it("on accept revokes them all and audits the ID list and the counts", async () => {
    const hh = await confirming({ action: "accept", content: { confirm: true } });
    const ids = seedPending(hh, 3);
    const result = await hh.call("revoke_invitations", { invitation_ids: ids });
    expect(result.isError).toBeFalsy();
    expect(ids.every((id) => hh.emu.getInvitation(id)?.status === "revoked")).toBe(true);
    const [intent, outcome] = auditLines();
    expect(intent).toMatchObject({
      stage: "intent",
      targets: { invitation_ids: ids },
      dry_run: false,
    });
    expect(outcome).toMatchObject({
      stage: "outcome",
      outcome: "succeeded",
      counts: { revoked: 3 },
    });
    expect(readFileSync(audit.path(), "utf8")).not.toContain(METADATA_VALUE);
  });

  it("does not ask for a dry run", async () => {
    const hh = await confirming({ action: "decline" });
    const ids = seedPending(hh, 2);
    const result = await hh.call("revoke_invitations", { invitation_ids: ids, dry_run: true });
    expect(result.isError).toBeFalsy();
    expect(asked).toEqual([]);
    expect(hh.emu.writes()).toEqual([]);
    expect(auditLines()[1]).toMatchObject({ dry_run: true, counts: { would_revoke: 2 } });
  });
});

describe("revoke_organization_invitation", () => {
  it("asks before revoking and changes nothing on cancel", async () => {
    const hh = await confirming({ action: "cancel" });
    hh.emu.seed({ organizations: [{ id: "org_acme", name: "Acme" }] });
    const inv = hh.emu.addOrganizationInvitation({
      organization_id: "org_acme",
      email_address: "member@example.com",
    });
    hh.emu.clearRequests();
    const result = await hh.call("revoke_organization_invitation", {
      organization_id: "org_acme",
      invitation_id: inv.id,
    });
    expect(asked).toHaveLength(1);
    expect(asked[0]?.message).toContain("member@example.com");
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("Nothing was changed");
    expect(hh.emu.writes()).toEqual([]);
    expect(hh.emu.getOrganizationInvitation(inv.id)?.status).toBe("pending");
    expect(auditLines()[0]).toMatchObject({
      outcome: "cancelled",
      targets: { organization_id: "org_acme", invitation_id: inv.id },
    });
  });
});

describe("create_invitation", () => {
  it("is audited by email address, never with its metadata; not asked (not destructive)", async () => {
    const hh = await confirming({ action: "decline" });
    const result = await hh.call("create_invitation", {
      email_address: "new@example.com",
      public_metadata: { plan: METADATA_VALUE },
      notify: false,
    });
    expect(result.isError).toBeFalsy();
    expect(asked).toEqual([]);
    const [intent, outcome] = auditLines();
    expect(intent).toMatchObject({
      tool: "create_invitation",
      targets: { email_address: "new@example.com" },
    });
    expect(outcome).toMatchObject({ outcome: "succeeded" });
    expect(readFileSync(audit.path(), "utf8")).not.toContain(METADATA_VALUE);
  });

  it("is refused on production without the opt-in, sending nothing", async () => {
    const hh = await confirming(
      { action: "accept", content: { confirm: true } },
      { secretKey: "sk_live_bulkProductionKey00112233" },
    );
    const result = await hh.call("create_invitation", { email_address: "new@example.com" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("--allow-production-writes");
    expect(hh.emu.requests).toEqual([]);
  });

  it("lets a revoke_invitations dry run through on production, since it only reads", async () => {
    const hh = await confirming(
      { action: "accept", content: { confirm: true } },
      { secretKey: "sk_live_bulkProductionKey00112233" },
    );
    const ids = seedPending(hh, 2);
    const dry = await hh.call("revoke_invitations", { invitation_ids: ids, dry_run: true });
    expect(dry.isError).toBeFalsy();
    expect(dry.structuredContent).toMatchObject({ counts: { would_revoke: 2 } });
    expect(hh.emu.writes()).toEqual([]);
    const real = await hh.call("revoke_invitations", { invitation_ids: ids });
    expect(real.isError).toBe(true);
    expect(textOf(real)).toContain("--allow-production-writes");
    expect(hh.emu.writes()).toEqual([]);
  });

  it("a dry run cancelled while it reads is audited as cancelled, not of unknown outcome", async () => {
    const hh = await confirming({ action: "accept", content: { confirm: true } });
    const ids = seedPending(hh, 2);
    let release = () => {};
    hh.emu.inject({ method: "GET", until: new Promise<void>((r) => (release = r)), times: 10 });
    const controller = new AbortController();
    const call = hh.client.callTool(
      { name: "revoke_invitations", arguments: { invitation_ids: ids, dry_run: true } },
      undefined,
      { signal: controller.signal },
    );
    await vi.waitFor(() => expect(hh.emu.requests.length).toBeGreaterThan(0));
    controller.abort("stop");
    await expect(call).rejects.toThrow();
    release();
    await vi.waitFor(() => expect(auditLines().at(-1)).toMatchObject({ stage: "outcome" }));
    expect(auditLines().at(-1)).toMatchObject({ outcome: "cancelled", dry_run: true });
    expect(hh.emu.writes()).toEqual([]);
  });
});

describe("create_organization", () => {
  it("is audited by the name, slug and creator it names, never with its metadata", async () => {
    const creator = "user_creator00000000000001";
    const hh = await confirming(
      { action: "decline" },
      { seed: { users: [{ id: creator, email_address: "creator@example.com" }] } },
    );
    const result = await hh.call("create_organization", {
      name: "Globex",
      slug: "globex",
      created_by: creator,
    });
    expect(result.isError).toBeFalsy();
    expect(asked).toEqual([]);
    const [intent, outcome] = auditLines();
    expect(intent).toMatchObject({
      tool: "create_organization",
      targets: { name: "Globex", slug: "globex", created_by: creator },
    });
    expect(outcome).toMatchObject({ outcome: "succeeded" });
  });
});
