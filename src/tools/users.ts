import * as z from "zod";
import { ToolError } from "../clerk/errors.js";
import { UserId } from "../clerk/ids.js";
import {
  countOrganizationMemberships,
  deleteUser,
  describeUser,
  getUser,
  listUsers,
  setFlag,
  USER_ORDER_BY,
  updateUser,
  updateUserMetadata,
  userNotFound,
} from "../clerk/users.js";
import {
  compactMetadata,
  isoTime,
  primaryEmail,
  UserDetailView,
  type UserJson,
  UserMetadataView,
  UserView,
  userDetailView,
  userMetadataView,
  userView,
} from "../clerk/views.js";
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
];
