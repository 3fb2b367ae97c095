import { ApiError, notFound, paramInvalid } from "../errors.js";
import {
  DAY_MS,
  DEFAULT_EXPIRES_IN_DAYS,
  type Store,
  type StoredWaitlistEntry,
  ticketUrl,
} from "../state.js";
import type { WaitlistStatus } from "../types.js";
import {
  listResponse,
  ok,
  one,
  optionalBool,
  orderBy,
  pageParams,
  type Route,
  rejectUnknownParams,
  requireEmail,
  requireObjectBody,
  sortItems,
} from "./common.js";
import { duplicateInvitations, hasPendingInvitation, identifierExists } from "./invitations.js";

const WAITLIST_STATUSES: readonly WaitlistStatus[] = [
  "pending",
  "invited",
  "completed",
  "rejected",
];

/** A spec-valid WaitlistEntry, its invitation embedded as GET /v1/invitations would show it now. */
function serializeEntry(store: Store, e: StoredWaitlistEntry): Record<string, unknown> {
  return {
    object: "waitlist_entry",
    id: e.id,
    email_address: e.email_address,
    status: e.status,
    is_locked: false,
    invitation: e.invitation_id ? (store.getInvitation(e.invitation_id) ?? null) : null,
    created_at: e.created_at,
    updated_at: e.updated_at,
  };
}

function requireEntry(store: Store, id: string | undefined): StoredWaitlistEntry {
  const e = id ? store.waitlist.get(id) : undefined;
  if (!e) throw notFound(`No waitlist entry was found with id ${id ?? ""}.`);
  return e;
}

/** The emulator's answer to a change a completed entry cannot take (Clerk lists a 409 for both). */
function conflict(e: StoredWaitlistEntry, action: string): ApiError {
  return new ApiError(
    409,
    "conflict",
    "Conflict",
    `The waitlist entry ${e.id} is ${e.status} and cannot be ${action}.`,
  );
}

function touch(store: Store, e: StoredWaitlistEntry): void {
  e.updated_at = Math.max(store.time(), e.updated_at + 1);
}

export const waitlistRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/v1/waitlist_entries",
    handler: ({ store, query }) => {
      const status = one(query, "status");
      if (status !== undefined && !WAITLIST_STATUSES.includes(status as WaitlistStatus)) {
        throw paramInvalid("status", `status must be one of: ${WAITLIST_STATUSES.join(", ")}`);
      }
      const order = orderBy(query, ["created_at", "email_address", "invited_at"]);
      const page = pageParams(query);
      const q = one(query, "query")?.toLowerCase();
      const rows = [...store.waitlist.values()]
        .filter((e) => status === undefined || e.status === status)
        .filter((e) => !q || e.id.toLowerCase() === q || e.email_address.toLowerCase().includes(q))
        .map((e) => ({
          e,
          created_at: e.created_at,
          email_address: e.email_address,
          invited_at: e.invitation_id
            ? (store.invitations.get(e.invitation_id)?.created_at ?? null)
            : null,
        }));
      const sorted = sortItems(rows, order.field, order.desc).map((r) =>
        serializeEntry(store, r.e),
      );
      // Always { data, total_count }: the spec documents no bare array for this list.
      return listResponse(sorted, page, true);
    },
  },
  {
    method: "POST",
    pattern: "/v1/waitlist_entries",
    handler: ({ store, body }) => {
      const b = requireObjectBody(body);
      rejectUnknownParams(b, ["email_address", "notify"]);
      const email = requireEmail(b);
      optionalBool(b, "notify");
      // Clerk answers the existing entry for an address already on the waitlist.
      const existing = [...store.waitlist.values()].find(
        (e) => e.email_address.toLowerCase() === email.toLowerCase(),
      );
      return ok(
        serializeEntry(store, existing ?? store.addWaitlistEntry({ email_address: email })),
      );
    },
  },
  {
    method: "POST",
    pattern: "/v1/waitlist_entries/:waitlist_entry_id/invite",
    handler: ({ store, params, body }) => {
      const e = requireEntry(store, params.waitlist_entry_id);
      const b = requireObjectBody(body);
      rejectUnknownParams(b, ["ignore_existing"]);
      const ignoreExisting = optionalBool(b, "ignore_existing") ?? false;
      if (e.status === "invited") return ok(serializeEntry(store, e));
      if (e.status === "completed") throw conflict(e, "invited");
      // The invitation follows the application-invitation rules: an address that belongs to a
      // user, or that has a pending invitation, is refused unless ignore_existing.
      if (!ignoreExisting) {
        if (store.findUserByEmail(e.email_address)) throw identifierExists(e.email_address);
        if (hasPendingInvitation(store, e.email_address)) {
          throw duplicateInvitations([e.email_address]);
        }
      }
      const now = store.time();
      const inv = store.addInvitation({
        email_address: e.email_address,
        url: ticketUrl(),
        created_at: now,
        expires_at: now + DEFAULT_EXPIRES_IN_DAYS * DAY_MS,
      });
      e.status = "invited";
      e.invitation_id = inv.id;
      touch(store, e);
      return ok(serializeEntry(store, e));
    },
  },
  {
    method: "POST",
    pattern: "/v1/waitlist_entries/:waitlist_entry_id/reject",
    handler: ({ store, params }) => {
      const e = requireEntry(store, params.waitlist_entry_id);
      if (e.status === "rejected") return ok(serializeEntry(store, e));
      if (e.status === "completed") throw conflict(e, "rejected");
      e.status = "rejected";
      touch(store, e);
      return ok(serializeEntry(store, e));
    },
  },
];
