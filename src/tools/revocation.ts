import { compactMetadata } from "../clerk/views.js";
import { page } from "./paging.js";

/** What the application and organization invitation tools say alike about revokes and lists. */

/**
 * Why a non-pending invitation of either kind cannot be revoked, as the end of a sentence.
 * @param accepted what acceptance made of the person, and what to manage instead.
 */
export function notRevocableReason(
  status: string,
  accepted: { now: string; instead: string },
): string {
  if (status === "accepted") {
    return `it was already accepted: ${accepted.now}, so revoking would change nothing. ${accepted.instead}`;
  }
  if (status === "expired") {
    return "it has already expired: its link no longer works, so there is nothing to revoke";
  }
  return `its status is ${status}`;
}

/** Statuses from which a revoke changes nothing, so there is nothing for the human to confirm. */
export const SETTLED_STATUSES: ReadonlySet<string> = new Set(["revoked", "accepted", "expired"]);

/** A page of invitations, each with its metadata compacted (`compactMetadata`). */
export function listPage<V extends { public_metadata: Record<string, unknown> | null }>(
  views: V[],
  total_count: number,
  offset: number,
) {
  const invitations = views.map((v) => ({
    ...v,
    public_metadata: compactMetadata(v.public_metadata),
  }));
  return page("invitations", invitations, total_count, offset);
}
