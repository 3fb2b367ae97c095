import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ListToolsRequestSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";
import * as z from "zod";
import type { AnyToolDefinition } from "./types.js";

// dist/ carries every tool's entry as JSON, made by scripts/build.mjs from `toolListing`, so
// that start-up does not convert 48 zod schemas to JSON Schema (about 15 ms of a 150 ms cold
// start). Run from source (tests, tsx) the identifier is not defined and entries are built at
// start. test/e2e/stdio.e2e.test.ts checks that both give the same list.
declare const __CLERK_MCP_TOOL_LISTING__: string | undefined;
const PREBUILT: Readonly<Record<string, Tool>> | undefined =
  typeof __CLERK_MCP_TOOL_LISTING__ === "string"
    ? JSON.parse(__CLERK_MCP_TOOL_LISTING__)
    : undefined;

/**
 * `tools/list`, served from our own definitions. Tool definitions are paid for in context
 * tokens in every conversation, and the SDK's own listing spends about 30 tokens a tool on
 * JSON Schema that says nothing (`$schema`, `maximum: 9007199254740991`, empty `properties`).
 * This listing sends the same schemas with only that noise removed; the SDK still validates
 * every call against the zod schemas, so what is enforced does not change.
 *
 * It also leaves out the input schemas' `additionalProperties: false` (5 tokens a tool, 120 for
 * the whole list): models send the properties they are shown, and an unknown key is still
 * refused, with an error naming it, before any request (test/tools/invariants.test.ts).
 */
export function serveToolList(
  server: McpServer,
  tools: readonly AnyToolDefinition[],
  confirmationToken?: z.ZodType,
): void {
  // Built once, when first asked for: the list cannot change while the server runs, and a
  // remote-mode server lives for one request, which is rarely tools/list.
  let listing: Tool[] | undefined;
  const build = () =>
    tools.map((tool) => {
      const entry = PREBUILT?.[tool.name] ?? toolListing(tool);
      return confirmationToken && tool.confirm ? withTokenArg(entry, confirmationToken) : entry;
    });
  server.server.setRequestHandler(ListToolsRequestSchema, () => {
    listing ??= build();
    return { tools: listing };
  });
}

/**
 * Remote mode: a destructive tool's entry with the optional `confirmation_token` argument
 * (src/safety/confirm-token.ts). Added here, not in the tool's definition, so that stdio's
 * listing, its snapshots and its token budget do not carry it.
 */
function withTokenArg(entry: Tool, schema: z.ZodType): Tool {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input" });
  const token = compactSchema(json) as Record<string, unknown>;
  const properties = { ...entry.inputSchema.properties, confirmation_token: token };
  return { ...entry, inputSchema: { ...entry.inputSchema, properties } };
}

/**
 * One tool's `tools/list` entry: name, title, description, annotations (with the title, as
 * the SDK sends it), and input and output JSON Schemas (draft 2020-12, no `$schema`, noise
 * removed by `compactSchema`). The registry validates input strictly; the listed input schema
 * leaves `additionalProperties: false` out (see above). The output schema describes
 * `structuredContent`.
 */
export function toolListing(tool: AnyToolDefinition): Tool {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: objectSchema(z.object(tool.input), "input"),
    outputSchema: objectSchema(z.object(tool.output), "output"),
    annotations: { title: tool.title, ...tool.annotations },
  };
}

function objectSchema(schema: z.ZodObject, io: "input" | "output") {
  // No `$schema`: MCP reads a schema without one as JSON Schema 2020-12, the target used here.
  const { $schema: _, ...json } = z.toJSONSchema(schema, { target: "draft-2020-12", io });
  return { ...(compactSchema(json) as Record<string, unknown>), type: "object" as const };
}

const UNBOUNDED = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

/**
 * Removes what does not change a schema's meaning: bounds that are only JavaScript's safe
 * integer range, `propertyNames: {type: string}` (JSON keys are always strings), on a free
 * object, empty `properties` and `additionalProperties: {}` (the defaults), and a `default`
 * of 0 or false (validation still applies it).
 *
 * It also writes every union of types one way, as `anyOf` branches of one `type` each: zod
 * writes a nullable string `type: ["string", "null"]` but a nullable date or integer as
 * `anyOf`, and a client that maps tool schemas onto a one-`type` dialect (Gemini's OpenAPI
 * subset) rejects the array form; the MCP Inspector's `--strict` lint flags it. The other
 * keywords stay beside the `anyOf`, where they mean what they meant: a type's own keywords
 * (`pattern`, `minimum`...) apply to values of that type only. test/unit/schema-portability
 * .test.ts holds every listed schema to this.
 */
export function compactSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(compactSchema);
  if (node === null || typeof node !== "object") return node;
  const advertised = advertisedForm(node as Record<string, unknown>);
  if (advertised) return compactSchema(advertised);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if ((key === "maximum" || key === "minimum") && UNBOUNDED.has(value as number)) continue;
    if (key === "propertyNames" && isStringType(value)) continue;
    if (key === "properties" && isEmptyObject(value)) continue;
    if (key === "additionalProperties" && isEmptyObject(value)) continue;
    // A default of 0 or false (offset, dry_run) is what a model assumes anyway.
    if (key === "default" && (value === 0 || value === false)) continue;
    if (key === "type" && Array.isArray(value) && !("anyOf" in node)) {
      out.anyOf = value.map((type: unknown) => ({ type }));
      continue;
    }
    out[key] = compactSchema(value);
  }
  return out;
}

/**
 * A filter that takes one value or a list (`oneOrMany` in src/tools/fields.ts) lists only the
 * form its `advertise` mark names: `one`, the value's schema, where Clerk filters by one value;
 * `many`, the list. The other form is still accepted: validation uses the zod schema.
 */
function advertisedForm(node: Record<string, unknown>): Record<string, unknown> | undefined {
  const { advertise, anyOf, ...rest } = node;
  if (advertise === undefined || !Array.isArray(anyOf)) return undefined;
  const form = anyOf.find((branch: { type?: unknown }) =>
    advertise === "many" ? branch.type === "array" : branch.type !== "array",
  );
  return { ...rest, ...form };
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.keys(value).length === 0;
}

function isStringType(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    Object.keys(value).length === 1 &&
    (value as { type?: unknown }).type === "string"
  );
}
