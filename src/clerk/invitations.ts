import type { ClerkGateway } from "./client.js";
import { ClerkFailure, describeFailure, OutcomeUnknown, ToolError } from "./errors.js";
import { type InvitationJson, isoTime, rawOf } from "./views.js";

/**
 * Application invitations: the Backend API operations and their semantics, shared by the
 * single and bulk tools. Clerk has no get-by-ID endpoint for application invitations, so a
 * lookup is a list query on the ID.
 */

/** What a revoke did, for either kind of invitation (`T` is its JSON). */
export type RevokeResult<T = InvitationJson> =
  | { outcome: "revoked"; invitation: T; note?: string }
  | { outcome: "already_revoked"; invitation: T }
  /** `cause`: Clerk's 400 refusing the revoke, when it refused (not after a lost answer). */
  | { outcome: "not_revocable"; invitation: T; cause?: ClerkFailure }
  /** `cause`: Clerk's 404, or the failure whose settling lookup found nothing. */
  | { outcome: "not_found"; cause: ClerkFailure };

/**
 * Lets a `ClerkFailure` through to be settled; rethrows cancellation and anything else
 * (programming errors), which no caller should turn into an outcome.
 */
export function rethrowUnlessClerkFailure(err: unknown): asserts err is ClerkFailure {
  if (!(err instanceof ClerkFailure) || err.kind === "cancelled") throw err;
}

/**
 * Finds one application invitation by ID, whatever its status.
 * Source: `GET /v1/invitations?query=<id>`, and again with `status=revoked`, since Clerk's
 * list leaves revoked invitations out unless asked for them. Both run at once.
 * @returns the invitation's JSON, or undefined when Clerk has none with that ID.
 * @throws ClerkFailure when either query fails.
 */
export async function findInvitation(
  clerk: ClerkGateway,
  id: string,
  signal?: AbortSignal,
): Promise<InvitationJson | undefined> {
  const query = (status?: "revoked") =>
    clerk.call(
      (c) =>
        c.invitations.getInvitationList({ query: id, limit: 10, ...(status ? { status } : {}) }),
      { idempotent: true, signal },
    );
  const pages = await Promise.all([query(), query("revoked")]);
  for (const page of pages) {
    const hit = page.data.find((inv) => inv.id === id);
    if (hit) return rawOf(hit) as InvitationJson;
  }
  return undefined;
}

/**
 * Revokes one application invitation and says what happened, branching on the invitation's
 * status rather than on Clerk's error codes (a non-pending revoke is an undocumented 400).
 * Source: `POST /v1/invitations/{id}/revoke`; after a 400 or an unknown outcome,
 * `findInvitation`.
 * @param id an `inv_…` ID already checked against `InvitationId`.
 * @throws ClerkFailure for other failures and cancellation; see `settleRevoke` for the rest.
 */
export async function revokeInvitation(
  clerk: ClerkGateway,
  id: string,
  signal?: AbortSignal,
): Promise<RevokeResult> {
  try {
    // Pass the ID as a string: the object form in Clerk's docs sends `/[object Object]/revoke`.
    const revoked = await clerk.call((c) => c.invitations.revokeInvitation(id), {
      idempotent: false,
      signal,
    });
    return { outcome: "revoked", invitation: rawOf(revoked) as InvitationJson };
  } catch (err) {
    rethrowUnlessClerkFailure(err);
    if (err.status === 404) return { outcome: "not_found", cause: err };
    if (err.status === 400 || err.outcomeUnknown) {
      return settleRevoke(id, err, () => findInvitation(clerk, id, signal), "list_invitations");
    }
    throw err;
  }
}

/**
 * Settles a revoke of either kind of invitation that Clerk refused with a 400 or whose answer
 * was lost, from the status `lookup` finds: revoked is already_revoked after a 400 and revoked
 * (with a note) after a lost answer; accepted, expired or any other non-pending status is
 * not_revocable; none is not_found.
 * @param checkWith the tool that shows the invitation, named when the outcome is unknown.
 * @throws `cause` when a 400 left the invitation pending (Clerk refused for another reason),
 *   and the lookup's own failure after a 400; after a lost answer, OutcomeUnknown when the
 *   lookup fails and ToolError when the invitation is still pending (nothing changed).
 */
export async function settleRevoke<T extends { status: string }>(
  id: string,
  cause: ClerkFailure,
  lookup: () => Promise<T | undefined>,
  checkWith: string,
): Promise<RevokeResult<T>> {
  const refused = cause.status === 400;
  let current: T | undefined;
  try {
    current = await lookup();
  } catch (lookupErr) {
    if (refused) throw lookupErr;
    throw new OutcomeUnknown(
      `The outcome is unknown: the revoke request for ${id} failed (${describeFailure(cause)}) and the invitation could not be looked up afterwards. Check it with ${checkWith} before retrying.`,
      cause,
    );
  }
  if (!current) return { outcome: "not_found", cause };
  if (current.status === "revoked") {
    return refused
      ? { outcome: "already_revoked", invitation: current }
      : {
          outcome: "revoked",
          invitation: current,
          note: `Clerk's answer was lost (${describeFailure(cause)}), but a lookup shows the invitation is now revoked.`,
        };
  }
  if (current.status !== "pending") {
    return { outcome: "not_revocable", invitation: current, ...(refused ? { cause } : {}) };
  }
  if (refused) throw cause;
  throw new ToolError(
    `The revoke request for ${id} failed (${describeFailure(cause)}), and a lookup shows the invitation is still pending: nothing changed. Try again.`,
    cause,
  );
}

// ---- create ----

/** Options shared by the single and bulk create, snake_case as on Clerk's wire. */
export interface CreateInvitationOptions {
  public_metadata?: Record<string, unknown> | undefined;
  redirect_url?: string | undefined;
  notify?: boolean | undefined;
  ignore_existing?: boolean | undefined;
  expires_in_days?: number | undefined;
  template_slug?: "invitation" | "waitlist_invitation" | undefined;
}

/** A conflict's `cause` is Clerk's refusal, for the single tool's error and the audit log. */
export type CreateResult =
  | { outcome: "created"; invitation: InvitationJson; note?: string }
  | { outcome: "already_invited"; error: string; cause: ClerkFailure }
  | { outcome: "already_a_user"; error: string; cause: ClerkFailure };

/**
 * `@clerk/backend` snakecases the top-level keys only (`deepSnakecaseBodyParamKeys` is off for
 * invitations), so `public_metadata` keys such as `planTier` reach Clerk unchanged.
 */
function sdkCreateParams(email: string, o: CreateInvitationOptions) {
  return {
    emailAddress: email,
    ...(o.public_metadata !== undefined ? { publicMetadata: o.public_metadata } : {}),
    ...(o.redirect_url !== undefined ? { redirectUrl: o.redirect_url } : {}),
    ...(o.notify !== undefined ? { notify: o.notify } : {}),
    ...(o.ignore_existing !== undefined ? { ignoreExisting: o.ignore_existing } : {}),
    ...(o.expires_in_days !== undefined ? { expiresInDays: o.expires_in_days } : {}),
    ...(o.template_slug !== undefined ? { templateSlug: o.template_slug } : {}),
  };
}

/**
 * Clerk refuses a create with a documented code: `duplicate_record` (400) for an address with a
 * pending invitation, `form_identifier_exists` (422) for one that belongs to a user.
 */
function conflictOf(err: ClerkFailure, email: string): CreateResult | undefined {
  if (err.hasCode("duplicate_record")) {
    return {
      outcome: "already_invited",
      error: `${email} already has a pending invitation; pass ignore_existing: true to send another.`,
      cause: err,
    };
  }
  if (err.hasCode("form_identifier_exists")) {
    return {
      outcome: "already_a_user",
      error: `${email} already belongs to a user of this instance, so there is no one to invite.`,
      cause: err,
    };
  }
  return undefined;
}

/**
 * How far Clerk's clock may run behind ours when `settleCreate` compares an invitation's
 * `created_at` (Clerk's clock) with the moment the request was sent (ours). Too small, and a
 * create that worked on a host whose clock runs ahead is reported as not created; too large,
 * and an invitation someone else sent just before is taken for ours. Ten seconds covers
 * ordinary drift of a host without NTP while keeping that window short.
 */
export const CLOCK_SKEW_MS = 10_000;

/** What a lookup after a lost create answer saw: the pending invitations for the address. */
export interface PendingLookup<T> {
  found: T[];
  /** False when Clerk had more matching invitations than the lookup read. */
  complete: boolean;
}

/**
 * Settles a create of either kind of invitation whose answer was lost (timeout, reset, 5xx).
 * Only a pending invitation created at or after `startedAt` (less `CLOCK_SKEW_MS`) counts as
 * this request's: an older one was there before and proves nothing.
 * @param what the address (and organization) as messages name it.
 * @param startedAt our clock (Unix ms), read before the create was sent.
 * @param checkWith the tool, with its arguments, that shows what exists.
 * @returns the newest such invitation, with a note saying the answer was lost.
 * @throws OutcomeUnknown when the lookup fails, or misses part of the list and finds nothing
 *   new; ToolError (with `cause`) when the full lookup shows nothing was created.
 */
export async function settleCreate<T extends { id: string; created_at: number }>(p: {
  what: string;
  cause: ClerkFailure;
  startedAt: number;
  lookup: () => Promise<PendingLookup<T>>;
  checkWith: string;
}): Promise<{ invitation: T; note: string }> {
  const request = `create request for ${p.what} failed (${describeFailure(p.cause)})`;
  let seen: PendingLookup<T>;
  try {
    seen = await p.lookup();
  } catch {
    throw new OutcomeUnknown(
      `The outcome is unknown: the ${request} and the address could not be looked up afterwards. Check with ${p.checkWith} before retrying.`,
      p.cause,
    );
  }
  const byAge = [...seen.found].sort((a, b) => b.created_at - a.created_at);
  const fresh = byAge.find((inv) => inv.created_at >= p.startedAt - CLOCK_SKEW_MS);
  if (fresh) {
    return {
      invitation: fresh,
      note: `Clerk's answer was lost (${describeFailure(p.cause)}), but a lookup finds a pending invitation for ${p.what} created ${isoTime(fresh.created_at)}, no earlier than the request allowing for clock skew.`,
    };
  }
  if (!seen.complete) {
    throw new OutcomeUnknown(
      `The outcome is unknown: the ${request}, and the lookup afterwards could not read every pending invitation, so it cannot tell whether one was created. Check with ${p.checkWith} before retrying.`,
      p.cause,
    );
  }
  const older = byAge[0];
  const olderText = older
    ? ` (The only pending one, ${older.id}, was created ${isoTime(older.created_at)}, before this request.)`
    : "";
  throw new ToolError(
    `The ${request}, and a lookup finds no pending invitation for it created since: nothing was created.${olderText} Try again.`,
    p.cause,
  );
}

/**
 * Pending application invitations for `email` (matched exactly, ignoring case), newest first.
 * Clerk's `query` also matches addresses that merely contain `email`, so a full page without
 * an exact match is reported as incomplete.
 * Source: `GET /v1/invitations?query=<email>&status=pending&order_by=-created_at&limit=20`.
 * @throws ClerkFailure when the query fails.
 */
export async function findPendingInvitationsByEmail(
  clerk: ClerkGateway,
  email: string,
  signal?: AbortSignal,
): Promise<PendingLookup<InvitationJson>> {
  const limit = 20;
  const page = await clerk.call(
    (c) =>
      c.invitations.getInvitationList({
        query: email,
        status: "pending",
        orderBy: "-created_at",
        limit,
      }),
    { idempotent: true, signal },
  );
  const wanted = email.toLowerCase();
  const found = page.data
    .filter((inv) => inv.emailAddress.toLowerCase() === wanted)
    .map((inv) => rawOf(inv) as InvitationJson);
  // Newest first: a page with any exact match holds the newest one, which is all settling needs.
  return { found, complete: found.length > 0 || page.data.length < limit };
}

/**
 * Creates one application invitation. Not retried except on 429 (Clerk did not apply it);
 * after an ambiguous failure (timeout, reset, 5xx) it looks the address up and reports an
 * invitation only if it was created after the request was sent (`settleCreate`).
 * Source: `POST /v1/invitations`; after an ambiguous failure,
 * `GET /v1/invitations?query=<email>&status=pending`.
 * @returns created (with the invitation, including `url`), already_invited or already_a_user.
 * @throws ClerkFailure for other refusals and cancellation; OutcomeUnknown or ToolError from
 *   `settleCreate` after an ambiguous failure; anything else unexpected, unchanged.
 */
export async function createInvitation(
  clerk: ClerkGateway,
  email: string,
  options: CreateInvitationOptions,
  signal?: AbortSignal,
): Promise<CreateResult> {
  const startedAt = Date.now();
  try {
    const created = await clerk.call(
      (c) => c.invitations.createInvitation(sdkCreateParams(email, options)),
      { idempotent: false, signal },
    );
    return { outcome: "created", invitation: rawOf(created) as InvitationJson };
  } catch (err) {
    rethrowUnlessClerkFailure(err);
    const conflict = conflictOf(err, email);
    if (conflict) return conflict;
    if (err.outcomeUnknown) return settleCreateInvitation(clerk, email, err, startedAt, signal);
    throw err;
  }
}

async function settleCreateInvitation(
  clerk: ClerkGateway,
  email: string,
  cause: ClerkFailure,
  startedAt: number,
  signal: AbortSignal | undefined,
): Promise<CreateResult> {
  const settled = await settleCreate({
    what: email,
    cause,
    startedAt,
    lookup: () => findPendingInvitationsByEmail(clerk, email, signal),
    checkWith: `list_invitations (query ${email})`,
  });
  return { outcome: "created", ...settled };
}

/** Clerk's bulk endpoint takes 1–10 invitations per request. */
export const BULK_CHUNK = 10;

export type BulkCreateItem = { email_address: string } & (
  | CreateResult
  | { outcome: "failed"; error: string; failure: ItemFailure }
);

/**
 * Why an item failed, kept beside its text for the tool's all-failed summary (the audit log
 * takes its status from it). Not part of any tool output.
 */
export type ItemFailure = ClerkFailure | ToolError;

/**
 * Creates application invitations in chunks of `BULK_CHUNK` through the bulk endpoint. Clerk
 * refuses a chunk as a whole when one address conflicts (400/422); that chunk then falls back
 * to one `createInvitation` per address, so one duplicate does not sink the others.
 * Source: `POST /v1/invitations/bulk`; on fallback `POST /v1/invitations`; after an ambiguous
 * failure `GET /v1/invitations?query=<email>&status=pending` per address.
 * @param emails distinct addresses, 1–100.
 * @param onProgress called with (addresses settled, total) as chunks finish.
 * @returns one result per address, in input order; Clerk failures are per item.
 * @throws ClerkFailure for cancellation; programming errors are rethrown unchanged.
 */
export async function createInvitations(
  clerk: ClerkGateway,
  emails: readonly string[],
  options: CreateInvitationOptions,
  signal?: AbortSignal,
  onProgress?: (done: number, total: number) => void,
): Promise<BulkCreateItem[]> {
  const chunks: string[][] = [];
  for (let i = 0; i < emails.length; i += BULK_CHUNK) chunks.push(emails.slice(i, i + BULK_CHUNK));
  let done = 0;
  const halt = new KeyRejectedHalt();
  const settled = await mapBounded(chunks, BULK_CONCURRENCY, signal, async (chunk) => {
    const items = await createChunk(clerk, chunk, options, signal, halt);
    done += items.length;
    onProgress?.(done, emails.length);
    return items;
  });
  return settled.flat();
}

const BULK_CONCURRENCY = 3;

async function createChunk(
  clerk: ClerkGateway,
  chunk: string[],
  options: CreateInvitationOptions,
  signal: AbortSignal | undefined,
  halt: KeyRejectedHalt,
): Promise<BulkCreateItem[]> {
  const notSent = halt.notSent();
  if (notSent) return chunk.map((email) => failed(email, notSent));
  const startedAt = Date.now();
  try {
    const created = await clerk.call(
      (c) => c.invitations.createInvitationBulk(chunk.map((e) => sdkCreateParams(e, options))),
      { idempotent: false, signal },
    );
    const byEmail = new Map(created.map((inv) => [inv.emailAddress.toLowerCase(), inv]));
    return chunk.map((email) => {
      const inv = byEmail.get(email.toLowerCase());
      return inv
        ? { email_address: email, outcome: "created", invitation: rawOf(inv) as InvitationJson }
        : failed(
            email,
            new ToolError(
              "Clerk's bulk answer did not include this address; check it with list_invitations.",
            ),
          );
    });
  } catch (err) {
    rethrowUnlessClerkFailure(err);
    if (err.status === 400 || err.status === 422) {
      const items: BulkCreateItem[] = [];
      for (const email of chunk) {
        const halted = halt.notSent();
        const item = halted
          ? failed(email, halted)
          : await perItem(email, () => createInvitation(clerk, email, options, signal));
        if (item.outcome === "failed") halt.note(item.failure);
        items.push(item);
      }
      return items;
    }
    if (err.outcomeUnknown) {
      return Promise.all(
        chunk.map((email) =>
          perItem(email, () => settleCreateInvitation(clerk, email, err, startedAt, signal)),
        ),
      );
    }
    halt.note(err);
    return chunk.map((email) => failed(email, err));
  }
}

/** Runs one address's step, turning its Clerk failure or ToolError into a failed item. */
async function perItem(email: string, step: () => Promise<CreateResult>): Promise<BulkCreateItem> {
  try {
    return { email_address: email, ...(await step()) };
  } catch (err) {
    return failed(email, asItemFailure(err));
  }
}

function failed(email: string, failure: ItemFailure): BulkCreateItem {
  return { email_address: email, outcome: "failed", error: failureText(failure), failure };
}

/** Narrows a per-item error to a reportable failure; rethrows cancellation and programming errors. */
function asItemFailure(err: unknown): ItemFailure {
  if (err instanceof ToolError) return err;
  rethrowUnlessClerkFailure(err);
  return err;
}

/** The text of a per-item failure. */
export function failureText(f: ItemFailure): string {
  if (f instanceof ToolError) return f.message;
  if (f.status === 429)
    return `Rate limited: retry after ${f.retryAfterSeconds ?? 1} s. ${describeFailure(f)}`;
  if (f.status === 401) {
    return `${describeFailure(f)} Clerk rejected the secret key: CLERK_SECRET_KEY must be a current secret key of this instance.`;
  }
  return describeFailure(f);
}

/**
 * Stops a batch once Clerk rejects the secret key (401): every later item would fail the same
 * way, so it is not sent. Items already in flight finish and keep their results: some may have
 * gone through, and their outcomes (with create's sign-up links) must not be lost.
 */
class KeyRejectedHalt {
  private by: ClerkFailure | undefined;

  /** Records an item's failure; a 401 halts the batch. */
  note(failure: ItemFailure): void {
    if (failure instanceof ClerkFailure && failure.status === 401) this.by ??= failure;
  }

  /** The failure to report for an item not sent because of the halt, or undefined to go on. */
  notSent(): ToolError | undefined {
    if (!this.by) return undefined;
    return new ToolError(
      `Not sent: Clerk rejected the secret key on an earlier request of this batch (${describeFailure(this.by)}). CLERK_SECRET_KEY must be a current secret key of this instance.`,
      this.by,
    );
  }
}

// ---- bulk revoke ----

export type BulkRevokeOutcome =
  | "revoked"
  | "already_revoked"
  | "not_revocable"
  | "not_found"
  | "failed"
  | "would_revoke";

export interface BulkRevokeItem {
  invitation_id: string;
  outcome: BulkRevokeOutcome;
  email_address?: string;
  status?: string;
  error?: string;
  /** Set on failed items only; kept out of tool output (see `ItemFailure`). */
  failure?: ItemFailure;
}

/**
 * Revokes requests in flight at once. Ten keeps a batch of 100 well inside a development
 * instance's 100 requests per 10 s once the gateway's shared 429 gate holds everyone back,
 * without queueing so deep that one slow answer stalls the batch.
 */
export const REVOKE_CONCURRENCY = 10;

/**
 * Revokes application invitations, `REVOKE_CONCURRENCY` at a time, with `revokeInvitation`'s
 * semantics per ID. Rate limits are handled by the gateway: a 429 pauses every call until
 * Retry-After passes, then the request is sent again, so no ID is lost to the limit.
 * Source: `POST /v1/invitations/{id}/revoke` per ID (plus `revokeInvitation`'s lookups).
 * @param ids distinct `inv_…` IDs, already checked against `InvitationId`.
 * @returns one result per ID, in input order; Clerk failures are per item.
 * @throws ClerkFailure for cancellation; programming errors are rethrown unchanged.
 */
export async function revokeInvitations(
  clerk: ClerkGateway,
  ids: readonly string[],
  signal?: AbortSignal,
  onProgress?: (done: number, total: number) => void,
): Promise<BulkRevokeItem[]> {
  let done = 0;
  const halt = new KeyRejectedHalt();
  return mapBounded(ids, REVOKE_CONCURRENCY, signal, async (id): Promise<BulkRevokeItem> => {
    let item: BulkRevokeItem;
    const notSent = halt.notSent();
    if (notSent) {
      onProgress?.(++done, ids.length);
      return { invitation_id: id, outcome: "failed", error: notSent.message, failure: notSent };
    }
    try {
      const r = await revokeInvitation(clerk, id, signal);
      item =
        r.outcome === "not_found"
          ? { invitation_id: id, outcome: "not_found" }
          : {
              invitation_id: id,
              outcome: r.outcome,
              email_address: r.invitation.email_address,
              status: r.invitation.status,
            };
    } catch (err) {
      const failure = asItemFailure(err);
      halt.note(failure);
      item = { invitation_id: id, outcome: "failed", error: failureText(failure), failure };
    }
    onProgress?.(++done, ids.length);
    return item;
  });
}

/**
 * What revoking each ID would do, without changing anything: would_revoke (pending),
 * already_revoked, not_revocable (with its status) or not_found.
 * Source: see `lookupInvitations`.
 * @throws ClerkFailure when a lookup request fails (the preview has no per-item failures) or
 *   is cancelled.
 */
export async function previewRevokeInvitations(
  clerk: ClerkGateway,
  ids: readonly string[],
  signal?: AbortSignal,
  onProgress?: (done: number, total: number) => void,
): Promise<BulkRevokeItem[]> {
  const found = await lookupInvitations(clerk, ids, signal, onProgress);
  return ids.map((id): BulkRevokeItem => {
    const inv = found.get(id);
    if (!inv) return { invitation_id: id, outcome: "not_found" };
    const outcome =
      inv.status === "pending"
        ? "would_revoke"
        : inv.status === "revoked"
          ? "already_revoked"
          : "not_revocable";
    return { invitation_id: id, outcome, email_address: inv.email_address, status: inv.status };
  });
}

/** Clerk's largest page for `GET /v1/invitations`. */
const LIST_PAGE = 500;

/**
 * Looks up many application invitations by ID. Clerk has no get-by-ID, and `findInvitation`
 * costs two GETs per ID, so this first reads whole pages of the two lists (non-revoked, and
 * revoked), oldest first so that invitations created meanwhile only add to the end. On a
 * typical instance (under 500 of each) that is 2 requests for any number of IDs, instead of
 * 200 for 100 IDs. Further pages are read only while they cost fewer requests than looking the
 * remaining IDs up one by one; IDs still unseen are then looked up with `findInvitation`,
 * which also catches an invitation that moved between the lists while we paged.
 * Source: `GET /v1/invitations?limit=500&order_by=+created_at[&status=revoked]&offset=…`,
 * then `findInvitation` per unseen ID.
 * @returns each ID's invitation JSON, or no entry when Clerk has none with that ID.
 * @throws ClerkFailure when a request fails.
 */
export async function lookupInvitations(
  clerk: ClerkGateway,
  ids: readonly string[],
  signal?: AbortSignal,
  onProgress?: (done: number, total: number) => void,
): Promise<Map<string, InvitationJson>> {
  const wanted = new Set(ids);
  const found = new Map<string, InvitationJson>();
  const page = async (status: "revoked" | undefined, offset: number) => {
    const res = await clerk.call(
      (c) =>
        c.invitations.getInvitationList({
          limit: LIST_PAGE,
          offset,
          orderBy: "+created_at",
          ...(status ? { status } : {}),
        }),
      { idempotent: true, signal },
    );
    for (const inv of res.data) {
      if (wanted.has(inv.id)) found.set(inv.id, rawOf(inv) as InvitationJson);
    }
    return res.totalCount;
  };
  const missing = () => ids.filter((id) => !found.has(id));

  const [live, revoked] = await Promise.all([page(undefined, 0), page("revoked", 0)]);
  onProgress?.(found.size, ids.length);
  const rest: Array<["revoked" | undefined, number]> = [];
  for (let off = LIST_PAGE; off < live; off += LIST_PAGE) rest.push([undefined, off]);
  for (let off = LIST_PAGE; off < revoked; off += LIST_PAGE) rest.push(["revoked", off]);
  if (missing().length > 0 && rest.length < 2 * missing().length) {
    await mapBounded(rest, LOOKUP_CONCURRENCY, signal, async ([status, off]) => {
      await page(status, off);
      onProgress?.(found.size, ids.length);
    });
  }
  await mapBounded(missing(), LOOKUP_CONCURRENCY, signal, async (id) => {
    const inv = await findInvitation(clerk, id, signal);
    if (inv) found.set(id, inv);
    onProgress?.(ids.length - missing().length, ids.length);
  });
  return found;
}

const LOOKUP_CONCURRENCY = 4;

/**
 * Maps `items` through `fn` with at most `concurrency` running at once; results keep the
 * input order. Stops taking new items when `signal` aborts; the first error thrown by `fn`
 * stops the others and is rethrown, so a returned array always has every result.
 * @throws the first error from `fn`; ClerkFailure (cancelled) when `signal` aborts.
 */
async function mapBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal | undefined,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure && !signal?.aborted) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failure) throw failure.error;
  if (signal?.aborted) throw ClerkFailure.cancelled();
  return results;
}
