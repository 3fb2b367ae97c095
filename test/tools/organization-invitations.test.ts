import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ADMIN, acmeSeed, MEMBER, ORG } from "../helpers/acme.js";
import { type Harness, jsonBlock, startHarness, textOf } from "../helpers/harness.js";

const DAY = 86_400_000;
const VIEW_KEYS = [
  "created_at",
  "email_address",
  "expires_at",
  "id",
  "inviter_id",
  "organization_id",
  "public_metadata",
  "role",
  "role_name",
  "status",
  "updated_at",
].sort();

describe("organization invitation tools", () => {
  let h: Harness;
  /** Every invitation of ORG, whatever its status, as `id status` lines. */
  const stateOf = async (): Promise<string[]> => {
    const list = await h.call("list_organization_invitations", {
      organization_id: ORG,
      limit: 100,
    });
    const { invitations } = list.structuredContent as {
      invitations: Array<{ id: string; status: string }>;
    };
    return invitations.map((i) => `${i.id} ${i.status}`).sort();
  };
  let pending: string;
  let revoked: string;
  let accepted: string;
  let expired: string;

  beforeEach(async () => {
    h = await startHarness({
      seed: acmeSeed({ organizations: [{ id: "org_other000001", name: "Other" }] }),
    });
    const now = Date.now();
    pending = h.emu.addOrganizationInvitation({
      organization_id: ORG,
      email_address: "pat@example.com",
      inviter_id: ADMIN,
      public_metadata: { team: "core" },
      private_metadata: { secretNote: "do not show" },
      created_at: now - 3,
    }).id;
    revoked = h.emu.addOrganizationInvitation({
      organization_id: ORG,
      email_address: "rev@example.com",
      status: "revoked",
      created_at: now - 2,
    }).id;
    accepted = h.emu.addOrganizationInvitation({
      organization_id: ORG,
      email_address: "acc@example.com",
      status: "accepted",
      created_at: now - 1,
    }).id;
    expired = h.emu.addOrganizationInvitation({
      organization_id: ORG,
      email_address: "exp@example.com",
      expires_at: now - DAY,
      created_at: now,
    }).id;
    h.emu.clearRequests();
  });
  afterEach(() => h.close());

  describe("list_organization_invitations", () => {
    it("lists every status by default, newest first, without private_metadata or url", async () => {
      const result = await h.call("list_organization_invitations", { organization_id: ORG });
      expect(result.isError).toBeFalsy();
      const page = result.structuredContent as {
        invitations: Array<Record<string, unknown>>;
        total_count: number;
        next_offset: number | null;
      };
      expect(page.total_count).toBe(4);
      expect(page.next_offset).toBeNull();
      expect(page.invitations.map((i) => i.id)).toEqual([expired, accepted, revoked, pending]);
      expect(page.invitations.map((i) => i.status)).toEqual([
        "expired",
        "accepted",
        "revoked",
        "pending",
      ]);
      const first = page.invitations[3] ?? {};
      expect(Object.keys(first).sort()).toEqual(VIEW_KEYS);
      expect(first).toMatchObject({
        email_address: "pat@example.com",
        role: "org:member",
        role_name: "Member",
        organization_id: ORG,
        inviter_id: ADMIN,
        public_metadata: { team: "core" },
      });
      expect(first.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(JSON.stringify(result)).not.toContain("do not show");
      expect(JSON.stringify(result)).not.toContain("__clerk_ticket");
      expect(jsonBlock(result)).toEqual(page);
      expect(h.emu.requests.map((r) => r.path.split("?")[0])).toEqual([
        `/v1/organizations/${ORG}/invitations`,
      ]);
    });

    it("sends repeated status parameters and pages with next_offset", async () => {
      const result = await h.call("list_organization_invitations", {
        organization_id: ORG,
        status: ["pending", "revoked"],
        limit: 1,
      });
      const page = result.structuredContent as {
        invitations: Array<{ id: string }>;
        total_count: number;
        next_offset: number | null;
      };
      expect(page.total_count).toBe(2);
      expect(page.invitations.map((i) => i.id)).toEqual([revoked]);
      expect(page.next_offset).toBe(1);
      expect(h.emu.requests[0]?.query.status).toEqual(["pending", "revoked"]);
      const next = await h.call("list_organization_invitations", {
        organization_id: ORG,
        status: ["pending", "revoked"],
        limit: 1,
        offset: 1,
      });
      expect(next.structuredContent).toMatchObject({
        invitations: [{ id: pending }],
        next_offset: null,
      });
    });

    it("an empty list points to list_invitations for application invitations", async () => {
      const result = await h.call("list_organization_invitations", {
        organization_id: "org_other000001",
      });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ invitations: [], total_count: 0 });
      expect(textOf(result)).toMatch(/list_invitations/);
    });

    it("an unknown organization is an error that names it", async () => {
      const result = await h.call("list_organization_invitations", {
        organization_id: "org_nope00000001",
      });
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      expect(textOf(result)).toMatch(/no organization org_nope00000001/);
    });
  });

  describe("get_organization_invitation", () => {
    it("returns the view", async () => {
      const result = await h.call("get_organization_invitation", {
        organization_id: ORG,
        invitation_id: pending,
      });
      expect(result.isError).toBeFalsy();
      const view = result.structuredContent as Record<string, unknown>;
      expect(Object.keys(view).sort()).toEqual(VIEW_KEYS);
      expect(view).toMatchObject({ id: pending, status: "pending" });
      expect(h.emu.requests.map((r) => r.path)).toEqual([
        `/v1/organizations/${ORG}/invitations/${pending}`,
      ]);
    });

    it("an invitation of another organization is not found", async () => {
      const result = await h.call("get_organization_invitation", {
        organization_id: "org_other000001",
        invitation_id: pending,
      });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/no invitation .* in organization org_other000001/);
      expect(textOf(result)).toMatch(/list_organization_invitations/);
    });
  });

  describe("create_organization_invitation", () => {
    it("creates one, returns its url, and sends metadata keys unchanged", async () => {
      const result = await h.call("create_organization_invitation", {
        organization_id: ORG,
        email_address: "new@example.com",
        role: "org:admin",
        inviter_user_id: ADMIN,
        public_metadata: { seatType: "full" },
        private_metadata: { crmId: "c-1" },
        redirect_url: "https://app.example.com/join",
        expires_in_days: 14,
      });
      expect(result.isError).toBeFalsy();
      const view = result.structuredContent as Record<string, unknown>;
      expect(Object.keys(view).sort()).toEqual([...VIEW_KEYS, "url"].sort());
      expect(view).toMatchObject({
        email_address: "new@example.com",
        role: "org:admin",
        role_name: "Admin",
        organization_id: ORG,
        inviter_id: ADMIN,
        status: "pending",
        public_metadata: { seatType: "full" },
      });
      expect(view.url).toMatch(/^https:\/\/app\.example\.com\/join\?__clerk_ticket=/);
      expect(JSON.stringify(result)).not.toContain("c-1");
      const writes = h.emu.writes();
      expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual([
        `POST /v1/organizations/${ORG}/invitations`,
      ]);
      expect(writes[0]?.body).toEqual({
        email_address: "new@example.com",
        role: "org:admin",
        inviter_user_id: ADMIN,
        public_metadata: { seatType: "full" },
        private_metadata: { crmId: "c-1" },
        redirect_url: "https://app.example.com/join",
        expires_in_days: 14,
      });
    });

    it("an inviter who is not an admin gets a 403 that explains the admin requirement", async () => {
      const before = await stateOf();
      h.emu.clearRequests();
      const result = await h.call("create_organization_invitation", {
        organization_id: ORG,
        email_address: "new@example.com",
        role: "org:member",
        inviter_user_id: MEMBER,
      });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/must be an administrator \(org:admin\)/);
      expect(textOf(result)).toMatch(/HTTP 403/);
      expect(h.emu.writes().map((w) => `${w.method} ${w.path} ${w.status}`)).toEqual([
        `POST /v1/organizations/${ORG}/invitations 403`,
      ]);
      expect(await stateOf()).toEqual(before);
    });

    it("a duplicate pending invitation and an existing member are errors that say so", async () => {
      const before = await stateOf();
      h.emu.clearRequests();
      const dup = await h.call("create_organization_invitation", {
        organization_id: ORG,
        email_address: "pat@example.com",
        role: "org:member",
      });
      expect(dup.isError).toBe(true);
      expect(textOf(dup)).toMatch(/already has a pending invitation to org_acme000001/);
      const member = await h.call("create_organization_invitation", {
        organization_id: ORG,
        email_address: "member@acme.test",
        role: "org:member",
      });
      expect(member.isError).toBe(true);
      expect(textOf(member)).toMatch(/already a member/);
      // One POST each, never retried, and nothing new in the organization.
      expect(h.emu.writes().map((w) => `${w.method} ${w.path} ${w.status}`)).toEqual([
        `POST /v1/organizations/${ORG}/invitations 400`,
        `POST /v1/organizations/${ORG}/invitations 400`,
      ]);
      expect(await stateOf()).toEqual(before);
    });

    it("an unknown organization is an error that names it", async () => {
      const result = await h.call("create_organization_invitation", {
        organization_id: "org_nope00000001",
        email_address: "new@example.com",
        role: "org:member",
      });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/no organization org_nope00000001/);
    });

    it("after an ambiguous failure, reports the invitation the lookup finds", async () => {
      h.emu.inject({
        method: "POST",
        path: `/v1/organizations/${ORG}/invitations`,
        applyThenFail: 504,
      });
      const result = await h.call("create_organization_invitation", {
        organization_id: ORG,
        email_address: "lost@example.com",
        role: "org:member",
      });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ email_address: "lost@example.com" });
      expect(textOf(result)).toMatch(/answer was lost/);
      expect(h.emu.writes()).toHaveLength(1);
      // The lookup asks Clerk for this address's pending invitations only.
      const lookup = h.emu.requests.filter((r) => r.method === "GET");
      expect(lookup.map((r) => r.query)).toEqual([
        expect.objectContaining({ status: "pending", email_address: "lost@example.com" }),
      ]);
    });

    it("after a lost answer that was not applied, an older pending invitation is not taken for a new one: the outcome is unknown", async () => {
      const old = h.emu.addOrganizationInvitation({
        organization_id: ORG,
        email_address: "again@example.com",
        created_at: Date.now() - 3_600_000,
      });
      // Clerk refuses a duplicate, so a gateway 503 before Clerk is the only way here.
      h.emu.inject({ method: "POST", path: `/v1/organizations/${ORG}/invitations`, status: 503 });
      const before = await stateOf();
      const result = await h.call("create_organization_invitation", {
        organization_id: ORG,
        email_address: "again@example.com",
        role: "org:member",
      });
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      expect(textOf(result)).toMatch(
        /^The outcome is unknown: .*Check with list_organization_invitations/,
      );
      expect(textOf(result)).not.toMatch(/nothing was created|Try again/);
      expect(textOf(result)).not.toContain(old.id);
      expect(await stateOf()).toEqual(before);
    });

    it("when the lookup cannot read every pending invitation for the address, the outcome is unknown", async () => {
      // More pending invitations for one address than Clerk's largest page (500).
      for (let i = 0; i < 501; i++) {
        h.emu.addOrganizationInvitation({
          organization_id: ORG,
          email_address: "many@example.com",
          created_at: Date.now() - 3_600_000 - i,
        });
      }
      h.emu.inject({ method: "POST", path: `/v1/organizations/${ORG}/invitations`, status: 503 });
      const result = await h.call("create_organization_invitation", {
        organization_id: ORG,
        email_address: "many@example.com",
        role: "org:member",
      });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^The outcome is unknown: /);
      expect(textOf(result)).not.toMatch(/Try again|nothing was created/);
      expect(textOf(result)).toMatch(/list_organization_invitations/);
    });
  });

  describe("revoke_organization_invitation", () => {
    it("revokes a pending invitation, sending requesting_user_id in the JSON body", async () => {
      const result = await h.call("revoke_organization_invitation", {
        organization_id: ORG,
        invitation_id: pending,
        requesting_user_id: ADMIN,
      });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ id: pending, status: "revoked" });
      expect(textOf(result)).toMatch(/Revoked/);
      const writes = h.emu.writes();
      expect(writes.map((w) => w.path)).toEqual([
        `/v1/organizations/${ORG}/invitations/${pending}/revoke`,
      ]);
      expect(writes[0]?.body).toEqual({ requesting_user_id: ADMIN });
      expect(h.emu.getOrganizationInvitation(pending)?.status).toBe("revoked");
    });

    it("already revoked is an idempotent success that says nothing changed", async () => {
      const result = await h.call("revoke_organization_invitation", {
        organization_id: ORG,
        invitation_id: revoked,
      });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ id: revoked, status: "revoked" });
      expect(textOf(result)).toMatch(/already revoked; nothing changed/);
    });

    it.each([
      ["accepted", () => accepted, /already accepted/],
      ["expired", () => expired, /already expired/],
    ])("%s is an error with the status", async (_status, id, message) => {
      const result = await h.call("revoke_organization_invitation", {
        organization_id: ORG,
        invitation_id: id(),
      });
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      expect(textOf(result)).toMatch(message);
      expect(textOf(result)).toMatch(/Nothing changed/);
    });

    it("a requester who is not an admin gets a 403 that explains the admin requirement", async () => {
      const result = await h.call("revoke_organization_invitation", {
        organization_id: ORG,
        invitation_id: pending,
        requesting_user_id: MEMBER,
      });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(
        /requesting_user_id user_member0001 must be an administrator \(org:admin\)/,
      );
      expect(h.emu.getOrganizationInvitation(pending)?.status).toBe("pending");
    });

    it("an unknown invitation is not found, and names the list tool", async () => {
      const result = await h.call("revoke_organization_invitation", {
        organization_id: ORG,
        invitation_id: "orginv_nope000001",
      });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/no invitation orginv_nope000001/);
      expect(textOf(result)).toMatch(/list_organization_invitations/);
    });

    it("an applied-then-failed revoke is looked up and reported revoked", async () => {
      h.emu.inject({
        method: "POST",
        path: `/v1/organizations/${ORG}/invitations/${pending}/revoke`,
        applyThenFail: 502,
      });
      const result = await h.call("revoke_organization_invitation", {
        organization_id: ORG,
        invitation_id: pending,
      });
      expect(result.isError).toBeFalsy();
      expect(textOf(result)).toMatch(/first answer was lost.*found it revoked/);
      // The revoke only sets state: it is repeated, and Clerk's 400 is read from the status.
      expect(h.emu.writes().map((w) => w.status)).toEqual([502, 400]);
    });
  });
});
