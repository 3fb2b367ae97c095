import type { ClerkClient, ClerkGateway } from "./client.js";
import type { ClerkFailure } from "./errors.js";
import { outcomeUnknown, repeatNote, rethrowUnlessClerkFailure, setState } from "./outcomes.js";

/**
 * Revoking an invitation of either kind (application or organization): the same semantics,
 * written once. Clerk answers a revoke of a non-pending invitation with an undocumented 400, so
 * the outcome is read from the invitation's status, never from Clerk's error codes.
 */

/** What a revoke did (`T` is the invitation's JSON). */
export type RevokeResult<T> =
  /** `note`: Clerk's first answer was lost, and the repeat revoked it or found it revoked. */
  | { outcome: "revoked"; invitation: T; note?: string }
  | { outcome: "already_revoked"; invitation: T }
  /** `cause`: Clerk's 400 refusing the revoke, when it refused. */
  | { outcome: "not_revocable"; invitation: T; cause?: ClerkFailure }
  /** `cause`: Clerk's 404. */
  | { outcome: "not_found"; cause: ClerkFailure };

/**
 * Revokes one invitation and says what happened. The revoke only sets state, so after a lost
 * answer it is repeated (`setState`); a 400 is then read through `lookup`: revoked is
 * `already_revoked`, or `revoked` with a note when an earlier answer was lost (the first
 * request, or the repeat, revoked it); accepted, expired or any other non-pending status is
 * `not_revocable`.
 * @param send the SDK's revoke for this invitation (one method call).
 * @param lookup the invitation as Clerk holds it now, or undefined when there is none.
 * @param refused the caller's plain words for a refusal it knows (e.g. a 403), if any.
 * @param checkWith the tool that shows the invitation, named when the outcome is unknown.
 * @throws OutcomeUnknown when no attempt got an answer, or when a 400 after a lost answer
 *   cannot be read because the lookup failed; `refused`'s error; Clerk's failure when a 400
 *   leaves the invitation pending (Clerk refused for another reason) or for any other
 *   refusal; the lookup's failure after a plain 400; ClerkFailure (cancelled).
 */
export async function revoke<T extends { status: string }>(p: {
  clerk: ClerkGateway;
  signal: AbortSignal | undefined;
  id: string;
  send: (c: ClerkClient) => Promise<T>;
  lookup: () => Promise<T | undefined>;
  refused?: (f: ClerkFailure) => Error | undefined;
  checkWith: string;
}): Promise<RevokeResult<T>> {
  const answer = await setState(p.clerk, p.send, p.signal);
  if (answer.ok) {
    return answer.lost
      ? {
          outcome: "revoked",
          invitation: answer.value,
          note: repeatNote(answer.lost, "revoked it"),
        }
      : { outcome: "revoked", invitation: answer.value };
  }
  const { failure, lost } = answer;
  const request = `the revoke of ${p.id}`;
  // A revoke never deletes: a 404 is Clerk saying there is no such invitation, lost answer or not.
  if (failure.status === 404) return { outcome: "not_found", cause: failure };
  const refused = p.refused?.(failure);
  if (refused) throw refused;
  if (failure.outcomeUnknown) throw outcomeUnknown(request, failure, p.checkWith);
  if (failure.status !== 400) throw failure;

  let current: T | undefined;
  try {
    current = await p.lookup();
  } catch (err) {
    rethrowUnlessClerkFailure(err);
    if (lost) throw outcomeUnknown(request, lost, p.checkWith);
    throw err;
  }
  if (!current) return { outcome: "not_found", cause: failure };
  if (current.status === "revoked") {
    return lost
      ? {
          outcome: "revoked",
          invitation: current,
          note: repeatNote(lost, "found it revoked"),
        }
      : { outcome: "already_revoked", invitation: current };
  }
  if (current.status !== "pending")
    return { outcome: "not_revocable", invitation: current, cause: failure };
  throw failure;
}
