import { type ElicitRequest, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { acmeSeed, ORG } from "../helpers/acme.js";
import { api, dataOf } from "../helpers/emulator-api.js";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";

/**
 * Who may sign up (#12): the allowlist and blocklist, the waitlist, organization roles, and
 * get_organization by slug, through the MCP client against the emulator.
 */

const ALID = "alid_allowed0001";
const BLID = "blid_blocked0001";
const SEED = {
  ...acmeSeed(),
  allowlist_identifiers: [{ id: ALID, identifier: "ada@example.com" }],
  blocklist_identifiers: [{ id: BLID, identifier: "*@spam.test" }],
  waitlist_entries: [
    { id: "wle_p1", email_address: "p1@example.com", created_at: 1_000 },
    { id: "wle_p2", email_address: "p2@example.com", created_at: 2_000 },
    {
      id: "wle_inv",
      email_address: "inv@example.com",
      status: "invited" as const,
      created_at: 1_000,
    },
    { id: "wle_done", email_address: "done@example.com", status: "completed" as const },
    { id: "wle_rej", email_address: "rej@example.com", status: "rejected" as const },
  ],
};

let h: Harness | undefined;
let asked: ElicitRequest["params"][];
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(confirm = false): Promise<Harness> {
  const hh = await startHarness({
    seed: SEED,
    ...(confirm ? { capabilities: { elicitation: { form: {} } } } : {}),
  });
  asked = [];
  if (confirm) {
    hh.client.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked.push(req.params);
      return { action: "accept", content: { confirm: true } };
    });
  }
  hh.emu.clearRequests();
  h = hh;
  return hh;
}
const seen = (hh: Harness) =>
  hh.emu.requests.map((r) => `${r.method} ${r.path.split("?")[0]} ${r.status}`);

describe("sign-up restrictions", () => {
  it("adds a domain to the blocklist and lists it; a second add returns the entry, nothing changed", async () => {
    const hh = await start();
    const added = await hh.call("add_sign_up_restriction", {
      list: "blocklist",
      identifier: " *@Junk.TEST ",
    });
    expect(added.isError, textOf(added)).toBeFalsy();
    expect(added.structuredContent).toMatchObject({
      identifier: "*@junk.test",
      identifier_type: "email_address",
      already_listed: false,
    });
    expect(hh.emu.writes()[0]?.body).toEqual({ identifier: "*@junk.test" });
    const again = await hh.call("add_sign_up_restriction", {
      list: "blocklist",
      identifier: "*@junk.test",
    });
    expect(again.isError, textOf(again)).toBeFalsy();
    expect(textOf(again)).toMatch(/already on the blocklist.*nothing changed/);
    expect(again.structuredContent).toMatchObject({
      id: (added.structuredContent as { id: string }).id,
      already_listed: true,
    });
    const list = await hh.call("list_sign_up_restrictions", { list: "blocklist", limit: 1 });
    expect(list.structuredContent).toMatchObject({
      entries: [{ identifier: "*@junk.test" }],
      total_count: 2,
      next_offset: 1,
    });
    const rest = await hh.call("list_sign_up_restrictions", { list: "blocklist", offset: 1 });
    expect(rest.structuredContent).toMatchObject({
      entries: [{ id: BLID, identifier: "*@spam.test" }],
      next_offset: null,
    });
    expect(dataOf(await api(hh.emu, "/v1/blocklist_identifiers"))).toHaveLength(2);
  });

  it("allows an address with notify, then removes it after asking; a second removal changes nothing", async () => {
    const hh = await start(true);
    const added = await hh.call("add_sign_up_restriction", {
      list: "allowlist",
      identifier: "bo@example.com",
      notify: true,
    });
    expect(added.isError, textOf(added)).toBeFalsy();
    expect(textOf(added)).toMatch(
      /Clerk sends them an invitation.*applies only while it is turned on/,
    );
    const id = (added.structuredContent as { id: string }).id;
    expect(id).toMatch(/^alid_/);
    const removed = await hh.call("remove_sign_up_restriction", {
      list: "allowlist",
      identifier_id: id,
    });
    expect(removed.isError, textOf(removed)).toBeFalsy();
    expect(asked[0]?.message).toMatch(/Remove bo@example.com .* from the allowlist\?/);
    expect(removed.structuredContent).toEqual({ id, removed: true, identifier: "bo@example.com" });
    // Clerk revokes the address's pending invitation when it leaves the allowlist.
    expect(
      dataOf(await api(hh.emu, "/v1/invitations?query=bo%40example.com&status=revoked")),
    ).toHaveLength(1);
    const twice = await hh.call("remove_sign_up_restriction", {
      list: "allowlist",
      identifier_id: id,
    });
    expect(twice.isError, textOf(twice)).toBeFalsy();
    expect(textOf(twice)).toMatch(/not on the allowlist.*nothing changed/);
    expect(twice.structuredContent).toMatchObject({ removed: false });
    // Not found by the whole-list lookup: nothing to lose, so nothing is asked.
    expect(asked).toHaveLength(1);
  });

  it("asks naming the blocked identifier before letting it in", async () => {
    const hh = await start(true);
    const r = await hh.call("remove_sign_up_restriction", {
      list: "blocklist",
      identifier_id: BLID,
    });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(asked[0]?.message).toMatch(
      /Remove \*@spam.test \(blid_blocked0001, added .*\) from the blocklist\? They will be able to sign up/,
    );
    expect(dataOf(await api(hh.emu, "/v1/blocklist_identifiers"))).toEqual([]);
  });

  it.each([
    [{ list: "allowlist", identifier: "example.com" }, /write \*@example.com/],
    [{ list: "blocklist", identifier: "555-0100" }, /E.164 such as \+15555550100/],
    [
      { list: "blocklist", identifier: "a@b.test", notify: true },
      /notify is for the allowlist only/,
    ],
    [{ list: "allowlist", identifier: "*@acme.test", notify: true }, /not a domain/],
    [
      { list: "allowlist", identifier_id: BLID },
      /blid_blocked0001 is a blocklist entry.*list: "blocklist"/,
    ],
    [{ list: "blocklist", identifier_id: "alid_x/../y" }, /expected alid_ or blid_ followed by/],
  ])("refuses %j before any request", async (args, message) => {
    const hh = await start(true);
    const tool = "identifier_id" in args ? "remove_sign_up_restriction" : "add_sign_up_restriction";
    const r = await hh.call(tool, args);
    expect(r.isError).toBe(true);
    expect(r.structuredContent).toBeUndefined();
    expect(textOf(r)).toMatch(message);
    expect(hh.emu.requests).toEqual([]);
    expect(asked).toEqual([]);
  });
});

describe("waitlist", () => {
  it("lists the pending entries, oldest first on request", async () => {
    const hh = await start();
    const r = await hh.call("list_waitlist_entries", { status: "pending", order_by: "created_at" });
    expect(r.structuredContent).toMatchObject({
      entries: [
        { id: "wle_p1", email_address: "p1@example.com", status: "pending", invitation_id: null },
        { id: "wle_p2", status: "pending" },
      ],
      total_count: 2,
    });
    expect(hh.emu.requests[0]?.path).toMatch(/status=pending/);
    expect(hh.emu.requests[0]?.path).toMatch(/order_by=created_at/);
    const two = await hh.call("list_waitlist_entries", { status: ["pending", "invited"] });
    expect(textOf(two)).toMatch(/one status at a time/);
  });

  it("invites a batch with one result per entry: invited, already invited, not invitable, not found", async () => {
    const hh = await start();
    const progress: number[] = [];
    const r = await hh.client.callTool(
      {
        name: "invite_waitlist_entries",
        arguments: {
          waitlist_entry_ids: ["wle_p1", "wle_p2", "wle_inv", "wle_done", "wle_nobody", "wle_p1"],
        },
        _meta: { progressToken: "t" },
      },
      undefined,
      { onprogress: (p) => progress.push(p.progress) },
    );
    expect(r.isError, textOf(r as never)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({
      results: [
        { waitlist_entry_id: "wle_p1", outcome: "invited", email_address: "p1@example.com" },
        { waitlist_entry_id: "wle_p2", outcome: "invited" },
        { waitlist_entry_id: "wle_inv", outcome: "already_invited" },
        { waitlist_entry_id: "wle_done", outcome: "not_invitable", status: "completed" },
        { waitlist_entry_id: "wle_nobody", outcome: "not_found" },
      ],
      counts: { invited: 2, already_invited: 1, not_invitable: 1, not_found: 1 },
      duplicates_removed: 1,
    });
    expect(progress.at(-1)).toBe(5);
    const invited = dataOf(await api(hh.emu, "/v1/waitlist_entries?status=invited"));
    expect(invited.map((e) => e.id).sort()).toEqual(["wle_inv", "wle_p1", "wle_p2"]);
  });

  it("rejects after asking naming the email; a second reject says nothing changed", async () => {
    const hh = await start(true);
    const r = await hh.call("reject_waitlist_entry", { waitlist_entry_id: "wle_p1" });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(asked[0]?.message).toMatch(/Reject p1@example.com from the waitlist/);
    expect(r.structuredContent).toMatchObject({ status: "rejected" });
    const again = await hh.call("reject_waitlist_entry", { waitlist_entry_id: "wle_p1" });
    expect(textOf(again)).toMatch(/already rejected; nothing changed/);
    expect(asked).toHaveLength(1);
  });
});

describe("organization roles and slugs", () => {
  it("lists the roles, and a role error names the valid keys", async () => {
    const hh = await start();
    const roles = await hh.call("list_organization_roles");
    expect(roles.structuredContent).toEqual({
      roles: expect.arrayContaining([
        expect.objectContaining({ key: "org:admin", permissions_count: expect.any(Number) }),
        expect.objectContaining({ key: "org:member" }),
      ]),
    });
    const bad = await hh.call("create_organization_invitation", {
      organization_id: ORG,
      email_address: "x@acme.test",
      role: "org:owner",
    });
    expect(textOf(bad)).toMatch(
      /no role org:owner; nothing changed. This instance's role keys: .*org:admin/,
    );
  });

  it("gets an organization by its slug", async () => {
    const hh = await start();
    const r = await hh.call("get_organization", { organization_id: "acme" });
    expect(r.structuredContent).toMatchObject({ id: ORG, slug: "acme" });
    expect(seen(hh)).toEqual(["GET /v1/organizations/acme 200"]);
  });
});
