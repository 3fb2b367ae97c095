import { type ElicitRequest, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";

/**
 * revoke_organization_invitation asks the human unless its lookup shows the invitation is
 * already revoked, accepted or expired; an invitation the lookup does not find is asked about
 * by ID rather than revoked unannounced.
 */

const ORG = "org_acme000001";

describe("revoke_organization_invitation confirmation", () => {
  let h: Harness;
  let asked: ElicitRequest["params"][];

  beforeEach(async () => {
    h = await startHarness({
      capabilities: { elicitation: { form: {} } },
      seed: { organizations: [{ id: ORG, name: "Acme" }] },
    });
    asked = [];
    h.client.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked.push(req.params);
      return { action: "decline" };
    });
  });
  afterEach(() => h.close());

  it("asks, naming the ID, when the lookup does not find the invitation; decline sends no write", async () => {
    const inv = h.emu.addOrganizationInvitation({
      organization_id: ORG,
      email_address: "hidden@example.com",
    });
    h.emu.clearRequests();
    // A lookup that misses an invitation that exists (say, an eventually consistent read).
    h.emu.inject({
      method: "GET",
      path: `/v1/organizations/${ORG}/invitations/${inv.id}`,
      status: 404,
    });
    const result = await h.call("revoke_organization_invitation", {
      organization_id: ORG,
      invitation_id: inv.id,
    });
    expect(asked).toHaveLength(1);
    expect(asked[0]?.message).toContain(`${inv.id} in ${ORG} (not found by lookup)`);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("declined");
    expect(h.emu.writes()).toEqual([]);
    expect(h.emu.getOrganizationInvitation(inv.id)?.status).toBe("pending");
  });

  it("asks with the address and role of a pending invitation", async () => {
    const inv = h.emu.addOrganizationInvitation({
      organization_id: ORG,
      email_address: "pat@example.com",
      role: "org:member",
    });
    await h.call("revoke_organization_invitation", { organization_id: ORG, invitation_id: inv.id });
    expect(asked).toHaveLength(1);
    expect(asked[0]?.message).toContain("pat@example.com");
    expect(asked[0]?.message).toContain("role org:member");
    expect(h.emu.writes()).toEqual([]);
  });

  it.each(["revoked", "accepted"] as const)(
    "does not ask when the lookup shows it %s",
    async (status) => {
      const inv = h.emu.addOrganizationInvitation({
        organization_id: ORG,
        email_address: "done@example.com",
        status,
      });
      await h.call("revoke_organization_invitation", {
        organization_id: ORG,
        invitation_id: inv.id,
      });
      expect(asked).toEqual([]);
    },
  );
});
