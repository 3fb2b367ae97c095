import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../helpers/harness.js";

/**
 * Every schema in `tools/list` is written in the form every client accepts. Clients that map
 * tool schemas onto a narrower dialect (Gemini's OpenAPI subset has one `type` per schema and
 * no booleans as schemas) reject or silently loosen a tool whose schema uses the rest of
 * JSON Schema. The rules are those of the MCP Inspector's `inspector --cli --method tools/list
 * --strict` lint (v2.12): a `type` array (we write nullables as `anyOf`), a boolean where a
 * schema is expected, a `$ref` out of the document, a schema that constrains nothing; and
 * OpenAPI's `nullable`, which is not JSON Schema.
 */

/** Keywords whose value is one schema, a list of schemas, or a map of them. */
const ONE = ["items", "contains", "not", "propertyNames", "if", "then", "else", "contentSchema"];
/** These may also be `true`/`false`, which the lint allows: it is how "closed object" reads. */
const ONE_OR_BOOLEAN = [
  "additionalProperties",
  "unevaluatedProperties",
  "additionalItems",
  "unevaluatedItems",
];
const LIST = ["allOf", "anyOf", "oneOf", "prefixItems"];
const MAP = ["properties", "patternProperties", "dependentSchemas", "$defs", "definitions"];
/** What makes a schema constrain its value (annotations such as `description` do not). */
const CONSTRAINING = new Set([
  "type",
  "enum",
  "const",
  "pattern",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "uniqueItems",
  "required",
  "minProperties",
  "maxProperties",
  "$ref",
  ...ONE.filter((k) => !["if", "then", "else"].includes(k)),
  ...ONE_OR_BOOLEAN,
  ...LIST,
  ...MAP.filter((k) => k !== "$defs" && k !== "definitions"),
]);

/** The non-portable constructs in `schema`, each as "path: what". */
function portabilityProblems(schema: unknown, path = ""): string[] {
  if (typeof schema === "boolean") return [`${path || "(root)"}: boolean schema ${schema}`];
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    return [`${path || "(root)"}: not a schema object`];
  }
  const node = schema as Record<string, unknown>;
  const problems: string[] = [];
  const at = path || "(root)";
  if (Array.isArray(node.type)) problems.push(`${at}: type array ${JSON.stringify(node.type)}`);
  if ("nullable" in node) problems.push(`${at}: OpenAPI "nullable" keyword`);
  if (typeof node.$ref === "string" && !node.$ref.startsWith("#")) {
    problems.push(`${at}: remote $ref ${node.$ref}`);
  }
  if (!Object.keys(node).some((k) => CONSTRAINING.has(k))) {
    problems.push(`${at}: constrains nothing ${JSON.stringify(node)}`);
  }
  const sub = (value: unknown, p: string) => problems.push(...portabilityProblems(value, p));
  for (const key of ONE) if (key in node) sub(node[key], `${path}.${key}`);
  for (const key of ONE_OR_BOOLEAN) {
    if (key in node && typeof node[key] !== "boolean") sub(node[key], `${path}.${key}`);
  }
  for (const key of LIST) {
    const list = node[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) problems.push(`${at}: ${key} is not a list`);
    else {
      for (const [i, s] of list.entries()) sub(s, `${path}.${key}[${i}]`);
    }
  }
  for (const key of MAP) {
    const map = node[key];
    if (map === undefined) continue;
    for (const [name, s] of Object.entries(map as Record<string, unknown>)) {
      sub(s, `${path}.${key}.${name}`);
    }
  }
  return problems;
}

describe("tools/list schemas are portable", () => {
  let h: Harness;
  let tools: Tool[];
  beforeAll(async () => {
    h = await startHarness();
    tools = (await h.client.listTools()).tools;
  });
  afterAll(() => h.close());

  it("every input and output schema passes, and nullables are anyOf with a null branch", () => {
    expect(tools.length).toBeGreaterThan(0);
    const problems: string[] = [];
    let nullables = 0;
    for (const tool of tools) {
      for (const [io, schema] of [
        ["input", tool.inputSchema],
        ["output", tool.outputSchema],
      ] as const) {
        if (schema === undefined) continue;
        problems.push(...portabilityProblems(schema).map((p) => `${tool.name} ${io}${p}`));
        nullables += (JSON.stringify(schema).match(/\{"type":"null"\}/g) ?? []).length;
      }
    }
    expect(problems).toEqual([]);
    // The form chosen is in use, so the check above is not vacuous.
    expect(nullables).toBeGreaterThan(0);
  });

  it("the check catches each construct it is meant to", () => {
    expect(portabilityProblems({ type: ["string", "null"] })).toEqual([
      '(root): type array ["string","null"]',
    ]);
    expect(portabilityProblems({ type: "object", properties: { a: true } })).toEqual([
      ".properties.a: boolean schema true",
    ]);
    expect(portabilityProblems({ type: "string", nullable: true })).toEqual([
      '(root): OpenAPI "nullable" keyword',
    ]);
    expect(portabilityProblems({ $ref: "https://example.com/s.json" })).toEqual([
      "(root): remote $ref https://example.com/s.json",
    ]);
    expect(portabilityProblems({ type: "array", items: { description: "any" } })).toEqual([
      '.items: constrains nothing {"description":"any"}',
    ]);
    expect(
      portabilityProblems({
        type: "object",
        additionalProperties: false,
        properties: { a: { anyOf: [{ type: "string" }, { type: "null" }] } },
      }),
    ).toEqual([]);
  });
});
