import type { ClerkGateway } from "./client.js";
import { ClerkFailure, describeFailure, ToolError } from "./errors.js";
import { type InvitationJson, rawOf } from "./views.js";

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
    throw new ToolError(
      `The outcome is unknown: the revoke request for ${id} failed (${describeFailure(cause)}) and the invitation could not be looked up afterwards. Check it with list_invitations before retrying.`,
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
    );
  }
  return { outcome: "not_revocable", invitation: current };
}
