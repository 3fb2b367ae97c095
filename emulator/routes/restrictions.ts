import { ApiError, paramFormatInvalid, paramInvalid, paramMissing } from "../errors.js";
import { INSTANCE_ID, identifierType, type Store, type StoredIdentifier } from "../state.js";
import {
  isPaginated,
  ok,
  one,
  optionalBool,
  optionalString,
  pageParams,
  type Route,
  rejectUnknownParams,
  requireObjectBody,
  sortItems,
} from "./common.js";

type ListName = "allowlist" | "blocklist";

/** A spec-valid AllowlistIdentifier or BlocklistIdentifier; `invitation_id` only when one was sent. */
function serializeIdentifier(list: ListName, rec: StoredIdentifier): Record<string, unknown> {
  return {
    object: list === "allowlist" ? "allowlist_identifier" : "blocklist_identifier",
    id: rec.id,
    ...(list === "allowlist" && rec.invitation_id ? { invitation_id: rec.invitation_id } : {}),
    identifier: rec.identifier,
    identifier_type: rec.identifier_type,
    instance_id: INSTANCE_ID,
    created_at: rec.created_at,
    updated_at: rec.updated_at,
  };
}

function isDomain(identifier: string): boolean {
  return !identifier.includes("@") || identifier.startsWith("*@");
}

/**
 * The identifier as Clerk stores it (trimmed, lowercased) and its type. Missing: 422
 * `form_param_missing`; not an address, phone number, domain or wallet: 422
 * `form_param_format_invalid`; already listed (compared lowercased): 400 `duplicate_record`.
 */
function validIdentifier(store: Store, list: ListName, body: Record<string, unknown>): string {
  const raw = optionalString(body, "identifier");
  if (raw === undefined || raw.trim() === "") throw paramMissing("identifier");
  const identifier = raw.trim().toLowerCase();
  if (identifierType(identifier) === undefined) {
    throw paramFormatInvalid(
      "identifier",
      "identifier must be an email address, an email domain, a phone number or a web3 wallet.",
    );
  }
  for (const rec of store[list].values()) {
    if (rec.identifier === identifier) {
      throw new ApiError(
        400,
        "duplicate_record",
        `duplicate ${list} identifier`,
        `the identifier ${identifier} already exists`,
      );
    }
  }
  return identifier;
}

function deleteRoute(list: ListName, prefix: string): Route {
  return {
    method: "DELETE",
    pattern: `/v1/${list}_identifiers/:identifier_id`,
    handler: ({ store, params }) => {
      const id = params.identifier_id ?? "";
      const rec = store[list].get(id);
      if (!rec || !id.startsWith(`${prefix}_`)) {
        throw new ApiError(
          404,
          "resource_not_found",
          "Identifier not found",
          `No identifier was found with id ${id}`,
        );
      }
      store[list].delete(id);
      if (list === "allowlist") {
        // Clerk revokes the identifier's invitation that is not yet revoked when it leaves the list.
        for (const inv of store.invitations.values()) {
          if (inv.email_address.toLowerCase() === rec.identifier && inv.status === "pending") {
            inv.status = "revoked";
            inv.revoked = true;
            inv.updated_at = Math.max(store.time(), inv.updated_at + 1);
          }
        }
      }
      return ok({ object: `${list}_identifier`, id, deleted: true });
    },
  };
}

export const restrictionRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/v1/allowlist_identifiers",
    handler: ({ store, query }) => {
      const all = sortItems([...store.allowlist.values()], "created_at", true).map((r) =>
        serializeIdentifier("allowlist", r),
      );
      // Clerk reads the whole list; limit and offset (in the spec) slice it only when given.
      const given = one(query, "limit") !== undefined || one(query, "offset") !== undefined;
      const page = given ? pageParams(query) : { limit: all.length, offset: 0 };
      const slice = all.slice(page.offset, page.offset + page.limit);
      return ok(isPaginated(query) ? { data: slice, total_count: all.length } : slice);
    },
  },
  {
    method: "POST",
    pattern: "/v1/allowlist_identifiers",
    handler: ({ store, body }) => {
      const b = requireObjectBody(body);
      rejectUnknownParams(b, ["identifier", "notify"]);
      const identifier = validIdentifier(store, "allowlist", b);
      const notify = optionalBool(b, "notify") ?? false;
      const type = identifierType(identifier);
      if (
        notify &&
        (type === "web3_wallet" || (type === "email_address" && isDomain(identifier)))
      ) {
        throw paramInvalid(
          "notify",
          "notify is not allowed when identifier is an email domain or a web3 wallet.",
        );
      }
      let invitationId: string | undefined;
      if (notify && type === "email_address") {
        // Clerk reuses the address's invitation that is not revoked, else creates one, and emails it.
        const existing = [...store.invitations.values()].find(
          (i) => i.email_address.toLowerCase() === identifier && i.status !== "revoked",
        );
        invitationId = existing?.id ?? store.addInvitation({ email_address: identifier }).id;
      }
      const rec = store.addIdentifier("allowlist", {
        identifier,
        ...(invitationId ? { invitation_id: invitationId } : {}),
      });
      return ok(serializeIdentifier("allowlist", rec));
    },
  },
  deleteRoute("allowlist", "alid"),
  {
    method: "GET",
    pattern: "/v1/blocklist_identifiers",
    // The whole list, always in the { data, total_count } envelope: the spec gives no paging here.
    handler: ({ store }) => {
      const all = sortItems([...store.blocklist.values()], "created_at", true).map((r) =>
        serializeIdentifier("blocklist", r),
      );
      return ok({ data: all, total_count: all.length });
    },
  },
  {
    method: "POST",
    pattern: "/v1/blocklist_identifiers",
    handler: ({ store, body }) => {
      const b = requireObjectBody(body);
      rejectUnknownParams(b, ["identifier"]);
      const identifier = validIdentifier(store, "blocklist", b);
      return ok(serializeIdentifier("blocklist", store.addIdentifier("blocklist", { identifier })));
    },
  },
  deleteRoute("blocklist", "blid"),
];
