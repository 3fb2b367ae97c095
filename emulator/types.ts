import type { IssuedToken, TokenFormat } from "./oauth.js";
/** Public types of the Clerk Backend API emulator. */

export type InvitationStatus = "pending" | "accepted" | "revoked" | "expired";

/** An application invitation exactly as it goes over the wire (`object: "invitation"`). */
export interface InvitationRecord {
  object: "invitation";
  id: string;
  email_address: string;
  public_metadata: Record<string, unknown>;
  revoked: boolean;
  status: InvitationStatus;
  url: string;
  expires_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface PublicInviterData {
  user_id: string;
  first_name: string | null;
  last_name: string | null;
  image_url: string;
  has_image: boolean;
  identifier: string;
}

/** An organization invitation exactly as it goes over the wire (`object: "organization_invitation"`). */
export interface OrganizationInvitationRecord {
  object: "organization_invitation";
  id: string;
  email_address: string;
  role: string;
  role_name: string;
  organization_id: string;
  inviter_id: string | null;
  public_inviter_data: PublicInviterData | null;
  status: InvitationStatus;
  public_metadata: Record<string, unknown>;
  private_metadata: Record<string, unknown>;
  url: string | null;
  expires_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface SeedUser {
  id?: string;
  /** The primary email address. */
  email_address: string;
  /** Further email addresses, after the primary one. */
  other_email_addresses?: string[];
  first_name?: string;
  last_name?: string;
  username?: string;
  external_id?: string;
  banned?: boolean;
  /** Locked from now() for `lockout_expires_in_seconds` (default 3600; null: never expires). */
  locked?: boolean;
  lockout_expires_in_seconds?: number | null;
  public_metadata?: Record<string, unknown>;
  private_metadata?: Record<string, unknown>;
  unsafe_metadata?: Record<string, unknown>;
  /** Unix ms; default now(). */
  created_at?: number;
  last_sign_in_at?: number | null;
  last_active_at?: number | null;
}

export interface SeedOrganization {
  id?: string;
  name: string;
  slug?: string;
  /** Memberships, oldest first; `created_at` (Unix ms) defaults to now(). */
  members?: Array<{
    user_id: string;
    role: string /* "org:admin" | "org:member" */;
    created_at?: number;
  }>;
  public_metadata?: Record<string, unknown>;
  private_metadata?: Record<string, unknown>;
  /** 0 (the default) means unlimited. */
  max_allowed_memberships?: number;
  created_by?: string;
  /** Unix ms; default now(). */
  created_at?: number;
}

export type SessionStatus =
  | "active"
  | "revoked"
  | "ended"
  | "expired"
  | "removed"
  | "replaced"
  | "abandoned"
  | "pending";

export interface SeedSession {
  id?: string;
  user_id: string;
  client_id?: string;
  /** Default "active". An active session past `expire_at` reads as "expired". */
  status?: SessionStatus;
  /** Unix ms; default now(). */
  created_at?: number;
  last_active_at?: number;
  /** Default created_at + 7 days. */
  expire_at?: number;
  /** Default created_at + 30 days. */
  abandon_at?: number;
  last_active_organization_id?: string | null;
  /** The device the session was last active on (Clerk's `latest_activity`); omitted when not given. */
  latest_activity?: {
    device_type?: string;
    is_mobile?: boolean;
    browser_name?: string;
    browser_version?: string;
    ip_address?: string;
    city?: string;
    country?: string;
  };
}

export interface SeedIdentifier {
  id?: string;
  /** An email address, a phone number (E.164), or a domain (`*@example.com` or `example.com`). */
  identifier: string;
  /** Unix ms; default now(). */
  created_at?: number;
}

export type WaitlistStatus = "pending" | "invited" | "rejected" | "completed";

export interface SeedWaitlistEntry {
  id?: string;
  email_address: string;
  /** Default "pending"; "invited" creates a pending application invitation for the address. */
  status?: WaitlistStatus;
  /** Unix ms; default now(). */
  created_at?: number;
}

export interface SeedOrganizationRole {
  id?: string;
  /** `org:` followed by lowercase letters, digits and underscores. */
  key: string;
  name: string;
  description?: string;
  /** Permission keys, e.g. `org:sys_memberships:read` or `org:invoices:read`. */
  permissions?: string[];
  /** Unix ms; default now(). */
  created_at?: number;
}

export interface SeedData {
  invitations?: Array<Partial<InvitationRecord> & { email_address: string }>;
  users?: SeedUser[];
  /** Custom organization roles, beside the always present `org:admin` and `org:member`. */
  organization_roles?: SeedOrganizationRole[];
  organizations?: SeedOrganization[];
  organization_invitations?: Array<
    Partial<OrganizationInvitationRecord> & { organization_id: string; email_address: string }
  >;
  sessions?: SeedSession[];
  allowlist_identifiers?: Array<SeedIdentifier & { invitation_id?: string }>;
  blocklist_identifiers?: SeedIdentifier[];
  waitlist_entries?: SeedWaitlistEntry[];
}

export interface RateLimit {
  requests: number;
  windowMs: number;
}

export interface StartEmulatorOptions {
  /** Default 0 (any free port). The server always binds 127.0.0.1. */
  port?: number;
  /** Default "sk_test_emulator_0000000000000000". `Authorization: Bearer <key>` is required on every /v1 route. */
  secretKey?: string;
  /** Initial data. */
  seed?: SeedData;
  /** Fixed window over all /v1 requests; beyond it: 429 with Retry-After and code "too_many_requests". */
  rateLimit?: RateLimit;
  /** Clock in ms (default Date.now); tests can move time. */
  now?: () => number;
}

export interface RequestLogEntry {
  method: string;
  /** Raw request target including the query string, exactly as received (never normalised). */
  path: string;
  query: Record<string, string | string[]>;
  /** Parsed JSON, or the raw string when it is not JSON, or undefined when empty. */
  body: unknown;
  /** Status sent; 0 when the socket was destroyed without an answer (reset fault). */
  status: number;
  /** now() when the request arrived. */
  at: number;
  /** True when the client closed the connection before the answer was sent (a timeout or cancellation on its side). */
  aborted: boolean;
}

export interface Fault {
  /** Matched case-insensitively; omitted = any. */
  method?: string;
  /** Matched against the raw path without the query string; omitted = any. */
  path?: string | RegExp;
  /** Default 1. Use Infinity for a permanent fault. */
  times?: number;
  /** Respond with this status instead of handling the request. */
  status?: number;
  headers?: Record<string, string>;
  /** Object → JSON; string → sent verbatim (Content-Type text/plain unless `headers` say otherwise). Default: a Clerk error body. */
  body?: string | object;
  /** Wait before handling (or before the fault response). */
  delayMs?: number;
  /** Hold the request until this settles (after `delayMs`), for tests that need a call in flight. */
  until?: Promise<unknown>;
  /** Handle the request for real (state changes), then answer this status instead. */
  applyThenFail?: number;
  /** Destroy the socket without answering. */
  reset?: boolean;
}

/** The instance's OAuth side (see emulator/oauth.ts). */
export interface EmulatorOAuth {
  /** What the token endpoint issues from now on: opaque `oat_…` (the default) or JWTs. */
  setTokenFormat(format: TokenFormat): void;
  /** A token issued at once, as the token endpoint would, with the emulator as issuer. */
  issue(p: {
    userId: string;
    aud?: string[] | undefined;
    format?: TokenFormat;
    lifetimeS?: number;
  }): IssuedToken;
  /** Marks a token revoked, by its `oat_…` ID. */
  revoke(id: string): void;
  tokens(): IssuedToken[];
}

export interface Emulator {
  oauth: EmulatorOAuth;
  /** "http://127.0.0.1:PORT": set CLERK_API_URL to this; @clerk/backend appends "/v1/...". */
  url: string;
  secretKey: string;
  /** Every request, in order of arrival (including 401s, 404s, faulted and rate-limited ones). */
  requests: RequestLogEntry[];
  clearRequests(): void;
  /** Requests whose method is not GET. */
  writes(): RequestLogEntry[];
  /** Adds to the state. */
  seed(data: SeedData): void;
  addInvitation(p: Partial<InvitationRecord> & { email_address: string }): InvitationRecord;
  /** The invitation as the API would return it now (status computed with now()). */
  getInvitation(id: string): InvitationRecord | undefined;
  addOrganizationInvitation(
    p: Partial<OrganizationInvitationRecord> & { organization_id: string; email_address: string },
  ): OrganizationInvitationRecord;
  getOrganizationInvitation(id: string): OrganizationInvitationRecord | undefined;
  /** The user as GET /v1/users/{user_id} would return it now (Clerk's User JSON). */
  getUser(id: string): Record<string, unknown> | undefined;
  /** Queue a fault; the first matching fault with times left wins. */
  inject(fault: Fault): void;
  clearFaults(): void;
  setRateLimit(limit: RateLimit | undefined): void;
  /** Count of 429s sent by the rate limiter. */
  rateLimited(): number;
  /** Empty state, log, faults (and the rate limiter's window and counter; its setting stays). */
  reset(): void;
  /** Closes the server and all sockets. */
  close(): Promise<void>;
}
