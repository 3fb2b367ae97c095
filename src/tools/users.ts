import * as z from "zod";
import { ClerkFailure, ToolError } from "../clerk/errors.js";
import { itemFailureText } from "../clerk/failure-text.js";
import { UserId } from "../clerk/ids.js";
import { listInvitationsTo } from "../clerk/invitations.js";
import { listRestrictions } from "../clerk/restrictions.js";
import {
  countOrganizationMemberships,
  deleteUser,
  describeUser,
  findUsers,
  getUser,
  listUserMemberships,
  listUserOrganizationInvitations,
  listUsers,
  setFlag,
  USER_ORDER_BY,
  type UserKey,
  updateUser,
  updateUserMetadata,
  userNotFound,
} from "../clerk/users.js";
import {
  compactMetadata,
  InvitationView,
  invitationView,
  isoTime,
  PersonMembershipView,
  PersonOrganizationInvitationView,
  personMembershipView,
  personOrganizationInvitationView,
  primaryEmail,
  RestrictionView,
  restrictionView,
  UserDetailView,
  type UserJson,
  UserMetadataView,
  UserView,
  userDetailView,
  userMetadataView,
  userView,
  WaitlistEntryView,
  waitlistEntryView,
} from "../clerk/views.js";
import { listWaitlistEntries } from "../clerk/waitlist.js";
import { DESTRUCTIVE, READ, UPDATE } from "./annotations.js";
import { EmailAddress } from "./fields.js";
import { emptyPatchError, MetadataPatch, mergeQuestion, patchedKinds } from "./metadata.js";
import { emptyPageSummary, Limit, Offset, page, pageOutput, Query } from "./paging.js";
import type { Confirmation } from "./types.js";
import { defineTool } from "./types.js";
import { counted } from "./wording.js";

/** Users (`user_…`): find, inspect and moderate the people who sign in. */

export const listUsersTool = defineTool({
  name: "list_users",
  title: "List users",
  description: "Newest first. query: part of email, phone, username, name or ID.",
  toolset: "users",
  input: {
    query: Query.optional(),
    email_address: EmailAddress.optional(),
    order_by: z.enum(USER_ORDER_BY).optional(),
    limit: Limit,
    offset: Offset,
  },
  output: pageOutput("users", UserView),
  annotations: READ,
  async handler({ query, email_address, order_by, limit, offset }, { clerk, signal }) {
    const result = await listUsers(
      clerk,
      { query, email_address, order_by, limit, offset },
      signal,
    );
    const users = result.data.map((raw) => {
      const view = userView(raw);
      return { ...view, public_metadata: compactMetadata(view.public_metadata) };
    });
    const filter = [query && `query "${query}"`, email_address].filter(Boolean).join(", ");
    const summary =
      users.length > 0
        ? undefined
        : emptyPageSummary(
            offset,
            result.total_count,
            ["user", "users"],
            `No users matched${filter ? ` (${filter})` : ""}.`,
          );
    return {
      structured: page("users", users, result.total_count, offset),
      ...(summary ? { summary } : {}),
    };
  },
});

export const getUserTool = defineTool({
  name: "get_user",
  title: "Get user",
  description: "In full: every email address and all metadata.",
  toolset: "users",
  input: { user_id: UserId },
  output: UserDetailView.shape,
  annotations: READ,
  async handler({ user_id }, { clerk, signal }) {
    const user = await getUser(clerk, user_id, signal);
    if (user.missing) throw userNotFound(user_id, false, user.missing);
    return { structured: userDetailView(user.found) };
  },
});

const METADATA_KINDS = ["public_metadata", "private_metadata", "unsafe_metadata"] as const;

export const updateUserMetadataTool = defineTool({
  name: "update_user_metadata",
  title: "Update user metadata",
  description: "Deep merge: objects merge, null removes a key, other values replace.",
  toolset: "users",
  input: {
    user_id: UserId,
    public_metadata: MetadataPatch.optional(),
    private_metadata: MetadataPatch.optional(),
    unsafe_metadata: MetadataPatch.optional(),
  },
  output: UserMetadataView.shape,
  annotations: DESTRUCTIVE,
  async confirm(args, { clerk, signal }) {
    const kinds = patchedKinds(args, METADATA_KINDS);
    // The handler refuses an empty patch before any request.
    if (kinds.length === 0) return undefined;
    // A user Clerk says does not exist loses nothing: no question; the merge fails with the 404.
    const { found: user } = await getUser(clerk, args.user_id, signal);
    return user ? mergeQuestion(user, args, kinds, describeUser(user)) : undefined;
  },
  async handler(args, { clerk, signal }) {
    const kinds = patchedKinds(args, METADATA_KINDS);
    if (kinds.length === 0) throw emptyPatchError("update_user_metadata", METADATA_KINDS);
    const patch = Object.fromEntries(kinds.map((kind) => [kind, args[kind]]));
    const { value: user, note } = await updateUserMetadata(clerk, args.user_id, patch, signal);
    return {
      structured: userMetadataView(user),
      summary: `Merged ${kinds.join(" and ")} into the metadata of ${describeUser(user)}.${note ? ` ${note}` : ""}`,
    };
  },
});

/**
 * ban_user's question, naming the user; none for a user already banned, or one Clerk says does
 * not exist (404), since the call then changes nothing (the handler fails with the 404).
 */
function banQuestion(user: UserJson | undefined): Confirmation | undefined {
  if (!user || user.banned) return undefined;
  return {
    message: `Ban ${describeUser(user)}? Clerk ends all of their sessions and blocks sign-in until unban_user.`,
  };
}

export const banUserTool = defineTool({
  name: "ban_user",
  title: "Ban user",
  description: "Ends their sessions and blocks sign-in; a banned user is returned unchanged.",
  toolset: "users",
  input: { user_id: UserId },
  output: UserView.shape,
  annotations: DESTRUCTIVE,
  async confirm({ user_id }, { clerk, signal }) {
    return banQuestion((await getUser(clerk, user_id, signal)).found);
  },
  async handler({ user_id }, { clerk, signal }) {
    const result = await setFlag(clerk, user_id, "banned", true, signal);
    const who = describeUser(result.user);
    return {
      structured: userView(result.user),
      summary:
        result.outcome === "changed"
          ? `Banned ${who}: their sessions are ended and they cannot sign in.${result.note ? ` ${result.note}` : ""}`
          : `${who} was already banned; nothing changed.`,
    };
  },
});

export const unbanUserTool = defineTool({
  name: "unban_user",
  title: "Unban user",
  description: "A user not banned is returned unchanged.",
  toolset: "users",
  input: { user_id: UserId },
  output: UserView.shape,
  annotations: UPDATE,
  async handler({ user_id }, { clerk, signal }) {
    const result = await setFlag(clerk, user_id, "banned", false, signal);
    const who = describeUser(result.user);
    // A lockout after failed sign-ins is separate from a ban, and unbanning leaves it.
    const locked = result.user.locked
      ? " They are still locked out after failed sign-in attempts (locked) until the lockout expires."
      : "";
    return {
      structured: userView(result.user),
      summary:
        result.outcome === "changed"
          ? `Unbanned ${who}: they can sign in again.${locked}${result.note ? ` ${result.note}` : ""}`
          : `${who} was not banned; nothing changed.${locked}`,
    };
  },
});

/** How long a lock has left, in words, from Clerk's `lockout_expires_in_seconds`. */
function lockLeft(user: UserJson): string {
  const s = user.lockout_expires_in_seconds;
  return typeof s === "number" ? `for ${Math.ceil(s / 60)} more min` : "until unlocked";
}

export const lockUserTool = defineTool({
  name: "lock_user",
  title: "Lock user",
  description: "Blocks sign-in until unlock or the lockout expires; sessions stay.",
  toolset: "users",
  input: { user_id: UserId },
  output: UserView.shape,
  annotations: UPDATE,
  async handler({ user_id }, { clerk, signal }) {
    const result = await setFlag(clerk, user_id, "locked", true, signal);
    const who = describeUser(result.user);
    return {
      structured: userView(result.user),
      summary:
        result.outcome === "changed"
          ? `Locked ${who}: they cannot sign in ${lockLeft(result.user)} (unlock_user lifts it). Sessions they already have stay signed in: revoke_user_sessions ends them.${result.note ? ` ${result.note}` : ""}`
          : `${who} was already locked (${lockLeft(result.user)}); nothing changed.`,
    };
  },
});

export const unlockUserTool = defineTool({
  name: "unlock_user",
  title: "Unlock user",
  description: "A user not locked is returned unchanged.",
  toolset: "users",
  input: { user_id: UserId },
  output: UserView.shape,
  annotations: UPDATE,
  async handler({ user_id }, { clerk, signal }) {
    const result = await setFlag(clerk, user_id, "locked", false, signal);
    const who = describeUser(result.user);
    // A ban is separate from a lock, and unlocking leaves it.
    const banned = result.user.banned
      ? " They are still banned, so they still cannot sign in until unban_user."
      : "";
    return {
      structured: userView(result.user),
      summary:
        result.outcome === "changed"
          ? `Unlocked ${who}.${banned || " They can sign in again."}${result.note ? ` ${result.note}` : ""}`
          : `${who} was not locked; nothing changed.${banned}`,
    };
  },
});

// Clerk's own limits on names and usernames are instance settings; this only keeps a value
// sane and out of the advertised schema.
const Text = z
  .string()
  .refine((v) => v.length <= 256, { error: "expected at most 256 characters" });
const USER_FIELDS = ["first_name", "last_name", "username", "external_id"] as const;

export const updateUserTool = defineTool({
  name: "update_user",
  title: "Update user",
  description: "Sets only the fields given.",
  toolset: "users",
  input: {
    user_id: UserId,
    first_name: Text.optional(),
    last_name: Text.optional(),
    username: Text.optional(),
    external_id: Text.optional(),
  },
  output: { ...UserView.shape, external_id: z.string().nullable() },
  annotations: UPDATE,
  async handler({ user_id, ...fields }, { clerk, signal }) {
    const given = USER_FIELDS.filter((f) => fields[f] !== undefined);
    if (given.length === 0) {
      throw new ToolError(
        "Nothing to update: pass first_name, last_name, username or external_id (metadata goes through update_user_metadata). Nothing was sent to Clerk.",
      );
    }
    const { value: user, note } = await updateUser(clerk, user_id, fields, signal);
    return {
      structured: { ...userView(user), external_id: user.external_id ?? null },
      summary: `Updated ${given.join(", ")} of ${describeUser(user)}.${note ? ` ${note}` : ""}`,
    };
  },
});

/** True when `identifier` is the user's primary email address or username, ignoring case. */
function identifies(user: UserJson, identifier: string): boolean {
  const wanted = identifier.trim().toLowerCase();
  return [primaryEmail(user), user.username].some((v) => v?.toLowerCase() === wanted);
}

export const deleteUserTool = defineTool({
  name: "delete_user",
  title: "Delete user",
  description: "With their sessions and memberships. Irreversible.",
  toolset: "users",
  input: {
    user_id: UserId,
    confirm_identifier: z.string().describe("Their primary email or username"),
  },
  output: { id: z.string(), deleted: z.boolean() },
  annotations: DESTRUCTIVE,
  async confirm({ user_id, confirm_identifier }, { clerk, signal }) {
    // No such user (404), or an identifier that does not match: the handler refuses, sending
    // nothing, so there is nothing to ask.
    const { found: user } = await getUser(clerk, user_id, signal);
    if (!user || !identifies(user, confirm_identifier)) return undefined;
    const orgs = await countOrganizationMemberships(clerk, user_id, signal);
    return {
      message: `Delete user ${describeUser(user)}, created ${isoTime(user.created_at).slice(0, 10)}, member of ${counted(orgs, "organization")}? Their sessions and memberships go too. This cannot be undone.`,
    };
  },
  async handler({ user_id, confirm_identifier }, { clerk, signal }) {
    const lookup = await getUser(clerk, user_id, signal);
    if (lookup.missing) throw userNotFound(user_id, true, lookup.missing);
    const user = lookup.found;
    if (!identifies(user, confirm_identifier)) {
      throw new ToolError(
        `Not deleted: confirm_identifier "${confirm_identifier}" is not the primary email address or username of ${user_id}, which belongs to ${describeUser(user)}${user.username ? `, username ${user.username}` : ""}. Check that this is the user you mean. Nothing was sent.`,
      );
    }
    const { note } = await deleteUser(clerk, user_id, signal);
    return {
      structured: { id: user_id, deleted: true },
      summary: `Deleted user ${describeUser(user)} with their sessions and organization memberships.${note ? ` ${note}` : ""}`,
    };
  },
});

// ---- find_person ----

/**
 * One part of what find_person gathers: Clerk's count and the items (the first 100), or
 * `count: null` and why it is `unavailable`, so that a failed or impossible lookup never reads
 * as "none". Every part has this shape, so a later part (waitlist entries, allowlist and
 * blocklist identifiers) is one more key, and the keys already there do not change.
 */
interface Part<T> {
  count: number | null;
  items: T[];
  unavailable?: string;
}

/** A part as gathered: with Clerk's failure, if any, until `strip` leaves it out of the answer. */
type Gathered<T> = Part<T> & { failure?: ClerkFailure };

function partOf<T extends z.ZodType>(item: T) {
  return z.object({
    count: z.number().nullable().describe("null: unavailable"),
    items: z.array(item),
    unavailable: z.string().optional().describe("Why this part could not be read"),
  });
}

const unavailable = <T>(reason: string): Gathered<T> => ({
  count: null,
  items: [],
  unavailable: reason,
});

/**
 * Runs one part's reads; a Clerk failure makes the part unavailable with Clerk's answer. A
 * cancelled call and anything that is not a Clerk failure (a bug) still fail the call.
 */
async function settlePart<T>(
  read: () => Promise<{ items: T[]; count: number }>,
  signal: AbortSignal,
): Promise<Gathered<T>> {
  try {
    return await read();
  } catch (err) {
    if (!(err instanceof ClerkFailure) || signal.aborted) throw err;
    return { ...unavailable<T>(itemFailureText(err)), failure: err };
  }
}

type PersonKey = UserKey & { kind: "email_address" | "user_id" | "username"; value: string };

const PERSON_HINT = "find_person takes an email address, a user_… ID or a username.";

/** What `person` names, checked before any request. @throws ToolError when it names nothing. */
function personKey(raw: string): PersonKey {
  const value = raw.trim();
  const refuse = (why: string) => new ToolError(`${why} ${PERSON_HINT} Nothing was sent.`);
  if (value.startsWith("user_")) {
    const id = UserId.safeParse(value);
    if (!id.success) throw refuse(`${id.error.issues[0]?.message ?? "not a user ID"}.`);
    return { kind: "user_id", value, user_id: value };
  }
  if (value.includes("@")) {
    // RFC 5321's limits: 64 characters before the @, 254 in all.
    const tooLong = value.length > 254 || value.indexOf("@") > 64;
    if (tooLong || !EmailAddress.safeParse(value).success) {
      throw refuse(`"${value.slice(0, 80)}" is not an email address.`);
    }
    const email = value.toLowerCase();
    return { kind: "email_address", value: email, email_address: email };
  }
  // Clerk's usernames: letters, digits, `-` and `_`; `.` is let through for instances that allow it.
  if (!/^[\w.-]{1,64}$/.test(value)) throw refuse(`"${value.slice(0, 80)}" names no one.`);
  return { kind: "username", value, username: value };
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "1 accepted, 1 revoked": how many of each status, in alphabetical order. */
function byStatus(items: Array<{ status: string }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { status } of [...items].sort((a, b) => a.status.localeCompare(b.status))) {
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  return counts;
}

interface PersonParts {
  users: Part<UserView>;
  organization_memberships: Part<PersonMembershipView>;
  invitations: Part<InvitationView>;
  organization_invitations: Part<PersonOrganizationInvitationView>;
  waitlist_entries: Part<WaitlistEntryView>;
  sign_up_restrictions: Part<PersonRestrictionView>;
}

/** An allowlist or blocklist entry that applies to one of the person's addresses. */
const PersonRestrictionView = RestrictionView.extend({ list: z.enum(["allowlist", "blocklist"]) });
type PersonRestrictionView = z.infer<typeof PersonRestrictionView>;

/** True when `identifier` (an address, or `*@domain`) applies to one of `addresses`. */
function appliesTo(identifier: string, addresses: readonly string[]): boolean {
  const id = identifier.toLowerCase();
  return addresses.some((a) => a === id || (id.startsWith("*@") && a.endsWith(id.slice(1))));
}

/** The sentence a person reads: one phrase per part, "unavailable" where a part could not be read. */
function personSummary(value: string, p: PersonParts): string {
  const phrases: string[] = [];
  const { users, organization_memberships: ms, invitations: inv, organization_invitations: oi } = p;
  if (users.count === null) phrases.push("users unavailable");
  else if (users.count === 0) phrases.push("no user");
  else
    phrases.push(
      `${plural(users.count, "user", "users")} (${users.items.map((u) => u.id).join(", ")})`,
    );
  if (ms.count === null) phrases.push("memberships unavailable");
  else if (users.count) {
    const names = [...new Set(ms.items.map((m) => m.organization_name))].sort().join(", ");
    phrases.push(
      ms.count === 0
        ? "member of no organization"
        : `member of ${plural(ms.count, "organization", "organizations")} (${names})`,
    );
  }
  if (inv.count === null) phrases.push("application invitations unavailable");
  else if (inv.count === 0) phrases.push("no application invitation");
  else {
    const statuses = [...byStatus(inv.items)].map(([s, n]) => `${n} ${s}`).join(", ");
    phrases.push(
      `${plural(inv.count, "application invitation", "application invitations")} (${statuses})`,
    );
  }
  if (oi.count === null) phrases.push("organization invitations unavailable");
  else if (oi.count === 0) phrases.push("no organization invitation");
  else {
    const groups = [...byStatus(oi.items)].map(([status, n]) => {
      const orgs = oi.items
        .filter((i) => i.status === status)
        .map((i) => i.organization_name ?? i.organization_id);
      return `${n} ${status}: ${[...new Set(orgs)].join(", ")}`;
    });
    phrases.push(
      `${plural(oi.count, "organization invitation", "organization invitations")} (${groups.join("; ")})`,
    );
  }
  const { waitlist_entries: wl, sign_up_restrictions: rs } = p;
  if (wl.count === null) phrases.push("waitlist unavailable");
  else if (wl.count > 0) {
    const statuses = [...byStatus(wl.items)].map(([s, n]) => `${n} ${s}`).join(", ");
    phrases.push(`on the waitlist (${statuses})`);
  }
  if (rs.count === null) phrases.push("allowlist and blocklist unavailable");
  else if (rs.count > 0) {
    phrases.push(rs.items.map((r) => `on the ${r.list} (${r.identifier})`).join(", "));
  }
  return `${value}: ${phrases.join(", ")}.`;
}

export const findPersonTool = defineTool({
  name: "find_person",
  title: "Find person",
  description:
    "Their users, memberships, invitations, waitlist and allowlist/blocklist entries; every status, each part counted.",
  toolset: "users",
  input: { person: z.string().describe("Email, user_ ID or username") },
  output: {
    query: z.object({ kind: z.string(), value: z.string() }),
    summary: z.string(),
    users: partOf(UserView),
    organization_memberships: partOf(PersonMembershipView),
    invitations: partOf(InvitationView),
    organization_invitations: partOf(PersonOrganizationInvitationView),
    waitlist_entries: partOf(WaitlistEntryView),
    sign_up_restrictions: partOf(PersonRestrictionView),
  },
  annotations: READ,
  async handler({ person }, { clerk, signal }) {
    const key = personKey(person);
    const { kind, value } = key;
    // The users and, for an address, its invitations at once; then each user's lists at once.
    const invitationsTo = (addresses: string[]) =>
      settlePart(async () => {
        const lists = await Promise.all(addresses.map((a) => listInvitationsTo(clerk, a, signal)));
        const items = lists.flat().map(invitationView);
        return { items, count: items.length };
      }, signal);
    const [users, byAddress] = await Promise.all([
      settlePart(async () => {
        const page = await findUsers(clerk, key, signal);
        return { items: page.data, count: page.total_count };
      }, signal),
      kind === "email_address" ? invitationsTo([value]) : undefined,
    ]);
    const found = users.items;
    const addresses = [
      ...new Set(
        found.flatMap((u) =>
          userDetailView(u).email_addresses.map((e) => e.email_address.toLowerCase()),
        ),
      ),
    ];
    const noUser =
      users.count === null
        ? "needs the users lookup, which failed"
        : "no user matched, and Clerk lists organization memberships and invitations by user";
    const perUser = <J, V>(
      list: (id: string) => Promise<{ data: J[]; total_count: number }>,
      view: (raw: J, user_id: string) => V,
    ) =>
      settlePart(async () => {
        const pages = await Promise.all(
          found.map(async (u) => ({ id: u.id, page: await list(u.id) })),
        );
        return {
          items: pages.flatMap(({ id, page }) => page.data.map((raw) => view(raw, id))),
          count: pages.reduce((n, { page }) => n + page.total_count, 0),
        };
      }, signal);
    const [memberships, orgInvitations, byUser] = await Promise.all([
      found.length > 0
        ? perUser((id) => listUserMemberships(clerk, id, signal), personMembershipView)
        : users.count === null
          ? unavailable<PersonMembershipView>(`Memberships: ${noUser}.`)
          : { count: 0, items: [] as PersonMembershipView[] },
      found.length > 0
        ? perUser(
            (id) => listUserOrganizationInvitations(clerk, id, signal),
            (raw) => personOrganizationInvitationView(raw),
          )
        : unavailable<PersonOrganizationInvitationView>(
            `Organization invitations: ${noUser}; list_organization_invitations checks one organization.`,
          ),
      byAddress === undefined && addresses.length > 0 ? invitationsTo(addresses) : undefined,
    ]);
    // The person's addresses: the one asked about, and every address of the users found.
    const known = kind === "email_address" ? [...new Set([value, ...addresses])] : addresses;
    const noAddress = (what: string) =>
      unavailable<never>(
        users.count === null
          ? `${what}: needs the users lookup, which failed, for the address.`
          : `${what}: no user matched, so no address to look them up by.`,
      );
    const [waitlist, restrictions] = await Promise.all([
      known.length > 0
        ? settlePart(async () => {
            const pages = await Promise.all(
              known.map((a) =>
                listWaitlistEntries(clerk, { query: a, limit: 100, offset: 0 }, signal),
              ),
            );
            const items = pages
              .flatMap((pg) => pg.data)
              .filter((e) => known.includes(e.email_address.toLowerCase()))
              .map(waitlistEntryView);
            return { items, count: items.length };
          }, signal)
        : noAddress("Waitlist entries"),
      known.length > 0
        ? settlePart(async () => {
            const lists = await Promise.all(
              (["allowlist", "blocklist"] as const).map(async (list) => {
                const { data } = await listRestrictions(clerk, list, undefined, signal);
                return data
                  .filter((r) => appliesTo(r.identifier, known))
                  .map((r) => ({ ...restrictionView(r), list }));
              }),
            );
            const items = lists.flat();
            return { items, count: items.length };
          }, signal)
        : noAddress("Allowlist and blocklist entries"),
    ]);
    const invitations =
      byAddress ??
      byUser ??
      unavailable<InvitationView>(
        users.count === null
          ? "Application invitations: needs the users lookup, which failed, for the address."
          : "Application invitations: no user matched, so no address to look them up by.",
      );
    const parts = {
      users: { ...strip(users), items: users.items.map(userView) },
      organization_memberships: strip(memberships),
      invitations: strip(invitations),
      organization_invitations: strip(orgInvitations),
      waitlist_entries: strip(waitlist),
      sign_up_restrictions: strip(restrictions),
    };
    // Nothing could be read at all: an error, with the first of Clerk's failures.
    const all: Gathered<unknown>[] = [
      users,
      memberships,
      invitations,
      orgInvitations,
      waitlist,
      restrictions,
    ];
    const failure = all.find((p) => p.failure)?.failure;
    if (failure && all.every((p) => p.count === null)) throw failure;
    const summary = personSummary(value, parts);
    return { structured: { query: { kind, value }, summary, ...parts }, summary };
  },
});

/** A part without the failure kept for the all-failed check. */
function strip<T>(part: Gathered<T>): Part<T> {
  const { failure: _, ...rest } = part;
  return rest;
}

export const userTools = [
  listUsersTool,
  getUserTool,
  updateUserMetadataTool,
  banUserTool,
  unbanUserTool,
  lockUserTool,
  unlockUserTool,
  updateUserTool,
  deleteUserTool,
  findPersonTool,
];
