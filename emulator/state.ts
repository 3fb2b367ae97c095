import { clerkId, randomAlphanumeric } from "./ids.js";
import type {
  InvitationRecord,
  InvitationStatus,
  OrganizationInvitationRecord,
  PublicInviterData,
  SeedData,
  SeedIdentifier,
  SeedOrganization,
  SeedOrganizationRole,
  SeedSession,
  SeedUser,
  SeedWaitlistEntry,
  SessionStatus,
  WaitlistStatus,
} from "./types.js";

export const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_EXPIRES_IN_DAYS = 30;
export const ACCOUNTS_URL = "https://accounts.emulator.test";

export const ORG_ADMIN_ROLE = "org:admin";
/** Clerk's default lockout after too many failed attempts, and what POST …/lock applies: one hour. */
export const DEFAULT_LOCKOUT_SECONDS = 3600;
/** Clerk's default session lifetime (7 days) and inactivity abandonment (30 days). */
const SESSION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
const SESSION_ABANDON_MS = 30 * 24 * 60 * 60 * 1000;

/** The two system roles every instance has, with the system permissions Clerk gives them. */
const SYSTEM_ROLES: ReadonlyArray<SeedOrganizationRole & { description: string }> = [
  {
    key: "org:admin",
    name: "Admin",
    description: "Role with elevated permissions.",
    permissions: [
      "org:sys_profile:manage",
      "org:sys_profile:delete",
      "org:sys_memberships:read",
      "org:sys_memberships:manage",
      "org:sys_domains:read",
      "org:sys_domains:manage",
    ],
  },
  {
    key: "org:member",
    name: "Member",
    description: "Role with non-privileged permissions.",
    permissions: ["org:sys_memberships:read"],
  },
];

export interface StoredUser {
  id: string;
  /** The primary email address and its ID. */
  email_address_id: string;
  email_address: string;
  other_email_addresses: Array<{ id: string; email_address: string }>;
  first_name: string | null;
  last_name: string | null;
  username: string | null;
  external_id: string | null;
  banned: boolean;
  /** When the lock began (Unix ms), or null when not locked. */
  locked_at: number | null;
  /** Length of the lock; null: it never expires. */
  lockout_seconds: number | null;
  public_metadata: Record<string, unknown>;
  private_metadata: Record<string, unknown>;
  unsafe_metadata: Record<string, unknown>;
  last_sign_in_at: number | null;
  last_active_at: number | null;
  created_at: number;
  updated_at: number;
}

/** A user's membership in an organization (`orgmem_…`); the user's data is read at serialization. */
export interface StoredMembership {
  id: string;
  user_id: string;
  role: string;
  public_metadata: Record<string, unknown>;
  private_metadata: Record<string, unknown>;
  created_at: number;
  updated_at: number;
}

export interface StoredOrganization {
  id: string;
  name: string;
  slug: string;
  /** user_id → membership, in order of creation. */
  members: Map<string, StoredMembership>;
  public_metadata: Record<string, unknown>;
  private_metadata: Record<string, unknown>;
  /** 0 means unlimited. */
  max_allowed_memberships: number;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/** A session (`sess_…`); it never carries a token. */
export interface StoredSession {
  id: string;
  client_id: string;
  user_id: string;
  status: SessionStatus;
  last_active_organization_id: string | null;
  latest_activity: SeedSession["latest_activity"] | undefined;
  latest_activity_id: string;
  last_active_at: number;
  expire_at: number;
  abandon_at: number;
  created_at: number;
  updated_at: number;
}

export type IdentifierType = "email_address" | "phone_number" | "web3_wallet";

/** An allowlist (`alid_…`) or blocklist (`blid_…`) identifier. */
export interface StoredIdentifier {
  id: string;
  identifier: string;
  identifier_type: IdentifierType;
  invitation_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface StoredWaitlistEntry {
  id: string;
  email_address: string;
  status: WaitlistStatus;
  invitation_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface StoredRole {
  id: string;
  key: string;
  name: string;
  description: string | null;
  permissions: string[];
  created_at: number;
  updated_at: number;
}

export interface StoredPermission {
  id: string;
  key: string;
  name: string;
  description: string;
  /** "system" for Clerk's `org:sys_…` permissions, "user" for custom ones. */
  type: "system" | "user";
  created_at: number;
}

export const INSTANCE_ID = "ins_emulator0000000000000000000";

/**
 * The type Clerk files an identifier under: an address or a domain (`*@acme.test`, `acme.test`)
 * is an email address, `+` and digits a phone number, `0x` and 40 hex digits a web3 wallet.
 * Undefined when it is none of these.
 */
export function identifierType(identifier: string): IdentifierType | undefined {
  if (/^0x[0-9a-fA-F]{40}$/.test(identifier)) return "web3_wallet";
  if (/^\+[1-9]\d{6,14}$/.test(identifier)) return "phone_number";
  if (/^(\*@)?[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(identifier)) return "email_address";
  if (/^[^\s@]+@[^\s@]+\.[^\s@.]+$/.test(identifier)) return "email_address";
  return undefined;
}

export function ticketUrl(redirectUrl?: string | null): string {
  const ticket = randomAlphanumeric(40);
  const base = redirectUrl && redirectUrl.length > 0 ? redirectUrl : `${ACCOUNTS_URL}/sign-up`;
  const sep = base.includes("?") ? "&" : "?";
  return `${base}${sep}__clerk_ticket=${ticket}`;
}

/** A pending invitation whose expires_at has passed reads as expired. */
export function effectiveStatus(
  status: InvitationStatus,
  expiresAt: number | null,
  now: number,
): InvitationStatus {
  if (status === "pending" && expiresAt !== null && expiresAt <= now) return "expired";
  return status;
}

/**
 * A seed's `expires_at`: as given, or Clerk's default of 30 days after creation; a seed whose
 * status is `expired` but gives no date gets one just past.
 */
function seedExpiry(
  given: number | null | undefined,
  status: string,
  createdAt: number,
  now: number,
): number | null {
  if (given !== undefined) return given;
  const standard = createdAt + DEFAULT_EXPIRES_IN_DAYS * DAY_MS;
  return status === "expired" ? Math.min(now, standard) - 1 : standard;
}

export function slugify(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug.length > 0 ? slug : "org";
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** The emulator's in-memory state. Records are stored with their raw status; views compute "expired". */
export class Store {
  readonly invitations = new Map<string, InvitationRecord>();
  readonly users = new Map<string, StoredUser>();
  readonly organizations = new Map<string, StoredOrganization>();
  readonly orgInvitations = new Map<string, OrganizationInvitationRecord>();
  readonly sessions = new Map<string, StoredSession>();
  readonly allowlist = new Map<string, StoredIdentifier>();
  readonly blocklist = new Map<string, StoredIdentifier>();
  readonly waitlist = new Map<string, StoredWaitlistEntry>();
  /** Organization roles by key, the two system roles first. */
  readonly roles = new Map<string, StoredRole>();
  readonly permissions = new Map<string, StoredPermission>();

  constructor(private readonly now: () => number) {
    this.addSystemRoles();
  }

  clear(): void {
    this.invitations.clear();
    this.users.clear();
    this.organizations.clear();
    this.orgInvitations.clear();
    this.sessions.clear();
    this.allowlist.clear();
    this.blocklist.clear();
    this.waitlist.clear();
    this.roles.clear();
    this.permissions.clear();
    this.addSystemRoles();
  }

  private addSystemRoles(): void {
    for (const r of SYSTEM_ROLES) this.addRole({ ...r, created_at: 0 });
  }

  time(): number {
    return Math.floor(this.now());
  }

  // ---- application invitations ----

  addInvitation(p: Partial<InvitationRecord> & { email_address: string }): InvitationRecord {
    const now = this.time();
    const createdAt = p.created_at ?? now;
    const status = p.status ?? (p.revoked ? "revoked" : "pending");
    const rec: InvitationRecord = {
      object: "invitation",
      id: p.id ?? clerkId("inv"),
      email_address: p.email_address,
      public_metadata: clone(p.public_metadata ?? {}),
      revoked: p.revoked ?? status === "revoked",
      status,
      url: p.url ?? ticketUrl(),
      expires_at: seedExpiry(p.expires_at, status, createdAt, now),
      created_at: createdAt,
      updated_at: p.updated_at ?? createdAt,
    };
    this.invitations.set(rec.id, rec);
    return this.viewInvitation(rec);
  }

  viewInvitation(rec: InvitationRecord): InvitationRecord {
    const view = clone(rec);
    view.status = effectiveStatus(rec.status, rec.expires_at, this.time());
    return view;
  }

  getInvitation(id: string): InvitationRecord | undefined {
    const rec = this.invitations.get(id);
    return rec ? this.viewInvitation(rec) : undefined;
  }

  // ---- users ----

  addUser(u: SeedUser): StoredUser {
    const createdAt = u.created_at ?? this.time();
    const user: StoredUser = {
      id: u.id ?? clerkId("user"),
      email_address_id: clerkId("idn"),
      email_address: u.email_address,
      other_email_addresses: (u.other_email_addresses ?? []).map((email_address) => ({
        id: clerkId("idn"),
        email_address,
      })),
      first_name: u.first_name ?? null,
      last_name: u.last_name ?? null,
      username: u.username ?? null,
      external_id: u.external_id ?? null,
      banned: u.banned ?? false,
      // A seeded lock starts at seeding time.
      locked_at: u.locked ? this.time() : null,
      lockout_seconds:
        u.lockout_expires_in_seconds === undefined
          ? DEFAULT_LOCKOUT_SECONDS
          : u.lockout_expires_in_seconds,
      public_metadata: clone(u.public_metadata ?? {}),
      private_metadata: clone(u.private_metadata ?? {}),
      unsafe_metadata: clone(u.unsafe_metadata ?? {}),
      last_sign_in_at: u.last_sign_in_at ?? null,
      last_active_at: u.last_active_at ?? null,
      created_at: createdAt,
      updated_at: createdAt,
    };
    this.users.set(user.id, user);
    return user;
  }

  /** Whether the user is locked now, and the seconds left (null: the lock never expires). */
  lockState(u: StoredUser): { locked: boolean; secondsLeft: number | null } {
    if (u.locked_at === null) return { locked: false, secondsLeft: null };
    if (u.lockout_seconds === null) return { locked: true, secondsLeft: null };
    const left = Math.ceil((u.locked_at + u.lockout_seconds * 1000 - this.time()) / 1000);
    return left > 0 ? { locked: true, secondsLeft: left } : { locked: false, secondsLeft: null };
  }

  /** Deletes the user with their memberships and sessions; organizations stay, even memberless. */
  deleteUser(u: StoredUser): void {
    this.users.delete(u.id);
    for (const org of this.organizations.values()) org.members.delete(u.id);
    for (const [id, s] of this.sessions) if (s.user_id === u.id) this.sessions.delete(id);
  }

  usernameTaken(username: string, except: StoredUser): boolean {
    const wanted = username.toLowerCase();
    for (const u of this.users.values()) {
      if (u !== except && u.username?.toLowerCase() === wanted) return true;
    }
    return false;
  }

  // ---- sessions ----

  addSession(p: SeedSession): StoredSession {
    const createdAt = p.created_at ?? this.time();
    const s: StoredSession = {
      id: p.id ?? clerkId("sess"),
      client_id: p.client_id ?? clerkId("client"),
      user_id: p.user_id,
      status: p.status ?? "active",
      last_active_organization_id: p.last_active_organization_id ?? null,
      latest_activity: p.latest_activity ? clone(p.latest_activity) : undefined,
      latest_activity_id: clerkId("sess_activity"),
      last_active_at: p.last_active_at ?? createdAt,
      expire_at: p.expire_at ?? createdAt + SESSION_LIFETIME_MS,
      abandon_at: p.abandon_at ?? createdAt + SESSION_ABANDON_MS,
      created_at: createdAt,
      updated_at: createdAt,
    };
    this.sessions.set(s.id, s);
    return s;
  }

  /** An active session past expire_at reads as expired, as Clerk computes it at read time. */
  sessionStatus(s: StoredSession): SessionStatus {
    if (s.status === "active" && s.expire_at <= this.time()) return "expired";
    return s.status;
  }

  /** Revokes every active session of the user (a ban does this). */
  revokeSessionsOf(userId: string): void {
    for (const s of this.sessions.values()) {
      if (s.user_id === userId && this.sessionStatus(s) === "active") {
        s.status = "revoked";
        s.updated_at = Math.max(this.time(), s.updated_at + 1);
      }
    }
  }

  // ---- allowlist, blocklist ----

  addIdentifier(
    list: "allowlist" | "blocklist",
    p: SeedIdentifier & { invitation_id?: string },
  ): StoredIdentifier {
    const createdAt = p.created_at ?? this.time();
    const identifier = p.identifier.trim().toLowerCase();
    const rec: StoredIdentifier = {
      id: p.id ?? clerkId(list === "allowlist" ? "alid" : "blid"),
      identifier,
      identifier_type: identifierType(identifier) ?? "email_address",
      invitation_id: p.invitation_id ?? null,
      created_at: createdAt,
      updated_at: createdAt,
    };
    this[list].set(rec.id, rec);
    return rec;
  }

  // ---- waitlist ----

  addWaitlistEntry(p: SeedWaitlistEntry): StoredWaitlistEntry {
    const createdAt = p.created_at ?? this.time();
    const status = p.status ?? "pending";
    const entry: StoredWaitlistEntry = {
      id: p.id ?? clerkId("wle"),
      email_address: p.email_address,
      status,
      invitation_id:
        status === "invited" || status === "completed"
          ? this.addInvitation({
              email_address: p.email_address,
              status: status === "completed" ? "accepted" : "pending",
              created_at: createdAt,
            }).id
          : null,
      created_at: createdAt,
      updated_at: createdAt,
    };
    this.waitlist.set(entry.id, entry);
    return entry;
  }

  // ---- organization roles ----

  addRole(p: SeedOrganizationRole): StoredRole {
    const createdAt = p.created_at ?? this.time();
    const role: StoredRole = {
      id: p.id ?? clerkId("role"),
      key: p.key,
      name: p.name,
      description: p.description ?? null,
      permissions: [...(p.permissions ?? [])],
      created_at: createdAt,
      updated_at: createdAt,
    };
    for (const key of role.permissions) this.permissionFor(key, createdAt);
    this.roles.set(role.key, role);
    return role;
  }

  /** The permission object for a key, made on first use. */
  permissionFor(key: string, createdAt = this.time()): StoredPermission {
    let perm = this.permissions.get(key);
    if (!perm) {
      const system = key.startsWith("org:sys_");
      const words = key.replace(/^org:(sys_)?/, "").split(/[:_]/);
      perm = {
        id: clerkId("perm"),
        key,
        name: words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(" "),
        description: `Permission ${key}.`,
        type: system ? "system" : "user",
        created_at: createdAt,
      };
      this.permissions.set(key, perm);
    }
    return perm;
  }

  roleName(key: string): string {
    return this.roles.get(key)?.name ?? key;
  }

  /** Every email address of the user, the primary one first. */
  emailAddressesOf(u: StoredUser): string[] {
    return [u.email_address, ...u.other_email_addresses.map((e) => e.email_address)];
  }

  findUserByEmail(email: string): StoredUser | undefined {
    const wanted = email.toLowerCase();
    for (const u of this.users.values()) {
      if (this.emailAddressesOf(u).some((e) => e.toLowerCase() === wanted)) return u;
    }
    return undefined;
  }

  /** Marks a change: updated_at moves forward even when the clock has not. */
  touchUser(u: StoredUser): void {
    u.updated_at = Math.max(this.time(), u.updated_at + 1);
  }

  // ---- organizations ----

  addOrganization(o: SeedOrganization): StoredOrganization {
    const now = this.time();
    const createdAt = o.created_at ?? now;
    const org: StoredOrganization = {
      id: o.id ?? clerkId("org"),
      name: o.name,
      slug: o.slug ?? slugify(o.name),
      members: new Map(),
      public_metadata: clone(o.public_metadata ?? {}),
      private_metadata: clone(o.private_metadata ?? {}),
      max_allowed_memberships: o.max_allowed_memberships ?? 0,
      created_by: o.created_by ?? null,
      created_at: createdAt,
      updated_at: createdAt,
    };
    this.organizations.set(org.id, org);
    for (const m of o.members ?? []) this.addMembership(org, m.user_id, m.role, m.created_at);
    return org;
  }

  addMembership(
    org: StoredOrganization,
    userId: string,
    role: string,
    createdAt = this.time(),
  ): StoredMembership {
    const m: StoredMembership = {
      id: clerkId("orgmem"),
      user_id: userId,
      role,
      public_metadata: {},
      private_metadata: {},
      created_at: createdAt,
      updated_at: createdAt,
    };
    org.members.set(userId, m);
    return m;
  }

  /** Deletes the organization with its memberships and invitations, as Clerk does. */
  deleteOrganization(org: StoredOrganization): void {
    this.organizations.delete(org.id);
    for (const [id, inv] of this.orgInvitations) {
      if (inv.organization_id === org.id) this.orgInvitations.delete(id);
    }
  }

  slugTaken(slug: string, except?: StoredOrganization): boolean {
    for (const org of this.organizations.values()) {
      if (org.slug === slug && org !== except) return true;
    }
    return false;
  }

  /** By ID or slug, as GET /v1/organizations/{organization_id} accepts both. */
  findOrganization(idOrSlug: string): StoredOrganization | undefined {
    const byId = this.organizations.get(idOrSlug);
    if (byId) return byId;
    for (const org of this.organizations.values()) {
      if (org.slug === idOrSlug) return org;
    }
    return undefined;
  }

  isOrgAdmin(org: StoredOrganization, userId: string): boolean {
    return org.members.get(userId)?.role === ORG_ADMIN_ROLE;
  }

  publicInviterData(userId: string): PublicInviterData {
    const user = this.users.get(userId);
    return {
      user_id: userId,
      first_name: user?.first_name ?? null,
      last_name: user?.last_name ?? null,
      image_url: `https://img.emulator.test/${userId}`,
      has_image: false,
      identifier: user?.email_address ?? "",
    };
  }

  // ---- organization invitations ----

  addOrgInvitation(
    p: Partial<OrganizationInvitationRecord> & { organization_id: string; email_address: string },
  ): OrganizationInvitationRecord {
    const now = this.time();
    const createdAt = p.created_at ?? now;
    const role = p.role ?? "org:member";
    const status = p.status ?? "pending";
    const inviterId = p.inviter_id ?? null;
    const rec: OrganizationInvitationRecord = {
      object: "organization_invitation",
      id: p.id ?? clerkId("orginv"),
      email_address: p.email_address,
      role,
      role_name: p.role_name ?? this.roleName(role),
      organization_id: p.organization_id,
      inviter_id: inviterId,
      public_inviter_data:
        p.public_inviter_data !== undefined
          ? p.public_inviter_data
          : inviterId
            ? this.publicInviterData(inviterId)
            : null,
      status,
      public_metadata: clone(p.public_metadata ?? {}),
      private_metadata: clone(p.private_metadata ?? {}),
      url: p.url !== undefined ? p.url : ticketUrl(),
      expires_at: seedExpiry(p.expires_at, status, createdAt, now),
      created_at: createdAt,
      updated_at: p.updated_at ?? createdAt,
    };
    this.orgInvitations.set(rec.id, rec);
    return this.viewOrgInvitation(rec);
  }

  viewOrgInvitation(rec: OrganizationInvitationRecord): OrganizationInvitationRecord {
    const view = clone(rec);
    view.status = effectiveStatus(rec.status, rec.expires_at, this.time());
    return view;
  }

  getOrgInvitation(id: string): OrganizationInvitationRecord | undefined {
    const rec = this.orgInvitations.get(id);
    return rec ? this.viewOrgInvitation(rec) : undefined;
  }

  // ---- seeding ----

  seed(data: SeedData): void {
    for (const u of data.users ?? []) this.addUser(u);
    for (const r of data.organization_roles ?? []) this.addRole(r);
    for (const o of data.organizations ?? []) this.addOrganization(o);
    for (const i of data.invitations ?? []) this.addInvitation(i);
    for (const oi of data.organization_invitations ?? []) this.addOrgInvitation(oi);
    for (const s of data.sessions ?? []) this.addSession(s);
    for (const a of data.allowlist_identifiers ?? []) this.addIdentifier("allowlist", a);
    for (const b of data.blocklist_identifiers ?? []) this.addIdentifier("blocklist", b);
    for (const w of data.waitlist_entries ?? []) this.addWaitlistEntry(w);
  }
}
