import { afterEach, describe, expect, it } from "vitest";
import { ALL_TOOLS } from "../../src/tools/registry.js";
import { useAuditFile } from "../helpers/audit-file.js";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";
import { TOOL_CASES, type ToolCase } from "../helpers/tool-cases.js";

/**
 * Every error result born from a Clerk answer names the HTTP status, Clerk's code and
 * clerk_trace_id, once; for write tools the audit log's outcome line records the status and
 * trace ID. The emulator answers the request with the error Clerk gives on that path.
 */

const INV = "inv_missing000000000000000001";
const ORG = "org_missing000000000000000001";
const ORGINV = "orginv_missing00000000000001";
const USER = "user_missing00000000000000001";
const ALID = "alid_missing00000000000000001";
const WLE = "wle_missing000000000000000001";

interface Row {
  name: string;
  tool: string;
  args: Record<string, unknown>;
  method: string;
  path: string;
  status: number;
  code: string;
  /** Every request the emulator must see, in order ("METHOD /path" without the query). */
  sent: string[];
}

const rows: Row[] = [
  {
    name: "revoke_invitation: unknown ID (404)",
    tool: "revoke_invitation",
    args: { invitation_id: INV },
    method: "POST",
    path: `/v1/invitations/${INV}/revoke`,
    status: 404,
    code: "resource_not_found",
    sent: [`POST /v1/invitations/${INV}/revoke`],
  },
  {
    name: "create_invitation: already a user (422)",
    tool: "create_invitation",
    args: { email_address: "ada@example.com" },
    method: "POST",
    path: "/v1/invitations",
    status: 422,
    code: "form_identifier_exists",
    sent: ["POST /v1/invitations"],
  },
  {
    name: "create_invitation: already invited (400)",
    tool: "create_invitation",
    args: { email_address: "ada@example.com" },
    method: "POST",
    path: "/v1/invitations",
    status: 400,
    code: "duplicate_record",
    sent: ["POST /v1/invitations"],
  },
  {
    name: "create_invitations: every address refused (403)",
    tool: "create_invitations",
    args: { email_addresses: ["ada@example.com"] },
    method: "POST",
    path: "/v1/invitations/bulk",
    status: 403,
    code: "authorization_invalid",
    sent: ["POST /v1/invitations/bulk"],
  },
  {
    name: "revoke_invitations: every revoke refused (403)",
    tool: "revoke_invitations",
    args: { invitation_ids: [INV] },
    method: "POST",
    path: `/v1/invitations/${INV}/revoke`,
    status: 403,
    code: "authorization_invalid",
    sent: [`POST /v1/invitations/${INV}/revoke`],
  },
  {
    name: "create_organization_invitation: already invited (400)",
    tool: "create_organization_invitation",
    args: { organization_id: ORG, email_address: "ada@example.com", role: "org:member" },
    method: "POST",
    path: `/v1/organizations/${ORG}/invitations`,
    status: 400,
    code: "duplicate_record",
    sent: [`POST /v1/organizations/${ORG}/invitations`],
  },
  {
    name: "create_organization_invitation: already a member (400)",
    tool: "create_organization_invitation",
    args: { organization_id: ORG, email_address: "ada@example.com", role: "org:member" },
    method: "POST",
    path: `/v1/organizations/${ORG}/invitations`,
    status: 400,
    code: "already_a_member_in_organization",
    sent: [`POST /v1/organizations/${ORG}/invitations`],
  },
  {
    name: "revoke_organization_invitation: unknown orginv_ (404)",
    tool: "revoke_organization_invitation",
    args: { organization_id: ORG, invitation_id: ORGINV },
    method: "POST",
    path: `/v1/organizations/${ORG}/invitations/${ORGINV}/revoke`,
    status: 404,
    code: "resource_not_found",
    sent: [`POST /v1/organizations/${ORG}/invitations/${ORGINV}/revoke`],
  },
  {
    name: "update_user_metadata: unknown user (404)",
    tool: "update_user_metadata",
    args: { user_id: USER, public_metadata: { plan: "pro" } },
    method: "PATCH",
    path: `/v1/users/${USER}/metadata`,
    status: 404,
    code: "resource_not_found",
    sent: [`PATCH /v1/users/${USER}/metadata`],
  },
  {
    name: "ban_user: unknown user (404 on its lookup)",
    tool: "ban_user",
    args: { user_id: USER },
    method: "GET",
    path: `/v1/users/${USER}`,
    status: 404,
    code: "resource_not_found",
    sent: [`GET /v1/users/${USER}`],
  },
  {
    name: "unban_user: unknown user (404 on its lookup)",
    tool: "unban_user",
    args: { user_id: USER },
    method: "GET",
    path: `/v1/users/${USER}`,
    status: 404,
    code: "resource_not_found",
    sent: [`GET /v1/users/${USER}`],
  },
  ...(["lock_user", "unlock_user"] as const).map((tool) => ({
    name: `${tool}: unknown user (404 on its lookup)`,
    tool,
    args: { user_id: USER },
    method: "GET",
    path: `/v1/users/${USER}`,
    status: 404,
    code: "resource_not_found",
    sent: [`GET /v1/users/${USER}`],
  })),
  {
    name: "update_user: username taken (422)",
    tool: "update_user",
    args: { user_id: USER, username: "ada" },
    method: "PATCH",
    path: `/v1/users/${USER}`,
    status: 422,
    code: "form_identifier_exists",
    sent: [`PATCH /v1/users/${USER}`],
  },
  {
    name: "delete_user: unknown user (404 on its lookup)",
    tool: "delete_user",
    args: { user_id: USER, confirm_identifier: "ada@example.com" },
    method: "GET",
    path: `/v1/users/${USER}`,
    status: 404,
    code: "resource_not_found",
    sent: [`GET /v1/users/${USER}`],
  },
  {
    name: "create_organization: slug taken (422)",
    tool: "create_organization",
    args: { name: "Acme", slug: "acme" },
    method: "POST",
    path: "/v1/organizations",
    status: 422,
    code: "form_identifier_exists",
    sent: ["POST /v1/organizations"],
  },
  {
    name: "update_organization: unknown organization (404)",
    tool: "update_organization",
    args: { organization_id: ORG, name: "Acme" },
    method: "PATCH",
    path: `/v1/organizations/${ORG}`,
    status: 404,
    code: "resource_not_found",
    sent: [`PATCH /v1/organizations/${ORG}`],
  },
  {
    name: "update_organization_metadata: unknown organization (404)",
    tool: "update_organization_metadata",
    args: { organization_id: ORG, public_metadata: { plan: "pro" } },
    method: "PATCH",
    path: `/v1/organizations/${ORG}/metadata`,
    status: 404,
    code: "resource_not_found",
    sent: [`PATCH /v1/organizations/${ORG}/metadata`],
  },
  {
    name: "delete_organization: unknown organization (404)",
    tool: "delete_organization",
    args: { organization_id: ORG },
    method: "DELETE",
    path: `/v1/organizations/${ORG}`,
    status: 404,
    code: "resource_not_found",
    sent: [`DELETE /v1/organizations/${ORG}`],
  },
  {
    name: "create_organization_membership: already a member (400)",
    tool: "create_organization_membership",
    args: { organization_id: ORG, user_id: USER, role: "org:member" },
    method: "POST",
    path: `/v1/organizations/${ORG}/memberships`,
    status: 400,
    code: "already_a_member_in_organization",
    sent: [`POST /v1/organizations/${ORG}/memberships`],
  },
  {
    name: "update_organization_membership: not a member (404)",
    tool: "update_organization_membership",
    args: { organization_id: ORG, user_id: USER, role: "org:member" },
    method: "PATCH",
    path: `/v1/organizations/${ORG}/memberships/${USER}`,
    status: 404,
    code: "resource_not_found",
    sent: [`PATCH /v1/organizations/${ORG}/memberships/${USER}`],
  },
  {
    name: "update_organization_membership: the only admin (400)",
    tool: "update_organization_membership",
    args: { organization_id: ORG, user_id: USER, role: "org:member" },
    method: "PATCH",
    path: `/v1/organizations/${ORG}/memberships/${USER}`,
    status: 400,
    code: "organization_minimum_permissions_needed",
    sent: [`PATCH /v1/organizations/${ORG}/memberships/${USER}`],
  },
  {
    name: "delete_organization_membership: not a member (404)",
    tool: "delete_organization_membership",
    args: { organization_id: ORG, user_id: USER },
    method: "DELETE",
    path: `/v1/organizations/${ORG}/memberships/${USER}`,
    status: 404,
    code: "resource_not_found",
    sent: [`DELETE /v1/organizations/${ORG}/memberships/${USER}`],
  },
  {
    name: "delete_organization_membership: the only admin (400)",
    tool: "delete_organization_membership",
    args: { organization_id: ORG, user_id: USER },
    method: "DELETE",
    path: `/v1/organizations/${ORG}/memberships/${USER}`,
    status: 400,
    code: "organization_minimum_permissions_needed",
    sent: [`DELETE /v1/organizations/${ORG}/memberships/${USER}`],
  },
  // Read tools with a not-found path.
  {
    name: "get_user: unknown user (404)",
    tool: "get_user",
    args: { user_id: USER },
    method: "GET",
    path: `/v1/users/${USER}`,
    status: 404,
    code: "resource_not_found",
    sent: [`GET /v1/users/${USER}`],
  },
  {
    name: "get_organization: unknown organization (404)",
    tool: "get_organization",
    args: { organization_id: ORG },
    method: "GET",
    path: `/v1/organizations/${ORG}`,
    status: 404,
    code: "resource_not_found",
    sent: [`GET /v1/organizations/${ORG}`],
  },
  {
    name: "get_organization_invitation: unknown orginv_ (404)",
    tool: "get_organization_invitation",
    args: { organization_id: ORG, invitation_id: ORGINV },
    method: "GET",
    path: `/v1/organizations/${ORG}/invitations/${ORGINV}`,
    status: 404,
    code: "resource_not_found",
    sent: [`GET /v1/organizations/${ORG}/invitations/${ORGINV}`],
  },
  {
    name: "list_organization_invitations: unknown organization (404)",
    tool: "list_organization_invitations",
    args: { organization_id: ORG },
    method: "GET",
    path: `/v1/organizations/${ORG}/invitations`,
    status: 404,
    code: "resource_not_found",
    sent: [`GET /v1/organizations/${ORG}/invitations`],
  },
  {
    name: "list_organization_memberships: a 404 (Clerk answers an unknown organization with an empty list; should a 404 come)",
    tool: "list_organization_memberships",
    args: { organization_id: ORG },
    method: "GET",
    path: `/v1/organizations/${ORG}/memberships`,
    status: 404,
    code: "resource_not_found",
    sent: [`GET /v1/organizations/${ORG}/memberships`],
  },
];

rows.push(
  {
    name: "add_sign_up_restriction: a form Clerk refuses (422)",
    tool: "add_sign_up_restriction",
    args: { list: "blocklist", identifier: "*@spam.test" },
    method: "POST",
    path: "/v1/blocklist_identifiers",
    status: 422,
    code: "form_param_format_invalid",
    sent: ["POST /v1/blocklist_identifiers"],
  },
  {
    name: "remove_sign_up_restriction: the plan lacks the allowlist (402)",
    tool: "remove_sign_up_restriction",
    args: { list: "allowlist", identifier_id: ALID },
    method: "DELETE",
    path: `/v1/allowlist_identifiers/${ALID}`,
    status: 402,
    code: "payment_required",
    sent: ["GET /v1/allowlist_identifiers", `DELETE /v1/allowlist_identifiers/${ALID}`],
  },
  {
    name: "invite_waitlist_entries: the address belongs to a user (422)",
    tool: "invite_waitlist_entries",
    args: { waitlist_entry_ids: [WLE] },
    method: "POST",
    path: `/v1/waitlist_entries/${WLE}/invite`,
    status: 422,
    code: "form_identifier_exists",
    sent: [`POST /v1/waitlist_entries/${WLE}/invite`],
  },
  {
    name: "reject_waitlist_entry: a completed entry (409)",
    tool: "reject_waitlist_entry",
    args: { waitlist_entry_id: WLE },
    method: "POST",
    path: `/v1/waitlist_entries/${WLE}/reject`,
    status: 409,
    code: "conflict",
    sent: ["GET /v1/waitlist_entries", `POST /v1/waitlist_entries/${WLE}/reject`],
  },
);

// Write tools declare theirs beside their arguments (test/helpers/tool-cases.ts).
for (const [tool, c] of Object.entries(TOOL_CASES) as Array<[string, ToolCase]>) {
  if (c.failure) {
    const { name, args, ...failure } = c.failure;
    rows.push({ name: `${tool}: ${name}`, tool, args: args ?? c.args, ...failure });
  }
}

const writeTools: string[] = ALL_TOOLS.filter((t) => !t.annotations.readOnlyHint).map(
  (t) => t.name,
);

let h: Harness | undefined;
const audit = useAuditFile("clerk-failures-");
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const auditLines = audit.lines;

describe("errors born from a Clerk failure", () => {
  it("cover every write tool", () => {
    expect(new Set(rows.map((r) => r.tool))).toEqual(new Set([...writeTools, ...readRows()]));
    for (const tool of writeTools) expect(rows.some((r) => r.tool === tool)).toBe(true);
  });

  it.each(rows)("$name: the text and the audit line carry status and trace ID", async (row) => {
    h = await startHarness({ config: { auditLog: audit.path(), confirm: false } });
    const trace = `trace_${row.tool}_${row.status}`;
    h.emu.inject({
      method: row.method,
      path: row.path,
      status: row.status,
      body: {
        errors: [
          {
            code: row.code,
            message: "refused",
            long_message: `Clerk's long message for ${row.code}.`,
            meta: {},
          },
        ],
        clerk_trace_id: trace,
      },
    });

    const result = await h.call(row.tool, row.args);

    expect(result.isError).toBe(true);
    expect(result).not.toHaveProperty("structuredContent");
    const text = textOf(result);
    expect(text).toContain(`HTTP ${row.status}`);
    expect(text).toContain(row.code);
    expect(text).toContain(`Clerk's long message for ${row.code}.`);
    // describeFailure once, not twice.
    expect(text.split(trace).length - 1).toBe(1);
    expect(h.emu.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`)).toEqual(row.sent);
    expect(h.emu.requests.at(-1)?.status).toBe(row.status);

    if (writeTools.includes(row.tool)) {
      const lines = auditLines();
      expect(lines.map((l) => l.stage)).toEqual(["intent", "outcome"]);
      expect(lines[1]).toMatchObject({
        tool: row.tool,
        outcome: "failed",
        http_status: row.status,
        clerk_trace_id: trace,
      });
    } else {
      expect(auditLines()).toEqual([]);
    }
  });
});

function readRows(): string[] {
  return rows.map((r) => r.tool).filter((t) => !writeTools.includes(t));
}

describe("a revoke Clerk refuses because the invitation is settled", () => {
  it.each([
    ["revoke_invitation", "accepted"],
    ["revoke_invitation", "expired"],
    ["revoke_organization_invitation", "accepted"],
  ] as const)(
    "%s of an %s invitation: Clerk's 400 reaches the text and the audit line",
    async (tool, status) => {
      h = await startHarness({
        config: { auditLog: audit.path(), confirm: false },
        seed: { organizations: [{ id: ORG, name: "Acme" }] },
      });
      const inv =
        tool === "revoke_invitation"
          ? h.emu.addInvitation({
              email_address: "settled@example.com",
              ...(status === "expired" ? { expires_at: Date.now() - 1000 } : { status }),
            })
          : h.emu.addOrganizationInvitation({
              organization_id: ORG,
              email_address: "settled@example.com",
              status,
            });
      const path =
        tool === "revoke_invitation"
          ? `/v1/invitations/${inv.id}/revoke`
          : `/v1/organizations/${ORG}/invitations/${inv.id}/revoke`;
      const trace = `trace_settled_${status}`;
      h.emu.inject({
        method: "POST",
        path,
        status: 400,
        body: {
          errors: [{ code: `invitation_already_${status}`, message: "refused", meta: {} }],
          clerk_trace_id: trace,
        },
      });
      h.emu.clearRequests();

      const args =
        tool === "revoke_invitation"
          ? { invitation_id: inv.id }
          : { organization_id: ORG, invitation_id: inv.id };
      const result = await h.call(tool, args);

      expect(result.isError).toBe(true);
      const text = textOf(result);
      expect(text).toMatch(/cannot be revoked/);
      expect(text).toContain("HTTP 400");
      expect(text.split(trace).length - 1).toBe(1);
      expect(h.emu.writes().map((w) => `${w.method} ${w.path}`)).toEqual([`POST ${path}`]);
      const lines = auditLines();
      expect(lines[1]).toMatchObject({
        outcome: "failed",
        http_status: 400,
        clerk_trace_id: trace,
      });
    },
  );
});
