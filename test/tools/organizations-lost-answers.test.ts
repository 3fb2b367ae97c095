import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acmeSeed, MEMBER, ORG, OUTSIDER } from "../helpers/acme.js";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";

/**
 * Creates and deletes are sent once. When Clerk's answer is lost, the tools look up what Clerk
 * holds and report that: done, not done, or unknown when even the lookup fails.
 */

describe("lost answers of organization writes", () => {
  let h: Harness;
  const paths = () => h.emu.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`);

  beforeEach(async () => {
    h = await startHarness({
      seed: acmeSeed(),
    });
    h.emu.clearRequests();
  });
  afterEach(() => h.close());

  it("create_organization with a slug: made but answer lost → found by slug, sent once", async () => {
    h.emu.inject({ method: "POST", path: "/v1/organizations", applyThenFail: 502 });
    const result = await h.call("create_organization", { name: "Globex", slug: "globex" });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ name: "Globex", slug: "globex" });
    expect(textOf(result)).toMatch(/answer was lost.*finds organization org_\w+ with slug globex/);
    expect(paths()).toEqual(["POST /v1/organizations", "GET /v1/organizations/globex"]);
  });

  it("create_organization with a slug: failed before Clerk made it → nothing was created", async () => {
    h.emu.inject({ method: "POST", path: "/v1/organizations", status: 503 });
    const result = await h.call("create_organization", { name: "Globex", slug: "globex" });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(textOf(result)).toMatch(/finds no organization: nothing was created/);
    expect(paths()).toEqual(["POST /v1/organizations", "GET /v1/organizations/globex"]);
  });

  it("create_organization without a slug: the outcome is unknown, and no retry is sent", async () => {
    h.emu.inject({ method: "POST", path: "/v1/organizations", reset: true });
    const result = await h.call("create_organization", { name: "Globex" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/outcome is unknown.*list_organizations \(query "Globex"\)/);
    expect(paths()).toEqual(["POST /v1/organizations"]);
  });

  it("create_organization_membership: made but answer lost → found by lookup", async () => {
    const base = `/v1/organizations/${ORG}/memberships`;
    h.emu.inject({ method: "POST", path: base, applyThenFail: 504 });
    const result = await h.call("create_organization_membership", {
      organization_id: ORG,
      user_id: OUTSIDER,
      role: "org:member",
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ user_id: OUTSIDER, role: "org:member" });
    expect(textOf(result)).toMatch(/answer was lost.*lookup finds the membership/);
    expect(paths()).toEqual([`POST ${base}`, `GET ${base}`]);
  });

  it("create_organization_membership: not made → nothing was created, try again", async () => {
    const base = `/v1/organizations/${ORG}/memberships`;
    h.emu.inject({ method: "POST", path: base, status: 502 });
    const result = await h.call("create_organization_membership", {
      organization_id: ORG,
      user_id: OUTSIDER,
      role: "org:member",
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/finds no membership: nothing was created\. Try again\./);
    expect(paths()).toEqual([`POST ${base}`, `GET ${base}`]);
  });

  it("delete_organization_membership: made but answer lost → reported removed; not made → still a member", async () => {
    const one = `/v1/organizations/${ORG}/memberships/${MEMBER}`;
    h.emu.inject({ method: "DELETE", path: one, status: 503 });
    const kept = await h.call("delete_organization_membership", {
      organization_id: ORG,
      user_id: MEMBER,
    });
    expect(kept.isError).toBe(true);
    expect(textOf(kept)).toMatch(/still a member: nothing changed/);

    h.emu.inject({ method: "DELETE", path: one, applyThenFail: 503 });
    const removed = await h.call("delete_organization_membership", {
      organization_id: ORG,
      user_id: MEMBER,
    });
    expect(removed.isError).toBeFalsy();
    expect(removed.structuredContent).toEqual({
      organization_id: ORG,
      user_id: MEMBER,
      deleted: true,
    });
    expect(textOf(removed)).toMatch(/answer was lost.*no longer a member/);
    const base = `/v1/organizations/${ORG}/memberships`;
    expect(paths()).toEqual([`DELETE ${one}`, `GET ${base}`, `DELETE ${one}`, `GET ${base}`]);
  });

  it("a lookup that fails too leaves the outcome unknown", async () => {
    const one = `/v1/organizations/${ORG}/memberships/${MEMBER}`;
    h.emu.inject({ method: "DELETE", path: one, applyThenFail: 503 });
    h.emu.inject({ method: "GET", path: `/v1/organizations/${ORG}/memberships`, status: 500 });
    const result = await h.call("delete_organization_membership", {
      organization_id: ORG,
      user_id: MEMBER,
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/outcome is unknown.*Check with list_organization_memberships/);
  });
});
