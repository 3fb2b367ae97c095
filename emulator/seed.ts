import { DAY_MS } from "./state.js";
import type { SeedData } from "./types.js";

const ADA = "user_emulatorAdmin00000000000000";
const MO = "user_emulatorMember0000000000000";
const BEA = "user_emulatorBanned0000000000000";
const LOU = "user_emulatorLocked0000000000000";
const ACME = "org_emulatorAcme000000000000000";
const GLOBEX = "org_emulatorGlobex0000000000000";

/**
 * A small, realistic instance for `npm run emulator` and for trying the server without a Clerk
 * account: application invitations of every status, four users (one banned, one locked),
 * organizations `acme` (admin, member, a custom `org:billing` member) and `globex`, organization
 * invitations, sessions, allowlist and blocklist identifiers, and waitlist entries of every status.
 * IDs are fixed so a client configuration keeps working across runs; times are relative to `now`
 * (Unix ms).
 */
export function demoSeed(now: number = Date.now()): SeedData {
  const ago = (days: number) => now - days * DAY_MS;
  return {
    users: [
      {
        id: ADA,
        email_address: "ada@example.com",
        first_name: "Ada",
        last_name: "Admin",
        username: "ada",
        created_at: ago(90),
        last_sign_in_at: ago(1),
        last_active_at: ago(1),
      },
      {
        id: MO,
        email_address: "mo@example.com",
        first_name: "Mo",
        last_name: "Member",
        created_at: ago(60),
        last_sign_in_at: ago(3),
        last_active_at: ago(2),
      },
      {
        id: BEA,
        email_address: "bea@example.com",
        first_name: "Bea",
        last_name: "Banned",
        banned: true,
        created_at: ago(45),
      },
      {
        id: LOU,
        email_address: "lou@example.com",
        first_name: "Lou",
        last_name: "Locked",
        locked: true,
        created_at: ago(30),
      },
    ],
    organization_roles: [
      {
        key: "org:billing",
        name: "Billing",
        description: "Sees and pays invoices.",
        permissions: ["org:sys_memberships:read", "org:invoices:read", "org:invoices:pay"],
        created_at: ago(80),
      },
    ],
    organizations: [
      {
        id: ACME,
        name: "Acme Inc",
        slug: "acme",
        created_by: ADA,
        created_at: ago(80),
        members: [
          { user_id: ADA, role: "org:admin", created_at: ago(80) },
          { user_id: MO, role: "org:member", created_at: ago(50) },
          { user_id: LOU, role: "org:billing", created_at: ago(20) },
        ],
      },
      {
        id: GLOBEX,
        name: "Globex",
        slug: "globex",
        created_by: ADA,
        max_allowed_memberships: 5,
        created_at: ago(10),
        members: [{ user_id: ADA, role: "org:admin", created_at: ago(10) }],
      },
    ],
    invitations: [
      { email_address: "pending1@example.com", created_at: ago(3) },
      { email_address: "pending2@example.com", created_at: ago(2) },
      {
        email_address: "pending3@example.com",
        created_at: ago(1),
        public_metadata: { plan: "pro" },
      },
      { email_address: "accepted@example.com", status: "accepted", created_at: ago(10) },
      { email_address: "revoked@example.com", status: "revoked", created_at: ago(5) },
      { email_address: "expired@example.com", created_at: ago(40), expires_at: ago(10) },
    ],
    organization_invitations: [
      {
        organization_id: ACME,
        email_address: "newhire@example.com",
        role: "org:member",
        inviter_id: ADA,
        created_at: ago(2),
      },
      {
        organization_id: ACME,
        email_address: "accountant@example.com",
        role: "org:billing",
        inviter_id: ADA,
        status: "accepted",
        created_at: ago(12),
      },
      {
        organization_id: ACME,
        email_address: "changed-mind@example.com",
        role: "org:member",
        status: "revoked",
        created_at: ago(7),
      },
      {
        organization_id: GLOBEX,
        email_address: "late@example.com",
        role: "org:admin",
        inviter_id: ADA,
        created_at: ago(40),
        expires_at: ago(10),
      },
    ],
    sessions: [
      {
        id: "sess_emulatorAdaLaptop000000000",
        user_id: ADA,
        created_at: ago(1),
        last_active_at: now - 60_000,
        last_active_organization_id: ACME,
        latest_activity: {
          device_type: "Macintosh",
          is_mobile: false,
          browser_name: "Firefox",
          browser_version: "140.0",
          ip_address: "203.0.113.7",
          city: "Lisbon",
          country: "PT",
        },
      },
      {
        id: "sess_emulatorAdaPhone0000000000",
        user_id: ADA,
        created_at: ago(4),
        last_active_at: ago(2),
        latest_activity: { device_type: "iPhone", is_mobile: true, browser_name: "Safari" },
      },
      { id: "sess_emulatorMoActive000000000", user_id: MO, created_at: ago(2) },
      { id: "sess_emulatorMoEnded0000000000", user_id: MO, status: "ended", created_at: ago(9) },
      { id: "sess_emulatorBeaRevoked0000000", user_id: BEA, status: "revoked", created_at: ago(6) },
    ],
    allowlist_identifiers: [
      { identifier: "*@example.com", created_at: ago(30) },
      { identifier: "partner@globex.test", created_at: ago(8) },
    ],
    blocklist_identifiers: [
      { identifier: "spam.test", created_at: ago(25) },
      { identifier: "troll@example.org", created_at: ago(4) },
    ],
    waitlist_entries: [
      { email_address: "early@example.net", created_at: ago(14) },
      { email_address: "curious@example.net", created_at: ago(6) },
      { email_address: "invited@example.net", status: "invited", created_at: ago(20) },
      { email_address: "rejected@example.net", status: "rejected", created_at: ago(18) },
      { email_address: "joined@example.net", status: "completed", created_at: ago(30) },
    ],
  };
}
