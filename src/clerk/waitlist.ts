import { asItemFailure, type ItemFailure, KeyRejectedHalt, mapBounded } from "./bulk.js";
import type { ClerkGateway } from "./client.js";
import { type ClerkFailure, ToolError } from "./errors.js";
import { describeFailure, itemFailureText } from "./failure-text.js";
import { createdSince, outcomeUnknown, repeatNote, setState, stateOrThrow } from "./outcomes.js";
import type { Page, WaitlistEntryJson } from "./views.js";

/** The SDK's WaitlistEntry (which keeps no raw JSON) as Clerk's JSON, as far as views read it. */
function entryJson(e: {
  id: string;
  emailAddress: string;
  status: string;
  invitation: { id: string; status: string } | null;
  createdAt: number;
  updatedAt: number;
}): WaitlistEntryJson {
  return {
    id: e.id,
    email_address: e.emailAddress,
    status: e.status,
    invitation: e.invitation ? { id: e.invitation.id, status: e.invitation.status } : null,
    created_at: e.createdAt,
    updated_at: e.updatedAt,
  };
}

/**
 * Waitlist entries (`wle_…`): people who asked to join an instance in waitlist mode. Clerk has
 * no get-by-ID for them, so a lookup is a list query on the ID.
 */

export type WaitlistOrder =
  | "created_at"
  | "-created_at"
  | "email_address"
  | "-email_address"
  | "invited_at"
  | "-invited_at";

/**
 * A page of waitlist entries, newest first unless `order_by` says otherwise.
 * Source: `GET /v1/waitlist_entries?status=&query=&order_by=&limit=&offset=` (always
 * `{ data, total_count }`).
 * @throws ClerkFailure when the request fails.
 */
export async function listWaitlistEntries(
  clerk: ClerkGateway,
  p: {
    status?: "pending" | "invited" | "rejected" | "completed" | undefined;
    query?: string | undefined;
    order_by?: WaitlistOrder | undefined;
    limit: number;
    offset: number;
  },
  signal?: AbortSignal,
): Promise<Page<WaitlistEntryJson>> {
  const res = await clerk.call(
    (c) =>
      c.waitlistEntries.list({
        limit: p.limit,
        offset: p.offset,
        ...(p.status ? { status: p.status } : {}),
        ...(p.query ? { query: p.query } : {}),
        ...(p.order_by ? { orderBy: p.order_by } : {}),
      }),
    { idempotent: true, signal },
  );
  return { data: res.data.map(entryJson), total_count: res.totalCount };
}

/**
 * Finds one waitlist entry by ID. Source: `GET /v1/waitlist_entries?query=<id>` (Clerk's
 * `query` matches an entry's ID exactly).
 * @returns the entry's JSON, or undefined when Clerk has none with that ID.
 * @throws ClerkFailure when the query fails.
 */
export async function findWaitlistEntry(
  clerk: ClerkGateway,
  id: string,
  signal?: AbortSignal,
): Promise<WaitlistEntryJson | undefined> {
  const { data } = await listWaitlistEntries(clerk, { query: id, limit: 10, offset: 0 }, signal);
  return data.find((e) => e.id === id);
}

export type InviteOutcome = "invited" | "already_invited" | "not_invitable" | "not_found";

export interface InviteItem {
  waitlist_entry_id: string;
  outcome: InviteOutcome | "failed";
  email_address?: string;
  status?: string;
  note?: string;
  error?: string;
  /** Set on failed items only; kept out of tool output (see `ItemFailure`). */
  failure?: ItemFailure;
}

/**
 * Invites one waitlist entry: Clerk creates an application invitation and emails it, and the
 * entry reads `invited`. An entry already invited is reported as such, whichever way Clerk
 * says it: answering the entry unchanged (its `updated_at` before this request), or refusing
 * (the entry is then read, and its status decides).
 *
 * Inviting only sets the entry's state, and Clerk answers an invited entry unchanged instead of
 * sending a second invitation, so after a lost answer it is repeated (`setState`), as other
 * state-setting writes are: the repeat invites it, or finds it invited by the first attempt.
 * That costs no lookup per entry of a batch of 100.
 * Source: `POST /v1/waitlist_entries/{id}/invite` with `{ ignore_existing }`; after a refusal,
 * `GET /v1/waitlist_entries?query=<id>`.
 * @throws OutcomeUnknown when no attempt got an answer; ToolError for Clerk's refusals, in
 *   plain words; ClerkFailure otherwise.
 */
export async function inviteWaitlistEntry(
  clerk: ClerkGateway,
  id: string,
  ignoreExisting: boolean,
  signal?: AbortSignal,
): Promise<Omit<InviteItem, "waitlist_entry_id">> {
  const startedAt = Date.now();
  const answer = await setState(
    clerk,
    async (c) =>
      entryJson(await c.waitlistEntries.invite(id, ignoreExisting ? { ignoreExisting: true } : {})),
    signal,
  );
  if (answer.ok) {
    const e = answer.value;
    const fields = { email_address: e.email_address, status: e.status };
    if (answer.lost) {
      return { outcome: "invited", ...fields, note: repeatNote(answer.lost, "found it invited") };
    }
    return createdSince(e.updated_at, startedAt)
      ? { outcome: "invited", ...fields }
      : { outcome: "already_invited", ...fields };
  }
  const { failure } = answer;
  if (failure.outcomeUnknown) {
    throw outcomeUnknown(`the invite of ${id}`, failure, `list_waitlist_entries (query ${id})`);
  }
  if (failure.status === 404 && !answer.lost) return { outcome: "not_found" };
  // A refusal that names its reason (a user, a pending invitation) is final; another one (a
  // 409, or any after a lost answer, which may be the first attempt's doing) is read from the
  // entry's status.
  const plain = failure.hasCode("form_identifier_exists") || failure.hasCode("duplicate_record");
  const entry =
    plain && !answer.lost
      ? undefined
      : await findWaitlistEntry(clerk, id, signal).catch(() => undefined);
  if (entry?.status === "invited" || entry?.status === "completed") {
    return {
      outcome: entry.status === "invited" ? "already_invited" : "not_invitable",
      email_address: entry.email_address,
      status: entry.status,
    };
  }
  throw refusal(entry ? `${entry.email_address} (${id})` : id, id, failure);
}

/** @param who the entry in words: its address and ID, or the ID alone. */
function refusal(who: string, id: string, err: ClerkFailure): Error {
  if (err.hasCode("form_identifier_exists")) {
    return new ToolError(
      `${who} already belongs to a user, so Clerk did not invite them; nothing changed. Pass ignore_existing: true to invite anyway. ${describeFailure(err)}`,
      err,
    );
  }
  if (err.hasCode("duplicate_record")) {
    return new ToolError(
      `${who} already has a pending invitation, so Clerk did not invite them again; nothing changed. Pass ignore_existing: true to send another. ${describeFailure(err)}`,
      err,
    );
  }
  if (err.status === 404) {
    return new ToolError(
      `There is no waitlist entry ${id}; nothing changed. ${describeFailure(err)}`,
      err,
    );
  }
  if (err.status === 409) {
    return new ToolError(
      `Clerk refused to invite ${who}: the entry's status does not allow it (409); nothing changed. ${describeFailure(err)}`,
      err,
    );
  }
  return err;
}

/** Invites in flight at once: each is a lookup and a write. */
const INVITE_CONCURRENCY = 5;

/**
 * Invites waitlist entries, `INVITE_CONCURRENCY` at a time, with `inviteWaitlistEntry`'s
 * semantics per ID; a 401 halts the rest (`KeyRejectedHalt`).
 * Source: `inviteWaitlistEntry` per ID.
 * @param ids distinct `wle_…` IDs, already checked.
 * @returns one result per ID, in input order; Clerk failures are per item.
 * @throws ClerkFailure for cancellation; programming errors are rethrown unchanged.
 */
export async function inviteWaitlistEntries(
  clerk: ClerkGateway,
  ids: readonly string[],
  ignoreExisting: boolean,
  signal?: AbortSignal,
  onProgress?: (done: number, total: number) => void,
): Promise<InviteItem[]> {
  let done = 0;
  const halt = new KeyRejectedHalt();
  return mapBounded(ids, INVITE_CONCURRENCY, signal, async (id): Promise<InviteItem> => {
    let item: InviteItem;
    const notSent = halt.notSent();
    if (notSent) {
      item = { waitlist_entry_id: id, outcome: "failed", error: notSent.message, failure: notSent };
    } else {
      try {
        item = {
          waitlist_entry_id: id,
          ...(await inviteWaitlistEntry(clerk, id, ignoreExisting, signal)),
        };
      } catch (err) {
        const failure = asItemFailure(err);
        halt.note(failure);
        item = {
          waitlist_entry_id: id,
          outcome: "failed",
          error: itemFailureText(failure),
          failure,
        };
      }
    }
    onProgress?.(++done, ids.length);
    return item;
  });
}

/**
 * Rejects one waitlist entry. Only sets state: repeated after a lost answer, and Clerk answers
 * a rejected entry unchanged.
 * Source: `POST /v1/waitlist_entries/{id}/reject`.
 * @returns the entry, with a note when an earlier answer was lost.
 * @throws ToolError when there is no such entry (404) or Clerk refuses its status (409);
 *   OutcomeUnknown when no attempt got an answer; ClerkFailure otherwise.
 */
export async function rejectWaitlistEntry(clerk: ClerkGateway, id: string, signal?: AbortSignal) {
  const answer = await setState(
    clerk,
    async (c) => entryJson(await c.waitlistEntries.reject(id)),
    signal,
  );
  return stateOrThrow(answer, {
    request: `the reject of ${id}`,
    checkWith: `list_waitlist_entries (query ${id})`,
    refused: (err) => {
      if (err.status === 404) {
        return new ToolError(
          `There is no waitlist entry ${id}; nothing changed. list_waitlist_entries finds IDs. ${describeFailure(err)}`,
          err,
        );
      }
      if (err.status === 409) {
        return new ToolError(
          `Clerk refused to reject ${id}: a completed entry (the person signed up) cannot be rejected; nothing changed. ${describeFailure(err)}`,
          err,
        );
      }
      return undefined;
    },
  });
}
