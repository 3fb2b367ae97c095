import { ApiError, notFound, paramInvalid } from "../errors.js";
import { DEFAULT_LOCKOUT_SECONDS, type Store, type StoredUser } from "../state.js";
import {
  checkMetadataSize,
  deepMerge,
  isPaginated,
  listResponse,
  many,
  ok,
  one,
  optionalMetadata,
  optionalString,
  orderBy,
  pageParams,
  type Route,
  rejectUnknownParams,
  requireObjectBody,
  sortItems,
} from "./common.js";

/** A spec-valid User object, as Clerk's Backend API sends it; `locked` is computed at read time. */
export function serializeUser(store: Store, u: StoredUser): Record<string, unknown> {
  const lock = store.lockState(u);
  const emails = [
    { id: u.email_address_id, email_address: u.email_address },
    ...u.other_email_addresses,
  ];
  return {
    id: u.id,
    object: "user",
    external_id: u.external_id,
    primary_email_address_id: u.email_address_id,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    username: u.username,
    first_name: u.first_name,
    last_name: u.last_name,
    image_url: `https://img.emulator.test/${u.id}`,
    has_image: false,
    public_metadata: structuredClone(u.public_metadata),
    private_metadata: structuredClone(u.private_metadata),
    unsafe_metadata: structuredClone(u.unsafe_metadata),
    email_addresses: emails.map((e) => ({
      id: e.id,
      object: "email_address",
      email_address: e.email_address,
      reserved: false,
      verification: {
        object: "verification_admin",
        status: "verified",
        strategy: "admin",
        attempts: null,
        expire_at: null,
      },
      linked_to: [],
      created_at: u.created_at,
      updated_at: u.created_at,
    })),
    phone_numbers: [],
    web3_wallets: [],
    passkeys: [],
    password_enabled: false,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    mfa_enabled_at: null,
    mfa_disabled_at: null,
    external_accounts: [],
    saml_accounts: [],
    enterprise_accounts: [],
    last_sign_in_at: u.last_sign_in_at,
    banned: u.banned,
    locked: lock.locked,
    // Seconds left of the lock; null when not locked, or when the lock never expires.
    lockout_expires_in_seconds: lock.secondsLeft,
    verification_attempts_remaining: null,
    created_at: u.created_at,
    updated_at: u.updated_at,
    delete_self_enabled: true,
    create_organization_enabled: true,
    last_active_at: u.last_active_at,
    legal_accepted_at: null,
  };
}

/**
 * The filters GET /v1/users and GET /v1/users/count share: `email_address`, `username` and
 * `user_id` (repeatable, exact; `user_id` also takes `-id` to exclude), `banned`, and `query`
 * (partial, case-insensitive, over email addresses, username, ID, first and last name).
 */
function filterUsers(store: Store, query: Record<string, string | string[]>): StoredUser[] {
  let out = [...store.users.values()];
  const emails = many(query, "email_address").map((e) => e.toLowerCase());
  if (emails.length > 0) {
    out = out.filter((u) =>
      store.emailAddressesOf(u).some((e) => emails.includes(e.toLowerCase())),
    );
  }
  const usernames = many(query, "username").map((n) => n.toLowerCase());
  if (usernames.length > 0) {
    out = out.filter((u) => u.username !== null && usernames.includes(u.username.toLowerCase()));
  }
  const ids = many(query, "user_id");
  const include = ids.filter((i) => !i.startsWith("-")).map((i) => i.replace(/^\+/, ""));
  const exclude = ids.filter((i) => i.startsWith("-")).map((i) => i.slice(1));
  if (include.length > 0) out = out.filter((u) => include.includes(u.id));
  if (exclude.length > 0) out = out.filter((u) => !exclude.includes(u.id));
  const banned = one(query, "banned");
  if (banned !== undefined) {
    if (banned !== "true" && banned !== "false") {
      throw paramInvalid("banned", "banned must be true or false");
    }
    out = out.filter((u) => u.banned === (banned === "true"));
  }
  const q = one(query, "query")?.toLowerCase();
  if (q) {
    out = out.filter((u) =>
      [
        u.id,
        ...store.emailAddressesOf(u),
        u.username ?? "",
        u.first_name ?? "",
        u.last_name ?? "",
      ].some((f) => f.toLowerCase().includes(q)),
    );
  }
  const orgIds = many(query, "organization_id");
  if (orgIds.length > 0) {
    out = out.filter((u) =>
      orgIds.some((id) => store.findOrganization(id)?.members.has(u.id) === true),
    );
  }
  return out;
}

const METADATA_KINDS = ["public_metadata", "private_metadata", "unsafe_metadata"] as const;

function requireUser(store: Store, id: string | undefined): StoredUser {
  const user = id ? store.users.get(id) : undefined;
  if (!user) throw notFound(`No user was found with id ${id ?? ""}.`);
  return user;
}

export const userRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/v1/users",
    handler: ({ store, query }) => {
      const order = orderBy(query, [
        "created_at",
        "updated_at",
        "email_address",
        "web3wallet",
        "first_name",
        "last_name",
        "phone_number",
        "username",
        "last_active_at",
        "last_sign_in_at",
      ]);
      const page = pageParams(query);
      const sorted = sortItems(filterUsers(store, query), order.field, order.desc);
      return listResponse(
        sorted.map((u) => serializeUser(store, u)),
        page,
        isPaginated(query),
      );
    },
  },
  {
    method: "GET",
    pattern: "/v1/users/count",
    handler: ({ store, query }) =>
      ok({ object: "total_count", total_count: filterUsers(store, query).length }),
  },
  {
    method: "GET",
    pattern: "/v1/users/:user_id",
    handler: ({ store, params }) => ok(serializeUser(store, requireUser(store, params.user_id))),
  },
  {
    method: "PATCH",
    pattern: "/v1/users/:user_id/metadata",
    handler: ({ store, params, body }) => {
      const user = requireUser(store, params.user_id);
      const patch = requireObjectBody(body);
      rejectUnknownParams(patch, METADATA_KINDS);
      // All three are checked before any is merged: a bad one changes nothing.
      const merged = METADATA_KINDS.flatMap((kind) => {
        const value = optionalMetadata(patch, kind);
        return value === undefined ? [] : [[kind, deepMerge(user[kind], value)] as const];
      });
      // The stored result is what the limit applies to; over it, nothing is merged.
      for (const [kind, value] of merged) checkMetadataSize(kind, value);
      for (const [kind, value] of merged) user[kind] = value;
      store.touchUser(user);
      return ok(serializeUser(store, user));
    },
  },
  {
    method: "PATCH",
    pattern: "/v1/users/:user_id",
    handler: ({ store, params, body }) => {
      const user = requireUser(store, params.user_id);
      const patch = requireObjectBody(body);
      // The emulator updates the four fields this project uses; Clerk's other fields are refused
      // here rather than silently ignored, so a test cannot pass on a field that did nothing.
      rejectUnknownParams(patch, ["first_name", "last_name", "username", "external_id"]);
      const first = optionalString(patch, "first_name");
      const last = optionalString(patch, "last_name");
      const username = optionalString(patch, "username");
      const externalId = optionalString(patch, "external_id");
      if (username !== undefined) requireFreeUsername(store, user, username);
      if (first !== undefined) user.first_name = first;
      if (last !== undefined) user.last_name = last;
      if (username !== undefined) user.username = username;
      if (externalId !== undefined) user.external_id = externalId;
      store.touchUser(user);
      return ok(serializeUser(store, user));
    },
  },
  {
    method: "DELETE",
    pattern: "/v1/users/:user_id",
    handler: ({ store, params }) => {
      const user = requireUser(store, params.user_id);
      store.deleteUser(user);
      return ok({ object: "user", id: user.id, deleted: true });
    },
  },
  banRoute("ban", true),
  banRoute("unban", false),
  {
    method: "POST",
    pattern: "/v1/users/:user_id/lock",
    handler: ({ store, params }) => {
      const user = requireUser(store, params.user_id);
      // Clerk's lock lasts the instance's lockout duration (one hour by default) from now.
      user.locked_at = store.time();
      user.lockout_seconds = DEFAULT_LOCKOUT_SECONDS;
      store.touchUser(user);
      return ok(serializeUser(store, user));
    },
  },
  {
    method: "POST",
    pattern: "/v1/users/:user_id/unlock",
    handler: ({ store, params }) => {
      const user = requireUser(store, params.user_id);
      if (user.locked_at !== null) {
        user.locked_at = null;
        store.touchUser(user);
      }
      return ok(serializeUser(store, user));
    },
  },
];

/**
 * Uniqueness, compared without case: a taken username is 422 `form_identifier_exists` naming
 * `username`. (Clerk's format rules for usernames are instance settings; the emulator has none.)
 */
function requireFreeUsername(store: Store, user: StoredUser, username: string): void {
  if (store.usernameTaken(username, user)) {
    throw new ApiError(
      422,
      "form_identifier_exists",
      "That username is taken. Please try another.",
      "That username is taken. Please try another.",
      { param_name: "username" },
    );
  }
}

/**
 * POST /v1/users/{user_id}/ban or /unban: sets `banned`. A user already so is answered
 * unchanged, `updated_at` included.
 */
function banRoute(action: "ban" | "unban", banned: boolean): Route {
  return {
    method: "POST",
    pattern: `/v1/users/:user_id/${action}`,
    handler: ({ store, params }) => {
      const user = requireUser(store, params.user_id);
      if (user.banned !== banned) {
        user.banned = banned;
        store.touchUser(user);
      }
      // Clerk revokes all of a banned user's sessions (every ban, so none stays active).
      if (banned) store.revokeSessionsOf(user.id);
      return ok(serializeUser(store, user));
    },
  };
}
