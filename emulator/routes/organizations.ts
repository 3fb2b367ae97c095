import { ApiError, notFound, paramInvalid, paramMissing } from "../errors.js";
import {
  DAY_MS,
  DEFAULT_EXPIRES_IN_DAYS,
  ORG_ROLES,
  type Store,
  type StoredOrganization,
  ticketUrl,
} from "../state.js";
import type { InvitationStatus, OrganizationInvitationRecord } from "../types.js";
import {
  expiresInDays,
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
  requireArrayBody,
  requireEmail,
  requireObjectBody,
  sortItems,
} from "./common.js";
import { duplicateInvitations } from "./invitations.js";
import { serializeOrganization } from "./users.js";

const STATUSES: readonly InvitationStatus[] = ["pending", "accepted", "revoked", "expired"];

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
  const role = optionalString(body, "role");
  if (role === undefined || role === "") throw paramMissing("role");
  if (!(role in ORG_ROLES)) {
    throw paramInvalid(
      "role",
      `${role} is not a valid organization role. Known roles: ${Object.keys(ORG_ROLES).join(", ")}`,
    );
  }
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
    pattern: "/v1/organizations/:organization_id",
    handler: ({ store, params, query }) => {
      const org = requireOrg(store, params.organization_id);
      const pending = orgInvitationsOf(store, org).filter((i) => i.status === "pending").length;
      return ok(
        serializeOrganization(org, pending, one(query, "include_members_count") === "true"),
      );
    },
  },
  {
    method: "GET",
    pattern: "/v1/organizations/:organization_id/invitations",
    handler: ({ store, params, query }) => {
      const org = requireOrg(store, params.organization_id);
      const statuses = many(query, "status");
      for (const s of statuses) {
        if (!STATUSES.includes(s as InvitationStatus)) {
          throw paramInvalid("status", `status must be one of: ${STATUSES.join(", ")}`);
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
