import { type BadInputCase as Case, describeBadInput } from "../helpers/bad-input.js";

/**
 * Bad input to the application invitation tools gets a clear error and reaches no endpoint:
 * each case asserts the emulator's request log stays empty.
 */

const ok = { email_address: "ok@example.com" };
const CRAFTED_IDS: unknown[] = [
  "inv_1/../../users/user_1/ban",
  "inv_1#",
  "inv_1?x=1",
  "inv_1%2F..",
  "",
  " inv_1",
  42,
  { id: "inv_1" },
  null,
];
const ids = (n: number) => Array.from({ length: n }, (_, i) => `inv_${i}`);
const addresses = (n: number) => Array.from({ length: n }, (_, i) => `p${i}@example.com`);

const CASES: Case[] = [
  // create_invitation
  [
    "missing email_address",
    "create_invitation",
    {},
    /expected string, received undefined at email_address/,
  ],
  [
    "email not an address",
    "create_invitation",
    { email_address: "not-an-email" },
    /expected an email address at email_address/,
  ],
  [
    "email a number",
    "create_invitation",
    { email_address: 5 },
    /expected string, received number at email_address/,
  ],
  [
    "unknown key emailAddress",
    "create_invitation",
    { emailAddress: "ok@example.com" },
    /does not take the argument emailAddress\b/,
  ],
  ...(["x", 5, [1, 2], null, true] as unknown[]).map(
    (v): Case => [
      `public_metadata ${JSON.stringify(v)}`,
      "create_invitation",
      { ...ok, public_metadata: v },
      /expected a JSON object at public_metadata/,
    ],
  ),
  ...([0, 366, 7.5, -1, "7"] as unknown[]).map(
    (v): Case => [
      `expires_in_days ${JSON.stringify(v)}`,
      "create_invitation",
      { ...ok, expires_in_days: v },
      /expected a whole number of days from 1 to 365 at expires_in_days/,
    ],
  ),
  ...[
    "javascript:alert(1)",
    "not a url",
    "ftp://example.com/x",
    "data:text/html,hi",
    "/relative",
  ].map(
    (v): Case => [
      `redirect_url ${v}`,
      "create_invitation",
      { ...ok, redirect_url: v },
      /expected an http\(s\) URL at redirect_url/,
    ],
  ),
  [
    "unknown template_slug",
    "create_invitation",
    { ...ok, template_slug: "welcome" },
    /expected one of "invitation"\|"waitlist_invitation" at template_slug/,
  ],
  [
    "notify not a boolean",
    "create_invitation",
    { ...ok, notify: "yes" },
    /expected boolean, received string at notify/,
  ],
  // create_invitations
  [
    "no addresses",
    "create_invitations",
    { email_addresses: [] },
    /expected array to have >=1 items at email_addresses/,
  ],
  [
    "101 addresses",
    "create_invitations",
    { email_addresses: addresses(101) },
    /expected array to have <=100 items at email_addresses/,
  ],
  [
    "one bad address among good ones",
    "create_invitations",
    { email_addresses: ["a@example.com", "nope"] },
    /expected an email address at email_addresses\[1\]/,
  ],
  [
    "bulk expires_in_days 0",
    "create_invitations",
    { email_addresses: ["a@example.com"], expires_in_days: 0 },
    /days from 1 to 365 at expires_in_days/,
  ],
  [
    "bulk javascript: redirect",
    "create_invitations",
    { email_addresses: ["a@example.com"], redirect_url: "javascript:alert(1)" },
    /expected an http\(s\) URL at redirect_url/,
  ],
  [
    "bulk metadata not an object",
    "create_invitations",
    { email_addresses: ["a@example.com"], public_metadata: "x" },
    /expected a JSON object at public_metadata/,
  ],
  [
    "bulk unknown template_slug",
    "create_invitations",
    { email_addresses: ["a@example.com"], template_slug: "x" },
    /expected one of "invitation"\|"waitlist_invitation" at template_slug/,
  ],
  [
    "addresses not an array",
    "create_invitations",
    { email_addresses: "a@example.com" },
    /expected array, received string at email_addresses/,
  ],
  // revoke_invitations
  [
    "no IDs",
    "revoke_invitations",
    { invitation_ids: [] },
    /expected array to have >=1 items at invitation_ids/,
  ],
  [
    "101 IDs",
    "revoke_invitations",
    { invitation_ids: ids(101) },
    /expected array to have <=100 items at invitation_ids/,
  ],
  [
    "IDs not an array",
    "revoke_invitations",
    { invitation_ids: "inv_1" },
    /expected array, received string at invitation_ids/,
  ],
  [
    "dry_run not a boolean",
    "revoke_invitations",
    { invitation_ids: ["inv_1"], dry_run: "yes" },
    /expected boolean, received string at dry_run/,
  ],
  [
    "an organization invitation ID",
    "revoke_invitations",
    { invitation_ids: ["inv_1", "orginv_1"] },
    /organization invitation ID.*revoke_organization_invitation/,
  ],
  [
    "invitationIds instead",
    "revoke_invitations",
    { invitationIds: ["inv_1"] },
    /does not take the argument invitationIds\b/,
  ],
  ...CRAFTED_IDS.map(
    (v): Case => [
      `crafted ID ${JSON.stringify(v)} among good ones`,
      "revoke_invitations",
      { invitation_ids: ["inv_1", v] },
      typeof v === "string"
        ? /expected inv_ followed by letters, digits or underscores.* at invitation_ids\[1\]$/
        : /application invitation ID string \(inv_…\) at invitation_ids\[1\]$/,
    ],
  ),
  // revoke_invitation keeps the two kinds apart
  [
    "orginv_ to revoke_invitation",
    "revoke_invitation",
    { invitation_id: "orginv_abc" },
    /organization invitation ID.*revoke_organization_invitation.*organization_id/,
  ],
];

describeBadInput("application invitation tools refuse bad input before any request", {
  cases: CASES,
  controls: [["revoke_invitations", { invitation_ids: ["inv_1"], dry_run: true }]],
});
