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

function idSchema(prefix: string, noun: string, hint: string) {
  const pattern = new RegExp(`^${prefix}\\w+$`);
  return z
    .string({ error: `expected ${noun} ID string (${prefix}…)` })
    .regex(pattern, {
      error: (issue) => {
        const input = typeof issue.input === "string" ? issue.input : "";
        return `${mistakenKind(input, prefix) ?? `not ${noun} ID`}: expected ${prefix} followed by letters and digits only. ${hint}`;
      },
    })
    .refine((id) => id.length <= prefix.length + MAX_BODY, {
      error: `too long for ${noun} ID: Clerk IDs are ${prefix} and at most ${MAX_BODY} letters and digits. ${hint}`,
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
];

function mistakenKind(input: string, expected: string): string | undefined {
  for (const [prefix, noun, advice] of KINDS) {
    if (prefix !== expected && input.startsWith(prefix) && !expected.startsWith(prefix)) {
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

/** The prefix every ID schema enforces, for invariant tests. */
export const ID_PREFIXES = ["inv_", "orginv_", "org_", "user_", "sess_"] as const;
