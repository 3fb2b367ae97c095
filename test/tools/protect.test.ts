import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { createClerkGateway } from "../../src/clerk/client.js";
import { OrganizationId, UserId } from "../../src/clerk/ids.js";
import { type Config, DEFAULT_CONTROLS } from "../../src/config.js";
import { silentLogger } from "../../src/log.js";
import { ALL_TOOLS, registerTools } from "../../src/tools/registry.js";
import { defineTool } from "../../src/tools/types.js";
import { TOOLSET_NAMES } from "../../src/toolsets.js";
import { ADMIN, MEMBER, ORG } from "../helpers/acme.js";
import { useAuditFile } from "../helpers/audit-file.js";
import { textOf, useHarness } from "../helpers/harness.js";
import { TOOL_CASES, TOOL_SEED, type ToolCase } from "../helpers/tool-cases.js";

/**
 * Operator-protected accounts (`--protect`): a write whose target the operator protected is
 * refused before any request, for every write tool, with no per-tool code. The every-tool
 * table reads each write tool's case from test/helpers/tool-cases.ts, so a new write tool is
 * covered as soon as it has its case.
 */

const harness = useHarness({ seed: TOOL_SEED });

// The arguments that name the thing a write changes; other ID arguments name who acts.
const TARGET_KEYS = new Set(["user_id", "organization_id"]);
const TARGET_LIST_KEYS = new Set(["user_ids", "organization_ids"]);

/** The targets named at the top level of `args`, or in the objects of a top-level list. */
function targetsIn(args: unknown, items = true): string[] {
  if (typeof args !== "object" || args === null) return [];
  return Object.entries(args).flatMap(([key, v]) => {
    if (TARGET_KEYS.has(key) && typeof v === "string") return [v];
    if (TARGET_LIST_KEYS.has(key) && Array.isArray(v)) return v.map(String);
    if (items && Array.isArray(v)) return v.flatMap((item) => targetsIn(item, false));
    return [];
  });
}

/**
 * Write tools that change no user or organization by ID: invitations are addressed by
 * invitation ID or email, and create_organization's created_by names who acts. revoke_session
 * takes a session ID only: whose session it is would take a lookup, and the guard sends none,
 * so a protected user's single session is not covered (revoke_user_sessions is). Sign-up
 * restrictions and waitlist entries are addressed by identifier or entry ID, and change no
 * account. A new write tool whose case names no target says so, and why, in its case
 * (`untargeted` in test/helpers/tool-cases.ts).
 */
const WRITE_TOOLS = ALL_TOOLS.filter((t) => !t.annotations.readOnlyHint).map((t) => t.name);
const casesOf = TOOL_CASES as Record<string, ToolCase>;
const UNTARGETED = WRITE_TOOLS.filter((n) => casesOf[n]?.untargeted !== undefined);
const TARGETED = WRITE_TOOLS.flatMap((name) =>
  targetsIn(casesOf[name]?.args).map((target) => ({ name, target })),
);

describe("--protect: every write tool", () => {
  it("has a target in its case, or is listed as untargeted", () => {
    const untargeted = WRITE_TOOLS.filter((n) => targetsIn(casesOf[n]?.args).length === 0);
    expect(untargeted.sort()).toEqual([...UNTARGETED].sort());
  });

  it.each(TARGETED)(
    "$name with $target protected is refused before any request",
    async ({ name, target }) => {
      // Elicitation on: the confirmation's lookup would be a request, and must not be sent.
      const hh = await harness({
        config: { protectedIds: [target], toolsets: [...TOOLSET_NAMES] },
        capabilities: { elicitation: {} },
      });
      hh.emu.clearRequests();
      const result = await hh.call(name, casesOf[name]?.args);
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      const text = textOf(result);
      expect(text).toContain(target);
      expect(text).toMatch(/the operator protected/);
      expect(text).toContain("--protect");
      expect(text).toContain("Nothing was sent to Clerk");
      expect(hh.emu.requests).toEqual([]);
    },
  );
});

describe("--protect: the refusal's words", () => {
  it("a membership with a protected organization is refused without suggesting to drop it: there is no other target to change", async () => {
    const hh = await harness({ config: { protectedIds: [ORG] } });
    hh.emu.clearRequests();
    const result = await hh.call("delete_organization_membership", {
      organization_id: ORG,
      user_id: MEMBER,
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(new RegExp(`Refused: ${ORG} is protected`));
    expect(textOf(result)).not.toMatch(/again without them/);
    expect(hh.emu.requests).toEqual([]);
  });
});

describe("--protect: what it leaves alone", () => {
  it("leaves reads of a protected user and organization working", async () => {
    const hh = await harness({ config: { protectedIds: [MEMBER, ORG] } });
    expect((await hh.call("get_user", { user_id: MEMBER })).isError).toBeFalsy();
    expect((await hh.call("get_organization", { organization_id: ORG })).isError).toBeFalsy();
    expect(
      (await hh.call("list_organization_memberships", { organization_id: ORG })).isError,
    ).toBeFalsy();
  });

  it("names the protected IDs in the server's instructions", async () => {
    const hh = await harness({ config: { protectedIds: [MEMBER, ORG] } });
    expect(hh.client.getInstructions()).toContain(
      `Protected by the operator, so every write to them is refused: ${MEMBER}, ${ORG}.`,
    );
  });

  it("does not search metadata: an ID written as a value is not a target", async () => {
    const hh = await harness({ config: { protectedIds: [ADMIN] } });
    const result = await hh.call("update_user_metadata", {
      user_id: MEMBER,
      public_metadata: { user_id: ADMIN, team: [{ user_id: ADMIN }] },
    });
    expect(result.isError, textOf(result)).toBeFalsy();
  });

  it("leaves writes to other targets working", async () => {
    const hh = await harness({ config: { protectedIds: [ADMIN] } });
    expect((await hh.call("ban_user", { user_id: MEMBER })).isError).toBeFalsy();
    expect(hh.emu.getUser(MEMBER)?.banned).toBe(true);
  });

  it("does not count an actor argument (who acts) as a target", async () => {
    const hh = await harness({ config: { protectedIds: [ADMIN] } });
    const created = await hh.call("create_organization", { name: "Globex", created_by: ADMIN });
    expect(created.isError).toBeFalsy();
    const invited = await hh.call("create_organization_invitation", {
      organization_id: ORG,
      email_address: "x@example.com",
      role: "org:member",
      inviter_user_id: ADMIN,
    });
    expect(invited.isError).toBeFalsy();
  });
});

describe("--protect: the audit log", () => {
  const audit = useAuditFile();

  it("records the refusal as refused, reason protected, ahead of the production guard", async () => {
    const hh = await harness({
      secretKey: "sk_live_productionKey0123456789abcdef",
      config: { protectedIds: [MEMBER], auditLog: audit.path() },
    });
    const result = await hh.call("ban_user", { user_id: MEMBER });
    expect(textOf(result)).toMatch(/the operator protected/);
    expect(audit.lines()).toEqual([
      expect.objectContaining({
        stage: "outcome",
        tool: "ban_user",
        outcome: "refused",
        reason: "protected",
      }),
    ]);
    expect(hh.emu.requests).toEqual([]);
  });
});

describe("--protect: bulk and nested arguments", () => {
  const config: Config = {
    secretKey: "sk_test_abcdefghijklmnopqrstuvwxyz0123",
    instance: "development",
    apiUrl: "http://127.0.0.1:9",
    timeoutMs: 1000,
    ...DEFAULT_CONTROLS,
    protectedIds: [MEMBER, ORG],
  };
  const ran: unknown[] = [];
  const write = {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: true,
    openWorldHint: false,
  };
  const banUsers = defineTool({
    name: "ban_users",
    title: "Ban users",
    description: "A bulk write over user_ids, as a future bulk tool would be.",
    toolset: "users",
    input: { user_ids: z.array(UserId), dry_run: z.boolean().optional() },
    output: { banned: z.number() },
    annotations: write,
    readsOnly: ({ dry_run }) => dry_run === true,
    async handler(args) {
      ran.push(args);
      return { structured: { banned: args.user_ids.length } };
    },
  });
  const addMembers = defineTool({
    name: "add_members",
    title: "Add members",
    description: "A bulk write whose items each name a membership.",
    toolset: "organizations",
    input: {
      memberships: z.array(z.object({ organization_id: OrganizationId, user_id: UserId })),
    },
    output: { added: z.number() },
    annotations: write,
    async handler(args) {
      ran.push(args);
      return { structured: { added: args.memberships.length } };
    },
  });

  async function callOn(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
    const server = new McpServer({ name: "t", version: "0" });
    registerTools(server, [banUsers, addMembers], {
      clerk: createClerkGateway(config),
      config,
      log: silentLogger,
    });
    const client = new Client({ name: "t", version: "0" });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await Promise.all([server.connect(b), client.connect(a)]);
    try {
      return (await client.callTool({ name, arguments: args })) as CallToolResult;
    } finally {
      await client.close();
      await server.close();
    }
  }

  it("refuses a whole bulk call with any protected item, naming those items", async () => {
    ran.length = 0;
    const result = await callOn("ban_users", { user_ids: [ADMIN, MEMBER] });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(MEMBER);
    expect(textOf(result)).not.toContain(`${ADMIN} is protected`);
    expect(textOf(result)).toMatch(/without them/);
    expect(ran).toEqual([]);
    expect((await callOn("ban_users", { user_ids: [ADMIN] })).isError).toBeFalsy();
    expect(ran).toEqual([{ user_ids: [ADMIN] }]);
  });

  it("refuses a dry run of a protected target too: its prediction would not hold", async () => {
    ran.length = 0;
    const result = await callOn("ban_users", { user_ids: [MEMBER], dry_run: true });
    expect(result.isError).toBe(true);
    expect(ran).toEqual([]);
  });

  it("finds targets inside bulk items: either the user or the organization protects a membership", async () => {
    ran.length = 0;
    const other = "org_other00001";
    const byUser = await callOn("add_members", {
      memberships: [{ organization_id: other, user_id: MEMBER }],
    });
    expect(byUser.isError).toBe(true);
    const byOrg = await callOn("add_members", {
      memberships: [{ organization_id: ORG, user_id: ADMIN }],
    });
    expect(byOrg.isError).toBe(true);
    expect(ran).toEqual([]);
  });
});
