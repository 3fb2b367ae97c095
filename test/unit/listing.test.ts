import { describe, expect, it } from "vitest";
import { compactSchema, toolListing } from "../../src/tools/listing.js";
import { ALL_TOOLS } from "../../src/tools/registry.js";

describe("tools/list schemas", () => {
  it("drops only what carries no meaning", () => {
    const schema = {
      type: "object",
      properties: {
        offset: { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
        delta: { type: "integer", minimum: Number.MIN_SAFE_INTEGER, maximum: 10 },
        meta: { type: "object", properties: {}, additionalProperties: {} },
        tags: { type: "object", propertyNames: { type: "string" }, additionalProperties: {} },
        strict: {
          type: "object",
          properties: { a: { type: "string" } },
          additionalProperties: false,
        },
        keys: { type: "object", propertyNames: { type: "string", pattern: "^x" } },
      },
    };
    expect(compactSchema(schema)).toEqual({
      type: "object",
      properties: {
        offset: { type: "integer", minimum: 0 },
        delta: { type: "integer", maximum: 10 },
        meta: { type: "object" },
        tags: { type: "object" },
        strict: {
          type: "object",
          properties: { a: { type: "string" } },
          additionalProperties: false,
        },
        keys: { type: "object", propertyNames: { type: "string", pattern: "^x" } },
      },
    });
  });

  it("lists every tool as an object schema without $schema, keeping strictness and ID patterns", () => {
    for (const tool of ALL_TOOLS) {
      const listed = toolListing(tool);
      expect(listed.inputSchema.type).toBe("object");
      expect(listed.inputSchema).not.toHaveProperty("$schema");
      // Left out to save tokens; the registry still refuses unknown keys (invariants test).
      expect(listed.inputSchema).not.toHaveProperty("additionalProperties");
      expect(JSON.stringify(listed)).not.toContain(String(Number.MAX_SAFE_INTEGER));
    }
    const revoke = ALL_TOOLS.find((t) => t.name === "revoke_invitation");
    if (!revoke) throw new Error("revoke_invitation missing");
    expect(toolListing(revoke).inputSchema.properties).toEqual({
      invitation_id: { type: "string", pattern: "^inv_\\w+$" },
    });
  });
});
