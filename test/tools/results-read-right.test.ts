import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { ADMIN, acmeSeed, MEMBER, ORG } from "../helpers/acme.js";
import { type Harness, jsonBlock, startHarness, textOf } from "../helpers/harness.js";

/**
 * Results read right: no field Clerk left out is filled with a value that reads as fact, counts
 * in text agree in number, and removing an organization's last member says Clerk deleted it.
 */

describe("results that read right", () => {
  let h: Harness;
  afterEach(() => h.close());

  async function start(opts: { confirm?: boolean; asked?: string[] } = {}) {
    h = await startHarness({
      seed: acmeSeed({ withOutsider: false }),
      ...(opts.asked ? { capabilities: { elicitation: {} } } : {}),
      config: { confirm: opts.confirm ?? true },
    });
    const asked = opts.asked;
    if (asked) {
      h.client.setRequestHandler(ElicitRequestSchema, async (req) => {
        asked.push(req.params.message);
        return { action: "accept", content: { confirm: true } };
      });
    }
  }

  it("create, update and metadata merge leave out members_count (Clerk does not send it); get gives it", async () => {
    await start();
    const created = await h.call("create_organization", { name: "Globex", created_by: ADMIN });
    const org = created.structuredContent as Record<string, unknown>;
    expect(org).not.toHaveProperty("members_count");
    expect(jsonBlock(created)).not.toHaveProperty("members_count");
    const id = org.id as string;
    const updated = await h.call("update_organization", { organization_id: id, name: "Globex 2" });
    expect(updated.structuredContent).not.toHaveProperty("members_count");
    const merged = await h.call("update_organization_metadata", {
      organization_id: id,
      public_metadata: { a: 1 },
    });
    expect(merged.structuredContent).not.toHaveProperty("members_count");
    const got = await h.call("get_organization", { organization_id: id });
    expect(got.structuredContent).toMatchObject({ members_count: 1 });
  });

  it("counts in text agree in number (1 organization matched, not 1 organizations)", async () => {
    await start();
    const one = await h.call("list_organizations", { offset: 5 });
    expect(textOf(one)).toMatch(/: 1 organization matched\./);
    h.emu.seed({ organizations: [{ name: "Other", slug: "other" }] });
    const two = await h.call("list_organizations", { offset: 5 });
    expect(textOf(two)).toMatch(/: 2 organizations matched\./);
    const users = await h.call("list_users", { offset: 5, email_address: "admin@acme.test" });
    expect(textOf(users)).toMatch(/: 1 user matched\./);
  });

  it("delete_organization's question says a count Clerk left out is unknown, never 0", async () => {
    const asked: string[] = [];
    await start({ asked });
    h.emu.inject({
      method: "GET",
      path: `/v1/organizations/${ORG}`,
      status: 200,
      body: {
        object: "organization",
        id: ORG,
        name: "Acme",
        slug: "acme",
        max_allowed_memberships: 0,
        public_metadata: {},
        private_metadata: {},
        created_at: 1,
        updated_at: 1,
      },
    });
    await h.call("delete_organization", { organization_id: ORG });
    expect(asked[0]).not.toMatch(/\b0 pending/);
    expect(asked[0]).toMatch(/unknown number of pending invitations/);
    expect(asked[0]).toMatch(/unknown number of members/);
  });

  it("delete_organization's question counts in the right number", async () => {
    const asked: string[] = [];
    await start({ asked });
    await h.call("delete_organization", { organization_id: ORG });
    expect(asked[0]).toMatch(/with its 2 members and 0 pending invitations\?/);
  });

  it("removing the last member without confirmation says Clerk deleted the organization", async () => {
    await start({ confirm: false });
    h.emu.seed({
      organizations: [
        {
          id: "org_solo00000001",
          name: "Solo",
          slug: "solo",
          members: [{ user_id: MEMBER, role: "org:member" }],
        },
      ],
    });
    const result = await h.call("delete_organization_membership", {
      organization_id: "org_solo00000001",
      user_id: MEMBER,
    });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toMatch(/Clerk deleted the organization org_solo00000001 too/);
    expect(result.structuredContent).toMatchObject({ organization_deleted: true });
  });

  it("removing a member who is not the last says nothing of a deletion", async () => {
    await start({ confirm: false });
    const result = await h.call("delete_organization_membership", {
      organization_id: ORG,
      user_id: MEMBER,
    });
    expect(textOf(result)).not.toMatch(/deleted the organization/);
    expect(result.structuredContent).toMatchObject({ organization_deleted: false });
  });
});
