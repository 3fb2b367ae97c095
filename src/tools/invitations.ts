import { z } from "zod";
import { ToolError } from "../clerk/errors.js";
import { InvitationId } from "../clerk/ids.js";
import { findInvitation, revokeInvitation } from "../clerk/invitations.js";
import {
  compactMetadata,
  INVITATION_STATUSES,
  type InvitationJson,
  InvitationView,
  invitationView,
  isoTime,
  rawOf,
} from "../clerk/views.js";
import { defineTool } from "./types.js";

/** Application invitations (`inv_…`). Organization invitations live in organization_invitations.ts. */

const NOT_REVOCABLE: Record<string, string> = {
  accepted:
    "it was already accepted: the person has signed up, so revoking would change nothing. To remove their access, manage the user instead",
  expired: "it has already expired: its link no longer works, so there is nothing to revoke",
};

export const revokeInvitationTool = defineTool({
  name: "revoke_invitation",
  title: "Revoke application invitation",
  description:
    "Revoke a pending application invitation so its sign-up link stops working. Idempotent: an already revoked invitation is returned unchanged. Get IDs from list_invitations.",
  toolset: "invitations",
  input: {
    invitation_id: InvitationId.describe("Application invitation ID (inv_…)"),
  },
  output: InvitationView.shape,
  annotations: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: true,
    openWorldHint: false,
  },
  async confirm({ invitation_id }, { clerk, signal }) {
    const inv = await findInvitation(clerk, invitation_id, signal);
    if (inv?.status !== "pending") return undefined;
    return {
      message: `Revoke the invitation for ${inv.email_address} (${inv.id}, status ${inv.status}, created ${isoTime(inv.created_at).slice(0, 10)})? Their sign-up link will stop working.`,
    };
  },
  async handler({ invitation_id }, { clerk, signal }) {
    const result = await revokeInvitation(clerk, invitation_id, signal);
    switch (result.outcome) {
      case "revoked":
        return {
          structured: invitationView(result.invitation),
          summary: `Revoked invitation ${invitation_id} for ${result.invitation.email_address}.${result.note ? ` ${result.note}` : ""}`,
        };
      case "already_revoked":
        return {
          structured: invitationView(result.invitation),
          summary: `Invitation ${invitation_id} for ${result.invitation.email_address} was already revoked; nothing changed.`,
        };
      case "not_revocable": {
        const { status, email_address } = result.invitation;
        throw new ToolError(
          `Invitation ${invitation_id} for ${email_address} cannot be revoked: ${NOT_REVOCABLE[status] ?? `its status is ${status}`}. Nothing changed.`,
        );
      }
      case "not_found":
        throw new ToolError(
          `There is no application invitation ${invitation_id} on this instance. list_invitations finds IDs; organization invitations (orginv_…) are separate.`,
        );
    }
  },
});

const ORDER_BY = [
  "created_at",
  "-created_at",
  "+created_at",
  "email_address",
  "-email_address",
  "+email_address",
  "expires_at",
  "-expires_at",
  "+expires_at",
] as const;

export const listInvitationsTool = defineTool({
  name: "list_invitations",
  title: "List application invitations",
  description:
    "List application invitations (inv_…), newest first. Without status, Clerk leaves revoked ones out. Organization invitations are not included: use list_organization_invitations. Metadata over 512 bytes shows as {_omitted_bytes}.",
  toolset: "invitations",
  input: {
    status: z.enum(INVITATION_STATUSES).optional(),
    query: z.string().min(1).max(200).optional().describe("Matches email address or ID"),
    order_by: z.enum(ORDER_BY).optional().describe("Default -created_at"),
    limit: z.number().int().min(1).max(100).default(20),
    offset: z.number().int().min(0).default(0),
  },
  output: {
    invitations: z.array(InvitationView),
    total_count: z.number().int(),
    next_offset: z.number().int().nullable().describe("Offset of the next page; null on the last"),
  },
  annotations: {
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  async handler({ status, query, order_by, limit, offset }, { clerk, signal }) {
    const page = await clerk.call(
      (c) =>
        c.invitations.getInvitationList({
          limit,
          offset,
          ...(status ? { status } : {}),
          ...(query ? { query } : {}),
          ...(order_by ? { orderBy: order_by } : {}),
        }),
      { idempotent: true, signal },
    );
    const invitations = page.data.map((inv) => {
      const view = invitationView(rawOf(inv) as InvitationJson);
      return { ...view, public_metadata: compactMetadata(view.public_metadata) };
    });
    const end = offset + invitations.length;
    const next_offset = invitations.length > 0 && end < page.totalCount ? end : null;
    const summary =
      invitations.length === 0
        ? `No application invitations matched${status ? ` (status ${status})` : ""}. Invitations sent from an organization are organization invitations: list them with list_organization_invitations.`
        : undefined;
    return {
      structured: { invitations, total_count: page.totalCount, next_offset },
      ...(summary ? { summary } : {}),
    };
  },
});

export const invitationTools = [revokeInvitationTool, listInvitationsTool];
