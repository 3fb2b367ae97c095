import { notFound, paramInvalid } from "../errors.js";
import type { Store, StoredSession } from "../state.js";
import type { SessionStatus } from "../types.js";
import { isPaginated, listResponse, ok, one, pageParams, type Route, sortItems } from "./common.js";

/** The statuses GET /v1/sessions filters on (the spec's enum for `status`). */
const SESSION_STATUSES: readonly SessionStatus[] = [
  "abandoned",
  "active",
  "ended",
  "expired",
  "removed",
  "replaced",
  "revoked",
];

/** A spec-valid Session object. Clerk's Backend API never puts a token in it, nor does this. */
export function serializeSession(store: Store, s: StoredSession): Record<string, unknown> {
  return {
    object: "session",
    id: s.id,
    client_id: s.client_id,
    user_id: s.user_id,
    status: store.sessionStatus(s),
    last_active_organization_id: s.last_active_organization_id,
    actor: null,
    ...(s.latest_activity
      ? {
          latest_activity: {
            object: "session_activity",
            id: s.latest_activity_id,
            is_mobile: s.latest_activity.is_mobile ?? false,
            ...structuredClone(s.latest_activity),
          },
        }
      : {}),
    last_active_at: s.last_active_at,
    expire_at: s.expire_at,
    abandon_at: s.abandon_at,
    created_at: s.created_at,
    updated_at: s.updated_at,
  };
}

function requireSession(store: Store, id: string | undefined): StoredSession {
  const s = id ? store.sessions.get(id) : undefined;
  if (!s) throw notFound(`No session was found with id ${id ?? ""}.`);
  return s;
}

export const sessionRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/v1/sessions",
    handler: ({ store, query }) => {
      const status = one(query, "status");
      if (status !== undefined && !SESSION_STATUSES.includes(status as SessionStatus)) {
        throw paramInvalid("status", `status must be one of: ${SESSION_STATUSES.join(", ")}`);
      }
      const page = pageParams(query);
      const userId = one(query, "user_id");
      const clientId = one(query, "client_id");
      const rows = [...store.sessions.values()]
        .filter((s) => userId === undefined || s.user_id === userId)
        .filter((s) => clientId === undefined || s.client_id === clientId)
        .map((s) => ({ s, status: store.sessionStatus(s), created_at: s.created_at }))
        .filter((r) => status === undefined || r.status === status);
      // Newest first, as Clerk documents; bare array unless paginated=true (the SDK always sends it).
      const sorted = sortItems(rows, "created_at", true).map((r) => serializeSession(store, r.s));
      return listResponse(sorted, page, isPaginated(query));
    },
  },
  {
    method: "GET",
    pattern: "/v1/sessions/:session_id",
    handler: ({ store, params }) =>
      ok(serializeSession(store, requireSession(store, params.session_id))),
  },
  {
    method: "POST",
    pattern: "/v1/sessions/:session_id/revoke",
    handler: ({ store, params }) => {
      const s = requireSession(store, params.session_id);
      // Clerk's handler revokes whatever the status (no check): a revoked, ended or expired
      // session answers 200 and reads "revoked" afterwards.
      if (s.status !== "revoked") {
        s.status = "revoked";
        s.updated_at = Math.max(store.time(), s.updated_at + 1);
      }
      return ok(serializeSession(store, s));
    },
  },
];
