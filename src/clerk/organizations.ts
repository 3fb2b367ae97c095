import type { ClerkGateway } from "./client.js";
import { ClerkFailure, type Found, getById, ToolError } from "./errors.js";
import { describeFailure } from "./failure-text.js";
import {
  createdSince,
  outcomeUnknown,
  repeatNote,
  rethrowUnlessClerkFailure,
  type Settled,
  sendState,
  setState,
  settleCreate,
} from "./outcomes.js";
import { roleNotFound } from "./roles.js";
import {
  isoTime,
  type OrganizationJson,
  type OrganizationMembershipJson,
  type Page,
  rawOf,
  rawPage,
} from "./views.js";

/**
 * Organizations (`org_…`) and their memberships. A membership has no ID of its own on Clerk's
 * wire: it is addressed by (organization_id, user_id). Updates and deletes only set state, so
 * after a lost answer they are repeated (`setState`); creates are not, and after a lost answer
 * they look up what Clerk holds (`settleCreate`): see src/clerk/outcomes.ts.
 */

export const ORGANIZATION_ORDER = ["-created_at", "name", "-members_count"] as const;
export type OrganizationOrder = (typeof ORGANIZATION_ORDER)[number];

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
  return rawPage<OrganizationJson>(page);
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
          ...(organization_id.startsWith("org_")
            ? { organizationId: organization_id }
            : { slug: organization_id }),
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
 * Creates an organization; `created_by` becomes its admin. Never repeated blindly: after a lost
 * answer, what it may have made is looked up (`settleCreate`): by slug when one was given, else
 * by name (an exact match, created since the request was sent, by `created_by` when given).
 * Source: `POST /v1/organizations`; after a lost answer, `GET /v1/organizations/{slug}` or
 * `GET /v1/organizations?query=<name>&order_by=-created_at`.
 * @returns the organization, and a note when Clerk's answer was lost.
 * @throws ToolError for a taken slug or an unknown `created_by`; OutcomeUnknown when a lost
 *   answer cannot be settled; ClerkFailure otherwise.
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
    const settled = await settleCreate({
      clerk,
      signal,
      cause: err,
      what: `the create of organization "${p.name}"`,
      checkWith: `list_organizations (query "${p.slug ?? p.name}")`,
      lookup: () => findNewOrganization(clerk, p, startedAt, signal),
      describe: (org) =>
        `organization ${org.id} (slug ${org.slug}) created ${isoTime(org.created_at)}`,
    });
    return { organization: settled.found, note: settled.note };
  }
}

/**
 * The organization a create with `p` made since `startedAt`, or undefined. With a slug, the
 * organization at that slug; without, the newest whose name is exactly `p.name` (Clerk trims
 * names) and, when given, whose creator is `created_by`.
 * Source: `GET /v1/organizations/{slug}`, or `GET /v1/organizations?query=<name>&order_by=-created_at&limit=20`.
 * @throws ClerkFailure when the lookup fails.
 */
async function findNewOrganization(
  clerk: ClerkGateway,
  p: CreateOrganizationParams,
  startedAt: number,
  signal: AbortSignal | undefined,
): Promise<OrganizationJson | undefined> {
  if (p.slug !== undefined) {
    const { found } = await getOrganization(clerk, p.slug, signal);
    return found && createdSince(found.created_at, startedAt) ? found : undefined;
  }
  const name = p.name.trim();
  const page = await listOrganizations(
    clerk,
    { query: name, order_by: "-created_at", limit: 20, offset: 0 },
    signal,
  );
  return page.data.find(
    (o) =>
      o.name === name &&
      createdSince(o.created_at, startedAt) &&
      (p.created_by === undefined || o.created_by === p.created_by),
  );
}

/**
 * Changes an organization's name, slug or membership limit. Only sets state, so it is repeated
 * after a lost answer (`setState`).
 * Source: `PATCH /v1/organizations/{organization_id}` with `{ name, slug, max_allowed_memberships }`.
 * @returns the organization, with a note when an earlier answer was lost.
 * @throws ToolError for an unknown organization (404) or a taken slug; OutcomeUnknown when no
 *   attempt got an answer; ClerkFailure otherwise.
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
): Promise<Settled<OrganizationJson>> {
  return sendState(
    clerk,
    async (c) =>
      rawOf(
        await c.organizations.updateOrganization(organization_id, {
          ...(p.name !== undefined ? { name: p.name } : {}),
          ...(p.slug !== undefined ? { slug: p.slug } : {}),
          ...(p.max_allowed_memberships !== undefined
            ? { maxAllowedMemberships: p.max_allowed_memberships }
            : {}),
        }),
      ) as OrganizationJson,
    signal,
    {
      request: `the update of ${organization_id}`,
      checkWith: `get_organization (${organization_id})`,
      refused: (err) => {
        if (err.status === 404) return organizationNotFound(organization_id, err);
        if (err.hasCode("form_identifier_exists")) {
          return new ToolError(
            `The slug ${p.slug ?? ""} is already taken by another organization; nothing changed. ${describeFailure(err)}`,
            err,
          );
        }
        return undefined;
      },
    },
  );
}

/**
 * Deep-merges metadata into an organization's: objects merge key by key, null removes a key.
 * Merging the same patch again ends in the same state, so it is repeated after a lost answer.
 * Source: `PATCH /v1/organizations/{organization_id}/metadata` with `{ public_metadata, private_metadata }`.
 * @returns the organization, with a note when an earlier answer was lost.
 * @throws ToolError for an unknown organization (404); OutcomeUnknown when no attempt got an
 *   answer; ClerkFailure otherwise.
 */
export async function updateOrganizationMetadata(
  clerk: ClerkGateway,
  organization_id: string,
  p: {
    public_metadata?: Record<string, unknown> | undefined;
    private_metadata?: Record<string, unknown> | undefined;
  },
  signal?: AbortSignal,
): Promise<Settled<OrganizationJson>> {
  return sendState(
    clerk,
    async (c) =>
      rawOf(
        await c.organizations.updateOrganizationMetadata(organization_id, {
          ...(p.public_metadata !== undefined ? { publicMetadata: p.public_metadata } : {}),
          ...(p.private_metadata !== undefined ? { privateMetadata: p.private_metadata } : {}),
        }),
      ) as OrganizationJson,
    signal,
    {
      request: `the metadata merge into ${organization_id}`,
      checkWith: `get_organization (${organization_id})`,
      refused: (err) =>
        err.status === 404 ? organizationNotFound(organization_id, err) : undefined,
    },
  );
}

/**
 * Deletes an organization with its memberships and invitations; this cannot be undone. Only
 * sets state, so after a lost answer it is repeated (`setState`): a 404 then means it is gone.
 * Source: `DELETE /v1/organizations/{organization_id}`.
 * @returns the deleted organization's ID (Clerk's DeletedObject names no slug), with a note
 *   when Clerk's first answer was lost.
 * @throws ToolError for an unknown organization (a 404 with no lost answer before it);
 *   OutcomeUnknown when no attempt got an answer; ClerkFailure otherwise.
 */
export async function deleteOrganization(
  clerk: ClerkGateway,
  organization_id: string,
  signal?: AbortSignal,
): Promise<{ id: string; note?: string }> {
  const answer = await setState(
    clerk,
    (c) => c.organizations.deleteOrganization(organization_id),
    signal,
  );
  if (answer.ok) {
    const id = answer.value.id ?? organization_id;
    return answer.lost ? { id, note: repeatNote(answer.lost, "deleted it") } : { id };
  }
  const { failure, lost } = answer;
  if (failure.status === 404) {
    if (!lost) throw organizationNotFound(organization_id, failure);
    return {
      id: organization_id,
      note: repeatNote(lost, `found ${organization_id} gone (Clerk answered 404)`),
    };
  }
  if (failure.outcomeUnknown) {
    throw outcomeUnknown(
      `the delete of ${organization_id}`,
      failure,
      `get_organization (${organization_id})`,
    );
  }
  throw failure;
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
    return rawPage<OrganizationMembershipJson>(page);
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
 * Adds a user to an organization with `role`, without an invitation. Never repeated blindly:
 * after a lost answer the membership is looked up (`settleCreate`), and one created since the
 * request was sent (allowing for clock skew) is reported as this one.
 * Source: `POST /v1/organizations/{organization_id}/memberships` with `{ user_id, role }`;
 * after a lost answer, `GET /v1/organizations/{organization_id}/memberships?user_id=…`.
 * @throws ToolError when the user is already a member, the organization, user or role does not
 *   exist, or the organization is full; OutcomeUnknown when a lost answer cannot be settled;
 *   ClerkFailure otherwise.
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
    const settled = await settleCreate({
      clerk,
      signal,
      cause: err,
      what: `the request adding ${what}`,
      checkWith: `list_organization_memberships (organization_id ${p.organization_id})`,
      lookup: async () => {
        const found = await findMembership(clerk, p.organization_id, p.user_id, signal);
        return found && createdSince(found.created_at, startedAt) ? found : undefined;
      },
      describe: (m) => `the membership, created ${isoTime(m.created_at)}`,
    });
    return { membership: settled.found, note: settled.note };
  }
}

/**
 * Changes a member's role. Only sets state, so it is repeated after a lost answer.
 * Source: `PATCH /v1/organizations/{organization_id}/memberships/{user_id}` with `{ role }`.
 * @returns the membership, with a note when an earlier answer was lost.
 * @throws ToolError when the user is not a member or the role does not exist (404s), and
 *   when they are the only admin and the role would change (400); OutcomeUnknown when no
 *   attempt got an answer; ClerkFailure otherwise.
 */
export async function updateOrganizationMembership(
  clerk: ClerkGateway,
  p: { organization_id: string; user_id: string; role: string },
  signal?: AbortSignal,
): Promise<Settled<OrganizationMembershipJson>> {
  return sendState(
    clerk,
    async (c) =>
      rawOf(
        await c.organizations.updateOrganizationMembership({
          organizationId: p.organization_id,
          userId: p.user_id,
          role: p.role,
        }),
      ) as OrganizationMembershipJson,
    signal,
    {
      request: `the role change of ${p.user_id} in ${p.organization_id}`,
      checkWith: `list_organization_memberships (organization_id ${p.organization_id})`,
      refused: (err) =>
        roleNotFound(p.role, err) ??
        onlyAdmin(p.organization_id, p.user_id, err) ??
        (err.status === 404 ? notMember(p.organization_id, p.user_id, err) : undefined),
    },
  );
}

/**
 * Removes a user from an organization; Clerk deletes the organization when that was its last
 * member. Only sets state, so after a lost answer it is repeated (`setState`): a 404 then means
 * they are no longer a member.
 * Source: `DELETE /v1/organizations/{organization_id}/memberships/{user_id}`.
 * @returns the removed membership as Clerk last held it (undefined when the repeat found it
 *   gone), with a note when Clerk's first answer was lost.
 * @throws ToolError when the user is not a member (a 404 with no lost answer before it) or the
 *   only admin (400); OutcomeUnknown when no attempt got an answer; ClerkFailure otherwise.
 */
export async function deleteOrganizationMembership(
  clerk: ClerkGateway,
  p: { organization_id: string; user_id: string },
  signal?: AbortSignal,
): Promise<{ membership: OrganizationMembershipJson | undefined; note?: string }> {
  const answer = await setState(
    clerk,
    async (c) =>
      rawOf(
        await c.organizations.deleteOrganizationMembership({
          organizationId: p.organization_id,
          userId: p.user_id,
        }),
      ) as OrganizationMembershipJson,
    signal,
  );
  if (answer.ok) {
    const membership = answer.value;
    return answer.lost
      ? { membership, note: repeatNote(answer.lost, "removed them") }
      : { membership };
  }
  const { failure, lost } = answer;
  if (failure.status === 404) {
    if (!lost) throw notMember(p.organization_id, p.user_id, failure);
    return {
      membership: undefined,
      note: repeatNote(lost, `found ${p.user_id} no longer a member (Clerk answered 404)`),
    };
  }
  const refused = onlyAdmin(p.organization_id, p.user_id, failure);
  if (refused) throw refused;
  if (failure.outcomeUnknown) {
    throw outcomeUnknown(
      `the removal of ${p.user_id} from ${p.organization_id}`,
      failure,
      `list_organization_memberships (organization_id ${p.organization_id})`,
    );
  }
  throw failure;
}
