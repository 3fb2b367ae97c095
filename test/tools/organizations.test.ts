import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ADMIN, acmeSeed, MEMBER, ORG, OUTSIDER } from "../helpers/acme.js";
import { type Harness, jsonBlock, startHarness, textOf } from "../helpers/harness.js";

const OTHER = "org_other00001";
const T0 = Date.UTC(2026, 0, 1);

describe("organization tools", () => {
  let h: Harness;
  const paths = () => h.emu.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`);

  beforeEach(async () => {
    h = await startHarness({
      seed: acmeSeed({
        admin: { first_name: "Ada", last_name: "Admin" },
        acme: {
          created_at: T0,
          max_allowed_memberships: 10,
          public_metadata: { plan: "pro" },
          private_metadata: { crm: "c-1" },
          members: [
            { user_id: ADMIN, role: "org:admin", created_at: T0 },
            { user_id: MEMBER, role: "org:member", created_at: T0 + 1 },
          ],
        },
        organizations: [{ id: OTHER, name: "Other Co", slug: "other", created_at: T0 + 5 }],
        organization_invitations: [{ organization_id: ORG, email_address: "new@acme.test" }],
      }),
    });
    h.emu.clearRequests();
  });
  afterEach(() => h.close());

  describe("reads", () => {
    it("list_organizations: newest first, members counts, paging, query", async () => {
      const result = await h.call("list_organizations", { limit: 1 });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual({
        organizations: [
          {
            id: OTHER,
            name: "Other Co",
            slug: "other",
            members_count: 0,
            public_metadata: {},
            created_at: new Date(T0 + 5).toISOString(),
          },
        ],
        total_count: 2,
        next_offset: 1,
      });
      expect(jsonBlock(result)).toEqual(result.structuredContent);
      expect(h.emu.requests[0]?.query).toMatchObject({
        include_members_count: "true",
        order_by: "-created_at",
        limit: "1",
      });
      const found = await h.call("list_organizations", {
        query: "acm",
        order_by: "-members_count",
      });
      expect(found.structuredContent).toMatchObject({
        organizations: [{ id: ORG, members_count: 2 }],
        total_count: 1,
        next_offset: null,
      });
      expect(JSON.stringify(found)).not.toContain("c-1");
      const none = await h.call("list_organizations", { query: "zzz" });
      expect(textOf(none)).toContain('No organization matches "zzz"');
    });

    it("get_organization: counts, limit and both metadata kinds", async () => {
      const result = await h.call("get_organization", { organization_id: ORG });
      expect(result.structuredContent).toEqual({
        id: ORG,
        name: "Acme",
        slug: "acme",
        members_count: 2,
        pending_invitations_count: 1,
        max_allowed_memberships: 10,
        public_metadata: { plan: "pro" },
        private_metadata: { crm: "c-1" },
        created_at: new Date(T0).toISOString(),
        updated_at: new Date(T0).toISOString(),
      });
      expect(paths()).toEqual([`GET /v1/organizations/${ORG}`]);
    });

    it("list_organization_memberships: members from public_user_data, role filter", async () => {
      const result = await h.call("list_organization_memberships", { organization_id: ORG });
      expect(result.structuredContent).toEqual({
        memberships: [
          {
            user_id: MEMBER,
            identifier: "member@acme.test",
            first_name: null,
            last_name: null,
            role: "org:member",
            created_at: new Date(T0 + 1).toISOString(),
          },
          {
            user_id: ADMIN,
            identifier: "admin@acme.test",
            first_name: "Ada",
            last_name: "Admin",
            role: "org:admin",
            created_at: new Date(T0).toISOString(),
          },
        ],
        total_count: 2,
        next_offset: null,
      });
      const admins = await h.call("list_organization_memberships", {
        organization_id: ORG,
        role: "org:admin",
      });
      expect(admins.structuredContent).toMatchObject({ memberships: [{ user_id: ADMIN }] });
      expect(h.emu.requests[1]?.query.role).toBe("org:admin");
      const empty = await h.call("list_organization_memberships", { organization_id: OTHER });
      expect(textOf(empty)).toContain(`${OTHER} has no members`);
    });

    // list_organization_memberships lists nothing instead, as Clerk does (organizations-clerk-rules).
    it.each([
      ["get_organization", {}],
      ["update_organization", { name: "X" }],
      ["update_organization_metadata", { public_metadata: { a: 1 } }],
      ["delete_organization", {}],
      ["update_organization_membership", { user_id: MEMBER, role: "org:admin" }],
      ["delete_organization_membership", { user_id: MEMBER }],
    ])("%s on an unknown organization names it, with no structured content", async (tool, args) => {
      const result = await h.call(tool, { organization_id: "org_nope0000001", ...args });
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      expect(textOf(result)).toMatch(/org_nope0000001/);
      expect(h.emu.requests.every((r) => r.status === 404)).toBe(true);
    });
  });

  describe("organization writes", () => {
    it("create_organization: created_by becomes admin; a taken slug is a clear error", async () => {
      const result = await h.call("create_organization", {
        name: "Globex",
        slug: "globex",
        created_by: OUTSIDER,
        max_allowed_memberships: 5,
      });
      expect(result.isError).toBeFalsy();
      const org = result.structuredContent as { id: string; slug: string };
      expect(org).toMatchObject({ name: "Globex", slug: "globex", max_allowed_memberships: 5 });
      expect(h.emu.writes().map((w) => w.body)).toEqual([
        { name: "Globex", slug: "globex", created_by: OUTSIDER, max_allowed_memberships: 5 },
      ]);
      const members = await h.call("list_organization_memberships", { organization_id: org.id });
      expect(members.structuredContent).toMatchObject({
        memberships: [{ user_id: OUTSIDER, role: "org:admin" }],
      });

      h.emu.clearRequests();
      const taken = await h.call("create_organization", { name: "Acme 2", slug: "acme" });
      expect(taken.isError).toBe(true);
      expect(textOf(taken)).toMatch(/slug acme is already taken.*nothing was created/);
      expect(h.emu.writes()).toHaveLength(1);
    });

    it("update_organization sends only the given fields; an empty update sends nothing", async () => {
      const result = await h.call("update_organization", {
        organization_id: ORG,
        name: "Acme Inc",
        max_allowed_memberships: 0,
      });
      expect(result.structuredContent).toMatchObject({ name: "Acme Inc", slug: "acme" });
      expect(h.emu.writes().map((w) => [w.method, w.path, w.body])).toEqual([
        ["PATCH", `/v1/organizations/${ORG}`, { name: "Acme Inc", max_allowed_memberships: 0 }],
      ]);
      h.emu.clearRequests();
      const empty = await h.call("update_organization", { organization_id: ORG });
      expect(empty.isError).toBe(true);
      expect(textOf(empty)).toMatch(/Nothing to update.*Nothing changed/);
      const taken = await h.call("update_organization", { organization_id: ORG, slug: "other" });
      expect(textOf(taken)).toMatch(/slug other is already taken/);
      expect(h.emu.writes()).toHaveLength(1);
    });

    it("update_organization_metadata deep-merges through the metadata endpoint", async () => {
      const result = await h.call("update_organization_metadata", {
        organization_id: ORG,
        public_metadata: { plan: null, seats: 3 },
        private_metadata: { notes: { a: 1 } },
      });
      expect(result.structuredContent).toMatchObject({
        public_metadata: { seats: 3 },
        private_metadata: { crm: "c-1", notes: { a: 1 } },
      });
      expect(h.emu.writes().map((w) => [w.method, w.path])).toEqual([
        ["PATCH", `/v1/organizations/${ORG}/metadata`],
      ]);
      const empty = await h.call("update_organization_metadata", { organization_id: ORG });
      expect(textOf(empty)).toMatch(/needs at least one of public_metadata or private_metadata/);
      expect(h.emu.writes()).toHaveLength(1);
    });

    it("delete_organization deletes it; a second delete is a clear not-found with only the DELETE sent", async () => {
      const first = await h.call("delete_organization", { organization_id: ORG });
      expect(first.isError).toBeFalsy();
      expect(first.structuredContent).toEqual({ id: ORG, deleted: true });
      const second = await h.call("delete_organization", { organization_id: ORG });
      expect(second.isError).toBe(true);
      expect(textOf(second)).toMatch(
        new RegExp(`Organization ${ORG} does not exist .*already deleted.*nothing changed`),
      );
      expect(paths()).toEqual([
        `DELETE /v1/organizations/${ORG}`,
        `DELETE /v1/organizations/${ORG}`,
      ]);
      const gone = await h.call("list_organizations", {});
      expect(gone.structuredContent).toMatchObject({ total_count: 1 });
    });

    it("delete_organization after a lost answer repeats the delete and reports it gone", async () => {
      h.emu.inject({ method: "DELETE", applyThenFail: 502 });
      const result = await h.call("delete_organization", { organization_id: ORG });
      expect(result.isError).toBeFalsy();
      expect(textOf(result)).toMatch(/first answer was lost.*found org_\w+ gone/);
      expect(h.emu.writes().map((w) => w.status)).toEqual([502, 404]);
      expect(paths()).toEqual([
        `DELETE /v1/organizations/${ORG}`,
        `DELETE /v1/organizations/${ORG}`,
      ]);
    });
  });

  describe("membership writes", () => {
    it("create_organization_membership adds a user; a second add says already a member", async () => {
      const args = { organization_id: ORG, user_id: OUTSIDER, role: "org:member" };
      const result = await h.call("create_organization_membership", args);
      expect(result.structuredContent).toEqual({
        organization_id: ORG,
        user_id: OUTSIDER,
        identifier: "out@else.test",
        first_name: null,
        last_name: null,
        role: "org:member",
        created_at: expect.any(String),
      });
      expect(h.emu.writes()[0]?.body).toEqual({ user_id: OUTSIDER, role: "org:member" });
      const again = await h.call("create_organization_membership", args);
      expect(again.isError).toBe(true);
      expect(textOf(again)).toMatch(/already a member of .*nothing changed/);
      expect(h.emu.writes()).toHaveLength(2);
    });

    it("create_organization_membership for an unknown user changes nothing", async () => {
      const result = await h.call("create_organization_membership", {
        organization_id: ORG,
        user_id: "user_ghost00001",
        role: "org:member",
      });
      expect(textOf(result)).toMatch(/no such user or no such organization; nothing changed/);
    });

    it("update_organization_membership changes the role, idempotently", async () => {
      const args = { organization_id: ORG, user_id: MEMBER, role: "org:admin" };
      for (let i = 0; i < 2; i++) {
        const result = await h.call("update_organization_membership", args);
        expect(result.structuredContent).toMatchObject({ user_id: MEMBER, role: "org:admin" });
      }
      expect(h.emu.writes().map((w) => [w.method, w.path, w.body])).toEqual([
        ["PATCH", `/v1/organizations/${ORG}/memberships/${MEMBER}`, { role: "org:admin" }],
        ["PATCH", `/v1/organizations/${ORG}/memberships/${MEMBER}`, { role: "org:admin" }],
      ]);
      const outsider = await h.call("update_organization_membership", {
        ...args,
        user_id: OUTSIDER,
      });
      expect(textOf(outsider)).toMatch(`${OUTSIDER} is not a member of ${ORG}`);
    });

    it("delete_organization_membership removes; a second delete is a clear not-found", async () => {
      const args = { organization_id: ORG, user_id: MEMBER };
      const first = await h.call("delete_organization_membership", args);
      expect(first.structuredContent).toEqual({
        ...args,
        deleted: true,
        organization_deleted: false,
      });
      expect(textOf(first)).toContain("Removed member@acme.test (org:member)");
      const second = await h.call("delete_organization_membership", args);
      expect(second.isError).toBe(true);
      expect(textOf(second)).toMatch(/is not a member of .*nothing changed/);
      expect(paths()).toEqual([
        `DELETE /v1/organizations/${ORG}/memberships/${MEMBER}`,
        // A member who was not an admin may have been the last: is the organization still there?
        `GET /v1/organizations/${ORG}`,
        `DELETE /v1/organizations/${ORG}/memberships/${MEMBER}`,
      ]);
    });
  });
});
