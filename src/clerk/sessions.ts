import type { Session } from "@clerk/backend";
import { asItemFailure, type ItemFailure, KeyRejectedHalt, mapBounded } from "./bulk.js";
import type { ClerkGateway } from "./client.js";
import { type ClerkFailure, type Found, getById, ToolError } from "./errors.js";
import { describeFailure, itemFailureText } from "./failure-text.js";
import { sendState } from "./outcomes.js";
import type { SessionJson } from "./views.js";

/**
 * Sessions (`sess_…`): a user signed in on one client (a browser or device). The Backend API
 * never sends a session's token, and nothing here asks for one.
 */

/**
 * Clerk's `Session` JSON back from `@clerk/backend`'s `Session`, which, unlike its other
 * resources, keeps no `raw` copy of what Clerk sent.
 */
function sessionJson(s: Session): SessionJson {
  const a = s.latestActivity;
  return {
    id: s.id,
    user_id: s.userId,
    client_id: s.clientId,
    status: s.status,
    latest_activity: a
      ? {
          device_type: a.deviceType ?? null,
          is_mobile: a.isMobile,
          browser_name: a.browserName ?? null,
          browser_version: a.browserVersion ?? null,
          ip_address: a.ipAddress ?? null,
          city: a.city ?? null,
          country: a.country ?? null,
        }
      : null,
    last_active_at: s.lastActiveAt,
    expire_at: s.expireAt,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}

/** The statuses Clerk's `GET /v1/sessions` filters on (the spec's enum for `status`). */
export const SESSION_STATUSES = [
  "active",
  "revoked",
  "ended",
  "expired",
  "removed",
  "replaced",
  "abandoned",
] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export interface SessionPage {
  data: SessionJson[];
  total_count: number;
}

/**
 * One page of a user's sessions, newest first (Clerk's order), optionally of one status.
 * Clerk lists nothing, without a 404, for a user it does not have.
 * Source: `GET /v1/sessions?user_id&status&limit&offset&paginated=true`.
 * @throws ClerkFailure.
 */
export async function listSessions(
  clerk: ClerkGateway,
  p: { user_id: string; status?: SessionStatus | undefined; limit: number; offset: number },
  signal?: AbortSignal,
): Promise<SessionPage> {
  const page = await clerk.call(
    (c) =>
      c.sessions.getSessionList({
        userId: p.user_id,
        limit: p.limit,
        offset: p.offset,
        ...(p.status ? { status: p.status } : {}),
      }),
    { idempotent: true, signal },
  );
  return { data: page.data.map(sessionJson), total_count: page.totalCount };
}

/**
 * One session, or Clerk's 404 (`missing`) when it has no session with that ID.
 * Source: `GET /v1/sessions/{session_id}`.
 * @throws ClerkFailure for other failures.
 */
export async function getSession(
  clerk: ClerkGateway,
  session_id: string,
  signal?: AbortSignal,
): Promise<Found<SessionJson>> {
  return getById(async () => {
    const s = await clerk.call((c) => c.sessions.getSession(session_id), {
      idempotent: true,
      signal,
    });
    return sessionJson(s);
  });
}

/**
 * The error for a session ID Clerk does not know.
 * @param write true for write tools: the message then says that nothing changed.
 */
export function sessionNotFound(
  session_id: string,
  write: boolean,
  cause: ClerkFailure,
): ToolError {
  const text = `Clerk has no session ${session_id}. list_sessions lists a user's sessions.${write ? " Nothing changed." : ""}`;
  return new ToolError(`${text} ${describeFailure(cause)}`, cause);
}

/** Statuses in which a session is signed in, so that revoking it changes something. */
const SIGNED_IN: ReadonlySet<string> = new Set(["active", "pending"]);

/** True when the session is signed in (active, or pending a task), so a revoke would end it. */
export function isSignedIn(session: SessionJson): boolean {
  return SIGNED_IN.has(session.status);
}

/** What a revoke did. */
export type RevokeSessionResult =
  /** `note`: an earlier answer was lost, and the repeat applied it. */
  | { outcome: "revoked"; session: SessionJson; note?: string }
  /** Already revoked, ended, expired or otherwise signed out: nothing was sent. */
  | { outcome: "unchanged"; session: SessionJson };

/**
 * Revokes one session: the client it belongs to is signed out. Looks the session up first, so
 * that one already signed out (revoked, ended, expired, …) is reported as unchanged and no
 * write is sent: Clerk's revoke answers 200 whatever the status. Only sets state, so after a
 * lost answer it is repeated.
 * Source: `GET /v1/sessions/{session_id}`, then `POST /v1/sessions/{session_id}/revoke`.
 * @throws ToolError when the session does not exist (404); OutcomeUnknown when no attempt got
 *   an answer; ClerkFailure otherwise.
 */
export async function revokeSession(
  clerk: ClerkGateway,
  session_id: string,
  signal?: AbortSignal,
): Promise<RevokeSessionResult> {
  const lookup = await getSession(clerk, session_id, signal);
  if (lookup.missing) throw sessionNotFound(session_id, true, lookup.missing);
  if (!isSignedIn(lookup.found)) return { outcome: "unchanged", session: lookup.found };
  const { value, note } = await sendRevoke(clerk, session_id, signal);
  return note
    ? { outcome: "revoked", session: value, note }
    : { outcome: "revoked", session: value };
}

/** The revoke itself, under the lost-answer rule. */
function sendRevoke(clerk: ClerkGateway, session_id: string, signal: AbortSignal | undefined) {
  return sendState(
    clerk,
    async (c) => sessionJson(await c.sessions.revokeSession(session_id)),
    signal,
    {
      request: `the revoke of ${session_id}`,
      checkWith: `list_sessions`,
      refused: (err) => (err.status === 404 ? sessionNotFound(session_id, true, err) : undefined),
    },
  );
}

/** Every page of a user's sessions is read up to this many; a user has far fewer. */
const MAX_SESSIONS = 500;

/**
 * Every active session of a user, newest first, up to 500. (Clerk's filter has no `pending`,
 * the other signed-in status, a brief one while a sign-in awaits a task.)
 * Source: `GET /v1/sessions?user_id&status=active`, 100 a page.
 * @throws ClerkFailure.
 */
export async function listActiveSessions(
  clerk: ClerkGateway,
  user_id: string,
  signal?: AbortSignal,
): Promise<SessionJson[]> {
  const out: SessionJson[] = [];
  for (let offset = 0; offset < MAX_SESSIONS; offset += 100) {
    const page = await listSessions(
      clerk,
      { user_id, status: "active", limit: 100, offset },
      signal,
    );
    out.push(...page.data);
    if (page.data.length < 100 || offset + 100 >= page.total_count) break;
  }
  return out;
}

/** At most this many revokes in flight, as for invitations (src/clerk/invitations.ts). */
const REVOKE_CONCURRENCY = 10;

/** One session's result in a bulk revoke; `failure` is kept for the summary, never shown. */
export type BulkSessionItem =
  | { session_id: string; outcome: "revoked"; status: string; note?: string }
  | { session_id: string; outcome: "failed"; error: string; failure: ItemFailure };

/**
 * Revokes each session, at most 10 at once; a failure is that item's result, and a 401 stops
 * the batch (the rest are not sent). Each revoke follows the lost-answer rule: repeated after
 * a lost answer, `OutcomeUnknown` (an item failure) when none arrives.
 * Source: `POST /v1/sessions/{session_id}/revoke` per session.
 * @returns one result per session, in input order.
 * @throws ClerkFailure for cancellation; programming errors unchanged.
 */
export async function revokeSessions(
  clerk: ClerkGateway,
  ids: readonly string[],
  signal?: AbortSignal,
  onProgress?: (done: number, total: number) => void,
): Promise<BulkSessionItem[]> {
  let done = 0;
  const halt = new KeyRejectedHalt();
  return mapBounded(ids, REVOKE_CONCURRENCY, signal, async (id): Promise<BulkSessionItem> => {
    let item: BulkSessionItem;
    const notSent = halt.notSent();
    if (notSent) {
      item = { session_id: id, outcome: "failed", error: notSent.message, failure: notSent };
    } else {
      try {
        const { value, note } = await sendRevoke(clerk, id, signal);
        item = {
          session_id: id,
          outcome: "revoked",
          status: value.status,
          ...(note ? { note } : {}),
        };
      } catch (err) {
        const failure = asItemFailure(err);
        halt.note(failure);
        item = { session_id: id, outcome: "failed", error: itemFailureText(failure), failure };
      }
    }
    onProgress?.(++done, ids.length);
    return item;
  });
}
