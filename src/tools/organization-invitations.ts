import { type ClerkFailure, ToolError } from "../clerk/errors.js";
import { describeFailure } from "../clerk/failure-text.js";
import { OrganizationId, OrganizationInvitationId, UserId } from "../clerk/ids.js";
import {
  createOrganizationInvitation,
  getOrganizationInvitation,
  listOrganizationInvitations,
  revokeOrganizationInvitation,
} from "../clerk/organization-invitations.js";
import { namingRoleKeys } from "../clerk/roles.js";
import {
  INVITATION_STATUSES,
  isoTime,
  OrganizationInvitationView,
  OrganizationInvitationWithUrlView,
  organizationInvitationView,
  organizationInvitationWithUrlView,
} from "../clerk/views.js";
import { DESTRUCTIVE, INVITE, READ } from "./annotations.js";
import { EmailAddress, ExpiresInDays, Metadata, oneOrMany, RedirectUrl, Role } from "./fields.js";
import { Limit, Offset, pageOutput } from "./paging.js";
import { listPage, notRevocableReason, SETTLED_STATUSES } from "./revocation.js";
import { defineTool } from "./types.js";

/**
 * Organization invitations (`orginv_…`): invitations to join one organization. Every tool
 * needs the organization_id, since Clerk files them under the organization.
 */

export const listOrganizationInvitationsTool = defineTool({
  name: "list_organization_invitations",
  title: "List organization invitations",
  description: "Newest first; every status unless filtered.",
  toolset: "organization_invitations",
  input: {
    organization_id: OrganizationId,
    status: oneOrMany(INVITATION_STATUSES).optional(),
    limit: Limit,
    offset: Offset,
  },
  output: pageOutput("invitations", OrganizationInvitationView),
  annotations: READ,
  async handler({ organization_id, status, limit, offset }, { clerk, signal }) {
    const page = await listOrganizationInvitations(
      clerk,
      { organization_id, status, limit, offset },
      signal,
    );
    return {
      structured: listPage(page.data.map(organizationInvitationView), page.total_count, offset),
      ...(page.data.length === 0
        ? {
            summary: `${organization_id} has no organization invitations${status ? ` with status ${status.join(" or ")}` : ""}. Application invitations are listed by list_invitations.`,
          }
        : {}),
    };
  },
});

export const getOrganizationInvitationTool = defineTool({
  name: "get_organization_invitation",
  title: "Get organization invitation",
  description: "By organization_id and ID.",
  toolset: "organization_invitations",
  input: { organization_id: OrganizationId, invitation_id: OrganizationInvitationId },
  output: OrganizationInvitationView.shape,
  annotations: READ,
  async handler({ organization_id, invitation_id }, { clerk, signal }) {
    const inv = await getOrganizationInvitation(clerk, organization_id, invitation_id, signal);
    if (inv.missing) throw notFound(organization_id, invitation_id, inv.missing);
    return { structured: organizationInvitationView(inv.found) };
  },
});

export const createOrganizationInvitationTool = defineTool({
  name: "create_organization_invitation",
  title: "Create organization invitation",
  description: "Returns it with its url.",
  toolset: "organization_invitations",
  input: {
    organization_id: OrganizationId,
    email_address: EmailAddress,
    role: Role,
    inviter_user_id: UserId.optional().describe("An org admin"),
    public_metadata: Metadata.optional(),
    private_metadata: Metadata.optional(),
    redirect_url: RedirectUrl.optional(),
    expires_in_days: ExpiresInDays.optional(),
  },
  output: OrganizationInvitationWithUrlView.shape,
  annotations: INVITE,
  async handler(args, { clerk, signal }) {
    const { invitation, note } = await namingRoleKeys(clerk, signal, () =>
      createOrganizationInvitation(clerk, args, signal),
    );
    const view = organizationInvitationWithUrlView(invitation);
    return {
      structured: view,
      summary: `Invited ${view.email_address} to ${view.organization_id} as ${view.role} (${view.id}).${note ? ` ${note}` : ""}`,
    };
  },
});

const ACCEPTED = { now: "the person is a member now", instead: "Remove the membership instead" };

export const revokeOrganizationInvitationTool = defineTool({
  name: "revoke_organization_invitation",
  title: "Revoke organization invitation",
  description: "An already revoked one is returned unchanged.",
  toolset: "organization_invitations",
  input: {
    organization_id: OrganizationId,
    invitation_id: OrganizationInvitationId,
    requesting_user_id: UserId.optional().describe("An org admin"),
  },
  output: OrganizationInvitationView.shape,
  annotations: DESTRUCTIVE,
  async confirm({ organization_id, invitation_id }, { clerk, signal }) {
    const { found: inv } = await getOrganizationInvitation(
      clerk,
      organization_id,
      invitation_id,
      signal,
    );
    // Settled, or Clerk says it does not exist (404): nothing to lose, so no question.
    if (!inv || SETTLED_STATUSES.has(inv.status)) return undefined;
    return {
      message: `Revoke the invitation for ${inv.email_address} to ${organization_id} (${inv.id}, role ${inv.role}, status ${inv.status}, created ${isoTime(inv.created_at).slice(0, 10)})? Their invitation link will stop working.`,
    };
  },
  async handler(args, { clerk, signal }) {
    const { organization_id, invitation_id } = args;
    const result = await revokeOrganizationInvitation(clerk, args, signal);
    switch (result.outcome) {
      case "revoked":
        return {
          structured: organizationInvitationView(result.invitation),
          summary: `Revoked ${invitation_id} for ${result.invitation.email_address}.${result.note ? ` ${result.note}` : ""}`,
        };
      case "already_revoked":
        return {
          structured: organizationInvitationView(result.invitation),
          summary: `${invitation_id} for ${result.invitation.email_address} was already revoked; nothing changed.`,
        };
      case "not_revocable": {
        const { status, email_address } = result.invitation;
        const { cause } = result;
        throw new ToolError(
          `${invitation_id} for ${email_address} cannot be revoked: ${notRevocableReason(status, ACCEPTED)}. Nothing changed.${cause ? ` ${describeFailure(cause)}` : ""}`,
          cause,
        );
      }
      case "not_found":
        throw notFound(organization_id, invitation_id, result.cause);
    }
  },
});

/** The error for an invitation Clerk does not have, ending with Clerk's answer (`cause`). */
function notFound(organization_id: string, invitation_id: string, cause: ClerkFailure): ToolError {
  return new ToolError(
    `Clerk has no invitation ${invitation_id} in organization ${organization_id} (or no such organization). list_organization_invitations finds IDs; application invitations (inv_…) are separate. ${describeFailure(cause)}`,
    cause,
  );
}

export const organizationInvitationTools = [
  listOrganizationInvitationsTool,
  getOrganizationInvitationTool,
  createOrganizationInvitationTool,
  revokeOrganizationInvitationTool,
];
