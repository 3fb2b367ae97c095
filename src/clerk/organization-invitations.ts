import type { ClerkClient, ClerkGateway } from "./client.js";
import { ClerkFailure, type Found, getById, ToolError } from "./errors.js";
import { describeFailure } from "./failure-text.js";
import { createdSince, rethrowUnlessClerkFailure, settleCreate } from "./outcomes.js";
import { type RevokeResult, revoke } from "./revocation.js";
import { roleNotFound } from "./roles.js";
import {
  type InvitationStatus,
  isoTime,
  type OrganizationInvitationJson,
  rawOf,
  rawPage,
} from "./views.js";

/**
 * Organization invitations (`orginv_…`): invitations to join one organization, separate from
 * application invitations. Every endpoint is under `/v1/organizations/{organization_id}`, so
 * every operation needs the organization ID. Unlike application invitations, they have a
 * get-by-ID endpoint.
 */

export interface OrganizationInvitationPage {
  data: OrganizationInvitationJson[];
  total_count: number;
}

/**
 * One page of an organization's invitations, newest first.
 * Source: `GET /v1/organizations/{organization_id}/invitations?status=…&status=…&limit&offset`.
 * @throws ToolError when the organization does not exist (404); ClerkFailure otherwise.
 */
export async function listOrganizationInvitations(
  clerk: ClerkGateway,
  params: {
    organization_id: string;
    status?: InvitationStatus[] | undefined;
    limit: number;
    offset: number;
  },
  signal?: AbortSignal,
): Promise<OrganizationInvitationPage> {
  const { organization_id, status, limit, offset } = params;
  try {
    const page = await clerk.call(
      (c) =>
        c.organizations.getOrganizationInvitationList({
          organizationId: organization_id,
          limit,
          offset,
          ...(status?.length ? { status } : {}),
        }),
      { idempotent: true, signal },
    );
    return rawPage<OrganizationInvitationJson>(page);
  } catch (err) {
    throw notFoundAsToolError(err, `There is no organization ${organization_id} on this instance.`);
  }
}

/**
 * One organization invitation, or Clerk's 404 (`missing`) when it has no such invitation in
 * that organization (or no such organization: Clerk answers 404 for both).
 * Source: `GET /v1/organizations/{organization_id}/invitations/{invitation_id}`.
 * @throws ClerkFailure for other failures.
 */
export async function getOrganizationInvitation(
  clerk: ClerkGateway,
  organization_id: string,
  invitation_id: string,
  signal?: AbortSignal,
): Promise<Found<OrganizationInvitationJson>> {
  return getById(async () => {
    const inv = await clerk.call(
      (c) =>
        c.organizations.getOrganizationInvitation({
          organizationId: organization_id,
          invitationId: invitation_id,
        }),
      { idempotent: true, signal },
    );
    return rawOf(inv) as OrganizationInvitationJson;
  });
}

export interface CreateOrganizationInvitationParams {
  organization_id: string;
  email_address: string;
  role: string;
  inviter_user_id?: string | undefined;
  public_metadata?: Record<string, unknown> | undefined;
  private_metadata?: Record<string, unknown> | undefined;
  redirect_url?: string | undefined;
  expires_in_days?: number | undefined;
}

/**
 * Creates an organization invitation. Not retried except on 429; after an ambiguous failure
 * it looks up the organization's pending invitations for the address and reports one only if
 * it was created after the request was sent (`settleCreate`).
 * Source: `POST /v1/organizations/{organization_id}/invitations`; after an ambiguous failure,
 * `GET /v1/organizations/{organization_id}/invitations?status=pending&email_address=…`.
 * @returns the invitation including `url`, and a note when Clerk's answer was lost.
 * @throws ToolError for the refusals an admin can act on (unknown organization or role, a full
 *   organization, duplicate, member already, inviter not an admin) and, after an ambiguous
 *   failure, when nothing was created; OutcomeUnknown when that cannot be established;
 *   ClerkFailure otherwise.
 */
export async function createOrganizationInvitation(
  clerk: ClerkGateway,
  p: CreateOrganizationInvitationParams,
  signal?: AbortSignal,
): Promise<{ invitation: OrganizationInvitationJson; note?: string }> {
  const startedAt = Date.now();
  try {
    const inv = await clerk.call(
      (c) =>
        c.organizations.createOrganizationInvitation({
          organizationId: p.organization_id,
          emailAddress: p.email_address,
          role: p.role,
          ...(p.inviter_user_id !== undefined ? { inviterUserId: p.inviter_user_id } : {}),
          ...(p.public_metadata !== undefined ? { publicMetadata: p.public_metadata } : {}),
          ...(p.private_metadata !== undefined ? { privateMetadata: p.private_metadata } : {}),
          ...(p.redirect_url !== undefined ? { redirectUrl: p.redirect_url } : {}),
          ...(p.expires_in_days !== undefined ? { expiresInDays: p.expires_in_days } : {}),
        }),
      { idempotent: false, signal },
    );
    return { invitation: rawOf(inv) as OrganizationInvitationJson };
  } catch (err) {
    rethrowUnlessClerkFailure(err);
    const what = `${p.email_address} to ${p.organization_id}`;
    // Both are 404s; only the role's names the `role` parameter.
    const badRole = roleNotFound(p.role, err);
    if (badRole) throw badRole;
    if (err.status === 404) {
      throw new ToolError(
        `There is no organization ${p.organization_id} on this instance. ${describeFailure(err)}`,
        err,
      );
    }
    // Clerk counts members plus pending invitations against the organization's limit, and
    // against the plan's on production instances; both are 403s, like a non-admin inviter.
    if (err.hasCode("organization_membership_quota_exceeded")) {
      throw new ToolError(
        `Clerk refused to invite ${what}: ${p.organization_id} is at its max_allowed_memberships (members and pending invitations count toward it); nothing changed. Revoke a pending invitation, or raise the limit with update_organization. ${describeFailure(err)}`,
        err,
      );
    }
    if (err.hasCode("organization_membership_plan_quota_exceeded")) {
      throw new ToolError(
        `Clerk refused to invite ${what}: the instance's Clerk plan allows no more organization memberships (pending invitations count toward it); nothing changed. ${describeFailure(err)}`,
        err,
      );
    }
    if (err.status === 403) {
      throw new ToolError(
        `Clerk refused to invite ${what}: ${p.inviter_user_id ? `inviter_user_id ${p.inviter_user_id} must be an administrator (org:admin) of the organization` : "the secret key may not belong to this instance"}. ${describeFailure(err)}`,
        err,
      );
    }
    if (err.hasCode("duplicate_record")) {
      throw new ToolError(
        `${p.email_address} already has a pending invitation to ${p.organization_id}; nothing changed. list_organization_invitations shows it. ${describeFailure(err)}`,
        err,
      );
    }
    if (err.hasCode("already_a_member_in_organization")) {
      throw new ToolError(
        `${p.email_address} is already a member of ${p.organization_id}; nothing changed. ${describeFailure(err)}`,
        err,
      );
    }
    if (err.outcomeUnknown) {
      const settled = await settleCreate({
        clerk,
        signal,
        cause: err,
        what: `the invitation of ${what}`,
        checkWith: `list_organization_invitations (organization_id ${p.organization_id}, status pending)`,
        lookup: () =>
          findNewOrganizationInvitation(
            clerk,
            p.organization_id,
            p.email_address,
            startedAt,
            signal,
          ),
        describe: (inv) =>
          `a pending invitation for ${what} (${inv.id}) created ${isoTime(inv.created_at)}`,
      });
      return { invitation: settled.found, note: settled.note };
    }
    throw err;
  }
}

type ListParams = Parameters<ClerkClient["organizations"]["getOrganizationInvitationList"]>[0];

/** Clerk's largest page for the organization invitation list. */
const LOOKUP_PAGE = 500;

/**
 * The organization's newest pending invitation for `email` (matched exactly, ignoring case)
 * created since `startedAt` allowing for clock skew, or undefined.
 * Clerk's API filters by `email_address`; @clerk/backend's parameter type leaves it out but
 * passes it through (snake_cased like the rest). Should the filter be ignored, the exact match
 * below still holds.
 * Source: `GET /v1/organizations/{organization_id}/invitations?status=pending&email_address=…&limit=500`.
 * @throws ClerkFailure when the query fails.
 */
async function findNewOrganizationInvitation(
  clerk: ClerkGateway,
  organization_id: string,
  email: string,
  startedAt: number,
  signal: AbortSignal | undefined,
): Promise<OrganizationInvitationJson | undefined> {
  const params: ListParams & { emailAddress: string } = {
    organizationId: organization_id,
    status: ["pending"],
    emailAddress: email,
    limit: LOOKUP_PAGE,
  };
  const page = await clerk.call((c) => c.organizations.getOrganizationInvitationList(params), {
    idempotent: true,
    signal,
  });
  const wanted = email.toLowerCase();
  const hits = page.data
    .filter(
      (inv) => inv.emailAddress.toLowerCase() === wanted && createdSince(inv.createdAt, startedAt),
    )
    .sort((a, b) => b.createdAt - a.createdAt);
  return hits[0] ? (rawOf(hits[0]) as OrganizationInvitationJson) : undefined;
}

export type OrganizationRevokeResult = RevokeResult<OrganizationInvitationJson>;

/**
 * Revokes one organization invitation, with `revokeInvitation`'s semantics: branch on the
 * invitation's status after a 400, never on Clerk's codes.
 * Source: `POST /v1/organizations/{organization_id}/invitations/{invitation_id}/revoke` with
 * `{ requesting_user_id }` in the JSON body when given; after a 400 or an unknown outcome,
 * `GET /v1/organizations/{organization_id}/invitations/{invitation_id}`.
 * @throws ToolError for a 403 (the requester must be an org admin); see `settleRevoke` for a
 *   400 or a lost answer; ClerkFailure otherwise.
 */
export async function revokeOrganizationInvitation(
  clerk: ClerkGateway,
  p: { organization_id: string; invitation_id: string; requesting_user_id?: string | undefined },
  signal?: AbortSignal,
): Promise<OrganizationRevokeResult> {
  const { organization_id, invitation_id, requesting_user_id } = p;
  return revoke({
    clerk,
    signal,
    id: invitation_id,
    send: async (c) =>
      rawOf(
        await c.organizations.revokeOrganizationInvitation({
          organizationId: organization_id,
          invitationId: invitation_id,
          ...(requesting_user_id !== undefined ? { requestingUserId: requesting_user_id } : {}),
        }),
      ) as OrganizationInvitationJson,
    lookup: async () =>
      (await getOrganizationInvitation(clerk, organization_id, invitation_id, signal)).found,
    refused: (err) =>
      err.status === 403
        ? new ToolError(
            `Clerk refused to revoke ${invitation_id}: ${requesting_user_id ? `requesting_user_id ${requesting_user_id} must be an administrator (org:admin) of ${organization_id}` : `Clerk requires the requesting user to be an administrator of ${organization_id}; pass requesting_user_id of one`}. Nothing changed. ${describeFailure(err)}`,
            err,
          )
        : undefined,
    checkWith: `get_organization_invitation (organization_id ${organization_id})`,
  });
}

/** Turns a 404 into a ToolError with `message`; rethrows everything else. */
function notFoundAsToolError(err: unknown, message: string): never {
  if (err instanceof ClerkFailure && err.status === 404) {
    throw new ToolError(`${message} ${describeFailure(err)}`, err);
  }
  throw err;
}
