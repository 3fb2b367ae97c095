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
/** A JSON object; its keys reach Clerk unchanged. */
export const Metadata = z.looseObject({}, { error: "expected a JSON object" });
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
