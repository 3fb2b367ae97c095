import type { Session } from "@clerk/backend";
import type { ClerkGateway } from "./client.js";
import { type ClerkFailure, type Found, getById, ToolError } from "./errors.js";
import { describeFailure } from "./failure-text.js";
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
