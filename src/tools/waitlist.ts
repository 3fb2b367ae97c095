import * as z from "zod";
import { WaitlistEntryId } from "../clerk/ids.js";
import {
  isoTime,
  WAITLIST_STATUSES,
  WaitlistEntryView,
  waitlistEntryView,
} from "../clerk/views.js";
import {
  findWaitlistEntry,
  inviteWaitlistEntries,
  listWaitlistEntries,
  rejectWaitlistEntry,
} from "../clerk/waitlist.js";
import { DESTRUCTIVE, INVITE, READ } from "./annotations.js";
import {
  batchResult,
  dedupe,
  describeCounts,
  progressReporter,
  repeatsRemoved,
  unknownWarning,
} from "./bulk.js";
import { oneOrMany } from "./fields.js";
import { emptyPageSummary, Limit, Offset, page, pageOutput, Query } from "./paging.js";
import { defineTool } from "./types.js";

/** The waitlist (`wle_…`): people waiting to be let in while the instance is in waitlist mode. */

// The spec's fields; @clerk/backend sends the value as given (`+`/`-` prefix or none).
const ORDER_BY = [
  "created_at",
  "-created_at",
  "email_address",
  "-email_address",
  "invited_at",
  "-invited_at",
] as const;

export const listWaitlistEntriesTool = defineTool({
  name: "list_waitlist_entries",
  title: "List waitlist entries",
  description: "People waiting to sign up (waitlist mode), newest first.",
  toolset: "waitlist",
  input: {
    status: oneOrMany(
      WAITLIST_STATUSES,
      "list_waitlist_entries filters by one status at a time (Clerk's endpoint takes one); call it once per status",
    ).optional(),
    query: Query.optional().describe("Email address or ID"),
    order_by: z.enum(ORDER_BY).optional(),
    limit: Limit,
    offset: Offset,
  },
  output: pageOutput("entries", WaitlistEntryView),
  annotations: READ,
  async handler({ status: statuses, query, order_by, limit, offset }, { clerk, signal }) {
    const status = statuses?.[0];
    const res = await listWaitlistEntries(
      clerk,
      { status, query, order_by, limit, offset },
      signal,
    );
    const entries = res.data.map(waitlistEntryView);
    const which = status ? ` (status ${status})` : "";
    const summary =
      entries.length > 0
        ? undefined
        : emptyPageSummary(
            offset,
            res.total_count,
            [`entry${which}`, `entries${which}`],
            `No waitlist entries matched${which}.`,
          );
    return {
      structured: page("entries", entries, res.total_count, offset),
      ...(summary ? { summary } : {}),
    };
  },
});

const INVITE_OUTCOMES = [
  "invited",
  "already_invited",
  "not_invitable",
  "not_found",
  "failed",
  "outcome_unknown",
] as const;

export const inviteWaitlistEntriesTool = defineTool({
  name: "invite_waitlist_entries",
  title: "Invite waitlist entries",
  description: "Clerk emails each an invitation; each with its outcome.",
  toolset: "waitlist",
  input: {
    waitlist_entry_ids: z.array(WaitlistEntryId).min(1).max(100),
    ignore_existing: z.boolean().default(false).describe("Even if already invited or a user"),
  },
  output: {
    results: z.array(
      z.object({
        waitlist_entry_id: z.string(),
        outcome: z.enum(INVITE_OUTCOMES),
        email_address: z.string().optional(),
        status: z.string().optional(),
        note: z.string().optional(),
        error: z.string().optional(),
      }),
    ),
    counts: z.partialRecord(z.enum(INVITE_OUTCOMES), z.number().int()),
    duplicates_removed: z.number().int(),
  },
  // Inviting sets the entry to invited; a repeat finds it invited and sends nothing more.
  annotations: { ...INVITE, idempotentHint: true },
  async handler({ waitlist_entry_ids, ignore_existing }, ctx) {
    const { unique, removed } = dedupe(waitlist_entry_ids);
    const items = await inviteWaitlistEntries(
      ctx.clerk,
      unique,
      ignore_existing,
      ctx.signal,
      progressReporter(ctx),
    );
    const { results, counts } = batchResult(items, { one: "invite", many: "invites" });
    return {
      structured: { results, counts, duplicates_removed: removed },
      summary: `${unknownWarning(counts, "list_waitlist_entries (query: the ID)")}${describeCounts(counts)}.${repeatsRemoved(removed, "repeated ID")}`,
    };
  },
});

export const rejectWaitlistEntryTool = defineTool({
  name: "reject_waitlist_entry",
  title: "Reject waitlist entry",
  description: "An already rejected one is returned unchanged.",
  toolset: "waitlist",
  input: { waitlist_entry_id: WaitlistEntryId },
  output: WaitlistEntryView.shape,
  annotations: DESTRUCTIVE,
  async confirm({ waitlist_entry_id }, { clerk, signal }) {
    const entry = await findWaitlistEntry(clerk, waitlist_entry_id, signal);
    if (entry?.status === "rejected") return undefined;
    if (!entry) {
      return {
        message: `Reject waitlist entry ${waitlist_entry_id} (not found by lookup)? If it exists, they will not be let in from the waitlist.`,
      };
    }
    return {
      message: `Reject ${entry.email_address} from the waitlist (${entry.id}, status ${entry.status}, joined ${isoTime(entry.created_at).slice(0, 10)})? They will not be let in from the waitlist.`,
    };
  },
  async handler({ waitlist_entry_id }, { clerk, signal }) {
    const before = await findWaitlistEntry(clerk, waitlist_entry_id, signal).catch(() => undefined);
    const { value, note } = await rejectWaitlistEntry(clerk, waitlist_entry_id, signal);
    const view = waitlistEntryView(value);
    const already = before?.status === "rejected";
    return {
      structured: view,
      summary: already
        ? `${view.email_address} (${view.id}) was already rejected; nothing changed.`
        : `Rejected ${view.email_address} (${view.id}).${note ? ` ${note}` : ""}`,
    };
  },
});

export const waitlistTools = [
  listWaitlistEntriesTool,
  inviteWaitlistEntriesTool,
  rejectWaitlistEntryTool,
];
