import * as z from "zod";
import { ToolError } from "../clerk/errors.js";
import { describeFailure } from "../clerk/failure-text.js";
import { InvitationId } from "../clerk/ids.js";
import {
  type BulkRevokeItem,
  createInvitation,
  createInvitations,
  findInvitation,
  lookupInvitations,
  previewRevokeInvitations,
  revokeInvitation,
  revokeInvitations,
} from "../clerk/invitations.js";
import {
  compactMetadata,
  INVITATION_STATUSES,
  type InvitationJson,
  InvitationView,
  InvitationWithUrlView,
  invitationView,
  invitationWithUrlView,
  isoTime,
  rawOf,
} from "../clerk/views.js";
import { DESTRUCTIVE, INVITE, READ } from "./annotations.js";
import {
  allFailed,
  batchResult,
  countBy,
  dedupe,
  describeCounts,
  itemOutcome,
  progressReporter,
  repeatsRemoved,
  unknownWarning,
} from "./bulk.js";
import { EmailAddress, ExpiresInDays, Metadata, oneOrMany, RedirectUrl } from "./fields.js";
import { emptyPageSummary, Limit, Offset, pageOutput, Query } from "./paging.js";
import { listPage, notRevocableReason, SETTLED_STATUSES } from "./revocation.js";
import { defineTool } from "./types.js";
import { counted } from "./wording.js";

/** Application invitations (`inv_…`). Organization invitations live in organization_invitations.ts. */

export const revokeInvitationTool = defineTool({
  name: "revoke_invitation",
  title: "Revoke application invitation",
  description:
    "Its sign-up link stops working; an already revoked one is returned unchanged. IDs: list_invitations.",
  toolset: "invitations",
  input: {
    invitation_id: InvitationId,
  },
  output: InvitationView.shape,
  annotations: DESTRUCTIVE,
  async confirm({ invitation_id }, { clerk, signal }) {
    const inv = await findInvitation(clerk, invitation_id, signal);
    if (inv && SETTLED_STATUSES.has(inv.status)) return undefined;
    if (!inv) {
      return {
        message: `Revoke invitation ${invitation_id} (not found by lookup)? If it exists, its sign-up link will stop working.`,
      };
    }
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
        const { cause } = result;
        throw new ToolError(
          `Invitation ${invitation_id} for ${email_address} cannot be revoked: ${notRevocableReason(status, ACCEPTED)}. Nothing changed.${cause ? ` ${describeFailure(cause)}` : ""}`,
          cause,
        );
      }
      case "not_found":
        throw new ToolError(
          `There is no application invitation ${invitation_id} on this instance. list_invitations finds IDs; organization invitations (orginv_…) are separate. ${describeFailure(result.cause)}`,
          result.cause,
        );
    }
  },
});

const ACCEPTED = {
  now: "the person has signed up",
  instead: "To remove their access, manage the user instead",
};

// Clerk also takes a `+` prefix for ascending; the bare name means the same.
const ORDER_BY = [
  "created_at",
  "-created_at",
  "email_address",
  "-email_address",
  "expires_at",
  "-expires_at",
] as const;

export const listInvitationsTool = defineTool({
  name: "list_invitations",
  title: "List application invitations",
  description:
    "Newest first; revoked ones only with status revoked. orginv_…: list_organization_invitations.",
  toolset: "invitations",
  input: {
    // Clerk's GET /v1/invitations takes one status (spec and @clerk/backend): a list of one, as
    // list_organization_invitations takes, is accepted so that both filters have one shape.
    status: oneOrMany(
      INVITATION_STATUSES,
      "list_invitations filters by one status at a time (Clerk's endpoint takes one); call it once per status",
    ).optional(),
    query: Query.optional().describe("Email address or ID"),
    order_by: z.enum(ORDER_BY).optional(),
    limit: Limit,
    offset: Offset,
  },
  output: pageOutput("invitations", InvitationView),
  annotations: READ,
  async handler({ status: statuses, query, order_by, limit, offset }, { clerk, signal }) {
    const status = statuses?.[0];
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
    const views = page.data.map((inv) => invitationView(rawOf(inv) as InvitationJson));
    const summary =
      views.length > 0
        ? undefined
        : emptyPageSummary(
            offset,
            page.totalCount,
            [
              `application invitation${status ? ` (status ${status})` : ""}`,
              `application invitations${status ? ` (status ${status})` : ""}`,
            ],
            `No application invitations matched${status ? ` (status ${status})` : ""}. Invitations sent from an organization are organization invitations: list them with list_organization_invitations.`,
          );
    return {
      structured: listPage(views, page.totalCount, offset),
      ...(summary ? { summary } : {}),
    };
  },
});

const CREATE_OPTIONS = {
  public_metadata: Metadata.optional(),
  redirect_url: RedirectUrl.optional(),
  notify: z.boolean().default(true).describe("Email the link"),
  ignore_existing: z.boolean().optional().describe("Even if already invited or a user"),
  expires_in_days: ExpiresInDays.optional(),
  template_slug: z.enum(["invitation", "waitlist_invitation"]).optional(),
};

/** Both create tools: a write that is not destructive and not idempotent. */

export const createInvitationTool = defineTool({
  name: "create_invitation",
  title: "Create application invitation",
  description: "Returns it with its url; with notify false, share that link yourself.",
  toolset: "invitations",
  input: { email_address: EmailAddress, ...CREATE_OPTIONS },
  output: InvitationWithUrlView.shape,
  annotations: INVITE,
  async handler({ email_address, ...options }, { clerk, signal }) {
    const result = await createInvitation(clerk, email_address, options, signal);
    if (result.outcome !== "created") {
      throw new ToolError(
        `${result.error} Nothing changed. ${describeFailure(result.cause)}`,
        result.cause,
      );
    }
    const view = invitationWithUrlView(result.invitation);
    const how = options.notify ? "Clerk emailed the link" : "No email was sent: share the url";
    return {
      structured: view,
      summary: `Invited ${view.email_address} (${view.id}). ${how}.${result.note ? ` ${result.note}` : ""}`,
    };
  },
});

// `outcome_unknown`: Clerk's answer was lost and the lookup that would have settled it failed,
// so the item may or may not have been applied; `failed` items were not.
const CREATE_OUTCOMES = [
  "created",
  "already_invited",
  "already_a_user",
  "failed",
  "outcome_unknown",
] as const;

export const createInvitationsTool = defineTool({
  name: "create_invitations",
  title: "Create application invitations",
  description: "Same options for all; each with its outcome.",
  toolset: "invitations",
  input: {
    email_addresses: z.array(EmailAddress).min(1).max(100),
    ...CREATE_OPTIONS,
  },
  output: {
    results: z.array(
      z.object({
        email_address: z.string(),
        outcome: z.enum(CREATE_OUTCOMES),
        invitation: InvitationWithUrlView.optional(),
        note: z.string().optional(),
        error: z.string().optional(),
      }),
    ),
    counts: z.partialRecord(z.enum(CREATE_OUTCOMES), z.number().int()),
    duplicates_removed: z.number().int(),
  },
  annotations: INVITE,
  async handler({ email_addresses, ...options }, ctx) {
    const { unique, removed } = dedupe(email_addresses, (e) => e.toLowerCase());
    const items = await createInvitations(
      ctx.clerk,
      unique,
      options,
      ctx.signal,
      progressReporter(ctx),
    );
    const failures = items.flatMap((item) => (item.outcome === "failed" ? [item.failure] : []));
    const everyFailed =
      failures.length === items.length &&
      allFailed({ one: "address", many: "addresses" }, failures);
    if (everyFailed) throw everyFailed;
    const results = items.map((item) =>
      item.outcome === "created"
        ? {
            email_address: item.email_address,
            outcome: item.outcome,
            // Every item shares the same metadata; keep a large one out of 100 copies.
            invitation: (({ public_metadata, ...v }) => ({
              ...v,
              public_metadata: compactMetadata(public_metadata),
            }))(invitationWithUrlView(item.invitation)),
            ...(item.note ? { note: item.note } : {}),
          }
        : {
            email_address: item.email_address,
            outcome: itemOutcome(
              item.outcome,
              item.outcome === "failed" ? item.failure : undefined,
            ),
            error: item.error,
          },
    );
    const counts = countBy(results.map((r) => r.outcome));
    return {
      structured: { results, counts, duplicates_removed: removed },
      summary: `${unknownWarning(counts, "list_invitations (query: the address)")}${describeCounts(counts)}.${repeatsRemoved(removed, "repeated address", "repeated addresses")}${!options.notify && counts.created ? " No email was sent (notify: false): share each invitation's url yourself." : ""}`,
    };
  },
});

const REVOKE_OUTCOMES = [
  "revoked",
  "would_revoke",
  "already_revoked",
  "not_revocable",
  "not_found",
  "failed",
  "outcome_unknown",
] as const;

export const revokeInvitationsTool = defineTool({
  name: "revoke_invitations",
  title: "Revoke application invitations",
  description: "Each with its outcome; dry_run previews, changing nothing.",
  toolset: "invitations",
  input: {
    invitation_ids: z.array(InvitationId).min(1).max(100),
    dry_run: z.boolean().default(false),
  },
  output: {
    dry_run: z.boolean(),
    results: z.array(
      z.object({
        invitation_id: z.string(),
        outcome: z.enum(REVOKE_OUTCOMES),
        email_address: z.string().optional(),
        status: z.string().optional(),
        note: z.string().optional(),
        error: z.string().optional(),
      }),
    ),
    counts: z.partialRecord(z.enum(REVOKE_OUTCOMES), z.number().int()),
    duplicates_removed: z.number().int(),
  },
  annotations: DESTRUCTIVE,
  readsOnly: ({ dry_run }) => dry_run,
  async confirm({ invitation_ids, dry_run }, { clerk, signal }) {
    if (dry_run) return undefined;
    const { unique } = dedupe(invitation_ids);
    const found = await lookupInvitations(clerk, unique, signal);
    // Everything the lookup does not show as settled may change, found or not.
    const named = unique.flatMap((id) => {
      const inv = found.get(id);
      if (!inv) return [`${id} (not found by lookup)`];
      return SETTLED_STATUSES.has(inv.status) ? [] : [inv.email_address];
    });
    if (named.length === 0) return undefined;
    const shown = named.slice(0, 5).join(", ");
    const more = named.length > 5 ? ` and ${named.length - 5} more` : "";
    return {
      message: `Revoke ${counted(named.length, "invitation")} (${shown}${more})? Their sign-up links will stop working.`,
    };
  },
  async handler({ invitation_ids, dry_run }, ctx) {
    const { unique, removed } = dedupe(invitation_ids);
    const run = dry_run ? previewRevokeInvitations : revokeInvitations;
    const items: BulkRevokeItem[] = await run(ctx.clerk, unique, ctx.signal, progressReporter(ctx));
    const { results, counts } = batchResult(items, { one: "revoke", many: "revokes" });
    const prefix = dry_run ? "Dry run, nothing changed: " : "";
    return {
      structured: { dry_run, results, counts, duplicates_removed: removed },
      summary: `${unknownWarning(counts, "list_invitations (query: the ID)")}${prefix}${describeCounts(counts)}.${repeatsRemoved(removed, "repeated ID")}`,
    };
  },
});

export const invitationTools = [
  revokeInvitationTool,
  listInvitationsTool,
  createInvitationTool,
  createInvitationsTool,
  revokeInvitationsTool,
];
