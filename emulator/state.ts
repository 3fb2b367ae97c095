import { clerkId, randomAlphanumeric } from "./ids.js";
import type {
  InvitationRecord,
  InvitationStatus,
  OrganizationInvitationRecord,
  PublicInviterData,
  SeedData,
  SeedOrganization,
  SeedUser,
} from "./types.js";

export const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_EXPIRES_IN_DAYS = 30;
export const ACCOUNTS_URL = "https://accounts.emulator.test";

/** Organization roles the emulated instance knows, with their display names. */
export const ORG_ROLES: Readonly<Record<string, string>> = {
  "org:admin": "Admin",
  "org:member": "Member",
};
export const ORG_ADMIN_ROLE = "org:admin";

export interface StoredUser {
  id: string;
  /** The primary email address and its ID. */
  email_address_id: string;
  email_address: string;
  other_email_addresses: Array<{ id: string; email_address: string }>;
  first_name: string | null;
  last_name: string | null;
  username: string | null;
  banned: boolean;
  locked: boolean;
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

  constructor(private readonly now: () => number) {}

  clear(): void {
    this.invitations.clear();
    this.users.clear();
    this.organizations.clear();
    this.orgInvitations.clear();
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
      banned: u.banned ?? false,
      locked: u.locked ?? false,
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
      role_name: p.role_name ?? ORG_ROLES[role] ?? role,
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
    for (const o of data.organizations ?? []) this.addOrganization(o);
    for (const i of data.invitations ?? []) this.addInvitation(i);
    for (const oi of data.organization_invitations ?? []) this.addOrgInvitation(oi);
  }
}
