import type { ClerkGateway } from "./client.js";
import {
  ClerkFailure,
  describeFailure,
  type Found,
  getById,
  OutcomeUnknown,
  ToolError,
} from "./errors.js";
import { CLOCK_SKEW_MS, rethrowUnlessClerkFailure } from "./invitations.js";
import { isoTime, type OrganizationJson, type OrganizationMembershipJson, rawOf } from "./views.js";

/**
 * Organizations (`org_…`) and their memberships. A membership has no ID of its own on Clerk's
 * wire: it is addressed by (organization_id, user_id). Updates (PATCH) are retried like reads,
 * since sending the same values twice ends in the same state; creates and deletes are not, and
 * after a lost answer they look up what Clerk holds instead of guessing.
 */

export const ORGANIZATION_ORDER = ["-created_at", "name", "-members_count"] as const;
export type OrganizationOrder = (typeof ORGANIZATION_ORDER)[number];

export interface Page<T> {
  data: T[];
  total_count: number;
}

/** Where an admin finds organization IDs, for messages. */
const FIND_ORGS = "list_organizations finds IDs";

/**
 * The error for an organization Clerk does not have: the ID, that nothing changed (for write
 * tools), and Clerk's 404 (status, codes, trace ID).
 */
export function organizationNotFound(
  organization_id: string,
  cause: ClerkFailure,
  write = true,
): ToolError {
  return new ToolError(
    `Organization ${organization_id} does not exist on this instance (or was already deleted)${write ? "; nothing changed" : ""}. ${FIND_ORGS}. ${describeFailure(cause)}`,
    cause,
  );
}

/**
 * Clerk's answer to a role the instance does not have: 404 `resource_not_found` naming the
 * `role` parameter, on membership and organization invitation endpoints alike. Other 404s of
 * those endpoints name no parameter.
 */
export function roleNotFound(role: string, err: ClerkFailure): ToolError | undefined {
  if (err.status !== 404 || paramOf(err) !== "role") return undefined;
  return new ToolError(
    `This instance has no role ${role}; nothing changed. org:admin and org:member always exist; custom roles are set up in the Clerk Dashboard. ${describeFailure(err)}`,
    err,
  );
}

/** Clerk's refusal to remove or demote the organization's only admin, or undefined. */
function onlyAdmin(organization_id: string, user_id: string, err: ClerkFailure) {
  if (!err.hasCode("organization_minimum_permissions_needed")) return undefined;
  return new ToolError(
    `${user_id} is the only admin of ${organization_id}, and Clerk keeps at least one: make another member org:admin first (update_organization_membership). Nothing changed. ${describeFailure(err)}`,
    err,
  );
}

function notMember(organization_id: string, user_id: string, cause: ClerkFailure): ToolError {
  return new ToolError(
    `${user_id} is not a member of ${organization_id} (or there is no such organization); nothing changed. list_organization_memberships lists members. ${describeFailure(cause)}`,
    cause,
  );
}

/**
 * One page of the instance's organizations, with members counts.
 * Source: `GET /v1/organizations?include_members_count=true&query&order_by&limit&offset`.
 * @throws ClerkFailure.
 */
export async function listOrganizations(
  clerk: ClerkGateway,
  p: { query?: string | undefined; order_by: OrganizationOrder; limit: number; offset: number },
  signal?: AbortSignal,
): Promise<Page<OrganizationJson>> {
  const page = await clerk.call(
    (c) =>
      c.organizations.getOrganizationList({
        includeMembersCount: true,
        orderBy: p.order_by,
        limit: p.limit,
        offset: p.offset,
        ...(p.query ? { query: p.query } : {}),
      }),
    { idempotent: true, signal },
  );
  return { data: page.data.map((o) => rawOf(o) as OrganizationJson), total_count: page.totalCount };
}

/**
 * One organization with its members count, or Clerk's 404 (`missing`) when it has none with
 * that ID (or slug: Clerk takes either).
 * Source: `GET /v1/organizations/{organization_id}?include_members_count=true`.
 * @throws ClerkFailure for failures other than 404.
 */
export async function getOrganization(
  clerk: ClerkGateway,
  organization_id: string,
  signal?: AbortSignal,
): Promise<Found<OrganizationJson>> {
  return getById(async () => {
    const org = await clerk.call(
      (c) =>
        c.organizations.getOrganization({
          organizationId: organization_id,
          includeMembersCount: true,
        }),
      { idempotent: true, signal },
    );
    return rawOf(org) as OrganizationJson;
  });
}

export interface CreateOrganizationParams {
  name: string;
  slug?: string | undefined;
  created_by?: string | undefined;
  max_allowed_memberships?: number | undefined;
}

/**
 * Creates an organization; `created_by` becomes its admin. Not retried except on 429. After a
 * lost answer with a `slug`, the slug is looked up and an organization created since the
 * request was sent (allowing `CLOCK_SKEW_MS`) is reported as this one.
 * Source: `POST /v1/organizations`; after a lost answer, `GET /v1/organizations/{slug}`.
 * @returns the organization, and a note when Clerk's answer was lost.
 * @throws ToolError for a taken slug or an unknown `created_by`, and when a lookup shows nothing
 *   was created; OutcomeUnknown when that cannot be established; ClerkFailure otherwise.
 */
export async function createOrganization(
  clerk: ClerkGateway,
  p: CreateOrganizationParams,
  signal?: AbortSignal,
): Promise<{ organization: OrganizationJson; note?: string }> {
  const startedAt = Date.now();
  try {
    const org = await clerk.call(
      (c) =>
        c.organizations.createOrganization({
          name: p.name,
          ...(p.slug !== undefined ? { slug: p.slug } : {}),
          ...(p.created_by !== undefined ? { createdBy: p.created_by } : {}),
          ...(p.max_allowed_memberships !== undefined
            ? { maxAllowedMemberships: p.max_allowed_memberships }
            : {}),
        }),
      { idempotent: false, signal },
    );
    return { organization: rawOf(org) as OrganizationJson };
  } catch (err) {
    rethrowUnlessClerkFailure(err);
    if (err.hasCode("form_identifier_exists")) {
      throw new ToolError(
        `The slug ${p.slug ?? `derived from "${p.name}"`} is already taken by another organization; nothing was created. Pass another slug, or find the existing one with list_organizations. ${describeFailure(err)}`,
        err,
      );
    }
    if (p.created_by !== undefined && err.hasCode("organization_creator_not_found")) {
      throw new ToolError(
        `created_by ${p.created_by} is not a user of this instance; nothing was created. ${describeFailure(err)}`,
        err,
      );
    }
    if (!err.outcomeUnknown) throw err;
    const request = `create request for organization "${p.name}" failed (${describeFailure(err)})`;
    if (p.slug === undefined) {
      throw new OutcomeUnknown(
        `The outcome is unknown: the ${request}. Check with list_organizations (query "${p.name}") before retrying.`,
        err,
      );
    }
    let found: OrganizationJson | undefined;
    try {
      found = (await getOrganization(clerk, p.slug, signal)).found;
    } catch {
      throw new OutcomeUnknown(
        `The outcome is unknown: the ${request} and slug ${p.slug} could not be looked up afterwards. Check with list_organizations (query "${p.slug}") before retrying.`,
        err,
      );
    }
    if (found && found.created_at >= startedAt - CLOCK_SKEW_MS) {
      return {
        organization: found,
        note: `Clerk's answer was lost (${describeFailure(err)}), but a lookup finds organization ${found.id} with slug ${p.slug}, created ${isoTime(found.created_at)}, no earlier than the request allowing for clock skew.`,
      };
    }
    throw new ToolError(
      `The ${request}, and a lookup of slug ${p.slug} finds ${found ? `only ${found.id}, created before this request` : "no organization"}: nothing was created. Try again.`,
      err,
    );
  }
}

/**
 * The parameter Clerk named in its first error (`meta.param_name` on the wire), if any.
 * `@clerk/backend` hands error meta over camelCased, so it is read as `paramName`.
 */
function paramOf(err: ClerkFailure): unknown {
  return err.errors[0]?.meta?.paramName;
}

/**
 * Changes an organization's name, slug or membership limit. Retried like a read: the same
 * values sent twice end in the same state.
 * Source: `PATCH /v1/organizations/{organization_id}` with `{ name, slug, max_allowed_memberships }`.
 * @throws ToolError for an unknown organization (404) or a taken slug; ClerkFailure otherwise.
 */
export async function updateOrganization(
  clerk: ClerkGateway,
  organization_id: string,
  p: {
    name?: string | undefined;
    slug?: string | undefined;
    max_allowed_memberships?: number | undefined;
  },
  signal?: AbortSignal,
): Promise<OrganizationJson> {
  try {
    const org = await clerk.call(
      (c) =>
        c.organizations.updateOrganization(organization_id, {
          ...(p.name !== undefined ? { name: p.name } : {}),
          ...(p.slug !== undefined ? { slug: p.slug } : {}),
          ...(p.max_allowed_memberships !== undefined
            ? { maxAllowedMemberships: p.max_allowed_memberships }
            : {}),
        }),
      { idempotent: true, signal },
    );
    return rawOf(org) as OrganizationJson;
  } catch (err) {
    rethrowUnlessClerkFailure(err);
    if (err.status === 404) throw organizationNotFound(organization_id, err);
    if (err.hasCode("form_identifier_exists")) {
      throw new ToolError(
        `The slug ${p.slug ?? ""} is already taken by another organization; nothing changed. ${describeFailure(err)}`,
        err,
      );
    }
    throw err;
  }
}

/**
 * Deep-merges metadata into an organization's: objects merge key by key, null removes a key.
 * Retried like a read: merging the same patch twice ends in the same state.
 * Source: `PATCH /v1/organizations/{organization_id}/metadata` with `{ public_metadata, private_metadata }`.
 * @throws ToolError for an unknown organization (404); ClerkFailure otherwise.
 */
export async function updateOrganizationMetadata(
  clerk: ClerkGateway,
  organization_id: string,
  p: {
    public_metadata?: Record<string, unknown> | undefined;
    private_metadata?: Record<string, unknown> | undefined;
  },
  signal?: AbortSignal,
): Promise<OrganizationJson> {
  try {
    const org = await clerk.call(
      (c) =>
        c.organizations.updateOrganizationMetadata(organization_id, {
          ...(p.public_metadata !== undefined ? { publicMetadata: p.public_metadata } : {}),
          ...(p.private_metadata !== undefined ? { privateMetadata: p.private_metadata } : {}),
        }),
      { idempotent: true, signal },
    );
    return rawOf(org) as OrganizationJson;
  } catch (err) {
    rethrowUnlessClerkFailure(err);
    if (err.status === 404) throw organizationNotFound(organization_id, err);
    throw err;
  }
}

/**
 * Deletes an organization with its memberships and invitations; this cannot be undone. Not
 * retried (a repeat would answer 404 for a delete that worked); after a lost answer the
 * organization is looked up, and its absence is reported as deleted.
 * Source: `DELETE /v1/organizations/{organization_id}`; after a lost answer,
 * `GET /v1/organizations/{organization_id}`.
 * @returns the deleted organization's ID (Clerk's DeletedObject names no slug), with a note
 *   when Clerk's answer was lost.
 * @throws ToolError for an unknown organization (404) and when a lookup shows it is still there;
 *   OutcomeUnknown when the lookup fails; ClerkFailure otherwise.
 */
export async function deleteOrganization(
  clerk: ClerkGateway,
  organization_id: string,
  signal?: AbortSignal,
): Promise<{ id: string; note?: string }> {
  try {
    const deleted = await clerk.call((c) => c.organizations.deleteOrganization(organization_id), {
      idempotent: false,
      signal,
    });
    return { id: deleted.id ?? organization_id };
  } catch (err) {
    rethrowUnlessClerkFailure(err);
    if (err.status === 404) throw organizationNotFound(organization_id, err);
    if (!err.outcomeUnknown) throw err;
    const request = `delete request for ${organization_id} failed (${describeFailure(err)})`;
    let still: OrganizationJson | undefined;
    try {
      still = (await getOrganization(clerk, organization_id, signal)).found;
    } catch {
      throw new OutcomeUnknown(
        `The outcome is unknown: the ${request} and the organization could not be looked up afterwards. Check with get_organization before retrying.`,
        err,
      );
    }
    if (still) {
      throw new ToolError(
        `The ${request}, and a lookup shows ${organization_id} still exists: nothing was deleted. Try again.`,
        err,
      );
    }
    return {
      id: organization_id,
      note: `Clerk's answer was lost (${describeFailure(err)}), but a lookup shows ${organization_id} no longer exists.`,
    };
  }
}

/**
 * One page of an organization's memberships, newest first, optionally only those with `role`.
 * Clerk queries memberships by organization ID without looking the organization up, so an
 * unknown organization lists nothing rather than failing (its spec lists no 404 here).
 * Source: `GET /v1/organizations/{organization_id}/memberships?role=…&limit&offset`.
 * @throws ToolError should Clerk answer 404 after all (it would mean no such organization);
 *   ClerkFailure otherwise.
 */
export async function listOrganizationMemberships(
  clerk: ClerkGateway,
  p: { organization_id: string; role?: string | undefined; limit: number; offset: number },
  signal?: AbortSignal,
): Promise<Page<OrganizationMembershipJson>> {
  try {
    const page = await clerk.call(
      (c) =>
        c.organizations.getOrganizationMembershipList({
          organizationId: p.organization_id,
          limit: p.limit,
          offset: p.offset,
          ...(p.role ? { role: [p.role] } : {}),
        }),
      { idempotent: true, signal },
    );
    return {
      data: page.data.map((m) => rawOf(m) as OrganizationMembershipJson),
      total_count: page.totalCount,
    };
  } catch (err) {
    if (err instanceof ClerkFailure && err.status === 404) {
      throw new ToolError(
        `There is no organization ${p.organization_id} on this instance. ${FIND_ORGS}. ${describeFailure(err)}`,
        err,
      );
    }
    throw err;
  }
}

/**
 * The user's membership in the organization, or undefined when they are not a member (or the
 * organization does not exist).
 * Source: `GET /v1/organizations/{organization_id}/memberships?user_id={user_id}`.
 * @throws ClerkFailure for failures other than 404.
 */
export async function findMembership(
  clerk: ClerkGateway,
  organization_id: string,
  user_id: string,
  signal?: AbortSignal,
): Promise<OrganizationMembershipJson | undefined> {
  try {
    const page = await clerk.call(
      (c) =>
        c.organizations.getOrganizationMembershipList({
          organizationId: organization_id,
          userId: [user_id],
          limit: 10,
        }),
      { idempotent: true, signal },
    );
    const found = page.data.find((m) => m.publicUserData?.userId === user_id);
    return found ? (rawOf(found) as OrganizationMembershipJson) : undefined;
  } catch (err) {
    if (err instanceof ClerkFailure && err.status === 404) return undefined;
    throw err;
  }
}

/**
 * Adds a user to an organization with `role`, without an invitation. Not retried except on
 * 429; after a lost answer the membership is looked up, and one created since the request was
 * sent (allowing `CLOCK_SKEW_MS`) is reported as this one.
 * Source: `POST /v1/organizations/{organization_id}/memberships` with `{ user_id, role }`;
 * after a lost answer, `GET /v1/organizations/{organization_id}/memberships?user_id=…`.
 * @throws ToolError when the user is already a member, the organization, user or role does not
 *   exist, the organization is full, and when a lookup shows nothing was created; OutcomeUnknown when
 *   that cannot be established; ClerkFailure otherwise.
 */
export async function createOrganizationMembership(
  clerk: ClerkGateway,
  p: { organization_id: string; user_id: string; role: string },
  signal?: AbortSignal,
): Promise<{ membership: OrganizationMembershipJson; note?: string }> {
  const startedAt = Date.now();
  try {
    const m = await clerk.call(
      (c) =>
        c.organizations.createOrganizationMembership({
          organizationId: p.organization_id,
          userId: p.user_id,
          role: p.role,
        }),
      { idempotent: false, signal },
    );
    return { membership: rawOf(m) as OrganizationMembershipJson };
  } catch (err) {
    rethrowUnlessClerkFailure(err);
    const what = `${p.user_id} to ${p.organization_id}`;
    if (err.hasCode("already_a_member_in_organization")) {
      throw new ToolError(
        `${p.user_id} is already a member of ${p.organization_id}; nothing changed. update_organization_membership changes a member's role. ${describeFailure(err)}`,
        err,
      );
    }
    const badRole = roleNotFound(p.role, err);
    if (badRole) throw badRole;
    if (err.status === 404) {
      throw new ToolError(
        `Could not add ${what}: Clerk has no such user or no such organization; nothing changed. ${describeFailure(err)}`,
        err,
      );
    }
    if (err.status === 403) {
      throw new ToolError(
        `Clerk refused to add ${what}; nothing changed (the organization may be at its max_allowed_memberships: pending invitations count toward it). ${describeFailure(err)}`,
        err,
      );
    }
    if (!err.outcomeUnknown) throw err;
    const request = `request adding ${what} failed (${describeFailure(err)})`;
    let found: OrganizationMembershipJson | undefined;
    try {
      found = await findMembership(clerk, p.organization_id, p.user_id, signal);
    } catch {
      throw new OutcomeUnknown(
        `The outcome is unknown: the ${request} and the membership could not be looked up afterwards. Check with list_organization_memberships before retrying.`,
        err,
      );
    }
    if (found && found.created_at >= startedAt - CLOCK_SKEW_MS) {
      return {
        membership: found,
        note: `Clerk's answer was lost (${describeFailure(err)}), but a lookup finds the membership, created ${isoTime(found.created_at)}.`,
      };
    }
    throw new ToolError(
      `The ${request}, and a lookup finds ${found ? "only a membership from before this request" : "no membership"}: nothing was created. ${found ? "" : "Try again."}`.trimEnd(),
      err,
    );
  }
}

/**
 * Changes a member's role. Retried like a read: the same role sent twice ends in the same state.
 * Source: `PATCH /v1/organizations/{organization_id}/memberships/{user_id}` with `{ role }`.
 * @throws ToolError when the user is not a member or the role does not exist (404s), and
 *   when they are the only admin and the role would change (400); ClerkFailure otherwise.
 */
export async function updateOrganizationMembership(
  clerk: ClerkGateway,
  p: { organization_id: string; user_id: string; role: string },
  signal?: AbortSignal,
): Promise<OrganizationMembershipJson> {
  try {
    const m = await clerk.call(
      (c) =>
        c.organizations.updateOrganizationMembership({
          organizationId: p.organization_id,
          userId: p.user_id,
          role: p.role,
        }),
      { idempotent: true, signal },
    );
    return rawOf(m) as OrganizationMembershipJson;
  } catch (err) {
    rethrowUnlessClerkFailure(err);
    const refused = roleNotFound(p.role, err) ?? onlyAdmin(p.organization_id, p.user_id, err);
    if (refused) throw refused;
    if (err.status === 404) throw notMember(p.organization_id, p.user_id, err);
    throw err;
  }
}

/**
 * Removes a user from an organization; Clerk deletes the organization when that was its last
 * member. Not retried (a repeat would answer 404 for a removal
 * that worked); after a lost answer the membership is looked up, and its absence is reported
 * as removed.
 * Source: `DELETE /v1/organizations/{organization_id}/memberships/{user_id}`; after a lost
 * answer, `GET /v1/organizations/{organization_id}/memberships?user_id=…`.
 * @returns the removed membership (as Clerk last held it, or as the confirmation lookup saw
 *   it), with a note when Clerk's answer was lost.
 * @throws ToolError when the user is not a member (404) or the only admin (400), and when a
 *   lookup shows they still are;
 *   OutcomeUnknown when the lookup fails; ClerkFailure otherwise.
 */
export async function deleteOrganizationMembership(
  clerk: ClerkGateway,
  p: { organization_id: string; user_id: string },
  signal?: AbortSignal,
): Promise<{ membership: OrganizationMembershipJson | undefined; note?: string }> {
  try {
    const m = await clerk.call(
      (c) =>
        c.organizations.deleteOrganizationMembership({
          organizationId: p.organization_id,
          userId: p.user_id,
        }),
      { idempotent: false, signal },
    );
    return { membership: rawOf(m) as OrganizationMembershipJson };
  } catch (err) {
    rethrowUnlessClerkFailure(err);
    if (err.status === 404) throw notMember(p.organization_id, p.user_id, err);
    const refused = onlyAdmin(p.organization_id, p.user_id, err);
    if (refused) throw refused;
    if (!err.outcomeUnknown) throw err;
    const request = `request removing ${p.user_id} from ${p.organization_id} failed (${describeFailure(err)})`;
    let still: OrganizationMembershipJson | undefined;
    try {
      still = await findMembership(clerk, p.organization_id, p.user_id, signal);
    } catch {
      throw new OutcomeUnknown(
        `The outcome is unknown: the ${request} and the membership could not be looked up afterwards. Check with list_organization_memberships before retrying.`,
        err,
      );
    }
    if (still) {
      throw new ToolError(
        `The ${request}, and a lookup shows ${p.user_id} is still a member: nothing changed. Try again.`,
        err,
      );
    }
    return {
      membership: undefined,
      note: `Clerk's answer was lost (${describeFailure(err)}), but a lookup shows ${p.user_id} is no longer a member.`,
    };
  }
}
