import * as z from "zod";

/**
 * Clerk ID schemas. Every `*_id` argument uses one of these, so a crafted value such as
 * `inv_1/../../users/user_1/ban` is refused before any request: `@clerk/backend` puts IDs
 * into URL paths unencoded.
 */

// `\w` (letters, digits, `_`) keeps out every character that could change a URL path (`/`, `.`,
// `%`, `?`, `#`), and is 8 tokens shorter per argument in `tools/list` than `[A-Za-z0-9]{1,64}`.
// Clerk's own IDs are 27 base62 characters; the length cap is checked in a refinement so that it
// stays out of the advertised schema.
const MAX_BODY = 64;

/**
 * @param prefix the pattern's prefix: a literal such as `inv_`, or alternatives `(alid_|blid_)`.
 * @param shown the prefix as the error says it, e.g. `alid_ or blid_`.
 */
function idSchema(prefix: string, noun: string, hint: string, shown = prefix) {
  const pattern = new RegExp(`^${prefix}\\w+$`);
  const longest = Math.max(...shown.split(" or ").map((p) => p.length));
  return z
    .string({ error: `expected ${noun} ID string (${shown}…)` })
    .regex(pattern, {
      error: (issue) => {
        const input = typeof issue.input === "string" ? issue.input : "";
        return `${mistakenKind(input, pattern) ?? `not ${noun} ID`}: expected ${shown} followed by letters, digits or underscores. ${hint}`;
      },
    })
    .refine((id) => id.length <= longest + MAX_BODY, {
      error: `too long for ${noun} ID: Clerk IDs are ${shown} and at most ${MAX_BODY} letters and digits. ${hint}`,
    });
}

const KINDS: ReadonlyArray<[string, string, string]> = [
  // Longest prefix first: `orginv_` must win over `org_`-like guesses.
  [
    "orginv_",
    "an organization invitation ID",
    "use revoke_organization_invitation, which also needs the organization_id",
  ],
  ["inv_", "an application invitation ID", "application invitation tools take it"],
  ["org_", "an organization ID", "pass it as organization_id"],
  ["user_", "a user ID", "pass it as a user ID argument"],
  ["sess_", "a session ID", "pass it as session_id"],
  ["alid_", "an allowlist entry ID", "pass it with list allowlist"],
  ["blid_", "a blocklist entry ID", "pass it with list blocklist"],
  ["wle_", "a waitlist entry ID", "waitlist tools take it"],
];

function mistakenKind(input: string, expected: RegExp): string | undefined {
  for (const [prefix, noun, advice] of KINDS) {
    // A kind the expected pattern takes is no mistake.
    if (input.startsWith(prefix) && !expected.test(`${prefix}x`)) {
      return `${input.slice(0, 80)} is ${noun}, not the kind expected here (${advice})`;
    }
  }
  return undefined;
}

/** Application invitation ID, `inv_…`. Find IDs with `list_invitations`. */
export const InvitationId = idSchema(
  "inv_",
  "an application invitation",
  "list_invitations finds IDs.",
);
/** Organization invitation ID, `orginv_…`. */
export const OrganizationInvitationId = idSchema(
  "orginv_",
  "an organization invitation",
  "list_organization_invitations finds IDs.",
);
/** Organization ID, `org_…`. */
export const OrganizationId = idSchema("org_", "an organization", "list_organizations finds IDs.");
/** User ID, `user_…`. Find IDs with `list_users`. */
export const UserId = idSchema("user_", "a user", "list_users finds IDs.");

/** Session ID, `sess_…`. Find IDs with `list_sessions`. */
export const SessionId = idSchema("sess_", "a session", "list_sessions finds IDs.");

/** Waitlist entry ID, `wle_…`. */
export const WaitlistEntryId = idSchema(
  "wle_",
  "a waitlist entry",
  "list_waitlist_entries finds IDs.",
);

/**
 * Allowlist (`alid_…`) or blocklist (`blid_…`) entry ID: one argument for both lists, whose
 * tools say which list the prefix must match. Listed as `^(alid_|blid_)\w+$`.
 */
export const RestrictionId = idSchema(
  "(alid_|blid_)",
  "an allowlist or blocklist entry",
  "list_sign_up_restrictions finds IDs.",
  "alid_ or blid_",
);

/**
 * Organization slug: lowercase letters and digits in hyphen-separated words, at most 128
 * characters, as Clerk's slugs are. It can never carry `/`, `.`, `%`, `?` or `#` into the path
 * that `GET /v1/organizations/{id or slug}` builds. Checked in a refinement, out of the listed
 * schema.
 */
const SLUG_ERROR = "expected lowercase letters and digits, with single dashes between them";
export const OrganizationSlug = z.string().refine(isOrganizationSlug, { error: SLUG_ERROR });

/** True for a string `OrganizationSlug` accepts. */
export function isOrganizationSlug(s: string): boolean {
  return /^[a-z0-9]+(-[a-z0-9]+)*$/.test(s) && s.length <= 128;
}

/**
 * An organization's `org_…` ID or its slug, for `GET /v1/organizations/{id or slug}`: a value
 * starting `org_` is held to `OrganizationId`, anything else to the slug's alphabet, so neither
 * can change the path. Listed as a plain string: both patterns would cost tokens in every
 * conversation, and the error says what is expected.
 */
export const OrganizationIdOrSlug = z.string().superRefine((value, ctx) => {
  // `org_…`, or anything shaped like another kind of ID (`orginv_…`), is held to the ID schema.
  if (/^[a-z]+_/.test(value)) {
    const id = OrganizationId.safeParse(value);
    for (const issue of id.error?.issues ?? [])
      ctx.addIssue({ code: "custom", message: issue.message });
  } else if (!isOrganizationSlug(value)) {
    ctx.addIssue({
      code: "custom",
      message: `not an organization ID or slug: expected org_ followed by letters, digits or underscores, or a slug (${SLUG_ERROR}). list_organizations finds both.`,
    });
  }
});

/**
 * Every ID schema's pattern prefix, for invariant tests: `prefix` as in the listed pattern
 * (`^<prefix>\\w+$`), `shown` as errors say it, `sample` a prefix it accepts.
 */
export const ID_PREFIXES: ReadonlyArray<{ prefix: string; shown: string; sample: string }> = [
  ...["inv_", "orginv_", "org_", "user_", "sess_", "wle_"].map((p) => ({
    prefix: p,
    shown: p,
    sample: p,
  })),
  { prefix: "(alid_|blid_)", shown: "alid_ or blid_", sample: "blid_" },
];
