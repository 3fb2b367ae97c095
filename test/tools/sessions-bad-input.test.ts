import { type BadInputCase as Case, describeBadInput } from "../helpers/bad-input.js";

/**
 * Bad input to the sessions tools gets a clear error and reaches no endpoint. Crafted IDs of
 * every ID argument are covered by test/tools/bad-ids.test.ts; these are the rest.
 */

const USER = "user_ada0000001";

const CASES: Case[] = [
  ["missing user_id", "list_sessions", {}, /expected a user ID string \(user_…\) at user_id/],
  [
    "a session ID as user_id",
    "list_sessions",
    { user_id: "sess_abc000001" },
    /sess_abc000001 is a session ID, not the kind expected here \(pass it as session_id\)/,
  ],
  [
    "status outside Clerk's filter",
    "list_sessions",
    { user_id: USER, status: "pending" },
    /expected one of "active"\|"revoked"\|"ended"\|"expired"\|"removed"\|"replaced"\|"abandoned" at status/,
  ],
  ["status as a list", "list_sessions", { user_id: USER, status: ["active"] }, /at status/],
  ["limit 101", "list_sessions", { user_id: USER, limit: 101 }, /<=100 at limit/],
  ["offset -1", "list_sessions", { user_id: USER, offset: -1 }, /offset from 0 to 1000000/],
  ["userId instead", "list_sessions", { userId: USER }, /does not take the argument userId/],
  [
    "missing session_id",
    "revoke_session",
    {},
    /expected a session ID string \(sess_…\) at session_id/,
  ],
  [
    "a user ID as session_id",
    "revoke_session",
    { session_id: USER },
    /user_ada0000001 is a user ID, not the kind expected here/,
  ],
  [
    "session_id too long",
    "revoke_session",
    { session_id: `sess_${"a".repeat(65)}` },
    /too long for a session ID/,
  ],
  [
    "sessionId instead",
    "revoke_session",
    { sessionId: "sess_abc000001" },
    /does not take the argument sessionId \(did you mean session_id\?\)/,
  ],
  [
    "a session ID as user_id",
    "revoke_user_sessions",
    { user_id: "sess_abc000001" },
    /sess_abc000001 is a session ID/,
  ],
  [
    "session_ids: the bulk tool takes a user",
    "revoke_user_sessions",
    { user_id: USER, session_ids: ["sess_abc000001"] },
    /does not take the argument session_ids/,
  ],
];

describeBadInput("sessions tools refuse bad input before any request", {
  harness: { seed: { users: [{ id: USER, email_address: "ada@example.com" }] } },
  cases: CASES,
  controls: [
    ["list_sessions", { user_id: USER }, 1],
    // The user lookup and the list of active sessions (none): no write to make.
    ["revoke_user_sessions", { user_id: USER }, 2],
  ],
});
