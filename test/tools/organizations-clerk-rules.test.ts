import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ADMIN, acmeSeed, MEMBER, ORG, OUTSIDER } from "../helpers/acme.js";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";

/**
 * Rules Clerk's Backend API enforces on organizations and memberships, and what the tools say
 * when it refuses: an unknown role, an unknown creator, a full organization (pending
 * invitations count), the last admin. Each refusal changes nothing and is named as what it is.
 */

describe("organization rules Clerk enforces", () => {
  let h: Harness;
  const statuses = () => h.emu.requests.map((r) => `${r.method} ${r.status}`);

  beforeEach(async () => {
    h = await startHarness({
      seed: acmeSeed({
        acme: { max_allowed_memberships: 3 },
        organization_invitations: [{ organization_id: ORG, email_address: "new@acme.test" }],
      }),
    });
    h.emu.clearRequests();
  });
  afterEach(() => h.close());

  it("a role the instance does not have is named as such, not as a missing user or member", async () => {
    const created = await h.call("create_organization_membership", {
      organization_id: ORG,
      user_id: OUTSIDER,
      role: "org:billing",
    });
    expect(created.isError).toBe(true);
    expect(created.structuredContent).toBeUndefined();
    expect(textOf(created)).toMatch(/no role org:billing.*nothing changed/);
    expect(textOf(created)).not.toMatch(/no such user|not a member/);
    // The valid keys, read from Clerk once the role is refused.
    expect(textOf(created)).toMatch(/role keys: org:member, org:admin\./);

    const updated = await h.call("update_organization_membership", {
      organization_id: ORG,
      user_id: MEMBER,
      role: "org:billing",
    });
    expect(updated.isError).toBe(true);
    expect(textOf(updated)).toMatch(/no role org:billing.*nothing changed/);
    expect(textOf(updated)).not.toMatch(/is not a member/);
    expect(textOf(updated)).toMatch(/role keys: org:member, org:admin\./);
    expect(statuses()).toEqual(["POST 404", "GET 200", "PATCH 404", "GET 200"]);
    const members = await h.call("list_organization_memberships", { organization_id: ORG });
    expect(members.structuredContent).toMatchObject({
      memberships: [
        { user_id: MEMBER, role: "org:member" },
        { user_id: ADMIN, role: "org:admin" },
      ],
      total_count: 2,
    });
  });

  it("an organization invitation with a role the instance lacks is named as such (Clerk's 404)", async () => {
    const result = await h.call("create_organization_invitation", {
      organization_id: ORG,
      email_address: "hire@acme.test",
      role: "org:billing",
    });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    const text = textOf(result);
    expect(text).toMatch(/This instance has no role org:billing; nothing changed/);
    expect(text).not.toMatch(/no organization/);
    // Clerk's failure is carried once: status, code and trace ID.
    expect(text.match(/HTTP 404/g)).toHaveLength(1);
    expect(text).toContain("resource_not_found");
    expect(text).toMatch(/This instance's role keys: org:member, org:admin\. /);
    expect(h.emu.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `POST /v1/organizations/${ORG}/invitations 404`,
      "GET /v1/organization_roles?limit=100 200",
    ]);
    expect(h.emu.writes()[0]?.body).toMatchObject({ role: "org:billing" });
    const pending = await h.call("list_organization_invitations", { organization_id: ORG });
    expect(pending.structuredContent).toMatchObject({ total_count: 1 });
  });

  it("an organization invitation beyond max_allowed_memberships says the organization is full", async () => {
    // 2 members + 1 pending invitation = the limit of 3; Clerk answers 403.
    const result = await h.call("create_organization_invitation", {
      organization_id: ORG,
      email_address: "hire@acme.test",
      role: "org:member",
      inviter_user_id: ADMIN,
    });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    const text = textOf(result);
    expect(text).toMatch(
      new RegExp(
        `${ORG} is at its max_allowed_memberships.*pending invitations count.*nothing changed`,
      ),
    );
    expect(text).not.toMatch(/administrator|secret key/);
    expect(text.match(/organization_membership_quota_exceeded/g)).toHaveLength(1);
    expect(statuses()).toEqual(["POST 403"]);
    expect(h.emu.writes()).toHaveLength(1);
  });

  it("an organization invitation beyond the plan's membership limit says so (injected: production only)", async () => {
    h.emu.inject({
      method: "POST",
      path: `/v1/organizations/${ORG}/invitations`,
      status: 403,
      body: {
        errors: [
          {
            code: "organization_membership_plan_quota_exceeded",
            message: "organization membership quota exceeded",
            long_message:
              "You have reached the limit of 5 organization memberships allowed by the subscription plan.",
            meta: {},
          },
        ],
        clerk_trace_id: "trace_plan",
      },
    });
    const result = await h.call("create_organization_invitation", {
      organization_id: ORG,
      email_address: "hire@acme.test",
      role: "org:member",
    });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(/plan allows no more organization memberships.*nothing changed/);
    expect(text).not.toMatch(/secret key|max_allowed_memberships/);
    expect(text.match(/trace_plan/g)).toHaveLength(1);
    expect(statuses()).toEqual(["POST 403"]);
  });

  it("list_organization_memberships of an unknown organization lists nothing and claims no organization", async () => {
    const ghost = "org_ghost000001";
    const result = await h.call("list_organization_memberships", { organization_id: ghost });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ memberships: [], total_count: 0 });
    expect(textOf(result)).toContain(
      `${ghost} has no members, or no such organization; list_organizations finds IDs.`,
    );
    expect(h.emu.requests.map((r) => `${r.method} ${r.path.split("?")[0]} ${r.status}`)).toEqual([
      `GET /v1/organizations/${ghost}/memberships 200`,
    ]);
  });

  it("create_organization with an unknown created_by says so; Clerk answers 400", async () => {
    const result = await h.call("create_organization", {
      name: "Globex",
      created_by: "user_ghost00001",
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /created_by user_ghost00001 is not a user of this instance; nothing was created/,
    );
    expect(statuses()).toEqual(["POST 400"]);
  });

  it("create_organization without a slug reports the slug Clerk derived (name plus Unix seconds)", async () => {
    const result = await h.call("create_organization", { name: "Globex Corp" });
    expect(result.structuredContent).toMatchObject({
      slug: expect.stringMatching(/^globex-corp-\d{10}$/),
    });
    expect(h.emu.writes().map((w) => w.body)).toEqual([{ name: "Globex Corp" }]);
  });

  it("pending invitations count toward max_allowed_memberships", async () => {
    // 2 members + 1 pending invitation = the limit of 3.
    const result = await h.call("create_organization_membership", {
      organization_id: ORG,
      user_id: OUTSIDER,
      role: "org:member",
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/max_allowed_memberships.*pending invitations count/);
    expect(textOf(result)).toMatch(/nothing changed/);
    expect(statuses()).toEqual(["POST 403"]);
  });

  it("the only admin can be neither removed nor demoted", async () => {
    const removed = await h.call("delete_organization_membership", {
      organization_id: ORG,
      user_id: ADMIN,
    });
    expect(removed.isError).toBe(true);
    expect(textOf(removed)).toMatch(
      new RegExp(
        `${ADMIN} is the only admin of ${ORG}.*make another member org:admin first.*Nothing changed`,
      ),
    );
    const demoted = await h.call("update_organization_membership", {
      organization_id: ORG,
      user_id: ADMIN,
      role: "org:member",
    });
    expect(demoted.isError).toBe(true);
    expect(textOf(demoted)).toMatch(/only admin.*Nothing changed/);
    const writes = h.emu.writes().map((w) => `${w.method} ${w.status}`);
    expect(writes).toEqual(["DELETE 400", "PATCH 400"]);

    // With a second admin, the first can step down.
    await h.call("update_organization_membership", {
      organization_id: ORG,
      user_id: MEMBER,
      role: "org:admin",
    });
    const stepDown = await h.call("update_organization_membership", {
      organization_id: ORG,
      user_id: ADMIN,
      role: "org:member",
    });
    expect(stepDown.structuredContent).toMatchObject({ user_id: ADMIN, role: "org:member" });
  });

  /** An organization whose one member is `user_id` with `role`, and a client that accepts. */
  async function soloOrganization(org: string, user_id: string, role: string) {
    const solo = await startHarness({
      seed: {
        users: [{ id: user_id, email_address: `${role.slice(4)}@acme.test` }],
        organizations: [{ id: org, name: "Solo", slug: "solo", members: [{ user_id, role }] }],
      },
      capabilities: { elicitation: { form: {} } },
    });
    const asked: string[] = [];
    solo.client.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked.push(req.params.message);
      return { action: "accept", content: { confirm: true } };
    });
    const removal = await solo.call("delete_organization_membership", {
      organization_id: org,
      user_id,
    });
    const after = await solo.call("get_organization", { organization_id: org });
    await solo.close();
    return { asked, removal, after };
  }

  it("removing the last member deletes the organization: the question says so first", async () => {
    const { asked, removal, after } = await soloOrganization(
      "org_solo0000001",
      MEMBER,
      "org:member",
    );
    expect(removal.isError).toBeFalsy();
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/last member.*Clerk then deletes the organization/);
    expect(textOf(after)).toMatch(/does not exist/);
  });

  it("a sole member who is the only admin: no deletion is threatened, and Clerk refuses the removal", async () => {
    const { asked, removal, after } = await soloOrganization("org_solo0000002", ADMIN, "org:admin");
    expect(asked).toHaveLength(1);
    expect(asked[0]).not.toMatch(/deletes the organization/);
    expect(removal.isError).toBe(true);
    expect(textOf(removal)).toMatch(/only admin/);
    expect(after.isError).toBeFalsy();
  });

  it("delete_organization reports the ID Clerk's DeletedObject carries, and no slug", async () => {
    const result = await h.call("delete_organization", { organization_id: ORG });
    expect(result.structuredContent).toEqual({ id: ORG, deleted: true });
    expect(h.emu.requests[0]?.status).toBe(200);
  });
});
