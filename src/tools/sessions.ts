import * as z from "zod";
import { SessionId, UserId } from "../clerk/ids.js";
import {
  getSession,
  isSignedIn,
  listActiveSessions,
  listSessions,
  revokeSession,
  revokeSessions,
  SESSION_STATUSES,
  sessionNotFound,
} from "../clerk/sessions.js";
import { describeUser, getUser, userNotFound } from "../clerk/users.js";
import { type SessionJson, SessionView, sessionView } from "../clerk/views.js";
import { DESTRUCTIVE, READ } from "./annotations.js";
import { batchResult, describeCounts, progressReporter, unknownWarning } from "./bulk.js";
import { emptyPageSummary, Limit, Offset, page, pageOutput } from "./paging.js";
import { defineTool } from "./types.js";
import { counted } from "./wording.js";

/** Sessions (`sess_…`): where a user is signed in, and signing them out. No token is ever shown. */

export const listSessionsTool = defineTool({
  name: "list_sessions",
  title: "List sessions",
  description: "Newest first; no tokens.",
  toolset: "sessions",
  input: {
    user_id: UserId,
    status: z.enum(SESSION_STATUSES).optional(),
    limit: Limit,
    offset: Offset,
  },
  output: pageOutput("sessions", SessionView),
  annotations: READ,
  async handler({ user_id, status, limit, offset }, { clerk, signal }) {
    const result = await listSessions(clerk, { user_id, status, limit, offset }, signal);
    const sessions = result.data.map(sessionView);
    const what = `session${status ? ` (${status})` : ""}`;
    return {
      structured: page("sessions", sessions, result.total_count, offset),
      ...(sessions.length === 0
        ? {
            summary: emptyPageSummary(
              offset,
              result.total_count,
              [what, `${what.replace("session", "sessions")}`],
              // Clerk lists nothing, without a 404, for a user it does not have.
              `${user_id} has no ${what.replace("session", "sessions")}, or no such user; list_users finds IDs.`,
            ),
          }
        : {}),
    };
  },
});

export const getSessionTool = defineTool({
  name: "get_session",
  title: "Get session",
  description: "Whose it is, its status, client and where it was last active; no token.",
  toolset: "sessions",
  input: { session_id: SessionId },
  output: SessionView.shape,
  annotations: READ,
  async handler({ session_id }, { clerk, signal }) {
    const { found, missing } = await getSession(clerk, session_id, signal);
    if (missing) throw sessionNotFound(session_id, false, missing);
    return {
      structured: sessionView(found),
      summary: `${describeSession(found)}: ${found.status}, of ${found.user_id}.`,
    };
  },
});

/** `sess_… (last active …, Firefox 126, …)` for questions and summaries. */
function describeSession(s: SessionJson): string {
  const view = sessionView(s);
  const seen = [view.last_active_at && `last active ${view.last_active_at}`, view.device]
    .filter(Boolean)
    .join(", ");
  return seen ? `${s.id} (${seen})` : s.id;
}

export const revokeSessionTool = defineTool({
  name: "revoke_session",
  title: "Revoke session",
  description: "Signs that client out; one already signed out is returned unchanged.",
  toolset: "sessions",
  input: { session_id: SessionId },
  output: SessionView.shape,
  annotations: DESTRUCTIVE,
  async confirm({ session_id }, { clerk, signal }) {
    // A session Clerk does not have, or one already signed out, loses nothing: no question.
    const { found: session } = await getSession(clerk, session_id, signal);
    if (!session || !isSignedIn(session)) return undefined;
    const { found: user } = await getUser(clerk, session.user_id, signal);
    const who = user ? describeUser(user) : session.user_id;
    return {
      message: `Sign ${who} out of session ${describeSession(session)}? Their other sessions stay signed in.`,
    };
  },
  async handler({ session_id }, { clerk, signal }) {
    const result = await revokeSession(clerk, session_id, signal);
    const { session } = result;
    return {
      structured: sessionView(session),
      summary:
        result.outcome === "revoked"
          ? `Revoked session ${session_id} of ${session.user_id}: that client is signed out.${result.note ? ` ${result.note}` : ""}`
          : `Session ${session_id} of ${session.user_id} is already ${session.status}, not signed in; nothing changed.`,
    };
  },
});

const BULK_OUTCOMES = ["revoked", "failed", "outcome_unknown"] as const;

export const revokeUserSessionsTool = defineTool({
  name: "revoke_user_sessions",
  title: "Revoke user sessions",
  description: "Signs the user out everywhere: every active session.",
  toolset: "sessions",
  input: { user_id: UserId },
  output: {
    user_id: z.string(),
    results: z.array(
      z.object({
        session_id: z.string(),
        outcome: z.enum(BULK_OUTCOMES),
        status: z.string().optional(),
        note: z.string().optional(),
        error: z.string().optional(),
      }),
    ),
    counts: z.partialRecord(z.enum(BULK_OUTCOMES), z.number().int()),
  },
  annotations: DESTRUCTIVE,
  async confirm({ user_id }, { clerk, signal }) {
    // A user Clerk does not have loses nothing: no question; the handler fails with the 404.
    const { found: user } = await getUser(clerk, user_id, signal);
    if (!user) return undefined;
    const active = await listActiveSessions(clerk, user_id, signal);
    if (active.length === 0) return undefined;
    return {
      message: `Sign ${describeUser(user)} out everywhere: revoke ${counted(active.length, "active session")}? They can sign in again unless banned or locked.`,
    };
  },
  async handler({ user_id }, ctx) {
    const { clerk, signal } = ctx;
    const lookup = await getUser(clerk, user_id, signal);
    if (lookup.missing) throw userNotFound(user_id, true, lookup.missing);
    const who = describeUser(lookup.found);
    const active = await listActiveSessions(clerk, user_id, signal);
    if (active.length === 0) {
      return {
        structured: { user_id, results: [], counts: {} },
        summary: `${who} has no active session; nothing changed.`,
      };
    }
    const items = await revokeSessions(
      clerk,
      active.map((s) => s.id),
      signal,
      progressReporter(ctx),
    );
    const { results, counts } = batchResult(items, {
      one: "session revoke",
      many: "session revokes",
    });
    return {
      structured: { user_id, results, counts },
      summary: `${unknownWarning(counts, `list_sessions (user_id ${user_id})`)}${who}: ${describeCounts(counts)} of ${counted(items.length, "active session")}.`,
    };
  },
});

export const sessionTools = [
  listSessionsTool,
  revokeSessionTool,
  revokeUserSessionsTool,
  getSessionTool,
];
