import { type BadInputCase as Case, describeBadInput } from "../helpers/bad-input.js";

/**
 * Bad input to the users tools gets a clear error and reaches no endpoint. `user_id` goes
 * into URL paths unencoded by `@clerk/backend`, so crafted values must never leave the server.
 */

const USER = "user_ada0000001";
const crafted: unknown[] = [
  "user_1/../../invitations/inv_1/revoke",
  "user_1/ban",
  "user_1#",
  "user_1?x=1",
  "user_1%2F..",
  `user_${"a".repeat(65)}`,
  "",
  7,
  null,
  { id: "user_1" },
];

const USER_TOOLS = [
  "get_user",
  "update_user_metadata",
  "ban_user",
  "unban_user",
  "lock_user",
  "unlock_user",
  "update_user",
  "delete_user",
];
const patch = { public_metadata: { a: 1 } };
const BASES: Record<string, Record<string, unknown>> = {
  update_user_metadata: patch,
  update_user: { first_name: "Ada" },
  delete_user: { confirm_identifier: "ada@example.com" },
};
const baseOf = (tool: string) => BASES[tool] ?? {};

const CASES: Case[] = [
  ...USER_TOOLS.flatMap((tool) =>
    crafted.map(
      (v): Case => [
        `user_id ${JSON.stringify(v)?.slice(0, 30)}`,
        tool,
        { ...baseOf(tool), user_id: v },
        typeof v !== "string"
          ? /user ID string \(user_…\) at user_id$/
          : v.length > 60
            ? /too long for a user ID.* at user_id$/
            : /expected user_ followed by letters, digits or underscores\. list_users finds IDs\. at user_id$/,
      ],
    ),
  ),
  ...USER_TOOLS.flatMap((tool): Case[] => [
    [
      "an organization ID",
      tool,
      { ...baseOf(tool), user_id: "org_acme000001" },
      /org_acme000001 is an organization ID, not the kind expected here/,
    ],
    [
      "an application invitation ID",
      tool,
      { ...baseOf(tool), user_id: "inv_abc000001" },
      /inv_abc000001 is an application invitation ID/,
    ],
    ["missing user_id", tool, baseOf(tool), /expected a user ID string \(user_…\) at user_id/],
    [
      "userId instead",
      tool,
      { ...baseOf(tool), userId: USER },
      /does not take the argument userId\b/,
    ],
  ]),
  ...(["x", [1], 3, true] as unknown[]).flatMap((v): Case[] =>
    ["public_metadata", "private_metadata", "unsafe_metadata"].map(
      (kind): Case => [
        `${kind} ${JSON.stringify(v)}`,
        "update_user_metadata",
        { user_id: USER, [kind]: v },
        new RegExp(`expected a JSON object of keys to merge \\(null removes a key\\) at ${kind}`),
      ],
    ),
  ),
  [
    "publicMetadata instead",
    "update_user_metadata",
    { user_id: USER, publicMetadata: { a: 1 } },
    /does not take the argument publicMetadata\b/,
  ],
  [
    "metadata instead",
    "update_user_metadata",
    { user_id: USER, metadata: { a: 1 } },
    /does not take the argument metadata\b/,
  ],
  [
    "no patch at all",
    "update_user_metadata",
    { user_id: USER },
    /needs at least one of public_metadata, private_metadata or unsafe_metadata/,
  ],
  [
    "only empty patches",
    "update_user_metadata",
    { user_id: USER, public_metadata: {}, unsafe_metadata: {} },
    /needs at least one of public_metadata, private_metadata or unsafe_metadata.*Nothing was sent to Clerk/,
  ],
  ["limit 101", "list_users", { limit: 101 }, /<=100 at limit/],
  ["limit 0", "list_users", { limit: 0 }, /limit from 1 to 100 at limit/],
  ["limit 2.5", "list_users", { limit: 2.5 }, /expected int, received number at limit/],
  ["offset -1", "list_users", { offset: -1 }, /offset from 0 to 1000000 at offset/],
  ["empty query", "list_users", { query: "" }, /expected 1 to 256 characters at query/],
  [
    "query of 257 characters",
    "list_users",
    { query: "q".repeat(257) },
    /expected 1 to 256 characters at query/,
  ],
  [
    "email_address not an address",
    "list_users",
    { email_address: "ada" },
    /expected an email address at email_address/,
  ],
  [
    "email_address as a list",
    "list_users",
    { email_address: ["a@example.com"] },
    /expected string, received array at email_address/,
  ],
  [
    "order_by outside the enum",
    "list_users",
    { order_by: "-nickname" },
    /expected one of "-created_at"\|"created_at"\|"-last_active_at"\|"-last_sign_in_at" at order_by/,
  ],
  [
    "order_by without a sign Clerk would accept but the tool does not offer",
    "list_users",
    { order_by: "email_address" },
    /at order_by/,
  ],
  ["an unknown key", "list_users", { banned: true }, /does not take the argument banned\b/],
  [
    "update_user with no field",
    "update_user",
    { user_id: USER },
    /Nothing to update: pass first_name, last_name, username or external_id .*Nothing was sent to Clerk/,
  ],
  [
    "update_user with an unknown key",
    "update_user",
    { user_id: USER, email_address: "a@example.com" },
    /does not take the argument email_address\b/,
  ],
  [
    "update_user with firstName",
    "update_user",
    { user_id: USER, firstName: "Ada" },
    /does not take the argument firstName \(did you mean first_name\?\)/,
  ],
  [
    "update_user metadata",
    "update_user",
    { user_id: USER, public_metadata: { a: 1 } },
    /does not take the argument public_metadata\b/,
  ],
  [
    "update_user first_name not a string",
    "update_user",
    { user_id: USER, first_name: 7 },
    /expected string, received number at first_name/,
  ],
  [
    "update_user username of 257 characters",
    "update_user",
    { user_id: USER, username: "u".repeat(257) },
    /at most 256 characters at username/,
  ],
  [
    "delete_user without confirm_identifier",
    "delete_user",
    { user_id: USER },
    /expected string, received undefined at confirm_identifier/,
  ],
];

describeBadInput("users tools refuse bad input before any request", {
  harness: { seed: { users: [{ id: USER, email_address: "ada@example.com" }] } },
  cases: CASES,
  controls: [
    ["get_user", { user_id: USER }],
    ["list_users", { query: "q".repeat(256) }],
    ["update_user_metadata", { user_id: USER, ...patch }],
    ["update_user", { user_id: USER, last_name: "Lovelace" }, 1],
  ],
});
