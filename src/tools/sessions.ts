import * as z from "zod";
import { UserId } from "../clerk/ids.js";
import { listSessions, SESSION_STATUSES } from "../clerk/sessions.js";
import { SessionView, sessionView } from "../clerk/views.js";
import { READ } from "./annotations.js";
import { emptyPageSummary, Limit, Offset, page, pageOutput } from "./paging.js";
import { defineTool } from "./types.js";

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

export const sessionTools = [listSessionsTool];
