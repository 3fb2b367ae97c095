import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";

/**
 * Filters of the same meaning take the same shape: `status` is one value or a list in both
 * invitation lists. Repeats are removed and long lists refused before any request (a list of
 * 20,000 statuses once made a URL that Clerk's edge refused with an empty 431). Where Clerk's
 * endpoint takes one value (GET /v1/invitations), a list of exactly one is accepted.
 */

const ORG = "org_acme000001";

describe("status filters: one value or a list", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      seed: { organizations: [{ id: ORG, name: "Acme", slug: "acme" }] },
    });
  });
  afterAll(() => h.close());
  beforeEach(() => h.emu.clearRequests());

  const sent = () => h.emu.requests.map((r) => r.query.status);

  it.each([
    ["pending", "pending"],
    [["pending"], "pending"],
    [["revoked", "revoked", "revoked"], "revoked"],
  ])("list_invitations takes %j and sends status=%s once", async (status, expected) => {
    const result = await h.call("list_invitations", { status });
    expect(result.isError).toBeFalsy();
    expect(sent()).toEqual([expected]);
  });

  it("list_invitations refuses two statuses, saying Clerk filters by one, before any request", async () => {
    const result = await h.call("list_invitations", { status: ["pending", "revoked"] });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/one status at a time.* at status/s);
    expect(h.emu.requests).toEqual([]);
  });

  it.each([
    ["pending", "pending"],
    [["pending"], "pending"],
    [
      ["pending", "revoked", "pending"],
      ["pending", "revoked"],
    ],
  ])("list_organization_invitations takes %j and sends %j", async (status, expected) => {
    const result = await h.call("list_organization_invitations", { organization_id: ORG, status });
    expect(result.isError).toBeFalsy();
    expect(sent()).toEqual([expected]);
  });

  it.each([
    ["list_invitations", {}],
    ["list_organization_invitations", { organization_id: ORG }],
  ])(
    "%s refuses a list of 20,000 statuses with the limit, before any request",
    async (tool, base) => {
      const result = await h.call(tool, { ...base, status: Array(20_000).fill("pending") });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/at most 100 values.* at status/s);
      expect(h.emu.requests).toEqual([]);
    },
  );

  it.each(["list_invitations", "list_organization_invitations"])(
    "%s refuses an unknown status, naming the allowed ones",
    async (tool) => {
      const base = tool === "list_invitations" ? {} : { organization_id: ORG };
      const result = await h.call(tool, { ...base, status: "open" });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/pending, accepted, revoked or expired.* at status/s);
      expect(h.emu.requests).toEqual([]);
    },
  );
});
