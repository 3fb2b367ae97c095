import { type BadInputCase as Case, describeBadInput } from "../helpers/bad-input.js";

/**
 * Bad input to the organization tools gets a clear error and reaches no endpoint. Crafted
 * values of every ID argument are checked for every tool in test/tools/bad-ids.test.ts; here
 * are the organization tools' own mistakes.
 */

const ORG = "org_acme000001";
const USER = "user_member0001";
const member = { organization_id: ORG, user_id: USER, role: "org:member" };

const CASES: Case[] = [
  [
    "a user ID as organization_id",
    "delete_organization",
    { organization_id: USER },
    /a user ID, not the kind expected here/,
  ],
  [
    "an organization invitation ID as organization_id",
    "get_organization",
    { organization_id: "orginv_abc000001" },
    /organization invitation ID/,
  ],
  [
    "bare role admin",
    "create_organization_membership",
    { ...member, role: "admin" },
    /org: prefix \(did you mean org:admin\?\)/,
  ],
  [
    "bare role filter",
    "list_organization_memberships",
    { organization_id: ORG, role: "member" },
    /did you mean org:member\?/,
  ],
  [
    "bare role update",
    "update_organization_membership",
    { ...member, role: "basic_member" },
    /did you mean org:basic_member\?/,
  ],
  ["name empty", "create_organization", { name: "  " }, /expected 1 to 256 characters at name/],
  ["name missing", "create_organization", {}, /expected string, received undefined at name/],
  [
    "slug with a path",
    "create_organization",
    { name: "A", slug: "a/../b" },
    /expected lowercase letters and digits.* at slug/,
  ],
  ["slug in capitals", "update_organization", { organization_id: ORG, slug: "Acme" }, /at slug/],
  [
    "negative member limit",
    "update_organization",
    { organization_id: ORG, max_allowed_memberships: -1 },
    /at max_allowed_memberships/,
  ],
  [
    "metadata not an object",
    "update_organization_metadata",
    { organization_id: ORG, public_metadata: "x" },
    /at public_metadata/,
  ],
  [
    "unknown key organizationId",
    "get_organization",
    { organizationId: ORG },
    /does not take the argument organizationId\b/,
  ],
  [
    "metadata through update_organization",
    "update_organization",
    { organization_id: ORG, public_metadata: { a: 1 } },
    /does not take the argument public_metadata\b/,
  ],
  ["unknown order_by", "list_organizations", { order_by: "slug" }, /at order_by/],
  ["limit 101", "list_organizations", { limit: 101 }, /<=100 at limit/],
  ["offset -1", "list_organization_memberships", { organization_id: ORG, offset: -1 }, /at offset/],
  [
    "empty update",
    "update_organization",
    { organization_id: ORG },
    /Nothing to update: pass name, slug or max_allowed_memberships.*Nothing changed/,
  ],
  [
    "empty metadata update",
    "update_organization_metadata",
    { organization_id: ORG },
    /update_organization_metadata needs at least one of public_metadata or private_metadata.*Nothing was sent to Clerk/,
  ],
  // get_organization takes a slug as well, so its argument lists no ID pattern for
  // test/tools/bad-ids.test.ts to find: its crafted values are here.
  ...[
    "org_1/../../users/user_1/ban",
    "org_1#",
    "org_1?x=1",
    "org_1%2F..",
    "acme/../../users/user_1/ban",
    "acme.json",
    "acme%2F..",
    "acme?x=1",
    "acme#",
    "Acme",
    "",
  ].map(
    (v): Case => [
      `crafted ${JSON.stringify(v)} as get_organization's ID or slug`,
      "get_organization",
      { organization_id: v },
      /expected org_ followed by letters, digits or underscores.* at organization_id$/,
    ],
  ),
];

describeBadInput("organization tools refuse bad input before any request", {
  harness: { seed: { organizations: [{ id: ORG, name: "Acme", slug: "acme" }] } },
  cases: CASES,
  controls: [
    ["get_organization", { organization_id: ORG }, 1],
    ["get_organization", { organization_id: "acme" }, 1],
  ],
});
