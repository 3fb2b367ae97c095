import * as z from "zod";
import { ToolError } from "../clerk/errors.js";
import { describeFailure } from "../clerk/failure-text.js";
import { RestrictionId } from "../clerk/ids.js";
import {
  addRestriction,
  findRestriction,
  LIST_PREFIX,
  listRestrictions,
  type RestrictionList,
  removeRestriction,
} from "../clerk/restrictions.js";
import { isoTime, RestrictionView, restrictionView } from "../clerk/views.js";
import { DESTRUCTIVE, INVITE, READ } from "./annotations.js";
import { EmailAddress } from "./fields.js";
import { emptyPageSummary, Limit, Offset, page, pageOutput } from "./paging.js";
import { defineTool } from "./types.js";

/**
 * Sign-up restrictions: who may sign up (allowlist, `alid_…`) and who may not (blocklist,
 * `blid_…`). One set of tools for both lists; `list` chooses.
 */

const List = z.enum(["allowlist", "blocklist"]);

const PHONE = /^\+[1-9]\d{6,14}$/;
const DOMAIN = /^\*@[a-z0-9-]+(\.[a-z0-9-]+)+$/;

/**
 * What `add_sign_up_restriction` takes, lowercased and trimmed as Clerk stores it: an email
 * address, a whole email domain written `*@example.com` (the form @clerk/backend documents),
 * or a phone number in E.164 (`+15555550100`). Web3 wallets, which Clerk also takes, are left
 * out. A bare `example.com` is refused with the form to use.
 */
const Identifier = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .superRefine((v, ctx) => {
    if (PHONE.test(v) || DOMAIN.test(v) || EmailAddress.safeParse(v).success) return;
    const bare = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(v) ? ` (for the domain, write *@${v})` : "";
    ctx.addIssue({
      code: "custom",
      message: `expected an email address, an email domain as *@example.com${bare}, or a phone number in E.164 such as +15555550100. Nothing was sent to Clerk`,
    });
  })
  .describe("Email, *@domain or +E.164 phone");

const ALLOWLIST_NOTE =
  "The allowlist applies only while it is turned on (Clerk Dashboard, Restrictions).";

export const listSignUpRestrictionsTool = defineTool({
  name: "list_sign_up_restrictions",
  title: "List allowlist or blocklist",
  description: `Newest first. ${ALLOWLIST_NOTE}`,
  toolset: "restrictions",
  input: { list: List, limit: Limit, offset: Offset },
  output: pageOutput("entries", RestrictionView),
  annotations: READ,
  async handler({ list, limit, offset }, { clerk, signal }) {
    const res = await listRestrictions(clerk, list, { limit, offset }, signal);
    const entries = res.data.map(restrictionView);
    const summary =
      entries.length > 0
        ? undefined
        : emptyPageSummary(offset, res.total_count, ["entry", "entries"], `The ${list} is empty.`);
    return {
      structured: page("entries", entries, res.total_count, offset),
      ...(summary ? { summary } : {}),
    };
  },
});

export const addSignUpRestrictionTool = defineTool({
  name: "add_sign_up_restriction",
  title: "Add to allowlist or blocklist",
  description: `Already listed: returns the entry. ${ALLOWLIST_NOTE}`,
  toolset: "restrictions",
  input: {
    list: List,
    identifier: Identifier,
    notify: z.boolean().default(false).describe("Allowlist: email or text an invitation"),
  },
  output: { ...RestrictionView.shape, already_listed: z.boolean() },
  // Not destructive: an entry blocks or admits people from now on and can be removed again. A
  // repeat changes nothing (the entry is returned), and notify reaches someone outside.
  annotations: { ...INVITE, idempotentHint: true },
  async handler({ list, identifier, notify }, { clerk, signal }) {
    if (notify && list === "blocklist") {
      throw new ToolError("notify is for the allowlist only; nothing was sent to Clerk.");
    }
    if (notify && identifier.startsWith("*@")) {
      throw new ToolError(
        "notify needs an email address or phone number, not a domain; nothing was sent to Clerk.",
      );
    }
    const r = await addRestriction(clerk, list, identifier, notify, signal);
    const view = restrictionView(r.entry);
    if (r.outcome === "already_listed") {
      return {
        structured: { ...view, already_listed: true },
        summary: `${view.identifier} was already on the ${list} (${view.id}, since ${view.created_at.slice(0, 10)}); nothing changed.`,
      };
    }
    const sent = notify ? " Clerk sends them an invitation." : "";
    const off = list === "allowlist" ? ` ${ALLOWLIST_NOTE}` : "";
    return {
      structured: { ...view, already_listed: false },
      summary: `Added ${view.identifier} to the ${list} (${view.id}).${sent}${off}${r.note ? ` ${r.note}` : ""}`,
    };
  },
});

/** The ID's list must be the one named: `alid_` for the allowlist, `blid_` for the blocklist. */
function checkPrefix(list: RestrictionList, id: string): void {
  if (id.startsWith(LIST_PREFIX[list])) return;
  const other: RestrictionList = list === "allowlist" ? "blocklist" : "allowlist";
  throw new ToolError(
    `${id} is a ${other} entry, not a ${list} one: ${list} IDs start ${LIST_PREFIX[list]}. Pass list: "${other}" to remove it from the ${other}. Nothing was sent to Clerk.`,
  );
}

export const removeSignUpRestrictionTool = defineTool({
  name: "remove_sign_up_restriction",
  title: "Remove from allowlist or blocklist",
  description:
    "Blocklist: lets them in again. Allowlist: keeps them out, revokes their pending invitation.",
  toolset: "restrictions",
  input: { list: List, identifier_id: RestrictionId },
  output: { id: z.string(), removed: z.boolean(), identifier: z.string().nullable() },
  // Destructive both ways: removing a block lets people in; removing an allow entry locks out
  // who has not signed up yet (while the allowlist is on) and revokes their pending invitation.
  annotations: DESTRUCTIVE,
  async confirm({ list, identifier_id }, { clerk, signal }) {
    checkPrefix(list, identifier_id);
    // The whole list is read: an ID not on it is not there, and removing it loses nothing.
    const entry = await findRestriction(clerk, list, identifier_id, signal);
    if (!entry) return undefined;
    const who = `${entry.identifier} (${identifier_id}, added ${isoTime(entry.created_at).slice(0, 10)})`;
    return {
      message:
        list === "blocklist"
          ? `Remove ${who} from the blocklist? They will be able to sign up and sign in again.`
          : `Remove ${who} from the allowlist? While the allowlist is on they can no longer sign up, and a pending invitation for them is revoked.`,
    };
  },
  async handler({ list, identifier_id }, { clerk, signal }) {
    checkPrefix(list, identifier_id);
    const entry = await findRestriction(clerk, list, identifier_id, signal).catch(() => undefined);
    const r = await removeRestriction(clerk, list, identifier_id, signal);
    const identifier = entry?.identifier ?? null;
    const named = identifier ? `${identifier} (${identifier_id})` : identifier_id;
    if (r.outcome === "not_found") {
      return {
        structured: { id: identifier_id, removed: false, identifier },
        summary: `${identifier_id} is not on the ${list} (no longer there, or never was); nothing changed. ${describeFailure(r.cause)}`,
      };
    }
    return {
      structured: { id: identifier_id, removed: true, identifier },
      summary: `Removed ${named} from the ${list}.${r.note ? ` ${r.note}` : ""}`,
    };
  },
});

export const restrictionTools = [
  listSignUpRestrictionsTool,
  addSignUpRestrictionTool,
  removeSignUpRestrictionTool,
];
