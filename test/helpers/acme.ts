import type { SeedData, SeedOrganization, SeedUser } from "../../emulator/index.js";

/**
 * The organization most tests seed: Acme, with an admin and a member, and a user outside it.
 * One definition, so that tests agree on who is who; a test that needs more (metadata, a
 * membership cap, invitations) passes it to `acmeSeed`.
 */

export const ORG = "org_acme000001";
export const ADMIN = "user_admin00001";
export const MEMBER = "user_member0001";
export const OUTSIDER = "user_outside001";

export interface AcmeSeedOptions {
  /** Merged into Acme's record (its members stay unless `members` is given). */
  acme?: Partial<SeedOrganization>;
  /** Merged into the admin's, the member's and the outsider's records. */
  admin?: Partial<SeedUser>;
  member?: Partial<SeedUser>;
  outsider?: Partial<SeedUser>;
  /** Whether the outsider exists (default true). */
  withOutsider?: boolean;
  /** More users, seeded after the outsider. */
  users?: SeedUser[];
  /** Seeded after Acme. */
  organizations?: SeedOrganization[];
  invitations?: SeedData["invitations"];
  organization_invitations?: SeedData["organization_invitations"];
}

/** A fresh copy of the Acme seed, so that a test may change it freely. */
export function acmeSeed(opts: AcmeSeedOptions = {}): SeedData {
  const users: SeedUser[] = [
    { id: ADMIN, email_address: "admin@acme.test", ...opts.admin },
    { id: MEMBER, email_address: "member@acme.test", ...opts.member },
  ];
  if (opts.withOutsider !== false) {
    users.push({ id: OUTSIDER, email_address: "out@else.test", ...opts.outsider });
  }
  users.push(...(opts.users ?? []));
  return {
    users,
    organizations: [
      {
        id: ORG,
        name: "Acme",
        slug: "acme",
        members: [
          { user_id: ADMIN, role: "org:admin" },
          { user_id: MEMBER, role: "org:member" },
        ],
        ...opts.acme,
      },
      ...(opts.organizations ?? []),
    ],
    ...(opts.invitations ? { invitations: opts.invitations } : {}),
    ...(opts.organization_invitations
      ? { organization_invitations: opts.organization_invitations }
      : {}),
  };
}
