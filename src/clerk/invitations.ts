import type { ClerkGateway } from "./client.js";
import { ClerkFailure, describeFailure, OutcomeUnknown, ToolError } from "./errors.js";
import { type InvitationJson, isoTime, rawOf } from "./views.js";

/**
 * Application invitations: the Backend API operations and their semantics, shared by the
 * single and bulk tools. Clerk has no get-by-ID endpoint for application invitations, so a
 * lookup is a list query on the ID.
 */

export type RevokeResult =
  | { outcome: "revoked"; invitation: InvitationJson; note?: string }
  | { outcome: "already_revoked"; invitation: InvitationJson }
  | { outcome: "not_revocable"; invitation: InvitationJson }
  | { outcome: "not_found" };

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
 * Source: `POST /v1/invitations/{id}/revoke`; after a 400, 404 or an unknown outcome,
 * `findInvitation`.
 * @param id an `inv_…` ID already checked against `InvitationId`.
 * @throws ClerkFailure for failures other than those above; ToolError when the outcome
 *   cannot be known.
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
    if (!(err instanceof ClerkFailure) || err.kind === "cancelled") throw err;
    if (err.status === 404) return { outcome: "not_found" };
    if (err.status === 400) return settle(clerk, id, signal, err);
    if (err.outcomeUnknown) return settleUnknown(clerk, id, signal, err);
    throw err;
  }
}

async function settle(
  clerk: ClerkGateway,
  id: string,
  signal: AbortSignal | undefined,
  cause: ClerkFailure,
): Promise<RevokeResult> {
  const current = await findInvitation(clerk, id, signal);
  if (!current) return { outcome: "not_found" };
  if (current.status === "revoked") return { outcome: "already_revoked", invitation: current };
  if (current.status === "accepted" || current.status === "expired") {
    return { outcome: "not_revocable", invitation: current };
  }
  // Still pending after a 400: Clerk refused for another reason; show it as it is.
  throw cause;
}

async function settleUnknown(
  clerk: ClerkGateway,
  id: string,
  signal: AbortSignal | undefined,
  cause: ClerkFailure,
): Promise<RevokeResult> {
  let current: InvitationJson | undefined;
  try {
    current = await findInvitation(clerk, id, signal);
  } catch {
    throw new OutcomeUnknown(
      `The outcome is unknown: the revoke request for ${id} failed (${describeFailure(cause)}) and the invitation could not be looked up afterwards. Check it with list_invitations before retrying.`,
      cause,
    );
  }
  if (!current) return { outcome: "not_found" };
  if (current.status === "revoked") {
    return {
      outcome: "revoked",
      invitation: current,
      note: `Clerk's answer was lost (${describeFailure(cause)}), but a lookup shows the invitation is now revoked.`,
    };
  }
  if (current.status === "pending") {
    throw new ToolError(
      `The revoke request for ${id} failed (${describeFailure(cause)}), and a lookup shows the invitation is still pending: nothing changed. Try again.`,
      cause,
    );
  }
  return { outcome: "not_revocable", invitation: current };
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

export type CreateResult =
  | { outcome: "created"; invitation: InvitationJson; note?: string }
  | { outcome: "already_invited"; error: string }
  | { outcome: "already_a_user"; error: string };

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
    };
  }
  if (err.hasCode("form_identifier_exists")) {
    return {
      outcome: "already_a_user",
      error: `${email} already belongs to a user of this instance, so there is no one to invite.`,
    };
  }
  return undefined;
}

/**
 * The newest pending application invitation for `email` (matched exactly, ignoring case).
 * Source: `GET /v1/invitations?query=<email>&status=pending`.
 * @throws ClerkFailure when the query fails.
 */
export async function findPendingInvitationByEmail(
  clerk: ClerkGateway,
  email: string,
  signal?: AbortSignal,
): Promise<InvitationJson | undefined> {
  const page = await clerk.call(
    (c) =>
      c.invitations.getInvitationList({
        query: email,
        status: "pending",
        orderBy: "-created_at",
        limit: 20,
      }),
    { idempotent: true, signal },
  );
  const wanted = email.toLowerCase();
  const hit = page.data.find((inv) => inv.emailAddress.toLowerCase() === wanted);
  return hit ? (rawOf(hit) as InvitationJson) : undefined;
}

/**
 * Creates one application invitation. Not retried except on 429 (Clerk did not apply it);
 * after an ambiguous failure (timeout, reset, 5xx) it looks the address up and reports what
 * exists.
 * Source: `POST /v1/invitations`; after an ambiguous failure,
 * `GET /v1/invitations?query=<email>&status=pending`.
 * @returns created (with the invitation, including `url`), already_invited or already_a_user.
 * @throws ClerkFailure for other refusals; ToolError when the outcome cannot be established.
 */
export async function createInvitation(
  clerk: ClerkGateway,
  email: string,
  options: CreateInvitationOptions,
  signal?: AbortSignal,
): Promise<CreateResult> {
  try {
    const created = await clerk.call(
      (c) => c.invitations.createInvitation(sdkCreateParams(email, options)),
      { idempotent: false, signal },
    );
    return { outcome: "created", invitation: rawOf(created) as InvitationJson };
  } catch (err) {
    if (!(err instanceof ClerkFailure) || err.kind === "cancelled") throw err;
    const conflict = conflictOf(err, email);
    if (conflict) return conflict;
    if (err.outcomeUnknown) return settleCreate(clerk, email, err, signal);
    throw err;
  }
}

async function settleCreate(
  clerk: ClerkGateway,
  email: string,
  cause: ClerkFailure,
  signal: AbortSignal | undefined,
): Promise<CreateResult> {
  let found: InvitationJson | undefined;
  try {
    found = await findPendingInvitationByEmail(clerk, email, signal);
  } catch {
    throw new OutcomeUnknown(
      `The outcome is unknown: the create request for ${email} failed (${describeFailure(cause)}) and the address could not be looked up afterwards. Check with list_invitations (query ${email}) before retrying.`,
      cause,
    );
  }
  if (!found) {
    throw new ToolError(
      `The create request for ${email} failed (${describeFailure(cause)}), and a lookup finds no pending invitation for it: nothing was created. Try again.`,
      cause,
    );
  }
  return {
    outcome: "created",
    invitation: found,
    note: `Clerk's answer was lost (${describeFailure(cause)}), but a lookup finds a pending invitation for ${email} created ${isoTime(found.created_at)}.`,
  };
}

/** Clerk's bulk endpoint takes 1–10 invitations per request. */
export const BULK_CHUNK = 10;

export type BulkCreateItem = { email_address: string } & (
  | CreateResult
  | { outcome: "failed"; error: string }
);

/**
 * Creates application invitations in chunks of `BULK_CHUNK` through the bulk endpoint. Clerk
 * refuses a chunk as a whole when one address conflicts (400/422); that chunk then falls back
 * to one `createInvitation` per address, so one duplicate does not sink the others.
 * Source: `POST /v1/invitations/bulk`; on fallback `POST /v1/invitations`; after an ambiguous
 * failure `GET /v1/invitations?query=<email>&status=pending` per address.
 * @param emails distinct addresses, 1–100.
 * @param onProgress called with (addresses settled, total) as chunks finish.
 * @returns one result per address, in input order.
 * @throws ClerkFailure only for cancellation.
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
  const results = new Map<string, BulkCreateItem>();
  await forEachBounded(chunks, BULK_CONCURRENCY, signal, async (chunk) => {
    for (const item of await createChunk(clerk, chunk, options, signal)) {
      results.set(item.email_address, item);
    }
    onProgress?.(results.size, emails.length);
  });
  return emails.map((email) => results.get(email) ?? failed(email, "not attempted"));
}

const BULK_CONCURRENCY = 3;

async function createChunk(
  clerk: ClerkGateway,
  chunk: string[],
  options: CreateInvitationOptions,
  signal: AbortSignal | undefined,
): Promise<BulkCreateItem[]> {
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
        : failed(email, "Clerk's bulk answer did not include this address.");
    });
  } catch (err) {
    if (!(err instanceof ClerkFailure) || err.kind === "cancelled") throw err;
    if (err.status === 400 || err.status === 422) {
      const items: BulkCreateItem[] = [];
      for (const email of chunk) items.push(await createOne(clerk, email, options, signal));
      return items;
    }
    if (err.outcomeUnknown)
      return Promise.all(chunk.map((e) => settleChunkItem(clerk, e, err, signal)));
    return chunk.map((email) => failed(email, failureText(err)));
  }
}

async function createOne(
  clerk: ClerkGateway,
  email: string,
  options: CreateInvitationOptions,
  signal: AbortSignal | undefined,
): Promise<BulkCreateItem> {
  try {
    return { email_address: email, ...(await createInvitation(clerk, email, options, signal)) };
  } catch (err) {
    return failedFrom(email, err);
  }
}

async function settleChunkItem(
  clerk: ClerkGateway,
  email: string,
  cause: ClerkFailure,
  signal: AbortSignal | undefined,
): Promise<BulkCreateItem> {
  try {
    return { email_address: email, ...(await settleCreate(clerk, email, cause, signal)) };
  } catch (err) {
    return failedFrom(email, err);
  }
}

function failed(email: string, error: string): BulkCreateItem {
  return { email_address: email, outcome: "failed", error };
}

function failedFrom(email: string, err: unknown): BulkCreateItem {
  return failed(email, itemFailure(err));
}

/** The text of a per-item failure. Cancellation and programming errors are rethrown, not reported. */
function itemFailure(err: unknown): string {
  if (err instanceof ToolError) return err.message;
  if (err instanceof ClerkFailure && err.kind !== "cancelled") return failureText(err);
  throw err;
}

function failureText(err: ClerkFailure): string {
  return err.status === 429
    ? `Rate limited: retry after ${err.retryAfterSeconds ?? 1} s. ${describeFailure(err)}`
    : describeFailure(err);
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
 * @returns one result per ID, in input order; failures are per item.
 * @throws ClerkFailure only for cancellation.
 */
export async function revokeInvitations(
  clerk: ClerkGateway,
  ids: readonly string[],
  signal?: AbortSignal,
  onProgress?: (done: number, total: number) => void,
): Promise<BulkRevokeItem[]> {
  const results = new Map<string, BulkRevokeItem>();
  await forEachBounded(ids, REVOKE_CONCURRENCY, signal, async (id) => {
    let item: BulkRevokeItem;
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
      item = { invitation_id: id, outcome: "failed", error: itemFailure(err) };
    }
    results.set(id, item);
    onProgress?.(results.size, ids.length);
  });
  return ids.map((id) => results.get(id) ?? { invitation_id: id, outcome: "failed" });
}

/**
 * What revoking each ID would do, without changing anything: would_revoke (pending),
 * already_revoked, not_revocable (with its status) or not_found.
 * Source: see `lookupInvitations`.
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
    await forEachBounded(rest, LOOKUP_CONCURRENCY, signal, async ([status, off]) => {
      await page(status, off);
      onProgress?.(found.size, ids.length);
    });
  }
  await forEachBounded(missing(), LOOKUP_CONCURRENCY, signal, async (id) => {
    const inv = await findInvitation(clerk, id, signal);
    if (inv) found.set(id, inv);
    onProgress?.(ids.length - missing().length, ids.length);
  });
  return found;
}

const LOOKUP_CONCURRENCY = 4;

/**
 * Runs `fn` over `items` with at most `concurrency` running at once. Stops taking new items
 * when `signal` aborts; the first error thrown by `fn` stops the others and is rethrown.
 */
async function forEachBounded<T>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal | undefined,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure && !signal?.aborted) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failure) throw failure.error;
  if (signal?.aborted) {
    throw ClerkFailure.cancelled();
  }
}
