import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ID_PREFIXES } from "../../src/clerk/ids.js";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";
import { TOOL_NAMES, toolCase } from "../helpers/tool-cases.js";

/**
 * Rules every tool must keep, checked over the whole `tools/list`, which (the first test) is
 * every tool in ALL_TOOLS: a new tool is held to them without being named here.
 */
describe("tool invariants", () => {
  let h: Harness;
  let tools: Tool[];
  beforeAll(async () => {
    h = await startHarness();
    tools = (await h.client.listTools()).tools;
  });
  afterAll(() => h.close());

  const each = (check: (tool: Tool) => void) => () => {
    expect(tools.length).toBeGreaterThan(0);
    for (const tool of tools) {
      try {
        check(tool);
      } catch (err) {
        throw new Error(`${tool.name}: ${(err as Error).message}`);
      }
    }
  };

  it("tools/list (the default selection) shows every tool in ALL_TOOLS", () => {
    expect(tools.map((t) => t.name)).toEqual(TOOL_NAMES);
  });

  it(
    "names are snake_case verb_noun",
    each((tool) => expect(tool.name).toMatch(/^[a-z]+(_[a-z]+)+$/)),
  );

  it(
    "has a title, a description and all four annotation hints",
    each((tool) => {
      expect(tool.title, "title").toMatch(/\S/);
      expect(tool.description?.length).toBeGreaterThan(20);
      const a = tool.annotations ?? {};
      for (const hint of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"]) {
        expect(typeof (a as Record<string, unknown>)[hint], hint).toBe("boolean");
      }
    }),
  );

  it(
    "destructive implies not read-only",
    each((tool) => {
      if (tool.annotations?.destructiveHint) expect(tool.annotations.readOnlyHint).toBe(false);
    }),
  );

  it(
    "input and output schemas are plain objects, with no top-level anyOf/oneOf/allOf/$ref",
    each((tool) => {
      for (const schema of [tool.inputSchema, tool.outputSchema]) {
        expect(schema).toBeDefined();
        expect(schema?.type).toBe("object");
        for (const key of ["anyOf", "oneOf", "allOf", "$ref"])
          expect(schema).not.toHaveProperty(key);
      }
    }),
  );

  it("every tool refuses an unknown argument, naming it and suggesting the snake_case one, before any request", async () => {
    expect(tools.length).toBeGreaterThan(0);
    for (const tool of tools) {
      h.emu.clearRequests();
      // With the tool's valid arguments, so that the unknown one is the only fault.
      const result = await h.call(tool.name, {
        ...toolCase(tool.name).args,
        invitationId: "inv_1",
      });
      expect(result.isError, tool.name).toBe(true);
      expect(result.structuredContent, tool.name).toBeUndefined();
      const text = textOf(result);
      expect(text, tool.name).toMatch(`${tool.name} does not take the argument invitationId`);
      // The camelCase mistake is answered with the name the tool takes.
      const takesInvitationId = "invitation_id" in (tool.inputSchema.properties ?? {});
      expect(text.includes("did you mean invitation_id?"), tool.name).toBe(takesInvitationId);
      expect(h.emu.requests, tool.name).toHaveLength(0);
    }
  });

  it(
    "every *_id argument (and every item of *_ids) uses an ID schema",
    each((tool) => {
      const props = (tool.inputSchema.properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const [name, prop] of Object.entries(props)) {
        if (name.endsWith("_id") && !ID_OR_SLUG.has(`${tool.name}.${name}`)) {
          expectIdPattern(prop, name);
        }
        if (name.endsWith("_ids")) expectIdPattern(prop.items as Record<string, unknown>, name);
      }
    }),
  );
});

/**
 * Arguments that take an ID or a slug (OrganizationIdOrSlug): they list no pattern, and their
 * crafted values are refused in test/tools/organizations-bad-input.test.ts.
 */
/**
 * `*_id` arguments that are not only a Clerk ID: get_organization also takes a slug, and
 * external_id is the application's own ID for a user (Clerk stores it as given).
 */
const ID_OR_SLUG = new Set(["get_organization.organization_id", "update_user.external_id"]);

function expectIdPattern(prop: Record<string, unknown> | undefined, name: string) {
  const pattern = String(prop?.pattern ?? "");
  const ok = ID_PREFIXES.some((p) => pattern === `^${p.prefix}\\w+$`);
  expect(ok, `${name} has pattern ${pattern}`).toBe(true);
}
