import * as z from "zod";

/**
 * Input fields that several toolsets take, each defined once so that the same argument is
 * checked, described and refused the same way in every tool. IDs live in src/clerk/ids.ts.
 */

/**
 * An email address. The check is zod's email pattern, run as a refinement so that the tool
 * definition carries only `format: email`: the pattern itself costs 70 tokens per tool.
 */
export const EmailAddress = z
  .string()
  .refine((v) => z.regexes.email.test(v), { error: "expected an email address" })
  .meta({ format: "email" });
/** Clerk's metadata limit, 8 KB, applied to each metadata kind's JSON (see README, Limits). */
export const METADATA_MAX_BYTES = 8 * 1024;
/** How deep a metadata value may nest; far more than real metadata needs, far less than a stack. */
export const METADATA_MAX_DEPTH = 32;
/**
 * Keys refused at every depth. JSON.parse makes `__proto__` an own key, but object and record
 * parsing (zod's, and any `{...}` copy) drop it or set a prototype with it, so the tool would
 * report success for a key that was never sent; `constructor` and `prototype` are what
 * prototype pollution goes through next. No representation keeps them safe end to end.
 */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

type MetadataProblem = { path: PropertyKey[]; message: string };

// Recursive, but never deeper than METADATA_MAX_DEPTH + 1 frames: the depth is checked first.
function metadataProblem(
  value: unknown,
  path: PropertyKey[],
  depth: number,
): MetadataProblem | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  if (depth > METADATA_MAX_DEPTH) {
    return {
      path,
      message: `metadata nests deeper than ${METADATA_MAX_DEPTH} levels; flatten it. Nothing was sent to Clerk`,
    };
  }
  const entries: [PropertyKey, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.keys(value).map((k) => [k, (value as Record<string, unknown>)[k]]);
  for (const [key, child] of entries) {
    if (typeof key === "string" && FORBIDDEN_KEYS.has(key)) {
      return {
        path: [...path, key],
        message: `metadata keys named __proto__, constructor or prototype are refused at any depth (they cannot be stored safely); rename the key. Nothing was sent to Clerk`,
      };
    }
    const problem = metadataProblem(child, [...path, key], depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Wraps a metadata schema with the checks that must see the value as it arrived, before any
 * parsing copies it: refused keys (`__proto__`, `constructor`, `prototype`) at any depth,
 * nesting beyond METADATA_MAX_DEPTH, and JSON over METADATA_MAX_BYTES. Each refusal names the
 * path and the limit, and comes before any request. The listed JSON Schema is `inner`'s.
 */
export function guardedMetadata<T extends z.ZodType>(inner: T) {
  return z.preprocess((value, ctx) => {
    const problem = metadataProblem(value, [], 1);
    if (problem) {
      ctx.addIssue({ code: "custom", path: problem.path, message: problem.message, input: value });
      return value;
    }
    if (typeof value === "object" && value !== null) {
      const bytes = Buffer.byteLength(JSON.stringify(value), "utf8");
      if (bytes > METADATA_MAX_BYTES) {
        ctx.addIssue({
          code: "custom",
          message: `metadata is ${bytes} bytes as JSON, over Clerk's limit of 8 KB (${METADATA_MAX_BYTES} bytes) per metadata kind. Nothing was sent to Clerk`,
          input: value,
        });
      }
    }
    return value;
  }, inner);
}

/** A JSON object; its keys reach Clerk unchanged (refused keys and limits: `guardedMetadata`). */
export const Metadata = guardedMetadata(z.looseObject({}, { error: "expected a JSON object" }));
export const RedirectUrl = z.url({ protocol: /^https?$/, error: "expected an http(s) URL" });
const DAYS = "expected a whole number of days from 1 to 365";
// The bounds are checked in a refinement, out of the tool definition; the error says them.
export const ExpiresInDays = z
  .number({ error: DAYS })
  .int({ error: DAYS })
  .refine((n) => n >= 1 && n <= 365, { error: DAYS });

/**
 * Clerk role keys carry the `org:` prefix; a bare `admin` is the usual mistake. Checked in a
 * refinement so that the definition carries the description, not the pattern as well.
 */
const ROLE_KEY = /^org:[A-Za-z0-9_:-]{1,64}$/;
export const Role = z
  .string()
  .superRefine((input, ctx) => {
    if (ROLE_KEY.test(input)) return;
    const bare = /^[A-Za-z0-9_-]{1,64}$/.test(input) ? ` (did you mean org:${input}?)` : "";
    ctx.addIssue({
      code: "custom",
      message: `role must be a Clerk role key with the org: prefix${bare}, such as org:member or org:admin.`,
    });
  })
  .describe("e.g. org:member");

/** The most values a list filter takes as given, repeats included: Clerk's own cap on statuses. */
export const FILTER_MAX_VALUES = 100;

/**
 * A filter on one of `values`, taken as one value or a list (Clerk's repeated query parameter):
 * the same shape in every tool, parsed to a list without repeats. A list longer than
 * FILTER_MAX_VALUES is refused (every value goes into the URL: 20,000 of them once made a
 * request header Clerk's edge refused with an empty 431). `single`, where Clerk's endpoint
 * takes one value, refuses more than one distinct value with that error. The bounds are
 * checked in the transform, out of the tool definition; the errors say them.
 */
export function oneOrMany<const V extends readonly [string, ...string[]]>(
  values: V,
  single?: string,
) {
  const item = z.enum(values);
  const expected = `expected ${values.slice(0, -1).join(", ")} or ${values.at(-1)}, or a list of them`;
  // Both forms are accepted; one is listed (src/tools/listing.ts reads `advertise`): the enum
  // written twice costs about 15 tokens a tool in every conversation.
  return z
    .union([item, z.array(item)], { error: expected })
    .meta({ advertise: single === undefined ? "many" : "one" })
    .transform((given, ctx) => {
      const list = Array.isArray(given) ? given : [given];
      if (list.length > FILTER_MAX_VALUES) {
        ctx.addIssue({
          code: "custom",
          message: `expected at most ${FILTER_MAX_VALUES} values, got ${list.length}`,
          input: given,
        });
        return z.NEVER;
      }
      const unique = [...new Set(list)];
      if (single !== undefined && unique.length > 1) {
        ctx.addIssue({ code: "custom", message: single, input: given });
        return z.NEVER;
      }
      return unique;
    });
}
