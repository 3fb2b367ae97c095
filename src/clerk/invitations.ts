import { asItemFailure, type ItemFailure, KeyRejectedHalt, mapBounded } from "./bulk.js";
import type { ClerkGateway } from "./client.js";
import { type ClerkFailure, ToolError } from "./errors.js";
import { itemFailureText } from "./failure-text.js";
import { createdSince, rethrowUnlessClerkFailure, settleCreate } from "./outcomes.js";
import { type RevokeResult, revoke } from "./revocation.js";
import { type InvitationJson, isoTime, rawOf } from "./views.js";

/**
 * Application invitations: the Backend API operations and their semantics, shared by the
 * single and bulk tools. Clerk has no get-by-ID endpoint for application invitations, so a
 * lookup is a list query on the ID.
 */

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
 * Every application invitation to one address, whatever its status, newest first (up to 100
 * of each list). Clerk's `query` matches part of an address, so only exact matches (without
 * case) are kept.
 * Source: `GET /v1/invitations?query=<address>&limit=100`, and again with `status=revoked`
 * (left out unless asked for). Both run at once.
 * @throws ClerkFailure when either query fails.
 */
export async function listInvitationsTo(
  clerk: ClerkGateway,
  email_address: string,
  signal?: AbortSignal,
): Promise<InvitationJson[]> {
  const address = email_address.toLowerCase();
  const query = (status?: "revoked") =>
    clerk.call(
      (c) =>
        c.invitations.getInvitationList({
          query: email_address,
          limit: 100,
          ...(status ? { status } : {}),
        }),
      { idempotent: true, signal },
    );
  const pages = await Promise.all([query(), query("revoked")]);
  const seen = new Map<string, InvitationJson>();
  for (const inv of pages.flatMap((p) => p.data)) {
    if (inv.emailAddress.toLowerCase() === address) seen.set(inv.id, rawOf(inv) as InvitationJson);
  }
  return [...seen.values()].sort((a, b) => b.created_at - a.created_at);
}

/**
 * Revokes one application invitation and says what happened (`revoke`'s rule: repeated after a
 * lost answer, a 400 read from the invitation's status).
 * Source: `POST /v1/invitations/{id}/revoke`; after a 400, `findInvitation`.
 * @param id an `inv_…` ID already checked against `InvitationId`.
 * @throws as `revoke` says.
 */
export async function revokeInvitation(
  clerk: ClerkGateway,
  id: string,
  signal?: AbortSignal,
): Promise<RevokeResult<InvitationJson>> {
  return revoke({
    clerk,
    signal,
    id,
    // Pass the ID as a string: the object form in Clerk's docs sends `/[object Object]/revoke`.
    send: async (c) => rawOf(await c.invitations.revokeInvitation(id)) as InvitationJson,
    lookup: () => findInvitation(clerk, id, signal),
    checkWith: `list_invitations (query ${id}, and status revoked)`,
  });
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
 * The newest pending application invitation for `email` (matched exactly, ignoring case)
 * created since `startedAt` allowing for clock skew, or undefined. Clerk's `query` also matches
 * addresses that merely contain `email`; the newest first, so one page holds the newest match
 * unless twenty newer lookalikes crowd it out, which `settleCreate` then reports as unknown.
 * Source: `GET /v1/invitations?query=<email>&status=pending&order_by=-created_at&limit=20`.
 * @throws ClerkFailure when the query fails.
 */
async function findNewInvitation(
  clerk: ClerkGateway,
  email: string,
  startedAt: number,
  signal: AbortSignal | undefined,
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
  const hit = page.data.find(
    (inv) => inv.emailAddress.toLowerCase() === wanted && createdSince(inv.createdAt, startedAt),
  );
  return hit ? (rawOf(hit) as InvitationJson) : undefined;
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

/**
 * Settles a create whose answer was lost (`settleCreate`): created when a lookup finds a
 * pending invitation for the address made since the request was sent.
 * @throws OutcomeUnknown when none is found; ClerkFailure (cancelled).
 */
async function settleCreateInvitation(
  clerk: ClerkGateway,
  email: string,
  cause: ClerkFailure,
  startedAt: number,
  signal: AbortSignal | undefined,
): Promise<CreateResult> {
  const settled = await settleCreate({
    clerk,
    signal,
    cause,
    what: `the invitation of ${email}`,
    checkWith: `list_invitations (query ${email})`,
    lookup: () => findNewInvitation(clerk, email, startedAt, signal),
    describe: (inv) =>
      `a pending invitation for ${email} (${inv.id}) created ${isoTime(inv.created_at)}`,
  });
  return { outcome: "created", invitation: settled.found, note: settled.note };
}

/** Clerk's bulk endpoint takes 1–10 invitations per request. */
export const BULK_CHUNK = 10;

export type BulkCreateItem = { email_address: string } & (
  | CreateResult
  | { outcome: "failed"; error: string; failure: ItemFailure }
);

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
  return { email_address: email, outcome: "failed", error: itemFailureText(failure), failure };
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
  /** Set when Clerk's first answer was lost and the repeat settled it. */
  note?: string;
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
              ...(r.outcome === "revoked" && r.note ? { note: r.note } : {}),
            };
    } catch (err) {
      const failure = asItemFailure(err);
      halt.note(failure);
      item = { invitation_id: id, outcome: "failed", error: itemFailureText(failure), failure };
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
