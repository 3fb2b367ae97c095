import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ALL_TOOLS } from "../../src/tools/registry.js";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";

/**
 * The per-attempt timeout reaches a request only when the request starts while its operation
 * is invoked (src/clerk/transport.ts hands the attempt over synchronously). This proves it for
 * every tool: with Clerk answering nothing in time, each call ends in a timeout and every
 * request it sent was aborted by the server. A request started outside the handoff would
 * instead wait for Clerk's late answer, and stay unaborted.
 */

const ORG = "org_timeout0000000000000";
const USER = "user_timeout000000000000";
const ARGS: Record<string, Record<string, unknown>> = {
  revoke_invitation: { invitation_id: "inv_timeout000000000000" },
  list_invitations: {},
  create_invitation: { email_address: "t1@example.com" },
  create_invitations: { email_addresses: ["t2@example.com", "t3@example.com"] },
  revoke_invitations: { invitation_ids: ["inv_timeout000000000000", "inv_timeout000000000001"] },
  list_organization_invitations: { organization_id: ORG },
  get_organization_invitation: { organization_id: ORG, invitation_id: "orginv_timeout00000000" },
  create_organization_invitation: {
    organization_id: ORG,
    email_address: "t4@example.com",
    role: "org:member",
  },
  revoke_organization_invitation: { organization_id: ORG, invitation_id: "orginv_timeout000000" },
  list_users: {},
  get_user: { user_id: USER },
  update_user_metadata: { user_id: USER, public_metadata: { a: 1 } },
  ban_user: { user_id: USER },
  unban_user: { user_id: USER },
  list_organizations: {},
  get_organization: { organization_id: ORG },
  create_organization: { name: "Timeout Inc", slug: "timeout-inc" },
  update_organization: { organization_id: ORG, name: "Renamed" },
  update_organization_metadata: { organization_id: ORG, public_metadata: { a: 1 } },
  delete_organization: { organization_id: ORG },
  list_organization_memberships: { organization_id: ORG },
  create_organization_membership: { organization_id: ORG, user_id: USER, role: "org:member" },
  update_organization_membership: { organization_id: ORG, user_id: USER, role: "org:admin" },
  delete_organization_membership: { organization_id: ORG, user_id: USER },
};

const BULK = new Set(["create_invitations", "revoke_invitations"]);

describe("every tool's requests are covered by the per-attempt timeout", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { timeoutMs: 150 }, retry: { retries: 0 } });
    for (const method of ["GET", "POST", "PATCH", "DELETE"]) {
      h.emu.inject({ method, delayMs: 3_000, times: Number.POSITIVE_INFINITY });
    }
  });
  afterAll(() => h.close());

  it("the table names every tool", () => {
    expect(Object.keys(ARGS).sort()).toEqual(ALL_TOOLS.map((t) => t.name).sort());
  });

  it.each(ALL_TOOLS.map((t) => t.name))("%s", async (tool) => {
    h.emu.clearRequests();
    const result = await h.call(tool, ARGS[tool]);
    if (BULK.has(tool)) {
      // Bulk tools answer per item: a timed-out write is an item of unknown outcome.
      expect(textOf(result)).toMatch(/outcome unknown/);
    } else {
      expect(result.isError, textOf(result)).toBe(true);
      expect(textOf(result)).toMatch(/time|outcome is unknown/i);
    }
    expect(h.emu.requests.length).toBeGreaterThan(0);
    await vi.waitFor(() => {
      expect(h.emu.requests.filter((r) => !r.aborted).map((r) => `${r.method} ${r.path}`)).toEqual(
        [],
      );
    });
  });
});
