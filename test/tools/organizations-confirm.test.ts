import { type ElicitRequest, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";

/**
 * The destructive organization tools ask the human, naming who or what is affected, before
 * any write: accept goes ahead, decline sends no write, and a client without elicitation is
 * not asked. update_organization_metadata asks only when something held would be lost.
 */

const ORG = "org_acme000001";
const MEMBER = "user_member0001";
const seed = {
  users: [{ id: MEMBER, email_address: "member@acme.test" }],
  organizations: [
    {
      id: ORG,
      name: "Acme",
      slug: "acme",
      public_metadata: { plan: "pro", billing: { seats: 3 } },
      members: [{ user_id: MEMBER, role: "org:member" }],
    },
  ],
  organization_invitations: [{ organization_id: ORG, email_address: "new@acme.test" }],
};

type Answer = "accept" | "decline" | "none";

describe("organization confirmations", () => {
  let h: Harness;
  let asked: ElicitRequest["params"][];

  async function start(answer: Answer): Promise<void> {
    h = await startHarness({
      seed,
      ...(answer === "none" ? {} : { capabilities: { elicitation: { form: {} } } }),
    });
    asked = [];
    if (answer !== "none") {
      h.client.setRequestHandler(ElicitRequestSchema, async (req) => {
        asked.push(req.params);
        return answer === "accept"
          ? { action: "accept", content: { confirm: true } }
          : { action: "decline" };
      });
    }
    h.emu.clearRequests();
  }
  afterEach(() => h.close());

  const CASES: Array<{
    tool: string;
    args: Record<string, unknown>;
    question: RegExp;
    write: string;
  }> = [
    {
      tool: "delete_organization",
      args: { organization_id: ORG },
      question:
        /Delete organization "Acme" \(acme, org_acme000001\) with its 1 member and 1 pending invitation\?.*cannot be undone/,
      write: `DELETE /v1/organizations/${ORG}`,
    },
    {
      tool: "delete_organization_membership",
      args: { organization_id: ORG, user_id: MEMBER },
      question:
        /Remove member@acme\.test \(user_member0001, role org:member\) from organization "Acme"/,
      write: `DELETE /v1/organizations/${ORG}/memberships/${MEMBER}`,
    },
    {
      tool: "update_organization_metadata",
      args: { organization_id: ORG, public_metadata: { plan: "free", billing: { seats: null } } },
      question:
        /metadata of organization "Acme".*overwrites public_metadata\.plan; removes public_metadata\.billing\.seats/,
      write: `PATCH /v1/organizations/${ORG}/metadata`,
    },
  ];
  const writes = () => h.emu.writes().map((w) => `${w.method} ${w.path}`);

  describe.each(CASES)("$tool", ({ tool, args, question, write }) => {
    it("accept: asks naming what is affected, then writes", async () => {
      await start("accept");
      const result = await h.call(tool, args);
      expect(asked).toHaveLength(1);
      expect(asked[0]?.message).toMatch(question);
      expect(result.isError).toBeFalsy();
      expect(writes()).toEqual([write]);
    });

    it("decline: nothing is written", async () => {
      await start("decline");
      const result = await h.call(tool, args);
      expect(asked).toHaveLength(1);
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain("declined");
      expect(writes()).toEqual([]);
    });

    it("no elicitation capability: not asked, and the write goes through", async () => {
      await start("none");
      const result = await h.call(tool, args);
      expect(result.isError).toBeFalsy();
      expect(writes()).toEqual([write]);
      // Without a question there is no lookup either, except, after removing a member who was
      // not an admin, the check whether Clerk deleted the organization with its last member.
      const gets = h.emu.requests
        .filter((r) => r.method === "GET")
        .map((r) => r.path.split("?")[0]);
      expect(gets).toEqual(
        tool === "delete_organization_membership" ? [`/v1/organizations/${ORG}`] : [],
      );
    });
  });

  it("update_organization_metadata does not ask when the patch only adds keys", async () => {
    await start("decline");
    const result = await h.call("update_organization_metadata", {
      organization_id: ORG,
      public_metadata: { region: "eu", billing: { currency: "EUR" } },
      private_metadata: { crm: 1 },
    });
    expect(asked).toEqual([]);
    expect(result.isError).toBeFalsy();
    expect(writes()).toEqual([`PATCH /v1/organizations/${ORG}/metadata`]);
  });

  const GHOST_ORG = "org_ghost000001";
  it.each([
    {
      tool: "delete_organization",
      args: { organization_id: GHOST_ORG },
      write: `DELETE /v1/organizations/${GHOST_ORG} 404`,
      error: new RegExp(`^Organization ${GHOST_ORG} does not exist .*HTTP 404`),
    },
    {
      tool: "update_organization_metadata",
      args: { organization_id: GHOST_ORG, public_metadata: { plan: null } },
      write: `PATCH /v1/organizations/${GHOST_ORG}/metadata 404`,
      error: new RegExp(`^Organization ${GHOST_ORG} does not exist .*HTTP 404`),
    },
    {
      tool: "delete_organization_membership",
      args: { organization_id: GHOST_ORG, user_id: MEMBER },
      write: `DELETE /v1/organizations/${GHOST_ORG}/memberships/${MEMBER} 404`,
      error: new RegExp(`^${MEMBER} is not a member of ${GHOST_ORG} .*HTTP 404`),
    },
  ])(
    "$tool does not ask about an organization Clerk does not have; fails with Clerk's 404",
    async ({ tool, args, write, error }) => {
      await start("accept");
      const result = await h.call(tool, args);
      expect(asked).toEqual([]);
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(error);
      const seen = h.emu.requests.map((r) => `${r.method} ${r.path.split("?")[0]} ${r.status}`);
      // The confirmation's lookups (404, or an empty membership list: Clerk lists nothing for an
      // unknown organization), then the write, refused.
      expect(seen.at(-1)).toBe(write);
      const lookups = seen.slice(0, -1);
      expect(
        lookups.every((r) => r.startsWith("GET ") && /( 404|\/memberships 200)$/.test(r)),
      ).toBe(true);
      expect(seen.slice(0, -1)).toContain(`GET /v1/organizations/${GHOST_ORG} 404`);
    },
  );

  it("a membership the lookup does not find is still asked about, by ID", async () => {
    await start("decline");
    await h.call("delete_organization_membership", {
      organization_id: ORG,
      user_id: "user_ghost00001",
    });
    expect(asked[0]?.message).toMatch(/Remove user_ghost00001 .*no membership found by lookup/);
    expect(writes()).toEqual([]);
  });
});
