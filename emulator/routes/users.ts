import { notFound } from "../errors.js";
import type { StoredOrganization, StoredUser } from "../state.js";
import {
  isPaginated,
  listResponse,
  many,
  ok,
  one,
  orderBy,
  pageParams,
  type Route,
  sortItems,
} from "./common.js";

/** A spec-valid (minimal) User object. */
export function serializeUser(u: StoredUser): Record<string, unknown> {
  return {
    id: u.id,
    object: "user",
    external_id: null,
    primary_email_address_id: u.email_address_id,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    username: null,
    first_name: u.first_name,
    last_name: u.last_name,
    image_url: `https://img.emulator.test/${u.id}`,
    has_image: false,
    public_metadata: {},
    private_metadata: {},
    unsafe_metadata: {},
    email_addresses: [
      {
        id: u.email_address_id,
        object: "email_address",
        email_address: u.email_address,
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
        updated_at: u.updated_at,
      },
    ],
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
    last_sign_in_at: null,
    banned: false,
    locked: false,
    lockout_expires_in_seconds: null,
    verification_attempts_remaining: null,
    created_at: u.created_at,
    updated_at: u.updated_at,
    delete_self_enabled: true,
    create_organization_enabled: true,
    last_active_at: null,
    legal_accepted_at: null,
  };
}

/** A spec-valid (minimal) Organization object. */
export function serializeOrganization(
  org: StoredOrganization,
  pendingInvitations: number,
  includeMembersCount: boolean,
): Record<string, unknown> {
  return {
    object: "organization",
    id: org.id,
    name: org.name,
    slug: org.slug,
    image_url: `https://img.emulator.test/${org.id}`,
    has_image: false,
    ...(includeMembersCount ? { members_count: org.members.size } : {}),
    pending_invitations_count: pendingInvitations,
    max_allowed_memberships: 0,
    admin_delete_enabled: true,
    public_metadata: {},
    private_metadata: {},
    created_at: org.created_at,
    updated_at: org.updated_at,
  };
}

function filterUsers(users: StoredUser[], query: Record<string, string | string[]>): StoredUser[] {
  let out = users;
  const emails = many(query, "email_address").map((e) => e.toLowerCase());
  if (emails.length > 0) out = out.filter((u) => emails.includes(u.email_address.toLowerCase()));
  const ids = many(query, "user_id");
  const include = ids.filter((i) => !i.startsWith("-")).map((i) => i.replace(/^\+/, ""));
  const exclude = ids.filter((i) => i.startsWith("-")).map((i) => i.slice(1));
  if (include.length > 0) out = out.filter((u) => include.includes(u.id));
  if (exclude.length > 0) out = out.filter((u) => !exclude.includes(u.id));
  const q = one(query, "query")?.toLowerCase();
  if (q) {
    out = out.filter((u) =>
      [u.id, u.email_address, u.first_name ?? "", u.last_name ?? ""].some((f) =>
        f.toLowerCase().includes(q),
      ),
    );
  }
  return out;
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
        "first_name",
        "last_name",
      ]);
      const page = pageParams(query);
      let users = filterUsers([...store.users.values()], query);
      const orgIds = many(query, "organization_id");
      if (orgIds.length > 0) {
        users = users.filter((u) =>
          orgIds.some((id) => store.findOrganization(id)?.members.has(u.id) === true),
        );
      }
      const sorted = sortItems(users, order.field, order.desc).map(serializeUser);
      return listResponse(sorted, page, isPaginated(query));
    },
  },
  {
    method: "GET",
    pattern: "/v1/users/count",
    handler: ({ store, query }) => {
      const users = filterUsers([...store.users.values()], query);
      return ok({ object: "total_count", total_count: users.length });
    },
  },
  {
    method: "GET",
    pattern: "/v1/users/:user_id",
    handler: ({ store, params }) => {
      const id = params.user_id ?? "";
      const user = store.users.get(id);
      if (!user) throw notFound(`No user was found with id ${id}.`);
      return ok(serializeUser(user));
    },
  },
];
