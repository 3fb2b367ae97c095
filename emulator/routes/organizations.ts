import { ApiError, notFound, paramFormatInvalid, paramInvalid, paramMissing } from "../errors.js";
import {
  DAY_MS,
  DEFAULT_EXPIRES_IN_DAYS,
  ORG_ADMIN_ROLE,
  type Store,
  type StoredMembership,
  type StoredOrganization,
  slugify,
  ticketUrl,
} from "../state.js";
import type { InvitationStatus, OrganizationInvitationRecord } from "../types.js";
import {
  checkMetadataSize,
  deepMerge,
  expiresInDays,
  INVITATION_STATUSES,
  listResponse,
  many,
  ok,
  one,
  optionalBool,
  optionalMetadata,
  optionalString,
  orderBy,
  pageParams,
  type Route,
  rejectUnknownParams,
  requireArrayBody,
  requireEmail,
  requireObjectBody,
  sortItems,
} from "./common.js";
import { duplicateInvitations } from "./invitations.js";

function requireOrg(store: Store, idOrSlug: string | undefined): StoredOrganization {
  const org = idOrSlug ? store.findOrganization(idOrSlug) : undefined;
  if (!org) {
    throw new ApiError(404, "resource_not_found", "not found", "Given organization not found.");
  }
  return org;
}

function notAnAdmin(): ApiError {
  return new ApiError(
    403,
    "not_an_admin_in_organization",
    "not an administrator",
    "Current user is not an administrator in the organization. Only administrators can perform this action.",
  );
}

function orgInvitationsOf(store: Store, org: StoredOrganization): OrganizationInvitationRecord[] {
  return [...store.orgInvitations.values()]
    .filter((i) => i.organization_id === org.id)
    .map((i) => store.viewOrgInvitation(i));
}

// ---- organizations and memberships ----

const SLUG_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_NAME = 256;

/** By ID only: the write endpoints take the organization ID, not its slug. */
function requireOrgById(store: Store, id: string | undefined): StoredOrganization {
  const org = id ? store.organizations.get(id) : undefined;
  if (!org) throw notFound(`No organization was found with id ${id ?? ""}.`);
  return org;
}

function requireMembership(org: StoredOrganization, userId: string | undefined): StoredMembership {
  const m = userId ? org.members.get(userId) : undefined;
  if (!m) {
    throw notFound(`No organization membership was found for user ${userId ?? ""}.`);
  }
  return m;
}

/** A spec-valid Organization object; `members_count` only when asked for, as Clerk does. */
export function serializeOrganization(
  store: Store,
  org: StoredOrganization,
  includeMembersCount: boolean,
): Record<string, unknown> {
  const pending = orgInvitationsOf(store, org).filter((i) => i.status === "pending").length;
  return {
    object: "organization",
    id: org.id,
    name: org.name,
    slug: org.slug,
    image_url: `https://img.emulator.test/${org.id}`,
    has_image: false,
    ...(includeMembersCount ? { members_count: org.members.size } : {}),
    pending_invitations_count: pending,
    max_allowed_memberships: org.max_allowed_memberships,
    admin_delete_enabled: true,
    public_metadata: structuredClone(org.public_metadata),
    private_metadata: structuredClone(org.private_metadata),
    ...(org.created_by ? { created_by: org.created_by } : {}),
    created_at: org.created_at,
    updated_at: org.updated_at,
  };
}

/** A spec-valid OrganizationMembership object, with the user's current public data. */
export function serializeMembership(
  store: Store,
  org: StoredOrganization,
  m: StoredMembership,
): Record<string, unknown> {
  const user = store.users.get(m.user_id);
  return {
    object: "organization_membership",
    id: m.id,
    role: m.role,
    role_name: store.roleName(m.role),
    permissions: [...(store.roles.get(m.role)?.permissions ?? [])],
    public_metadata: structuredClone(m.public_metadata),
    private_metadata: structuredClone(m.private_metadata),
    organization: serializeOrganization(store, org, false),
    public_user_data: {
      user_id: m.user_id,
      first_name: user?.first_name ?? null,
      last_name: user?.last_name ?? null,
      profile_image_url: `https://img.emulator.test/${m.user_id}`,
      image_url: `https://img.emulator.test/${m.user_id}`,
      has_image: false,
      identifier: user?.email_address ?? null,
    },
    created_at: m.created_at,
    updated_at: m.updated_at,
  };
}

/**
 * Clerk keeps at least one member with the admin permissions: removing the only `org:admin`,
 * or giving them another role, is 400 `organization_minimum_permissions_needed`.
 */
function requireAnotherAdmin(org: StoredOrganization, m: StoredMembership): void {
  if (m.role !== ORG_ADMIN_ROLE) return;
  const admins = [...org.members.values()].filter((x) => x.role === ORG_ADMIN_ROLE);
  if (admins.length === 1) {
    throw new ApiError(
      400,
      "organization_minimum_permissions_needed",
      "minimum organization permissions needed",
      "There has to be at least one organization member with the minimum required permissions",
    );
  }
}

function touch(store: Store, rec: { updated_at: number }): void {
  rec.updated_at = Math.max(store.time(), rec.updated_at + 1);
}

/** The name, trimmed as Clerk stores it (the length limit applies to what was sent). */
function requireName(body: Record<string, unknown>): string {
  const name = optionalString(body, "name");
  if (name === undefined || name.trim() === "") throw paramMissing("name");
  if (name.length > MAX_NAME) {
    throw paramInvalid("name", `name must be at most ${MAX_NAME} characters long.`);
  }
  return name.trim();
}

/** A free slug, or 422 `form_identifier_exists` ("That slug is taken"), as Clerk answers. */
function validSlug(store: Store, raw: string, except?: StoredOrganization): string {
  if (!SLUG_RE.test(raw)) {
    throw paramFormatInvalid(
      "slug",
      "slug can contain only lowercase alphanumeric characters and the dash '-'.",
    );
  }
  if (store.slugTaken(raw, except)) {
    throw new ApiError(
      422,
      "form_identifier_exists",
      "That slug is taken. Please try another.",
      "That slug is taken. Please try another.",
      { param_name: "slug" },
    );
  }
  return raw;
}

function maxAllowed(body: Record<string, unknown>): number | undefined {
  const v = body.max_allowed_memberships;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
    throw paramInvalid(
      "max_allowed_memberships",
      "max_allowed_memberships must be a non-negative integer",
    );
  }
  return v;
}

/**
 * A role the instance has (GET /v1/organization_roles lists them). An unknown one is Clerk's
 * OrganizationRoleNotFound: 404 `resource_not_found` with `meta.param_name` `role`, not a 422.
 */
function requireRole(store: Store, body: Record<string, unknown>): string {
  const role = optionalString(body, "role");
  if (role === undefined || role === "") throw paramMissing("role");
  if (!store.roles.has(role)) {
    throw new ApiError(404, "resource_not_found", "not found", "Organization role not found", {
      param_name: "role",
    });
  }
  return role;
}

/**
 * Clerk's membership limit: members plus pending invitations plus the `adding` new ones must
 * stay within `max_allowed_memberships` (0 means none), else 403
 * `organization_membership_quota_exceeded`. Memberships and invitations share it.
 */
function requireRoomFor(store: Store, org: StoredOrganization, adding: number): void {
  const pending = orgInvitationsOf(store, org).filter((i) => i.status === "pending").length;
  const max = org.max_allowed_memberships;
  if (max > 0 && org.members.size + pending + adding > max) {
    throw new ApiError(
      403,
      "organization_membership_quota_exceeded",
      "organization membership quota exceeded",
      `You have reached your limit of ${max} organization memberships, including outstanding invitations.`,
    );
  }
}

const ORG_ORDER = ["name", "created_at", "members_count"] as const;
const MEMBERSHIP_ORDER = ["created_at", "email_address", "first_name", "last_name"] as const;

function listOrganizations(store: Store, query: Record<string, string | string[]>) {
  const order = orderBy(query, ORG_ORDER);
  const page = pageParams(query);
  const q = one(query, "query")?.toLowerCase();
  let orgs = [...store.organizations.values()];
  if (q) {
    orgs = orgs.filter(
      (o) =>
        o.id.toLowerCase() === q ||
        o.name.toLowerCase().includes(q) ||
        o.slug.toLowerCase().includes(q),
    );
  }
  const rows = orgs.map((o) => ({
    org: o,
    name: o.name,
    created_at: o.created_at,
    members_count: o.members.size,
  }));
  const include = one(query, "include_members_count") === "true";
  const sorted = sortItems(rows, order.field, order.desc).map((r) =>
    serializeOrganization(store, r.org, include),
  );
  return listResponse(sorted, page, true);
}

/** Clerk lists by organization ID without looking the organization up: unknown lists nothing. */
function listMemberships(
  store: Store,
  org: StoredOrganization | undefined,
  query: Record<string, string | string[]>,
) {
  const order = orderBy(query, MEMBERSHIP_ORDER);
  const page = pageParams(query);
  const roles = many(query, "role");
  const userIds = many(query, "user_id");
  let rows = [...(org?.members.values() ?? [])].map((m) => {
    const user = store.users.get(m.user_id);
    return {
      m,
      role: m.role,
      user_id: m.user_id,
      created_at: m.created_at,
      email_address: user?.email_address ?? null,
      first_name: user?.first_name ?? null,
      last_name: user?.last_name ?? null,
    };
  });
  if (roles.length > 0) rows = rows.filter((r) => roles.includes(r.role));
  if (userIds.length > 0) rows = rows.filter((r) => userIds.includes(r.user_id));
  const sorted = org
    ? sortItems(rows, order.field, order.desc).map((r) => serializeMembership(store, org, r.m))
    : [];
  return listResponse(sorted, page, true);
}

interface ValidOrgInvitation {
  email_address: string;
  role: string;
  inviter_user_id: string | undefined;
  public_metadata: Record<string, unknown>;
  private_metadata: Record<string, unknown>;
  redirect_url: string | undefined;
  expires_in_days: number;
}

function validateCreate(store: Store, org: StoredOrganization, raw: unknown): ValidOrgInvitation {
  const body = requireObjectBody(raw);
  const email = requireEmail(body);
  // An unknown role is Clerk's OrganizationRoleNotFound (404 naming `role`), as for memberships.
  const role = requireRole(store, body);
  const inviter = optionalString(body, "inviter_user_id");
  if (inviter !== undefined && !store.isOrgAdmin(org, inviter)) throw notAnAdmin();
  optionalBool(body, "notify");
  return {
    email_address: email,
    role,
    inviter_user_id: inviter,
    public_metadata: optionalMetadata(body, "public_metadata") ?? {},
    private_metadata: optionalMetadata(body, "private_metadata") ?? {},
    redirect_url: optionalString(body, "redirect_url"),
    expires_in_days: expiresInDays(body) ?? DEFAULT_EXPIRES_IN_DAYS,
  };
}

/** All-or-nothing checks against the current state: existing members and pending duplicates. */
function checkConflicts(store: Store, org: StoredOrganization, items: ValidOrgInvitation[]): void {
  for (const item of items) {
    const user = store.findUserByEmail(item.email_address);
    if (user && org.members.has(user.id)) {
      throw new ApiError(
        400,
        "already_a_member_in_organization",
        "already a member",
        `${item.email_address} is already a member of the organization.`,
      );
    }
  }
  const pending = new Set(
    orgInvitationsOf(store, org)
      .filter((i) => i.status === "pending")
      .map((i) => i.email_address.toLowerCase()),
  );
  const duplicates: string[] = [];
  for (const item of items) {
    const key = item.email_address.toLowerCase();
    if (pending.has(key) && !duplicates.includes(item.email_address)) {
      duplicates.push(item.email_address);
    }
    pending.add(key);
  }
  if (duplicates.length > 0) throw duplicateInvitations(duplicates);
}

function create(
  store: Store,
  org: StoredOrganization,
  item: ValidOrgInvitation,
): OrganizationInvitationRecord {
  const now = store.time();
  return store.addOrgInvitation({
    organization_id: org.id,
    email_address: item.email_address,
    role: item.role,
    inviter_id: item.inviter_user_id ?? null,
    public_metadata: item.public_metadata,
    private_metadata: item.private_metadata,
    url: ticketUrl(item.redirect_url),
    status: "pending",
    created_at: now,
    updated_at: now,
    expires_at: now + item.expires_in_days * DAY_MS,
  });
}

export const organizationRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/v1/organizations",
    handler: ({ store, query }) => listOrganizations(store, query),
  },
  {
    method: "POST",
    pattern: "/v1/organizations",
    handler: ({ store, body }) => {
      const b = requireObjectBody(body);
      const name = requireName(b);
      // Without a slug Clerk derives one from the name and the Unix time in seconds; that one can
      // be taken too (the same name within a second).
      const rawSlug =
        optionalString(b, "slug") ?? `${slugify(name)}-${Math.floor(store.time() / 1000)}`;
      const slug = validSlug(store, rawSlug);
      const createdBy = optionalString(b, "created_by");
      if (createdBy !== undefined && !store.users.has(createdBy)) {
        throw new ApiError(
          400,
          "organization_creator_not_found",
          "creator not found",
          `No users found with id ${createdBy}.`,
        );
      }
      const max = maxAllowed(b);
      const org = store.addOrganization({
        name,
        slug,
        ...(createdBy !== undefined
          ? { created_by: createdBy, members: [{ user_id: createdBy, role: ORG_ADMIN_ROLE }] }
          : {}),
        ...(max !== undefined ? { max_allowed_memberships: max } : {}),
        public_metadata: optionalMetadata(b, "public_metadata") ?? {},
        private_metadata: optionalMetadata(b, "private_metadata") ?? {},
      });
      return ok(serializeOrganization(store, org, false));
    },
  },
  {
    method: "GET",
    pattern: "/v1/organizations/:organization_id",
    handler: ({ store, params, query }) => {
      const org = requireOrg(store, params.organization_id);
      return ok(serializeOrganization(store, org, one(query, "include_members_count") === "true"));
    },
  },
  {
    method: "PATCH",
    pattern: "/v1/organizations/:organization_id",
    handler: ({ store, params, body }) => {
      const org = requireOrgById(store, params.organization_id);
      const b = requireObjectBody(body);
      // Since 2026-05-12 metadata goes to /metadata only; Clerk refuses it here.
      rejectUnknownParams(b, [
        "name",
        "slug",
        "max_allowed_memberships",
        "admin_delete_enabled",
        "created_at",
        "role_set_key",
      ]);
      const name = b.name === undefined || b.name === null ? undefined : requireName(b);
      const rawSlug = optionalString(b, "slug");
      const slug = rawSlug === undefined ? undefined : validSlug(store, rawSlug, org);
      const max = maxAllowed(b);
      optionalBool(b, "admin_delete_enabled");
      if (name !== undefined) org.name = name;
      if (slug !== undefined) org.slug = slug;
      if (max !== undefined) org.max_allowed_memberships = max;
      touch(store, org);
      return ok(serializeOrganization(store, org, false));
    },
  },
  {
    method: "DELETE",
    pattern: "/v1/organizations/:organization_id",
    handler: ({ store, params }) => {
      const org = requireOrgById(store, params.organization_id);
      store.deleteOrganization(org);
      // Clerk's DeletedObject for an organization carries no slug (omitted when empty).
      return ok({ object: "organization", id: org.id, deleted: true });
    },
  },
  {
    method: "PATCH",
    pattern: "/v1/organizations/:organization_id/metadata",
    handler: ({ store, params, body }) => {
      const org = requireOrgById(store, params.organization_id);
      const b = requireObjectBody(body);
      rejectUnknownParams(b, ["public_metadata", "private_metadata"]);
      const pub = optionalMetadata(b, "public_metadata");
      const priv = optionalMetadata(b, "private_metadata");
      const nextPub = pub ? deepMerge(org.public_metadata, pub) : org.public_metadata;
      const nextPriv = priv ? deepMerge(org.private_metadata, priv) : org.private_metadata;
      // The stored result is what the limit applies to; over it, nothing is merged.
      checkMetadataSize("public_metadata", nextPub);
      checkMetadataSize("private_metadata", nextPriv);
      org.public_metadata = nextPub;
      org.private_metadata = nextPriv;
      touch(store, org);
      return ok(serializeOrganization(store, org, false));
    },
  },
  {
    // Always the envelope, as the spec's OrganizationMemberships; newest first. Clerk's spec
    // lists no 404 here: an unknown user lists nothing (not confirmed, see the README).
    method: "GET",
    pattern: "/v1/users/:user_id/organization_memberships",
    handler: ({ store, params, query }) => {
      const page = pageParams(query);
      const rows = [...store.organizations.values()].flatMap((org) => {
        const m = org.members.get(params.user_id ?? "");
        return m ? [{ org, m, created_at: m.created_at }] : [];
      });
      const sorted = sortItems(rows, "created_at", true).map((r) =>
        serializeMembership(store, r.org, r.m),
      );
      return listResponse(sorted, page, true);
    },
  },
  {
    method: "GET",
    pattern: "/v1/organizations/:organization_id/memberships",
    handler: ({ store, params, query }) =>
      listMemberships(store, store.organizations.get(params.organization_id ?? ""), query),
  },
  {
    method: "POST",
    pattern: "/v1/organizations/:organization_id/memberships",
    handler: ({ store, params, body }) => {
      const org = requireOrgById(store, params.organization_id);
      const b = requireObjectBody(body);
      const userId = optionalString(b, "user_id");
      if (userId === undefined || userId === "") throw paramMissing("user_id");
      if (!optionalString(b, "role")) throw paramMissing("role");
      // Clerk looks the user up before the role: both answer 404.
      if (!store.users.has(userId)) throw notFound(`No user was found with id ${userId}.`);
      const role = requireRole(store, b);
      // Clerk checks the limit before membership, and counts pending invitations as members.
      requireRoomFor(store, org, 1);
      if (org.members.has(userId)) {
        throw new ApiError(
          400,
          "already_a_member_in_organization",
          "already a member",
          `User ${userId} is already a member of the organization.`,
        );
      }
      const m = store.addMembership(org, userId, role);
      const pub = optionalMetadata(b, "public_metadata");
      const priv = optionalMetadata(b, "private_metadata");
      if (pub) m.public_metadata = structuredClone(pub);
      if (priv) m.private_metadata = structuredClone(priv);
      return ok(serializeMembership(store, org, m));
    },
  },
  {
    method: "PATCH",
    pattern: "/v1/organizations/:organization_id/memberships/:user_id",
    handler: ({ store, params, body }) => {
      const org = requireOrgById(store, params.organization_id);
      const m = requireMembership(org, params.user_id);
      const role = requireRole(store, requireObjectBody(body));
      if (role !== m.role) requireAnotherAdmin(org, m);
      m.role = role;
      touch(store, m);
      return ok(serializeMembership(store, org, m));
    },
  },
  {
    method: "DELETE",
    pattern: "/v1/organizations/:organization_id/memberships/:user_id",
    handler: ({ store, params }) => {
      const org = requireOrgById(store, params.organization_id);
      const m = requireMembership(org, params.user_id);
      requireAnotherAdmin(org, m);
      const gone = serializeMembership(store, org, m);
      org.members.delete(m.user_id);
      // Clerk deletes an organization whose last member is removed.
      if (org.members.size === 0) store.deleteOrganization(org);
      return ok(gone);
    },
  },
  {
    method: "GET",
    pattern: "/v1/organizations/:organization_id/invitations",
    handler: ({ store, params, query }) => {
      const org = requireOrg(store, params.organization_id);
      const statuses = many(query, "status");
      for (const s of statuses) {
        if (!INVITATION_STATUSES.includes(s as InvitationStatus)) {
          throw paramInvalid("status", `status must be one of: ${INVITATION_STATUSES.join(", ")}`);
        }
      }
      const email = one(query, "email_address")?.toLowerCase();
      const order = orderBy(query, ["created_at", "email_address"]);
      const page = pageParams(query);
      let items = orgInvitationsOf(store, org);
      if (statuses.length > 0) items = items.filter((i) => statuses.includes(i.status));
      if (email) items = items.filter((i) => i.email_address.toLowerCase() === email);
      // Always the { data, total_count } envelope: that is what the spec and @clerk/backend expect here.
      return listResponse(sortItems(items, order.field, order.desc), page, true);
    },
  },
  {
    method: "POST",
    pattern: "/v1/organizations/:organization_id/invitations",
    handler: ({ store, params, body }) => {
      const org = requireOrg(store, params.organization_id);
      const item = validateCreate(store, org, body);
      // Clerk checks the limit after the inviter and before members or duplicates.
      requireRoomFor(store, org, 1);
      checkConflicts(store, org, [item]);
      return ok(create(store, org, item));
    },
  },
  {
    method: "POST",
    pattern: "/v1/organizations/:organization_id/invitations/bulk",
    handler: ({ store, params, body }) => {
      const org = requireOrg(store, params.organization_id);
      const items = requireArrayBody(body, 10).map((b) => validateCreate(store, org, b));
      requireRoomFor(store, org, items.length);
      checkConflicts(store, org, items);
      const created = items.map((item) => create(store, org, item));
      return ok({ data: created, total_count: created.length });
    },
  },
  {
    method: "GET",
    pattern: "/v1/organizations/:organization_id/invitations/:invitation_id",
    handler: ({ store, params }) => {
      const org = requireOrg(store, params.organization_id);
      const id = params.invitation_id ?? "";
      const rec = store.orgInvitations.get(id);
      if (!rec || rec.organization_id !== org.id) {
        throw notFound(`No organization invitation was found with id ${id}.`);
      }
      return ok(store.viewOrgInvitation(rec));
    },
  },
  {
    method: "POST",
    pattern: "/v1/organizations/:organization_id/invitations/:invitation_id/revoke",
    handler: ({ store, params, body }) => {
      const org = requireOrg(store, params.organization_id);
      const id = params.invitation_id ?? "";
      const rec = store.orgInvitations.get(id);
      if (!rec || rec.organization_id !== org.id) {
        throw notFound(`No organization invitation was found with id ${id}.`);
      }
      const requester = optionalString(requireObjectBody(body), "requesting_user_id");
      if (requester !== undefined && !store.isOrgAdmin(org, requester)) throw notAnAdmin();
      const status = store.viewOrgInvitation(rec).status;
      if (status !== "pending") {
        throw new ApiError(
          400,
          "organization_invitation_not_pending",
          "not pending",
          `The organization invitation is not in the "pending" status (it is ${status}).`,
        );
      }
      rec.status = "revoked";
      rec.updated_at = Math.max(store.time(), rec.updated_at + 1);
      return ok(store.viewOrgInvitation(rec));
    },
  },
];

// ---- one user's organizations ----

function userOrNotFound(store: Store, id: string | undefined) {
  const user = id ? store.users.get(id) : undefined;
  if (!user) throw notFound(`No user was found with id ${id ?? ""}.`);
  return user;
}

/**
 * `GET /v1/users/{user_id}/organization_invitations`: the user's side of organization
 * invitations, across organizations, newest first, always in the envelope (the memberships'
 * side is beside the organizations' memberships above). The invitations are those addressed
 * to any of the user's email addresses; without `status`
 * every status is listed (Clerk's spec makes the filter optional and says nothing of a
 * default filter, unlike GET /v1/invitations; not confirmed against Clerk).
 */
export const userOrganizationRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/v1/users/:user_id/organization_invitations",
    handler: ({ store, params, query }) => {
      const user = userOrNotFound(store, params.user_id);
      const statuses = many(query, "status");
      for (const s of statuses) {
        if (!INVITATION_STATUSES.includes(s as InvitationStatus)) {
          throw paramInvalid("status", `status must be one of: ${INVITATION_STATUSES.join(", ")}`);
        }
      }
      const addresses = new Set(
        [user.email_address, ...user.other_email_addresses.map((e) => e.email_address)].map((e) =>
          e.toLowerCase(),
        ),
      );
      let items = [...store.orgInvitations.values()]
        .filter((i) => addresses.has(i.email_address.toLowerCase()))
        .map((i) => store.viewOrgInvitation(i));
      if (statuses.length > 0) items = items.filter((i) => statuses.includes(i.status));
      const withOrg = sortItems(items, "created_at", true).map((i) => {
        const org = store.organizations.get(i.organization_id);
        return {
          ...i,
          public_organization_data: {
            id: i.organization_id,
            name: org?.name ?? "",
            slug: org?.slug ?? "",
            image_url: `https://img.emulator.test/${i.organization_id}`,
            has_image: false,
          },
        };
      });
      return listResponse(withOrg, pageParams(query), true);
    },
  },
];
