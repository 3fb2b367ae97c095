import { afterEach, describe, expect, it } from "vitest";
import { ADMIN, acmeSeed, MEMBER, ORG } from "../helpers/acme.js";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";

/**
 * find_person: one read that gathers what the instance holds about a person, from an email
 * address, a user ID or a username, through the real MCP client and the emulator.
 */

const GLOBEX = "org_globex00001";
const INITECH = "org_initech0001";

function seed() {
  return acmeSeed({
    member: { username: "mo_member", first_name: "Mo" },
    organizations: [
      { id: GLOBEX, name: "Globex", members: [{ user_id: MEMBER, role: "org:admin" }] },
      { id: INITECH, name: "Initech", members: [{ user_id: ADMIN, role: "org:admin" }] },
    ],
    invitations: [
      { email_address: "member@acme.test", status: "accepted" },
      { email_address: "member@acme.test", status: "revoked" },
      { email_address: "othermember@acme.test" },
      { email_address: "ghost@example.com" },
      { email_address: "ghost@example.com", status: "revoked" },
    ],
    organization_invitations: [
      { organization_id: INITECH, email_address: "member@acme.test" },
      { organization_id: GLOBEX, email_address: "ghost@example.com" },
    ],
  });
}

interface Part {
  count: number | null;
  items: Array<Record<string, unknown>>;
  unavailable?: string;
}
interface Found {
  query: { kind: string; value: string };
  summary: string;
  users: Part;
  organization_memberships: Part;
  invitations: Part;
  organization_invitations: Part;
  waitlist_entries: Part;
  sign_up_restrictions: Part;
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function find(person: string): Promise<{ found: Found; text: string; hh: Harness }> {
  h ??= await startHarness({ seed: seed() });
  h.emu.clearRequests();
  const result = await h.call("find_person", { person });
  expect(result.isError, textOf(result)).toBeFalsy();
  return { found: result.structuredContent as unknown as Found, text: textOf(result), hh: h };
}

describe("find_person", () => {
  it("gathers a user, their memberships and every invitation to their address, from an email", async () => {
    const { found, text, hh } = await find("Member@Acme.test");
    expect(found.query).toEqual({ kind: "email_address", value: "member@acme.test" });
    expect(found.users.count).toBe(1);
    expect(found.users.items[0]).toMatchObject({ id: MEMBER, email_address: "member@acme.test" });
    expect(found.organization_memberships.count).toBe(2);
    expect(
      found.organization_memberships.items.map((m) => [m.organization_name, m.role]).sort(),
    ).toEqual([
      ["Acme", "org:member"],
      ["Globex", "org:admin"],
    ]);
    // Revoked ones included, which Clerk's list leaves out unless asked; a partial match is not.
    expect(found.invitations.count).toBe(2);
    expect(found.invitations.items.map((i) => i.status).sort()).toEqual(["accepted", "revoked"]);
    expect(found.organization_invitations.count).toBe(1);
    expect(found.organization_invitations.items[0]).toMatchObject({
      organization_id: INITECH,
      organization_name: "Initech",
      status: "pending",
    });
    expect(found.summary).toBe(
      "member@acme.test: 1 user (user_member0001), member of 2 organizations (Acme, Globex), 2 application invitations (1 accepted, 1 revoked), 1 organization invitation (1 pending: Initech).",
    );
    expect(text).toContain(found.summary);
    // Reads only, the users and invitations at once, then the user's two lists at once.
    expect(hh.emu.writes()).toEqual([]);
    const paths = hh.emu.requests.map((r) => r.path.split("?")[0]);
    expect(paths.sort()).toEqual(
      [
        "/v1/invitations",
        "/v1/invitations",
        "/v1/users",
        "/v1/users/count",
        `/v1/users/${MEMBER}/organization_invitations`,
        `/v1/users/${MEMBER}/organization_memberships`,
        "/v1/waitlist_entries",
        "/v1/allowlist_identifiers",
        "/v1/blocklist_identifiers",
      ].sort(),
    );
    expect(hh.emu.requests.some((r) => r.path.includes("status=revoked"))).toBe(true);
  });

  it("reports the person's waitlist entries and the allowlist and blocklist entries that apply to their address, a domain entry included", async () => {
    h = await startHarness({ seed: seed() });
    h.emu.seed({
      waitlist_entries: [
        { id: "wle_member000001", email_address: "member@acme.test", status: "invited" },
        { id: "wle_someone00001", email_address: "someone@acme.test" },
      ],
      allowlist_identifiers: [
        { id: "alid_member00001", identifier: "member@acme.test" },
        { id: "alid_other000001", identifier: "other@acme.test" },
      ],
      blocklist_identifiers: [
        { id: "blid_acme0000001", identifier: "*@acme.test" },
        { id: "blid_spam0000001", identifier: "*@spam.test" },
      ],
    });
    const { found } = await find("member@acme.test");
    expect(found.waitlist_entries.count).toBe(1);
    expect(found.waitlist_entries.items[0]).toMatchObject({
      id: "wle_member000001",
      status: "invited",
    });
    expect(found.sign_up_restrictions.count).toBe(2);
    expect(
      found.sign_up_restrictions.items.map((r) => [r.list, r.id, r.identifier]).sort(),
    ).toEqual([
      ["allowlist", "alid_member00001", "member@acme.test"],
      ["blocklist", "blid_acme0000001", "*@acme.test"],
    ]);
    expect(found.summary).toMatch(
      /on the waitlist \(1 invited\), on the allowlist \(member@acme\.test\), on the blocklist \(\*@acme\.test\)\.$/,
    );
  });

  it("says a part is unavailable, with Clerk's answer, when the blocklist cannot be read", async () => {
    h = await startHarness({ seed: seed(), retry: { retries: 0 } });
    h.emu.inject({
      method: "GET",
      path: "/v1/blocklist_identifiers",
      status: 402,
      times: Infinity,
    });
    const { found } = await find("member@acme.test");
    expect(found.sign_up_restrictions.count).toBeNull();
    expect(found.sign_up_restrictions.unavailable).toMatch(/402/);
    expect(found.summary).toMatch(/allowlist and blocklist unavailable/);
    expect(found.users.count).toBe(1);
  });

  it("finds the same person from their user ID and from their username", async () => {
    for (const [person, kind] of [
      [MEMBER, "user_id"],
      ["mo_member", "username"],
    ] as const) {
      const { found } = await find(person);
      expect(found.query.kind).toBe(kind);
      expect(found.users.items.map((u) => u.id)).toEqual([MEMBER]);
      expect(found.organization_memberships.count).toBe(2);
      // The application invitations are looked up by the user's address.
      expect(found.invitations.count).toBe(2);
      expect(found.organization_invitations.count).toBe(1);
    }
  });

  it("says organization invitations are unavailable for an address without a user, rather than none", async () => {
    const { found } = await find("ghost@example.com");
    expect(found.users.count).toBe(0);
    expect(found.organization_memberships).toEqual({ count: 0, items: [] });
    expect(found.invitations.count).toBe(2);
    expect(found.organization_invitations.count).toBeNull();
    expect(found.organization_invitations.unavailable).toMatch(/no user/);
    expect(found.organization_invitations.unavailable).toMatch(/list_organization_invitations/);
    expect(found.summary).toMatch(
      /^ghost@example\.com: no user, 2 application invitations \(1 pending, 1 revoked\), organization invitations unavailable/,
    );
  });

  it("reports a part whose request failed as unavailable, with why, and keeps the others", async () => {
    h = await startHarness({ seed: seed(), retry: { retries: 0 } });
    h.emu.inject({
      method: "GET",
      path: `/v1/users/${MEMBER}/organization_memberships`,
      status: 403,
      times: Infinity,
    });
    const { found } = await find(MEMBER);
    expect(found.organization_memberships.count).toBeNull();
    expect(found.organization_memberships.items).toEqual([]);
    expect(found.organization_memberships.unavailable).toMatch(/403/);
    expect(found.summary).toMatch(/memberships unavailable/);
    expect(found.users.count).toBe(1);
    expect(found.organization_invitations.count).toBe(1);
  });

  it("is an error when no part could be read at all", async () => {
    h = await startHarness({ seed: seed(), retry: { retries: 0 } });
    h.emu.inject({
      method: "GET",
      path: /^\/v1\/(users|invitations|waitlist_entries|allowlist_identifiers|blocklist_identifiers)/,
      status: 403,
      times: Infinity,
    });
    const result = await h.call("find_person", { person: "member@acme.test" });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(textOf(result)).toMatch(/403/);
  });

  it("says plainly when nothing is found", async () => {
    const { found } = await find("nobody@example.com");
    expect(found.users.count).toBe(0);
    expect(found.invitations.count).toBe(0);
    expect(found.summary).toMatch(/^nobody@example\.com: no user, no application invitation/);
  });

  it.each([
    ["user_../../x", /user ID/],
    ["not an email@", /email address, a user_… ID or a username/],
    ["", /email address, a user_… ID or a username/],
    [`${"a".repeat(300)}@example.com`, /./],
  ])("refuses %j before any request", async (person, message) => {
    h = await startHarness({ seed: seed() });
    h.emu.clearRequests();
    const result = await h.call("find_person", { person });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
    expect(h.emu.requests).toEqual([]);
  });

  it("leaves an organization alone when the person only has an invitation to it", async () => {
    const { found } = await find("member@acme.test");
    expect(found.organization_memberships.items.map((m) => m.organization_id)).not.toContain(
      INITECH,
    );
    expect(found.organization_memberships.items.map((m) => m.organization_id)).toContain(ORG);
  });
});
