import type { ClerkGateway } from "./client.js";
import { type ClerkFailure, ToolError } from "./errors.js";
import { describeFailure } from "./failure-text.js";
import {
  createdSince,
  outcomeUnknown,
  repeatNote,
  rethrowUnlessClerkFailure,
  setState,
  settleCreate,
} from "./outcomes.js";
import { isoTime, type Page, type RestrictionJson } from "./views.js";

/** The SDK's AllowlistIdentifier/BlocklistIdentifier (which keep no raw JSON) as Clerk's JSON. */
function restrictionJson(r: {
  id: string;
  identifier: string;
  identifierType: string;
  createdAt: number;
}): RestrictionJson {
  return {
    id: r.id,
    identifier: r.identifier,
    identifier_type: r.identifierType,
    created_at: r.createdAt,
  };
}

/**
 * Sign-up restrictions: the instance's allowlist (`alid_…`) and blocklist (`blid_…`) of
 * identifiers. Clerk has no get-by-ID for either, so lookups read the whole list; both are
 * short in practice (the blocklist endpoint has no paging at all).
 */

export type RestrictionList = "allowlist" | "blocklist";

/** The ID prefix of each list's entries. */
export const LIST_PREFIX: Record<RestrictionList, string> = {
  allowlist: "alid_",
  blocklist: "blid_",
};

const CHECK_WITH = (list: RestrictionList) => `list_sign_up_restrictions (list ${list})`;

/**
 * The entries on `list`, newest first as Clerk sends them, with Clerk's total.
 * Source: `GET /v1/allowlist_identifiers?paginated=true&limit=…&offset=…` (the spec lists
 * paging, but a snapshot of Clerk's server returns the whole list: an answer holding every
 * entry is paged here), or `GET /v1/blocklist_identifiers` (no paging: always the whole list,
 * paged here).
 * @throws ClerkFailure when the request fails.
 */
export async function listRestrictions(
  clerk: ClerkGateway,
  list: RestrictionList,
  page: { limit: number; offset: number } | undefined,
  signal?: AbortSignal,
): Promise<Page<RestrictionJson>> {
  const res =
    list === "allowlist"
      ? await clerk.call((c) => c.allowlistIdentifiers.getAllowlistIdentifierList(page ?? {}), {
          idempotent: true,
          signal,
        })
      : await clerk.call((c) => c.blocklistIdentifiers.getBlocklistIdentifierList(), {
          idempotent: true,
          signal,
        });
  const data = res.data.map(restrictionJson);
  const whole = list === "blocklist" || data.length >= res.totalCount || !page;
  if (!page || !whole) return { data, total_count: res.totalCount };
  return {
    data: data.slice(page.offset, page.offset + page.limit),
    total_count: Math.max(res.totalCount, data.length),
  };
}

/**
 * The entry with `id` on `list`, or undefined. Reads the whole list (no get-by-ID).
 * @throws ClerkFailure when the request fails.
 */
export async function findRestriction(
  clerk: ClerkGateway,
  list: RestrictionList,
  id: string,
  signal?: AbortSignal,
): Promise<RestrictionJson | undefined> {
  const { data } = await listRestrictions(clerk, list, undefined, signal);
  return data.find((r) => r.id === id);
}

async function findByIdentifier(
  clerk: ClerkGateway,
  list: RestrictionList,
  identifier: string,
  signal: AbortSignal | undefined,
): Promise<RestrictionJson | undefined> {
  const { data } = await listRestrictions(clerk, list, undefined, signal);
  return data.find((r) => r.identifier.toLowerCase() === identifier);
}

export type AddResult =
  | { outcome: "added"; entry: RestrictionJson; note?: string }
  | { outcome: "already_listed"; entry: RestrictionJson };

/**
 * Adds `identifier` (already checked and lowercased) to `list`. Clerk refuses an identifier
 * already on the list (compared lowercased) with 400 `duplicate_record`; that entry is looked
 * up and returned as already listed. A create: never repeated; after a lost answer an entry
 * for the identifier made since the request was sent is looked up (`settleCreate`).
 * Source: `POST /v1/{allowlist,blocklist}_identifiers` with `{ identifier[, notify] }`; after
 * a duplicate or a lost answer, the list (`listRestrictions`).
 * @throws ToolError for Clerk's 402 (the plan lacks the feature) and 422 (a form Clerk does not
 *   take); OutcomeUnknown when a lost answer cannot be settled; ClerkFailure otherwise.
 */
export async function addRestriction(
  clerk: ClerkGateway,
  list: RestrictionList,
  identifier: string,
  notify: boolean,
  signal?: AbortSignal,
): Promise<AddResult> {
  const startedAt = Date.now();
  try {
    const created =
      list === "allowlist"
        ? await clerk.call(
            (c) => c.allowlistIdentifiers.createAllowlistIdentifier({ identifier, notify }),
            { idempotent: false, signal },
          )
        : await clerk.call(
            (c) => c.blocklistIdentifiers.createBlocklistIdentifier({ identifier }),
            {
              idempotent: false,
              signal,
            },
          );
    return { outcome: "added", entry: restrictionJson(created) };
  } catch (err) {
    rethrowUnlessClerkFailure(err);
    if (err.hasCode("duplicate_record")) {
      const entry = await findByIdentifier(clerk, list, identifier, signal);
      if (entry) return { outcome: "already_listed", entry };
      throw new ToolError(
        `Clerk says ${identifier} is already on the ${list}, but a lookup does not find it; nothing changed. Check with ${CHECK_WITH(list)}. ${describeFailure(err)}`,
        err,
      );
    }
    const refused = refusal(list, identifier, err);
    if (refused) throw refused;
    if (!err.outcomeUnknown) throw err;
    const settled = await settleCreate({
      clerk,
      signal,
      cause: err,
      what: `the add of ${identifier} to the ${list}`,
      checkWith: CHECK_WITH(list),
      lookup: async () => {
        const found = await findByIdentifier(clerk, list, identifier, signal);
        return found && createdSince(found.created_at, startedAt) ? found : undefined;
      },
      describe: (e) => `${identifier} on the ${list} (${e.id}) added ${isoTime(e.created_at)}`,
    });
    return { outcome: "added", entry: settled.found, note: settled.note };
  }
}

function refusal(list: RestrictionList, identifier: string, err: ClerkFailure) {
  if (err.status === 402) {
    return new ToolError(
      `Clerk refused: this instance's plan does not include the ${list}; nothing changed. ${describeFailure(err)}`,
      err,
    );
  }
  if (err.status === 422) {
    return new ToolError(
      `Clerk refused ${identifier} for the ${list}; nothing changed. ${describeFailure(err)}`,
      err,
    );
  }
  return undefined;
}

export type RemoveResult =
  | { outcome: "removed"; note?: string }
  | { outcome: "not_found"; cause: ClerkFailure };

/**
 * Removes entry `id` from `list`. Only sets state, so it is repeated after a lost answer
 * (`setState`); a 404 after a lost answer then means the first attempt removed it.
 * Removing an allowlist entry also revokes its pending invitation (Clerk's rule).
 * Source: `DELETE /v1/{allowlist,blocklist}_identifiers/{id}`.
 * @param id an `alid_…`/`blid_…` ID matching `list`, already checked.
 * @returns removed (with a note after a lost answer), or not_found with Clerk's 404.
 * @throws OutcomeUnknown when no attempt got an answer; ClerkFailure otherwise.
 */
export async function removeRestriction(
  clerk: ClerkGateway,
  list: RestrictionList,
  id: string,
  signal?: AbortSignal,
): Promise<RemoveResult> {
  const answer = await setState(
    clerk,
    (c) =>
      list === "allowlist"
        ? c.allowlistIdentifiers.deleteAllowlistIdentifier(id)
        : c.blocklistIdentifiers.deleteBlocklistIdentifier(id),
    signal,
  );
  if (answer.ok) {
    return answer.lost
      ? { outcome: "removed", note: repeatNote(answer.lost, "removed it") }
      : { outcome: "removed" };
  }
  const { failure, lost } = answer;
  if (failure.status === 404) {
    return lost
      ? { outcome: "removed", note: repeatNote(lost, "found it gone (404): the first removed it") }
      : { outcome: "not_found", cause: failure };
  }
  const refused = refusal(list, id, failure);
  if (refused) throw refused;
  if (failure.outcomeUnknown) {
    throw outcomeUnknown(`the removal of ${id} from the ${list}`, failure, CHECK_WITH(list));
  }
  throw failure;
}
