import type { User } from "@clerk/backend";
import type { ClerkClient, ClerkGateway } from "./client.js";
import { type ClerkFailure, type Found, getById, ToolError } from "./errors.js";
import { describeFailure } from "./failure-text.js";
import { outcomeUnknown, repeatNote, type Settled, sendState, setState } from "./outcomes.js";
import {
  type OrganizationInvitationJson,
  type OrganizationMembershipJson,
  type Page,
  primaryEmail,
  rawOf,
  rawPage,
  type UserJson,
} from "./views.js";

/**
 * Users (`user_…`): the Backend API operations behind the users toolset. Every write here
 * sets state rather than adding to it (a flag, a merge), so after a lost answer it is repeated
 * (`setState`, src/clerk/outcomes.ts), and the repeat says how it ended.
 */

/** The `order_by` values list_users offers: a subset of Clerk's, each with its direction. */
export const USER_ORDER_BY = [
  "-created_at",
  "created_at",
  "-last_active_at",
  "-last_sign_in_at",
] as const;
export type UserOrderBy = (typeof USER_ORDER_BY)[number];

export interface UserPage {
  data: UserJson[];
  total_count: number;
}

/**
 * One page of users, newest first unless `order_by` says otherwise. `@clerk/backend` sends the
 * list and the count as two requests at once; the count takes the same filters.
 * Source: `GET /v1/users?query&email_address&order_by&limit&offset` and
 * `GET /v1/users/count?query&email_address`.
 * @throws ClerkFailure when either request fails.
 */
export async function listUsers(
  clerk: ClerkGateway,
  params: {
    query?: string | undefined;
    email_address?: string | undefined;
    order_by?: UserOrderBy | undefined;
    limit: number;
    offset: number;
  },
  signal?: AbortSignal,
): Promise<UserPage> {
  const { query, email_address, order_by, limit, offset } = params;
  const page = await clerk.call(
    (c) =>
      c.users.getUserList({
        limit,
        offset,
        ...(query ? { query } : {}),
        ...(email_address ? { emailAddress: [email_address] } : {}),
        ...(order_by ? { orderBy: order_by } : {}),
      }),
    { idempotent: true, signal },
  );
  return rawPage<UserJson>(page);
}

/** How find_person names a person: one exact filter of Clerk's user list. */
export type UserKey = { email_address: string } | { user_id: string } | { username: string };

/**
 * The users matching one exact key (an address, an ID or a username: at most a few), newest
 * first. @clerk/backend sends the count beside the list.
 * Source: `GET /v1/users?email_address=|user_id=|username=&limit=10` and `GET /v1/users/count`
 * with the same filter.
 * @throws ClerkFailure when either request fails.
 */
export async function findUsers(
  clerk: ClerkGateway,
  key: UserKey,
  signal?: AbortSignal,
): Promise<UserPage> {
  const filter =
    "email_address" in key
      ? { emailAddress: [key.email_address] }
      : "user_id" in key
        ? { userId: [key.user_id] }
        : { username: [key.username] };
  const page = await clerk.call((c) => c.users.getUserList({ limit: 10, ...filter }), {
    idempotent: true,
    signal,
  });
  return rawPage<UserJson>(page);
}

/** The largest page the per-user lists take; a person with more is shown the first 100. */
export const PERSON_PAGE = 100;

/**
 * A user's organization memberships, across organizations, newest first (the first 100).
 * Source: `GET /v1/users/{user_id}/organization_memberships?limit=100`.
 * @throws ClerkFailure when the request fails (404: no such user).
 */
export async function listUserMemberships(
  clerk: ClerkGateway,
  user_id: string,
  signal?: AbortSignal,
): Promise<Page<OrganizationMembershipJson>> {
  const page = await clerk.call(
    (c) => c.users.getOrganizationMembershipList({ userId: user_id, limit: PERSON_PAGE }),
    { idempotent: true, signal },
  );
  return rawPage<OrganizationMembershipJson>(page);
}

/**
 * The organization invitations addressed to a user, every status, across organizations,
 * newest first (the first 100), each with its organization's public data.
 * Source: `GET /v1/users/{user_id}/organization_invitations?limit=100`.
 * @throws ClerkFailure when the request fails (404: no such user).
 */
export async function listUserOrganizationInvitations(
  clerk: ClerkGateway,
  user_id: string,
  signal?: AbortSignal,
): Promise<Page<OrganizationInvitationJson>> {
  const page = await clerk.call(
    (c) => c.users.getOrganizationInvitationList({ userId: user_id, limit: PERSON_PAGE }),
    { idempotent: true, signal },
  );
  return rawPage<OrganizationInvitationJson>(page);
}

/**
 * One user, or Clerk's 404 (`missing`) when it has no user with that ID.
 * Source: `GET /v1/users/{user_id}`.
 * @throws ClerkFailure for other failures.
 */
export async function getUser(
  clerk: ClerkGateway,
  user_id: string,
  signal?: AbortSignal,
): Promise<Found<UserJson>> {
  return getById(async () => {
    const user = await clerk.call((c) => c.users.getUser(user_id), { idempotent: true, signal });
    return rawOf(user) as UserJson;
  });
}

/** The three metadata kinds a patch may carry, as Clerk's wire names them. */
export interface UserMetadataPatch {
  public_metadata?: Record<string, unknown> | undefined;
  private_metadata?: Record<string, unknown> | undefined;
  unsafe_metadata?: Record<string, unknown> | undefined;
}

/**
 * Deep-merges `patch` into the user's metadata: objects merge key by key at any depth, null
 * removes a key, anything else replaces. Merging the same patch again gives the same metadata,
 * so it is repeated after a lost answer.
 * Source: `PATCH /v1/users/{user_id}/metadata` with `{ public_metadata, private_metadata,
 * unsafe_metadata }` (only the kinds given).
 * @returns the user after the merge, with a note when an earlier answer was lost.
 * @throws ToolError when the user does not exist (404); OutcomeUnknown when no attempt got an
 *   answer; ClerkFailure otherwise.
 */
export async function updateUserMetadata(
  clerk: ClerkGateway,
  user_id: string,
  patch: UserMetadataPatch,
  signal?: AbortSignal,
): Promise<Settled<UserJson>> {
  return sendState(
    clerk,
    async (c) =>
      rawOf(
        await c.users.updateUserMetadata(user_id, {
          ...(patch.public_metadata !== undefined ? { publicMetadata: patch.public_metadata } : {}),
          ...(patch.private_metadata !== undefined
            ? { privateMetadata: patch.private_metadata }
            : {}),
          ...(patch.unsafe_metadata !== undefined ? { unsafeMetadata: patch.unsafe_metadata } : {}),
        }),
      ) as UserJson,
    signal,
    {
      request: `the metadata merge into ${user_id}`,
      checkWith: `get_user (${user_id})`,
      refused: (err) => (err.status === 404 ? userNotFound(user_id, true, err) : undefined),
    },
  );
}

/** What setting a flag (ban, unban, lock, unlock) did. */
export type FlagResult =
  /** `note`: an earlier answer was lost, and the repeat applied it. */
  { outcome: "changed"; user: UserJson; note?: string } | { outcome: "unchanged"; user: UserJson };

/** A flag on a user that Clerk sets and clears with one POST each, and their SDK calls. */
export type UserFlag = "banned" | "locked";

const FLAG_WRITES: Record<
  UserFlag,
  Record<"true" | "false", { verb: string; send: (c: ClerkClient, id: string) => Promise<User> }>
> = {
  banned: {
    true: { verb: "ban", send: (c, id) => c.users.banUser(id) },
    false: { verb: "unban", send: (c, id) => c.users.unbanUser(id) },
  },
  locked: {
    true: { verb: "lock", send: (c, id) => c.users.lockUser(id) },
    false: { verb: "unlock", send: (c, id) => c.users.unlockUser(id) },
  },
};

/**
 * Sets `banned` (ban, unban) or `locked` (lock, unlock) on a user. Looks the user up first, so
 * that a user already in that state is reported as unchanged and no write is sent: the answer
 * to a ban or lock shows the user so whether or not they were before, so only the lookup can
 * tell.
 * Source: `GET /v1/users/{user_id}`, then `POST /v1/users/{user_id}/ban` (Clerk also ends every
 * session of the user), `…/unban`, `…/lock` (sign-in is refused until the instance's lockout
 * duration passes, one hour by default; sessions stay) or `…/unlock`.
 * @throws ToolError when the user does not exist (404); OutcomeUnknown when no attempt got an
 *   answer; ClerkFailure otherwise.
 */
export async function setFlag(
  clerk: ClerkGateway,
  user_id: string,
  flag: UserFlag,
  value: boolean,
  signal?: AbortSignal,
): Promise<FlagResult> {
  const lookup = await getUser(clerk, user_id, signal);
  if (lookup.missing) throw userNotFound(user_id, true, lookup.missing);
  const current = lookup.found;
  if ((current[flag] ?? false) === value) return { outcome: "unchanged", user: current };
  const { verb, send } = FLAG_WRITES[flag][value ? "true" : "false"];
  const { value: user, note } = await sendState(
    clerk,
    async (c) => rawOf(await send(c, user_id)) as UserJson,
    signal,
    {
      request: `the ${verb} of ${user_id}`,
      checkWith: `get_user (${user_id})`,
      refused: (err) => (err.status === 404 ? userNotFound(user_id, true, err) : undefined),
    },
  );
  return note ? { outcome: "changed", user, note } : { outcome: "changed", user };
}

/** The fields update_user sets, as Clerk's wire names them. */
export interface UserFieldsPatch {
  first_name?: string | undefined;
  last_name?: string | undefined;
  username?: string | undefined;
  external_id?: string | undefined;
}

/**
 * Sets a user's names, username or external ID (only those given). Setting the same values
 * again ends in the same state, so it is repeated after a lost answer.
 * Source: `PATCH /v1/users/{user_id}` with `{ first_name, last_name, username, external_id }`.
 * @returns the user, with a note when an earlier answer was lost.
 * @throws ToolError when the user does not exist (404) or the username is taken (422
 *   `form_identifier_exists`); OutcomeUnknown when no attempt got an answer; ClerkFailure
 *   otherwise.
 */
export async function updateUser(
  clerk: ClerkGateway,
  user_id: string,
  patch: UserFieldsPatch,
  signal?: AbortSignal,
): Promise<Settled<UserJson>> {
  return sendState(
    clerk,
    async (c) =>
      rawOf(
        await c.users.updateUser(user_id, {
          ...(patch.first_name !== undefined ? { firstName: patch.first_name } : {}),
          ...(patch.last_name !== undefined ? { lastName: patch.last_name } : {}),
          ...(patch.username !== undefined ? { username: patch.username } : {}),
          ...(patch.external_id !== undefined ? { externalId: patch.external_id } : {}),
        }),
      ) as UserJson,
    signal,
    {
      request: `the update of ${user_id}`,
      checkWith: `get_user (${user_id})`,
      refused: (err) => {
        if (err.status === 404) return userNotFound(user_id, true, err);
        if (err.hasCode("form_identifier_exists")) {
          return new ToolError(
            `Clerk refused the update: the username ${patch.username ?? ""} is already taken by another user (usernames are compared without case). Nothing changed. list_users finds who has it (query). ${describeFailure(err)}`,
            err,
          );
        }
        return undefined;
      },
    },
  );
}

/**
 * How many organizations the user is a member of (Clerk's total count of their memberships).
 * Source: `GET /v1/users/{user_id}/organization_memberships?limit=1`.
 * @throws ClerkFailure.
 */
export async function countOrganizationMemberships(
  clerk: ClerkGateway,
  user_id: string,
  signal?: AbortSignal,
): Promise<number> {
  const page = await clerk.call(
    (c) => c.users.getOrganizationMembershipList({ userId: user_id, limit: 1 }),
    { idempotent: true, signal },
  );
  return page.totalCount;
}

/**
 * Deletes a user with their sessions and organization memberships; this cannot be undone.
 * Only sets state, so after a lost answer it is repeated (`setState`): a 404 then means it is
 * gone.
 * Source: `DELETE /v1/users/{user_id}`.
 * @returns a note when Clerk's first answer was lost.
 * @throws ToolError for an unknown user (a 404 with no lost answer before it); OutcomeUnknown
 *   when no attempt got an answer; ClerkFailure otherwise.
 */
export async function deleteUser(
  clerk: ClerkGateway,
  user_id: string,
  signal?: AbortSignal,
): Promise<{ note?: string }> {
  const answer = await setState(clerk, (c) => c.users.deleteUser(user_id), signal);
  if (answer.ok) return answer.lost ? { note: repeatNote(answer.lost, "deleted it") } : {};
  const { failure, lost } = answer;
  if (failure.status === 404) {
    if (!lost) throw userNotFound(user_id, true, failure);
    return { note: repeatNote(lost, `found ${user_id} gone (Clerk answered 404)`) };
  }
  if (failure.outcomeUnknown) {
    throw outcomeUnknown(`the delete of ${user_id}`, failure, `get_user (${user_id})`);
  }
  throw failure;
}

/** The user named for a human: `email (First Last, user_…)`, leaving out what Clerk lacks. */
export function describeUser(user: UserJson): string {
  const name = [user.first_name, user.last_name].filter(Boolean).join(" ");
  const who = primaryEmail(user) ?? user.username ?? undefined;
  const detail = [name, user.id].filter(Boolean).join(", ");
  return who ? `${who} (${detail})` : detail;
}

/**
 * The error for a user ID Clerk does not know.
 * @param write true for write tools: the message then says that nothing changed.
 * @param cause Clerk's 404, whose status, codes and trace ID the message ends with.
 */
export function userNotFound(user_id: string, write: boolean, cause: ClerkFailure): ToolError {
  const text = `Clerk has no user ${user_id}. list_users finds IDs by email address, name or username.${write ? " Nothing changed." : ""}`;
  return new ToolError(`${text} ${describeFailure(cause)}`, cause);
}
