import type * as z from "zod";
import type { Emulator, SeedData } from "../../emulator/index.js";
import { ALL_TOOLS, type ToolName } from "../../src/tools/registry.js";
import { ADMIN, acmeSeed, MEMBER, ORG, OUTSIDER } from "./acme.js";
import { api, dataOf, roleOf, sessionStatus } from "./emulator-api.js";

/**
 * One valid call per tool, for the checks that must hold for every tool (the key never leaks,
 * every request is under the attempt timeout, crafted IDs send nothing, unknown arguments are
 * refused) and for any other every-tool table. Keyed by `ToolName`, so a tool added to
 * ALL_TOOLS without a case here is a type error; `missingToolCases` is the same check at run
 * time (test/tools/tool-cases.test.ts), and `toolCase` fails a tool's test when its case is
 * missing.
 *
 * Adding a tool: add its case, with arguments that succeed against TOOL_SEED (extend the seed
 * if the tool needs data of a new kind). test/tools/tool-cases.test.ts proves that they do. A
 * write tool also declares `lost`, for the lost-answer table (test/tools/lost-answers.test.ts).
 */

export const INV = "inv_pending0001";
export const INV2 = "inv_pending0002";
export const ORGINV = "orginv_pending01";
export const BANNED = "user_banned0001";
export const LOCKED = "user_locked0001";
export const SESS = "sess_member00001";
export const SESS2 = "sess_member00002";
export const ALID = "alid_allowed0001";
export const BLID = "blid_blocked0001";
export const WLE = "wle_pending00001";
export const WLE2 = "wle_pending00002";

/**
 * What the cases' arguments refer to: Acme (test/helpers/acme.ts), pending invitations, two
 * active sessions of the member, allowlist and blocklist entries, and waitlist entries.
 */
export const TOOL_SEED: SeedData = {
  ...acmeSeed({
    users: [
      { id: BANNED, email_address: "banned@else.test", banned: true },
      { id: LOCKED, email_address: "locked@else.test", locked: true },
    ],
    invitations: [
      { id: INV, email_address: "pending1@example.com" },
      { id: INV2, email_address: "pending2@example.com" },
    ],
    organization_invitations: [
      { id: ORGINV, organization_id: ORG, email_address: "pending@acme.test" },
    ],
  }),
  sessions: [
    { id: SESS, user_id: MEMBER },
    { id: SESS2, user_id: MEMBER },
  ],
  allowlist_identifiers: [{ id: ALID, identifier: "allowed@example.com" }],
  blocklist_identifiers: [{ id: BLID, identifier: "*@spam.test" }],
  waitlist_entries: [
    { id: WLE, email_address: "waiting1@example.com" },
    { id: WLE2, email_address: "waiting2@example.com" },
  ],
};

type ToolOf<N extends ToolName> = Extract<(typeof ALL_TOOLS)[number], { name: N }>;

/** The arguments a tool takes, as a client sends them (so the compiler checks each case). */
export type ArgsOf<N extends ToolName> = z.input<z.ZodObject<ToolOf<N>["input"]>>;

export interface ToolCase<A = Record<string, unknown>> {
  /** Arguments that succeed against a fresh emulator seeded with TOOL_SEED. */
  args: A;
  /** Write tools: how the lost-answer table holds this call's write and reads its effect. */
  lost?: LostAnswerCase<A>;
  /**
   * Write tools: a refusal Clerk gives on the tool's path, for the table of errors born from a
   * Clerk failure (test/tools/clerk-failures.test.ts): its text and audit line name the status,
   * code and trace ID.
   */
  failure?: ClerkFailureCase;
  /**
   * The tool's own bad input, each refused with a clear error before any request
   * (test/tools/case-bad-input.test.ts). Crafted IDs and unknown arguments are covered for every
   * tool already (bad-ids.test.ts, invariants.test.ts).
   */
  badInput?: Array<[label: string, args: Record<string, unknown>, message: RegExp]>;
  /**
   * Write tools whose arguments name no user or organization that the write changes, so that
   * `--protect` has nothing to refuse (test/tools/protect.test.ts): why.
   */
  untargeted?: string;
}

/** One Clerk refusal: the emulator answers `method path` with `status` and `code`. */
export interface ClerkFailureCase {
  name: string;
  /** Arguments for this table, when `args` would not reach the refused request. */
  args?: Record<string, unknown>;
  method: string;
  path: string;
  status: number;
  code: string;
  /** Every request the emulator must see, in order ("METHOD /path" without the query). */
  sent: string[];
}

/**
 * A write tool's entry in the lost-answer table: Clerk holds `write` past the attempt timeout,
 * then applies it or never does, and `applied` reads Clerk's state afterwards.
 */
export interface LostAnswerCase<A = Record<string, unknown>> {
  /** Arguments for this table, when `args` would not change anything (e.g. unban a banned user). */
  args?: A;
  /** The request that changes state, as the emulator sees it (path without the query). */
  write: { method: string; path: string };
  /** `state`: repeated after a lost answer; `create`: looked up instead. */
  kind: "state" | "create";
  /** Whether Clerk's state shows the change. */
  applied(emu: Emulator): Promise<boolean>;
}

export const TOOL_CASES: { [N in ToolName]: ToolCase<ArgsOf<N>> } = {
  revoke_invitation: {
    untargeted: "an invitation is not an account yet",
    args: { invitation_id: INV },
    lost: {
      write: { method: "POST", path: `/v1/invitations/${INV}/revoke` },
      kind: "state",
      applied: async (emu) => emu.getInvitation(INV)?.status === "revoked",
    },
  },
  list_invitations: { args: {} },
  create_invitation: {
    untargeted: "an invitation is not an account yet",
    args: { email_address: "new1@example.com" },
    lost: {
      write: { method: "POST", path: "/v1/invitations" },
      kind: "create",
      applied: async (emu) =>
        dataOf(await api(emu, "/v1/invitations?query=new1%40example.com")).length === 1,
    },
  },
  create_invitations: {
    untargeted: "an invitation is not an account yet",
    args: { email_addresses: ["new2@example.com", "new3@example.com"] },
    lost: {
      write: { method: "POST", path: "/v1/invitations/bulk" },
      kind: "create",
      applied: async (emu) =>
        dataOf(await api(emu, "/v1/invitations?query=example.com&status=pending")).filter((i) =>
          /^new[23]@/.test(String(i.email_address)),
        ).length === 2,
    },
  },
  revoke_invitations: {
    untargeted: "an invitation is not an account yet",
    args: { invitation_ids: [INV, INV2] },
    lost: {
      args: { invitation_ids: [INV2] },
      write: { method: "POST", path: `/v1/invitations/${INV2}/revoke` },
      kind: "state",
      applied: async (emu) => emu.getInvitation(INV2)?.status === "revoked",
    },
  },
  list_organization_invitations: { args: { organization_id: ORG } },
  get_organization_invitation: { args: { organization_id: ORG, invitation_id: ORGINV } },
  create_organization_invitation: {
    args: { organization_id: ORG, email_address: "new4@example.com", role: "org:member" },
    lost: {
      write: { method: "POST", path: `/v1/organizations/${ORG}/invitations` },
      kind: "create",
      applied: async (emu) =>
        dataOf(await api(emu, `/v1/organizations/${ORG}/invitations?status=pending`)).some(
          (i) => i.email_address === "new4@example.com",
        ),
    },
  },
  revoke_organization_invitation: {
    args: { organization_id: ORG, invitation_id: ORGINV, requesting_user_id: ADMIN },
    lost: {
      write: { method: "POST", path: `/v1/organizations/${ORG}/invitations/${ORGINV}/revoke` },
      kind: "state",
      applied: async (emu) => emu.getOrganizationInvitation(ORGINV)?.status === "revoked",
    },
  },
  list_users: { args: {} },
  get_user: { args: { user_id: MEMBER } },
  update_user_metadata: {
    args: { user_id: MEMBER, public_metadata: { plan: "pro" } },
    lost: {
      write: { method: "PATCH", path: `/v1/users/${MEMBER}/metadata` },
      kind: "state",
      applied: async (emu) =>
        (emu.getUser(MEMBER)?.public_metadata as Record<string, unknown>)?.plan === "pro",
    },
  },
  ban_user: {
    args: { user_id: MEMBER },
    lost: {
      write: { method: "POST", path: `/v1/users/${MEMBER}/ban` },
      kind: "state",
      applied: async (emu) => emu.getUser(MEMBER)?.banned === true,
    },
  },
  find_person: { args: { person: "member@acme.test" } },
  unban_user: {
    args: { user_id: MEMBER },
    lost: {
      args: { user_id: BANNED },
      write: { method: "POST", path: `/v1/users/${BANNED}/unban` },
      kind: "state",
      applied: async (emu) => emu.getUser(BANNED)?.banned === false,
    },
  },
  lock_user: {
    args: { user_id: MEMBER },
    lost: {
      write: { method: "POST", path: `/v1/users/${MEMBER}/lock` },
      kind: "state",
      applied: async (emu) => emu.getUser(MEMBER)?.locked === true,
    },
  },
  unlock_user: {
    args: { user_id: MEMBER },
    lost: {
      args: { user_id: LOCKED },
      write: { method: "POST", path: `/v1/users/${LOCKED}/unlock` },
      kind: "state",
      applied: async (emu) => emu.getUser(LOCKED)?.locked === false,
    },
  },
  update_user: {
    args: { user_id: MEMBER, first_name: "Mo" },
    lost: {
      write: { method: "PATCH", path: `/v1/users/${MEMBER}` },
      kind: "state",
      applied: async (emu) => emu.getUser(MEMBER)?.first_name === "Mo",
    },
  },
  delete_user: {
    args: { user_id: OUTSIDER, confirm_identifier: "out@else.test" },
    lost: {
      write: { method: "DELETE", path: `/v1/users/${OUTSIDER}` },
      kind: "state",
      applied: async (emu) => emu.getUser(OUTSIDER) === undefined,
    },
  },
  list_organizations: { args: {} },
  get_organization: { args: { organization_id: ORG } },
  create_organization: {
    untargeted: "the organization does not exist yet",
    args: { name: "Globex", created_by: ADMIN },
    lost: {
      write: { method: "POST", path: "/v1/organizations" },
      kind: "create",
      applied: async (emu) =>
        dataOf(await api(emu, "/v1/organizations?query=Globex")).some((o) => o.name === "Globex"),
    },
  },
  update_organization: {
    args: { organization_id: ORG, name: "Acme Corp" },
    lost: {
      write: { method: "PATCH", path: `/v1/organizations/${ORG}` },
      kind: "state",
      applied: async (emu) =>
        ((await api(emu, `/v1/organizations/${ORG}`)).body as { name: string }).name ===
        "Acme Corp",
    },
  },
  update_organization_metadata: {
    args: { organization_id: ORG, public_metadata: { plan: "pro" } },
    lost: {
      write: { method: "PATCH", path: `/v1/organizations/${ORG}/metadata` },
      kind: "state",
      applied: async (emu) =>
        (
          (await api(emu, `/v1/organizations/${ORG}`)).body as {
            public_metadata: Record<string, unknown>;
          }
        ).public_metadata.plan === "pro",
    },
  },
  delete_organization: {
    args: { organization_id: ORG },
    lost: {
      write: { method: "DELETE", path: `/v1/organizations/${ORG}` },
      kind: "state",
      applied: async (emu) => (await api(emu, `/v1/organizations/${ORG}`)).status === 404,
    },
  },
  list_organization_memberships: { args: { organization_id: ORG } },
  create_organization_membership: {
    args: { organization_id: ORG, user_id: OUTSIDER, role: "org:member" },
    lost: {
      write: { method: "POST", path: `/v1/organizations/${ORG}/memberships` },
      kind: "create",
      applied: async (emu) => (await roleOf(emu, ORG, OUTSIDER)) === "org:member",
    },
  },
  update_organization_membership: {
    args: { organization_id: ORG, user_id: MEMBER, role: "org:admin" },
    lost: {
      write: { method: "PATCH", path: `/v1/organizations/${ORG}/memberships/${MEMBER}` },
      kind: "state",
      applied: async (emu) => (await roleOf(emu, ORG, MEMBER)) === "org:admin",
    },
  },
  delete_organization_membership: {
    args: { organization_id: ORG, user_id: MEMBER },
    lost: {
      write: { method: "DELETE", path: `/v1/organizations/${ORG}/memberships/${MEMBER}` },
      kind: "state",
      applied: async (emu) => (await roleOf(emu, ORG, MEMBER)) === undefined,
    },
  },
  list_sessions: {
    args: { user_id: MEMBER },
    badInput: [
      ["missing user_id", {}, /expected a user ID string \(user_…\) at user_id/],
      [
        "a session ID as user_id",
        { user_id: "sess_abc000001" },
        /sess_abc000001 is a session ID, not the kind expected here \(pass it as session_id\)/,
      ],
      [
        "status outside Clerk's filter",
        { user_id: MEMBER, status: "pending" },
        /expected one of "active"\|"revoked"\|"ended"\|"expired"\|"removed"\|"replaced"\|"abandoned" at status/,
      ],
      ["status as a list", { user_id: MEMBER, status: ["active"] }, /at status/],
      ["limit 101", { user_id: MEMBER, limit: 101 }, /<=100 at limit/],
      ["offset -1", { user_id: MEMBER, offset: -1 }, /offset from 0 to 1000000/],
    ],
  },
  get_session: {
    args: { session_id: SESS },
    badInput: [
      ["missing session_id", {}, /expected a session ID string \(sess_…\) at session_id/],
      [
        "a user ID as session_id",
        { session_id: MEMBER },
        new RegExp(`${MEMBER} is a user ID, not the kind expected here`),
      ],
    ],
  },
  revoke_session: {
    untargeted: "the session's user is known only from a lookup",
    args: { session_id: SESS },
    lost: {
      write: { method: "POST", path: `/v1/sessions/${SESS}/revoke` },
      kind: "state",
      applied: async (emu) => (await sessionStatus(emu, SESS)) === "revoked",
    },
    failure: {
      name: "unknown session (404 on its lookup)",
      method: "GET",
      path: `/v1/sessions/${SESS}`,
      status: 404,
      code: "resource_not_found",
      sent: [`GET /v1/sessions/${SESS}`],
    },
    badInput: [
      ["missing session_id", {}, /expected a session ID string \(sess_…\) at session_id/],
      [
        "a user ID as session_id",
        { session_id: MEMBER },
        new RegExp(`${MEMBER} is a user ID, not the kind expected here`),
      ],
      [
        "session_id too long",
        { session_id: `sess_${"a".repeat(65)}` },
        /too long for a session ID/,
      ],
    ],
  },
  revoke_user_sessions: {
    args: { user_id: MEMBER },
    lost: {
      write: { method: "POST", path: `/v1/sessions/${SESS}/revoke` },
      kind: "state",
      applied: async (emu) => (await sessionStatus(emu, SESS)) === "revoked",
    },
    failure: {
      name: "unknown user (404 on its lookup)",
      method: "GET",
      path: `/v1/users/${MEMBER}`,
      status: 404,
      code: "resource_not_found",
      sent: [`GET /v1/users/${MEMBER}`],
    },
    badInput: [
      ["a session ID as user_id", { user_id: "sess_abc000001" }, /sess_abc000001 is a session ID/],
      [
        "session_ids: the bulk tool takes a user",
        { user_id: MEMBER, session_ids: ["sess_abc000001"] },
        /does not take the argument session_ids/,
      ],
    ],
  },
  list_organization_roles: { args: {} },
  list_sign_up_restrictions: { args: { list: "blocklist" } },
  add_sign_up_restriction: {
    untargeted: "an allowlist or blocklist entry is an identifier, not an account",
    args: { list: "blocklist", identifier: "*@junk.test" },
    lost: {
      write: { method: "POST", path: "/v1/blocklist_identifiers" },
      kind: "create",
      applied: async (emu) =>
        dataOf(await api(emu, "/v1/blocklist_identifiers")).some(
          (e) => e.identifier === "*@junk.test",
        ),
    },
  },
  remove_sign_up_restriction: {
    untargeted: "an allowlist or blocklist entry is an identifier, not an account",
    args: { list: "allowlist", identifier_id: ALID },
    lost: {
      write: { method: "DELETE", path: `/v1/allowlist_identifiers/${ALID}` },
      kind: "state",
      applied: async (emu) =>
        !dataOf(await api(emu, "/v1/allowlist_identifiers")).some((e) => e.id === ALID),
    },
  },
  list_waitlist_entries: { args: { status: "pending" } },
  invite_waitlist_entries: {
    untargeted: "a waitlist entry is not an account yet",
    args: { waitlist_entry_ids: [WLE] },
    lost: {
      write: { method: "POST", path: `/v1/waitlist_entries/${WLE}/invite` },
      kind: "state",
      applied: async (emu) =>
        dataOf(await api(emu, `/v1/waitlist_entries?query=${WLE}`))[0]?.status === "invited",
    },
  },
  reject_waitlist_entry: {
    untargeted: "a waitlist entry is not an account yet",
    args: { waitlist_entry_id: WLE2 },
    lost: {
      write: { method: "POST", path: `/v1/waitlist_entries/${WLE2}/reject` },
      kind: "state",
      applied: async (emu) =>
        dataOf(await api(emu, `/v1/waitlist_entries?query=${WLE2}`))[0]?.status === "rejected",
    },
  },
};

/** Every tool name in ALL_TOOLS, in its order. */
export const TOOL_NAMES: string[] = ALL_TOOLS.map((t) => t.name);

/** Tools in ALL_TOOLS without a case, and cases naming no tool. */
export function missingToolCases(): { withoutCase: string[]; withoutTool: string[] } {
  const cases = Object.keys(TOOL_CASES);
  return {
    withoutCase: TOOL_NAMES.filter((n) => !cases.includes(n)),
    withoutTool: cases.filter((n) => !TOOL_NAMES.includes(n)),
  };
}

/** The case of `name`; throws, naming this file, when the tool has none. */
export function toolCase(name: string): ToolCase {
  const found = (TOOL_CASES as Record<string, ToolCase | undefined>)[name];
  if (!found) {
    throw new Error(
      `${name} has no case in test/helpers/tool-cases.ts: add one with arguments that succeed against TOOL_SEED`,
    );
  }
  return found;
}
