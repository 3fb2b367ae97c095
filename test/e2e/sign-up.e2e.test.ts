import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../emulator/index.js";
import { acmeSeed, ORG } from "../helpers/acme.js";
import { assertBuilt, connectStdio } from "../helpers/spawn.js";

/**
 * Who may sign up (#12), over stdio against the built server (dist/index.js): block a domain
 * and see it listed; allow an address and remove it again; let a blocked domain in, after the
 * human is asked; list the pending waitlist and invite a batch from it; list the organization
 * roles and get a role error naming the valid keys; get an organization by slug.
 */

const text = (r: unknown) =>
  ((r as CallToolResult).content ?? []).map((c) => ("text" in c ? c.text : "")).join("\n");

describe("who may sign up, over stdio (dist/index.js)", () => {
  let emu: Emulator;
  beforeAll(async () => {
    assertBuilt();
    emu = await startEmulator({
      seed: {
        ...acmeSeed(),
        waitlist_entries: [
          { id: "wle_one", email_address: "one@example.com" },
          { id: "wle_two", email_address: "two@example.com" },
          { id: "wle_old", email_address: "old@example.com", status: "rejected" },
        ],
      },
    });
  });
  afterAll(() => emu.close());

  it("walks through the restrictions, the waitlist, roles and a slug", async () => {
    const { client, asked } = await connectStdio(emu, {
      env: {
        CLERK_MCP_TOOLSETS: "organizations,organization_invitations,restrictions,waitlist",
      },
      answer: { action: "accept", content: { confirm: true } },
    });
    const call = (name: string, args: Record<string, unknown> = {}) =>
      client.callTool({ name, arguments: args }) as Promise<CallToolResult>;
    try {
      expect(client.getInstructions()).toMatch(/alid_\/blid_.*wle_/);

      const blocked = await call("add_sign_up_restriction", {
        list: "blocklist",
        identifier: "*@spam.test",
      });
      expect(blocked.isError, text(blocked)).toBeFalsy();
      const blockId = (blocked.structuredContent as { id: string }).id;
      const blocklist = await call("list_sign_up_restrictions", { list: "blocklist" });
      expect(blocklist.structuredContent).toMatchObject({
        entries: [{ id: blockId, identifier: "*@spam.test", identifier_type: "email_address" }],
        total_count: 1,
      });

      const allowed = await call("add_sign_up_restriction", {
        list: "allowlist",
        identifier: "ada@example.com",
      });
      expect(text(allowed)).toMatch(/applies only while it is turned on/);
      const allowId = (allowed.structuredContent as { id: string }).id;
      const removed = await call("remove_sign_up_restriction", {
        list: "allowlist",
        identifier_id: allowId,
      });
      expect(removed.structuredContent).toMatchObject({ removed: true });
      const unblocked = await call("remove_sign_up_restriction", {
        list: "blocklist",
        identifier_id: blockId,
      });
      expect(unblocked.structuredContent).toMatchObject({ removed: true });
      expect(asked.map((q) => q.message)).toEqual([
        expect.stringMatching(/Remove ada@example.com .* from the allowlist\?/),
        expect.stringMatching(/Remove \*@spam.test .* from the blocklist\? They will be able/),
      ]);

      const pending = await call("list_waitlist_entries", { status: "pending" });
      const ids = (pending.structuredContent as { entries: Array<{ id: string }> }).entries.map(
        (e) => e.id,
      );
      expect(ids.sort()).toEqual(["wle_one", "wle_two"]);
      const invited = await call("invite_waitlist_entries", {
        waitlist_entry_ids: [...ids, "wle_gone"],
      });
      expect(invited.structuredContent).toMatchObject({
        counts: { invited: 2, not_found: 1 },
      });
      expect(text(invited)).toMatch(/2 invited, 1 not found/);

      const roles = await call("list_organization_roles");
      const keys = (roles.structuredContent as { roles: Array<{ key: string }> }).roles.map(
        (r) => r.key,
      );
      expect(keys).toEqual(expect.arrayContaining(["org:admin", "org:member"]));
      const badRole = await call("create_organization_invitation", {
        organization_id: ORG,
        email_address: "new@acme.test",
        role: "org:owner",
      });
      expect(badRole.isError).toBe(true);
      expect(text(badRole)).toMatch(/no role org:owner.*role keys: .*org:member.*org:admin/);

      const bySlug = await call("get_organization", { organization_id: "acme" });
      expect(bySlug.structuredContent).toMatchObject({ id: ORG, slug: "acme" });
    } finally {
      await client.close();
    }
  });
});
