import * as z from "zod";

/**
 * Views: small, stable JSON projections of Clerk resources. Fields are snake_case as on
 * Clerk's wire, timestamps are ISO-8601 UTC strings. Bearer links (`url`) are left out
 * unless a tool says otherwise.
 */

/** The statuses both kinds of invitation share, as Clerk spells them. */
export const INVITATION_STATUSES = ["pending", "accepted", "revoked", "expired"] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

const Iso = z.string().describe("ISO-8601 UTC");
/**
 * Lists keep each item's `public_metadata` only when it is small, so that a page of 100 stays
 * far below clients' output caps (Claude Code's is 25k tokens). Larger metadata is replaced by
 * a marker giving its size; the single-invitation tools return it whole.
 */
export const LIST_METADATA_MAX_BYTES = 512;
const LIST_METADATA_NOTE = `In lists, metadata over ${LIST_METADATA_MAX_BYTES} bytes is replaced by {_omitted_bytes: N}`;
const Metadata = z.record(z.string(), z.unknown());

export const InvitationView = z.object({
  id: z.string(),
  email_address: z.string(),
  status: z.string(),
  revoked: z.boolean(),
  public_metadata: Metadata.nullable().describe(LIST_METADATA_NOTE),
  expires_at: Iso.nullable(),
  created_at: Iso,
  updated_at: Iso,
});
export type InvitationView = z.infer<typeof InvitationView>;

/** The fields of Clerk's `Invitation` JSON that the views read (`GET/POST /v1/invitations…`). */
export interface InvitationJson {
  id: string;
  email_address: string;
  status: string;
  revoked?: boolean;
  public_metadata?: Record<string, unknown> | null;
  url?: string | null;
  expires_at?: number | null;
  created_at: number;
  updated_at: number;
}

/** Clerk sends Unix milliseconds; the views send ISO-8601 UTC. */
export function isoTime(ms: number): string;
export function isoTime(ms: number | null | undefined): string | null;
export function isoTime(ms: number | null | undefined): string | null {
  return typeof ms === "number" && Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** The application invitation view plus its `url`, for create results only (a bearer link). */
export const InvitationWithUrlView = InvitationView.extend({
  url: z.string().nullable().describe("Sign-up link; anyone holding it can accept"),
});
export type InvitationWithUrlView = z.infer<typeof InvitationWithUrlView>;

/**
 * Projects Clerk's `Invitation` JSON (`GET/POST /v1/invitations…`) onto `InvitationView`:
 * timestamps (Unix ms) become ISO-8601 UTC, missing nullable fields become null, and `url`
 * is dropped. `revoked` falls back to the status when Clerk omits the flag.
 */
export function invitationView(raw: InvitationJson): InvitationView {
  return {
    id: raw.id,
    email_address: raw.email_address,
    status: raw.status,
    revoked: raw.revoked ?? raw.status === "revoked",
    public_metadata: raw.public_metadata ?? null,
    expires_at: isoTime(raw.expires_at),
    created_at: isoTime(raw.created_at),
    updated_at: isoTime(raw.updated_at),
  };
}

/** `invitationView` plus the bearer `url` (null when Clerk sends none), for create results. */
export function invitationWithUrlView(raw: InvitationJson): InvitationWithUrlView {
  return { ...invitationView(raw), url: raw.url ?? null };
}

export const OrganizationInvitationView = z.object({
  id: z.string(),
  email_address: z.string(),
  role: z.string(),
  role_name: z.string().nullable(),
  organization_id: z.string(),
  status: z.string(),
  inviter_id: z.string().nullable(),
  public_metadata: Metadata.nullable().describe(LIST_METADATA_NOTE),
  expires_at: Iso.nullable(),
  created_at: Iso,
  updated_at: Iso,
});
export type OrganizationInvitationView = z.infer<typeof OrganizationInvitationView>;

/** The organization invitation view plus its `url`, for create results only. */
export const OrganizationInvitationWithUrlView = OrganizationInvitationView.extend({
  url: z.string().nullable().describe("Invitation link; anyone holding it can accept"),
});
export type OrganizationInvitationWithUrlView = z.infer<typeof OrganizationInvitationWithUrlView>;

/**
 * The fields of Clerk's `OrganizationInvitation` JSON that the views read
 * (`/v1/organizations/{organization_id}/invitations…`). `private_metadata` is never shown.
 */
export interface OrganizationInvitationJson {
  id: string;
  email_address: string;
  role: string;
  role_name?: string | null;
  organization_id: string;
  status: string;
  inviter_id?: string | null;
  public_metadata?: Record<string, unknown> | null;
  url?: string | null;
  expires_at?: number | null;
  created_at: number;
  updated_at: number;
  /** Only in a user's list (`/v1/users/{user_id}/organization_invitations`). */
  public_organization_data?: { name?: string | null } | null;
}

/**
 * Projects Clerk's `OrganizationInvitation` JSON (`/v1/organizations/{organization_id}/
 * invitations…`) onto `OrganizationInvitationView`: ISO-8601 UTC timestamps, null for missing
 * nullable fields; `private_metadata` and `url` are dropped.
 */
export function organizationInvitationView(
  raw: OrganizationInvitationJson,
): OrganizationInvitationView {
  return {
    id: raw.id,
    email_address: raw.email_address,
    role: raw.role,
    role_name: raw.role_name ?? null,
    organization_id: raw.organization_id,
    status: raw.status,
    inviter_id: raw.inviter_id ?? null,
    public_metadata: raw.public_metadata ?? null,
    expires_at: isoTime(raw.expires_at),
    created_at: isoTime(raw.created_at),
    updated_at: isoTime(raw.updated_at),
  };
}

/** `organizationInvitationView` plus the bearer `url` (null when Clerk sends none), for create results. */
export function organizationInvitationWithUrlView(
  raw: OrganizationInvitationJson,
): OrganizationInvitationWithUrlView {
  return { ...organizationInvitationView(raw), url: raw.url ?? null };
}

/**
 * Metadata as a list shows it: unchanged when its JSON is at most `LIST_METADATA_MAX_BYTES`
 * (measured in UTF-8 bytes of `JSON.stringify(metadata)`), otherwise `{ _omitted_bytes: N }`
 * with N in the same unit. null stays null.
 */
export function compactMetadata(
  metadata: Record<string, unknown> | null,
): Record<string, unknown> | null {
  if (metadata === null) return null;
  const bytes = Buffer.byteLength(JSON.stringify(metadata));
  return bytes <= LIST_METADATA_MAX_BYTES ? metadata : { _omitted_bytes: bytes };
}

/** The raw JSON behind an SDK resource object (`resource.raw`), which keeps `expires_at`. */
export function rawOf<T>(resource: { raw: T | null }): T {
  if (resource.raw === null) throw new Error("Clerk response had no raw JSON");
  return resource.raw;
}

/** One page of a Clerk list: the items' JSON, and Clerk's total of matches. */
export interface Page<T> {
  data: T[];
  total_count: number;
}

/**
 * An SDK page (`{ data, totalCount }`) as Clerk's wire has it: each item's raw JSON (`rawOf`),
 * typed as `J` (the `*Json` type the caller reads).
 */
export function rawPage<J>(page: { data: Array<{ raw: unknown }>; totalCount: number }): Page<J> {
  return { data: page.data.map((item) => rawOf(item) as J), total_count: page.totalCount };
}

// ---- users ----

export const UserView = z.object({
  id: z.string(),
  email_address: z.string().nullable().describe("Primary"),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  username: z.string().nullable(),
  banned: z.boolean(),
  locked: z.boolean().describe("Locked out after failed sign-ins"),
  last_sign_in_at: Iso.nullable(),
  last_active_at: Iso.nullable(),
  created_at: Iso,
  public_metadata: Metadata.nullable().describe(LIST_METADATA_NOTE),
});
export type UserView = z.infer<typeof UserView>;

/** One user in full, for get_user: every email address and all three metadata kinds, whole. */
export const UserDetailView = UserView.extend({
  email_addresses: z.array(z.object({ email_address: z.string(), verified: z.boolean() })),
  updated_at: Iso,
  public_metadata: Metadata.nullable(),
  private_metadata: Metadata.nullable(),
  unsafe_metadata: Metadata.nullable(),
});
export type UserDetailView = z.infer<typeof UserDetailView>;

/** A user's three metadata kinds, whole, as update_user_metadata returns them. */
export const UserMetadataView = z.object({
  user_id: z.string(),
  public_metadata: Metadata.nullable(),
  private_metadata: Metadata.nullable(),
  unsafe_metadata: Metadata.nullable(),
});
export type UserMetadataView = z.infer<typeof UserMetadataView>;

/** The fields of Clerk's `User` JSON that the views read (`/v1/users…`). */
export interface UserJson {
  id: string;
  primary_email_address_id?: string | null;
  email_addresses?: Array<{
    id: string;
    email_address: string;
    verification?: { status?: string | null } | null;
  }>;
  first_name?: string | null;
  last_name?: string | null;
  username?: string | null;
  external_id?: string | null;
  banned?: boolean;
  locked?: boolean;
  /** Seconds left of a lock; null when not locked or when the lock does not expire. */
  lockout_expires_in_seconds?: number | null;
  public_metadata?: Record<string, unknown> | null;
  private_metadata?: Record<string, unknown> | null;
  unsafe_metadata?: Record<string, unknown> | null;
  last_sign_in_at?: number | null;
  last_active_at?: number | null;
  created_at: number;
  updated_at: number;
}

/** The user's primary email address, or null when Clerk has none (a phone-only user). */
export function primaryEmail(raw: UserJson): string | null {
  const emails = raw.email_addresses ?? [];
  return emails.find((e) => e.id === raw.primary_email_address_id)?.email_address ?? null;
}

/**
 * Projects Clerk's `User` JSON (`/v1/users…`) onto `UserView`: the primary email address,
 * ISO-8601 UTC timestamps, null for missing nullable fields, `public_metadata` whole (the list
 * tool compacts it); private and unsafe metadata are left out.
 */
export function userView(raw: UserJson): UserView {
  return {
    id: raw.id,
    email_address: primaryEmail(raw),
    first_name: raw.first_name ?? null,
    last_name: raw.last_name ?? null,
    username: raw.username ?? null,
    banned: raw.banned ?? false,
    locked: raw.locked ?? false,
    last_sign_in_at: isoTime(raw.last_sign_in_at),
    last_active_at: isoTime(raw.last_active_at),
    created_at: isoTime(raw.created_at),
    public_metadata: raw.public_metadata ?? null,
  };
}

/** `userView` plus every email address (primary first), `updated_at` and all metadata. */
export function userDetailView(raw: UserJson): UserDetailView {
  const emails = [...(raw.email_addresses ?? [])].sort(
    (a, b) =>
      Number(b.id === raw.primary_email_address_id) - Number(a.id === raw.primary_email_address_id),
  );
  return {
    ...userView(raw),
    email_addresses: emails.map((e) => ({
      email_address: e.email_address,
      verified: e.verification?.status === "verified",
    })),
    updated_at: isoTime(raw.updated_at),
    ...userMetadataOf(raw),
  };
}

/** The three metadata kinds of Clerk's `User` JSON, null when Clerk sends none. */
function userMetadataOf(raw: UserJson): Omit<UserMetadataView, "user_id"> {
  return {
    public_metadata: raw.public_metadata ?? null,
    private_metadata: raw.private_metadata ?? null,
    unsafe_metadata: raw.unsafe_metadata ?? null,
  };
}

/** The user's ID and three metadata kinds, whole. */
export function userMetadataView(raw: UserJson): UserMetadataView {
  return { user_id: raw.id, ...userMetadataOf(raw) };
}

// ---- sessions ----

/** The fields of Clerk's `Session` JSON that the views read (`/v1/sessions…`); it has no token. */
export interface SessionJson {
  id: string;
  user_id: string;
  client_id: string;
  status: string;
  latest_activity?: {
    device_type?: string | null;
    is_mobile?: boolean | null;
    browser_name?: string | null;
    browser_version?: string | null;
    ip_address?: string | null;
    city?: string | null;
    country?: string | null;
  } | null;
  last_active_at?: number | null;
  expire_at?: number | null;
  created_at: number;
  updated_at: number;
}

/** A session as the sessions tools return it; never a token (Clerk's Backend API sends none). */
export const SessionView = z.object({
  id: z.string(),
  user_id: z.string(),
  client_id: z.string(),
  status: z.string(),
  last_active_at: Iso.nullable(),
  expire_at: Iso.nullable(),
  created_at: Iso,
  device: z.string().nullable().describe("Browser, device, IP address and place last seen"),
});
export type SessionView = z.infer<typeof SessionView>;

/**
 * Projects Clerk's `Session` JSON onto `SessionView`: ISO-8601 UTC times, and Clerk's
 * `latest_activity` in one line (`Firefox 126, desktop, 203.0.113.7, Berlin, DE`), null when
 * Clerk sends none.
 */
export function sessionView(raw: SessionJson): SessionView {
  const a = raw.latest_activity;
  const device = a
    ? [
        [a.browser_name, a.browser_version].filter(Boolean).join(" "),
        a.device_type || (a.is_mobile ? "mobile" : ""),
        a.ip_address,
        a.city,
        a.country,
      ]
        .filter(Boolean)
        .join(", ")
    : "";
  return {
    id: raw.id,
    user_id: raw.user_id,
    client_id: raw.client_id,
    status: raw.status,
    last_active_at: isoTime(raw.last_active_at),
    expire_at: isoTime(raw.expire_at),
    created_at: isoTime(raw.created_at),
    device: device || null,
  };
}

// ---- organizations and memberships ----

/** The fields of Clerk's `Organization` JSON that the views read (`/v1/organizations…`). */
export interface OrganizationJson {
  id: string;
  name: string;
  slug: string | null;
  /** Only when asked for with `include_members_count`. */
  members_count?: number | null;
  pending_invitations_count?: number | null;
  max_allowed_memberships?: number | null;
  public_metadata?: Record<string, unknown> | null;
  private_metadata?: Record<string, unknown> | null;
  created_by?: string | null;
  created_at: number;
  updated_at: number;
}

/** One organization in a list: small, and without `private_metadata`. */
export const OrganizationListItemView = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string().nullable(),
  members_count: z
    .number()
    .int()
    .nullable()
    .optional()
    .describe("Absent when Clerk did not send it"),
  public_metadata: Metadata.nullable().describe(LIST_METADATA_NOTE),
  created_at: Iso,
});
export type OrganizationListItemView = z.infer<typeof OrganizationListItemView>;

/** One organization, whole: counts, limit and both metadata kinds. */
export const OrganizationView = OrganizationListItemView.extend({
  public_metadata: Metadata.nullable(),
  pending_invitations_count: z.number().int().nullable().optional(),
  max_allowed_memberships: z.number().int().nullable().describe("0 means unlimited"),
  private_metadata: Metadata.nullable(),
  updated_at: Iso,
});
export type OrganizationView = z.infer<typeof OrganizationView>;

/**
 * Projects Clerk's `Organization` JSON onto `OrganizationListItemView`: ISO-8601 UTC
 * `created_at`, `public_metadata` compacted as lists show it. `members_count` is left out when
 * Clerk did not send it (it does only with `include_members_count`, never after a create or
 * update): a null or a guess would read as a fact.
 */
export function organizationListItemView(raw: OrganizationJson): OrganizationListItemView {
  return {
    id: raw.id,
    name: raw.name,
    slug: raw.slug ?? null,
    ...(raw.members_count !== undefined ? { members_count: raw.members_count } : {}),
    public_metadata: compactMetadata(raw.public_metadata ?? null),
    created_at: isoTime(raw.created_at),
  };
}

/** Projects Clerk's `Organization` JSON onto `OrganizationView`, metadata whole. */
export function organizationView(raw: OrganizationJson): OrganizationView {
  return {
    ...organizationListItemView(raw),
    public_metadata: raw.public_metadata ?? null,
    ...(raw.pending_invitations_count !== undefined
      ? { pending_invitations_count: raw.pending_invitations_count }
      : {}),
    max_allowed_memberships: raw.max_allowed_memberships ?? null,
    private_metadata: raw.private_metadata ?? null,
    updated_at: isoTime(raw.updated_at),
  };
}

/**
 * The fields of Clerk's `OrganizationMembership` JSON that the views read
 * (`/v1/organizations/{organization_id}/memberships…`).
 */
export interface OrganizationMembershipJson {
  id: string;
  role: string;
  organization: { id: string; name: string; slug?: string | null };
  public_user_data?: {
    user_id: string;
    identifier?: string | null;
    first_name?: string | null;
    last_name?: string | null;
  } | null;
  created_at: number;
  updated_at: number;
}

/** A member as lists show it; `identifier` is the user's email address (or other identifier). */
export const MembershipView = z.object({
  user_id: z.string(),
  identifier: z.string().nullable(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  role: z.string(),
  created_at: Iso,
});
export type MembershipView = z.infer<typeof MembershipView>;

/** A membership as the write tools return it: the list view plus its organization. */
export const MembershipResultView = MembershipView.extend({ organization_id: z.string() });
export type MembershipResultView = z.infer<typeof MembershipResultView>;

/** Projects Clerk's `OrganizationMembership` JSON onto `MembershipView` (from `public_user_data`). */
export function membershipView(raw: OrganizationMembershipJson): MembershipView {
  const user = raw.public_user_data;
  return {
    user_id: user?.user_id ?? "",
    identifier: user?.identifier || null,
    first_name: user?.first_name ?? null,
    last_name: user?.last_name ?? null,
    role: raw.role,
    created_at: isoTime(raw.created_at),
  };
}

/** `membershipView` plus `organization_id`, for the membership write tools. */
export function membershipResultView(raw: OrganizationMembershipJson): MembershipResultView {
  return { ...membershipView(raw), organization_id: raw.organization.id };
}

// ---- sign-up restrictions, waitlist, roles ----

/** Clerk's `AllowlistIdentifier` / `BlocklistIdentifier` JSON (`/v1/{allow,block}list_identifiers`). */
export interface RestrictionJson {
  id: string;
  identifier: string;
  identifier_type: string;
  invitation_id?: string | null;
  created_at: number;
}

export const RestrictionView = z.object({
  id: z.string(),
  identifier: z.string(),
  identifier_type: z.string(),
  created_at: Iso,
});
export type RestrictionView = z.infer<typeof RestrictionView>;

export function restrictionView(raw: RestrictionJson): RestrictionView {
  return {
    id: raw.id,
    identifier: raw.identifier,
    identifier_type: raw.identifier_type,
    created_at: isoTime(raw.created_at),
  };
}

export const WAITLIST_STATUSES = ["pending", "invited", "rejected", "completed"] as const;

/** Clerk's `WaitlistEntry` JSON (`/v1/waitlist_entries…`); `invitation` is embedded, or null. */
export interface WaitlistEntryJson {
  id: string;
  email_address: string;
  status: string;
  invitation?: { id: string; status: string } | null;
  created_at: number;
  updated_at: number;
}

export const WaitlistEntryView = z.object({
  id: z.string(),
  email_address: z.string(),
  status: z.string(),
  invitation_id: z.string().nullable(),
  created_at: Iso,
});
export type WaitlistEntryView = z.infer<typeof WaitlistEntryView>;

export function waitlistEntryView(raw: WaitlistEntryJson): WaitlistEntryView {
  return {
    id: raw.id,
    email_address: raw.email_address,
    status: raw.status,
    invitation_id: raw.invitation?.id ?? null,
    created_at: isoTime(raw.created_at),
  };
}

/** Clerk's `Role` JSON (`GET /v1/organization_roles`). */
export interface RoleJson {
  key: string;
  name: string;
  description: string | null;
  permissions: unknown[];
}

export const RoleView = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  permissions_count: z.number().int(),
});
export type RoleView = z.infer<typeof RoleView>;

export function roleView(raw: RoleJson): RoleView {
  return {
    key: raw.key,
    name: raw.name,
    description: raw.description ?? null,
    permissions_count: raw.permissions?.length ?? 0,
  };
}

// ---- a person, across resources (find_person) ----

/** One of a person's memberships, seen from the person: which organization, which role. */
export const PersonMembershipView = z.object({
  user_id: z.string(),
  organization_id: z.string(),
  organization_name: z.string(),
  role: z.string(),
  created_at: Iso,
});
export type PersonMembershipView = z.infer<typeof PersonMembershipView>;

/** Projects a membership from `/v1/users/{user_id}/organization_memberships`. */
export function personMembershipView(
  raw: OrganizationMembershipJson,
  user_id: string,
): PersonMembershipView {
  return {
    user_id,
    organization_id: raw.organization.id,
    organization_name: raw.organization.name,
    role: raw.role,
    created_at: isoTime(raw.created_at),
  };
}

/** An organization invitation with its organization's name, as a person's lists show it. */
export const PersonOrganizationInvitationView = OrganizationInvitationView.extend({
  organization_name: z.string().nullable(),
});
export type PersonOrganizationInvitationView = z.infer<typeof PersonOrganizationInvitationView>;

/** Projects an invitation from `/v1/users/{user_id}/organization_invitations`. */
export function personOrganizationInvitationView(
  raw: OrganizationInvitationJson,
): PersonOrganizationInvitationView {
  return {
    ...organizationInvitationView(raw),
    organization_name: raw.public_organization_data?.name || null,
  };
}
