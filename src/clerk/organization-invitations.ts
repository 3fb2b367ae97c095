import type { ClerkGateway } from "./client.js";
import { ClerkFailure, describeFailure, OutcomeUnknown, ToolError } from "./errors.js";
import { type OrganizationInvitationJson, rawOf } from "./views.js";

/**
 * Organization invitations (`orginv_…`): invitations to join one organization, separate from
 * application invitations. Every endpoint is under `/v1/organizations/{organization_id}`, so
 * every operation needs the organization ID. Unlike application invitations, they have a
 * get-by-ID endpoint.
 */

export type OrganizationInvitationStatus = "pending" | "accepted" | "revoked" | "expired";

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
    status?: OrganizationInvitationStatus[] | undefined;
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
    return {
      data: page.data.map((inv) => rawOf(inv) as OrganizationInvitationJson),
      total_count: page.totalCount,
    };
  } catch (err) {
    throw notFoundAsToolError(err, `There is no organization ${organization_id} on this instance.`);
  }
}

/**
 * One organization invitation, or undefined when Clerk has no such invitation in that
 * organization (or no such organization: Clerk answers 404 for both).
 * Source: `GET /v1/organizations/{organization_id}/invitations/{invitation_id}`.
 * @throws ClerkFailure for other failures.
 */
export async function getOrganizationInvitation(
  clerk: ClerkGateway,
  organization_id: string,
  invitation_id: string,
  signal?: AbortSignal,
): Promise<OrganizationInvitationJson | undefined> {
  try {
    const inv = await clerk.call(
      (c) =>
        c.organizations.getOrganizationInvitation({
          organizationId: organization_id,
          invitationId: invitation_id,
        }),
      { idempotent: true, signal },
    );
    return rawOf(inv) as OrganizationInvitationJson;
  } catch (err) {
    if (err instanceof ClerkFailure && err.status === 404) return undefined;
    throw err;
  }
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
 * it lists the organization's pending invitations to report whether one now exists.
 * Source: `POST /v1/organizations/{organization_id}/invitations`; after an ambiguous failure,
 * `GET /v1/organizations/{organization_id}/invitations?status=pending`.
 * @returns the invitation including `url`, and a note when Clerk's answer was lost.
 * @throws ToolError for the refusals an admin can act on (unknown organization, duplicate,
 *   member already, inviter not an admin, unknown outcome); ClerkFailure otherwise.
 */
export async function createOrganizationInvitation(
  clerk: ClerkGateway,
  p: CreateOrganizationInvitationParams,
  signal?: AbortSignal,
): Promise<{ invitation: OrganizationInvitationJson; note?: string }> {
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
    if (!(err instanceof ClerkFailure) || err.kind === "cancelled") throw err;
    const what = `${p.email_address} to ${p.organization_id}`;
    if (err.status === 404) {
      throw new ToolError(
        `There is no organization ${p.organization_id} on this instance. ${describeFailure(err)}`,
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
        `${p.email_address} already has a pending invitation to ${p.organization_id}; nothing changed. list_organization_invitations shows it.`,
      );
    }
    if (err.hasCode("already_a_member_in_organization")) {
      throw new ToolError(
        `${p.email_address} is already a member of ${p.organization_id}; nothing changed.`,
      );
    }
    if (err.outcomeUnknown) return settleCreate(clerk, p, err, signal);
    throw err;
  }
}

async function settleCreate(
  clerk: ClerkGateway,
  p: CreateOrganizationInvitationParams,
  cause: ClerkFailure,
  signal: AbortSignal | undefined,
): Promise<{ invitation: OrganizationInvitationJson; note: string }> {
  let found: OrganizationInvitationJson | undefined;
  try {
    // Clerk's list has no email filter in @clerk/backend; one organization rarely has more
    // than a page of pending invitations, and the newest come first.
    const page = await listOrganizationInvitations(
      clerk,
      { organization_id: p.organization_id, status: ["pending"], limit: 100, offset: 0 },
      signal,
    );
    const wanted = p.email_address.toLowerCase();
    found = page.data.find((inv) => inv.email_address.toLowerCase() === wanted);
  } catch {
    throw new OutcomeUnknown(
      `The outcome is unknown: the create request for ${p.email_address} failed (${describeFailure(cause)}) and ${p.organization_id}'s invitations could not be listed afterwards. Check with list_organization_invitations before retrying.`,
      cause,
    );
  }
  if (!found) {
    throw new ToolError(
      `The create request for ${p.email_address} failed (${describeFailure(cause)}), and ${p.organization_id} has no pending invitation for it: nothing was created. Try again.`,
      cause,
    );
  }
  return {
    invitation: found,
    note: `Clerk's answer was lost (${describeFailure(cause)}), but ${p.organization_id} now has a pending invitation for ${p.email_address}.`,
  };
}

export type OrganizationRevokeResult =
  | { outcome: "revoked"; invitation: OrganizationInvitationJson; note?: string }
  | { outcome: "already_revoked"; invitation: OrganizationInvitationJson }
  | { outcome: "not_revocable"; invitation: OrganizationInvitationJson }
  | { outcome: "not_found" };

/**
 * Revokes one organization invitation, with `revokeInvitation`'s semantics: branch on the
 * invitation's status after a 400, never on Clerk's codes.
 * Source: `POST /v1/organizations/{organization_id}/invitations/{invitation_id}/revoke` with
 * `{ requesting_user_id }` in the JSON body when given; after a 400 or an unknown outcome,
 * `GET /v1/organizations/{organization_id}/invitations/{invitation_id}`.
 * @throws ToolError for a 403 (the requester must be an org admin) and an unknown outcome;
 *   ClerkFailure otherwise.
 */
export async function revokeOrganizationInvitation(
  clerk: ClerkGateway,
  p: { organization_id: string; invitation_id: string; requesting_user_id?: string | undefined },
  signal?: AbortSignal,
): Promise<OrganizationRevokeResult> {
  const { organization_id, invitation_id, requesting_user_id } = p;
  try {
    const inv = await clerk.call(
      (c) =>
        c.organizations.revokeOrganizationInvitation({
          organizationId: organization_id,
          invitationId: invitation_id,
          ...(requesting_user_id !== undefined ? { requestingUserId: requesting_user_id } : {}),
        }),
      { idempotent: false, signal },
    );
    return { outcome: "revoked", invitation: rawOf(inv) as OrganizationInvitationJson };
  } catch (err) {
    if (!(err instanceof ClerkFailure) || err.kind === "cancelled") throw err;
    if (err.status === 404) return { outcome: "not_found" };
    if (err.status === 403) {
      throw new ToolError(
        `Clerk refused to revoke ${invitation_id}: ${requesting_user_id ? `requesting_user_id ${requesting_user_id} must be an administrator (org:admin) of ${organization_id}` : `Clerk requires the requesting user to be an administrator of ${organization_id}; pass requesting_user_id of one`}. Nothing changed. ${describeFailure(err)}`,
      );
    }
    if (err.status === 400 || err.outcomeUnknown) {
      let current: OrganizationInvitationJson | undefined;
      try {
        current = await getOrganizationInvitation(clerk, organization_id, invitation_id, signal);
      } catch (lookupErr) {
        if (err.status === 400) throw lookupErr;
        throw new OutcomeUnknown(
          `The outcome is unknown: the revoke request for ${invitation_id} failed (${describeFailure(err)}) and it could not be looked up afterwards. Check it with get_organization_invitation before retrying.`,
          err,
        );
      }
      if (!current) return { outcome: "not_found" };
      if (current.status === "revoked") {
        return err.status === 400
          ? { outcome: "already_revoked", invitation: current }
          : {
              outcome: "revoked",
              invitation: current,
              note: `Clerk's answer was lost (${describeFailure(err)}), but a lookup shows the invitation is now revoked.`,
            };
      }
      if (current.status === "accepted" || current.status === "expired") {
        return { outcome: "not_revocable", invitation: current };
      }
      if (err.outcomeUnknown) {
        throw new ToolError(
          `The revoke request for ${invitation_id} failed (${describeFailure(err)}), and a lookup shows it is still pending: nothing changed. Try again.`,
          err,
        );
      }
    }
    throw err;
  }
}

/** Turns a 404 into a ToolError with `message`; rethrows everything else. */
function notFoundAsToolError(err: unknown, message: string): never {
  if (err instanceof ClerkFailure && err.status === 404) {
    throw new ToolError(`${message} ${describeFailure(err)}`, err);
  }
  throw err;
}
