import { afterEach, describe, expect, it } from "vitest";
import { ALL_TOOLS } from "../../src/tools/registry.js";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";

/** The operator's guards cover the organizations toolset like every other. */

const ORG = "org_acme000001";
const LIVE_KEY = "sk_live_productionKey0123456789abcdef";
const orgTools = ALL_TOOLS.filter((t) => t.toolset === "organizations");

describe("organizations toolset under the operator's guards", () => {
  let h: Harness;
  afterEach(() => h.close());

  it("--read-only serves only its four read tools", async () => {
    h = await startHarness({ config: { readOnly: true, toolsets: ["organizations"] } });
    const names = (await h.client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual([
      "list_organizations",
      "get_organization",
      "list_organization_memberships",
      "list_organization_roles",
    ]);
    expect(orgTools).toHaveLength(11);
  });

  it.each([
    ["delete_organization", { organization_id: ORG }],
    ["create_organization", { name: "Globex" }],
  ])("a production key blocks %s before any request; reads still work", async (tool, args) => {
    h = await startHarness({
      secretKey: LIVE_KEY,
      seed: { organizations: [{ id: ORG, name: "Acme" }] },
    });
    h.emu.clearRequests();
    const refused = await h.call(tool, args);
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain("Nothing was sent to Clerk");
    expect(h.emu.requests).toEqual([]);
    const read = await h.call("get_organization", { organization_id: ORG });
    expect(read.isError).toBeFalsy();
    expect(h.emu.requests.map((r) => r.method)).toEqual(["GET"]);
  });
});
