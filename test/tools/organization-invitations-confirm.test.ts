import { type ElicitRequest, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";

/**
 * revoke_organization_invitation asks the human unless its lookup shows the invitation is
 * already revoked, accepted or expired, or Clerk says it does not exist: the lookup is a get by
 * ID, so its 404 means there is nothing to lose, and the call fails with Clerk's not-found error.
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

  it("does not ask about an invitation Clerk does not have; fails with Clerk's 404", async () => {
    const ghost = "orginv_ghost000000001";
    h.emu.clearRequests();
    const result = await h.call("revoke_organization_invitation", {
      organization_id: ORG,
      invitation_id: ghost,
    });
    expect(asked).toEqual([]);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      new RegExp(`^Clerk has no invitation ${ghost} in organization ${ORG} .*HTTP 404`),
    );
    expect(h.emu.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `GET /v1/organizations/${ORG}/invitations/${ghost} 404`,
      `POST /v1/organizations/${ORG}/invitations/${ghost}/revoke 404`,
    ]);
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
