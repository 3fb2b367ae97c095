import { type BadInputCase as Case, describeBadInput } from "../helpers/bad-input.js";

/**
 * Bad input to the organization invitation tools gets a clear error and reaches no endpoint.
 * Crafted values of every ID argument (`@clerk/backend` puts them into URL paths unencoded, and
 * `revokeOrganizationInvitation` does not even check the invitation ID) are checked for every
 * tool in test/tools/bad-ids.test.ts; here are these tools' own mistakes.
 */

const ORG = "org_acme000001";
const INV = "orginv_abc000001";
const create = { organization_id: ORG, email_address: "a@example.com", role: "org:member" };

const CASES: Case[] = [
  [
    "an application invitation ID",
    "revoke_organization_invitation",
    { organization_id: ORG, invitation_id: "inv_123" },
    /application invitation ID/,
  ],
  [
    "an organization invitation ID as organization_id",
    "get_organization_invitation",
    { organization_id: INV, invitation_id: INV },
    /organization invitation ID/,
  ],
  [
    "missing organization_id",
    "revoke_organization_invitation",
    { invitation_id: INV },
    /organization ID string \(org_…\) at organization_id/,
  ],
  [
    "organizationId instead",
    "list_organization_invitations",
    { organizationId: ORG },
    /at organization_id\n.*does not take the argument organizationId \(did you mean organization_id\?\)/,
  ],
  [
    "unknown status",
    "list_organization_invitations",
    { organization_id: ORG, status: ["x"] },
    /expected pending, accepted, revoked or expired, or a list of them at status/,
  ],
  [
    "status neither a string nor a list",
    "list_organization_invitations",
    { organization_id: ORG, status: { pending: true } },
    /expected pending, accepted, revoked or expired, or a list of them at status/,
  ],
  [
    "limit 101",
    "list_organization_invitations",
    { organization_id: ORG, limit: 101 },
    /<=100 at limit/,
  ],
  [
    "limit 0",
    "list_organization_invitations",
    { organization_id: ORG, limit: 0 },
    /limit from 1 to 100 at limit/,
  ],
  [
    "offset -1",
    "list_organization_invitations",
    { organization_id: ORG, offset: -1 },
    /offset from 0 to 1000000 at offset/,
  ],
  [
    "bare role admin",
    "create_organization_invitation",
    { ...create, role: "admin" },
    /org: prefix \(did you mean org:admin\?\)/,
  ],
  [
    "role missing",
    "create_organization_invitation",
    { ...create, role: undefined },
    /expected string, received undefined at role/,
  ],
  ["role org: only", "create_organization_invitation", { ...create, role: "org:" }, /org: prefix/],
  [
    "bad email",
    "create_organization_invitation",
    { ...create, email_address: "nope" },
    /expected an email address at email_address/,
  ],
  ...(["x", [1], 3] as unknown[]).flatMap((v): Case[] => [
    [
      `public_metadata ${JSON.stringify(v)}`,
      "create_organization_invitation",
      { ...create, public_metadata: v },
      /expected a JSON object at public_metadata/,
    ],
    [
      `private_metadata ${JSON.stringify(v)}`,
      "create_organization_invitation",
      { ...create, private_metadata: v },
      /expected a JSON object at private_metadata/,
    ],
  ]),
  ...([0, 366, 7.5] as unknown[]).map(
    (v): Case => [
      `expires_in_days ${v}`,
      "create_organization_invitation",
      { ...create, expires_in_days: v },
      /expected a whole number of days from 1 to 365 at expires_in_days/,
    ],
  ),
  ...["javascript:alert(1)", "not a url"].map(
    (v): Case => [
      `redirect_url ${v}`,
      "create_organization_invitation",
      { ...create, redirect_url: v },
      /expected an http\(s\) URL at redirect_url/,
    ],
  ),
];

describeBadInput("organization invitation tools refuse bad input before any request", {
  harness: { seed: { organizations: [{ id: ORG, name: "Acme" }] } },
  cases: CASES,
  controls: [["list_organization_invitations", { organization_id: ORG }, 1]],
});
