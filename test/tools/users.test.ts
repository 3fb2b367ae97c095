import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, jsonBlock, startHarness, textOf } from "../helpers/harness.js";

const DAY = 86_400_000;
const ADA = "user_ada0000001";
const BOB = "user_bob0000001";
const CY = "user_cy00000001";
const NOBODY = "user_nobody00001";
const LIST_KEYS = [
  "banned",
  "created_at",
  "email_address",
  "first_name",
  "id",
  "last_active_at",
  "last_name",
  "last_sign_in_at",
  "locked",
  "public_metadata",
  "username",
].sort();
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

type Page = {
  users: Array<Record<string, unknown> & { id: string }>;
  total_count: number;
  next_offset: number | null;
};

/** Every request as `METHOD path-without-query`, in order. */
const paths = (h: Harness) => h.emu.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`);

describe("users tools", () => {
  let h: Harness;
  const now = Date.now();

  beforeEach(async () => {
    h = await startHarness({
      seed: {
        users: [
          {
            id: ADA,
            email_address: "ada@example.com",
            other_email_addresses: ["ada@work.example"],
            first_name: "Ada",
            last_name: "Lovelace",
            username: "ada",
            public_metadata: { plan: "pro", billing: { seats: 3 } },
            private_metadata: { crm_id: "c-1" },
            unsafe_metadata: { theme: "dark" },
            created_at: now - 3 * DAY,
            last_sign_in_at: now - DAY,
            last_active_at: now - 2 * DAY,
          },
          {
            id: BOB,
            email_address: "bob@example.com",
            first_name: "Bob",
            public_metadata: { big: "x".repeat(600) },
            created_at: now - 2 * DAY,
            last_active_at: now - 1000,
          },
          {
            id: CY,
            email_address: "cy@example.org",
            banned: true,
            locked: true,
            created_at: now - DAY,
          },
        ],
      },
    });
    h.emu.clearRequests();
  });
  afterEach(() => h.close());

  describe("list_users", () => {
    it("lists newest first with the list view, compacting large metadata; list and count requests", async () => {
      const result = await h.call("list_users", {});
      expect(result.isError).toBeFalsy();
      const page = result.structuredContent as Page;
      expect(page.total_count).toBe(3);
      expect(page.next_offset).toBeNull();
      expect(page.users.map((u) => u.id)).toEqual([CY, BOB, ADA]);
      const ada: Record<string, unknown> = page.users[2] ?? {};
      expect(Object.keys(ada).sort()).toEqual(LIST_KEYS);
      expect(ada).toMatchObject({
        email_address: "ada@example.com",
        first_name: "Ada",
        last_name: "Lovelace",
        username: "ada",
        banned: false,
        locked: false,
        public_metadata: { plan: "pro", billing: { seats: 3 } },
      });
      expect(ada.created_at).toMatch(ISO);
      expect(ada.last_sign_in_at).toBe(new Date(now - DAY).toISOString());
      expect(page.users[1]?.public_metadata).toEqual({ _omitted_bytes: 610 });
      expect(page.users[0]).toMatchObject({ banned: true, locked: true, last_active_at: null });
      expect(JSON.stringify(result)).not.toContain("c-1");
      expect(JSON.stringify(result)).not.toContain("dark");
      expect(jsonBlock(result)).toEqual(page);
      expect(paths(h).sort()).toEqual(["GET /v1/users", "GET /v1/users/count"]);
      const list = h.emu.requests.find((r) => r.path.startsWith("/v1/users?"));
      expect(list?.query).toMatchObject({ limit: "20" });
    });

    it.each([
      [{ query: "lovelace" }, [ADA]],
      [{ query: "EXAMPLE.com" }, [BOB, ADA]],
      [{ email_address: "ada@work.example" }, [ADA]],
      [{ email_address: "ada@example" + ".co" }, []],
      [{ order_by: "created_at" }, [ADA, BOB, CY]],
      [{ order_by: "-last_active_at" }, [BOB, ADA, CY]],
      [{ order_by: "-last_sign_in_at", limit: 1 }, [ADA]],
    ] as const)("%j → %j, sent to Clerk as such", async (args, ids) => {
      const result = await h.call("list_users", args);
      const page = result.structuredContent as Page;
      expect(page.users.map((u) => u.id)).toEqual(ids);
      const list = h.emu.requests.find((r) => r.path.startsWith("/v1/users?"));
      const count = h.emu.requests.find((r) => r.path.startsWith("/v1/users/count"));
      if ("query" in args) {
        expect(list?.query.query).toBe(args.query);
        expect(count?.query.query).toBe(args.query);
      }
      if ("email_address" in args) {
        expect(list?.query.email_address).toBe(args.email_address);
        expect(count?.query.email_address).toBe(args.email_address);
      }
      if ("order_by" in args) {
        expect(list?.query.order_by).toBe(args.order_by);
        expect(count?.query.order_by).toBeUndefined();
      }
    });

    it("pages with next_offset, and says when the offset is past the end", async () => {
      const first = (await h.call("list_users", { limit: 2 })).structuredContent as Page;
      expect(first.users.map((u) => u.id)).toEqual([CY, BOB]);
      expect(first.next_offset).toBe(2);
      const second = (await h.call("list_users", { limit: 2, offset: 2 })).structuredContent;
      expect(second).toMatchObject({ users: [{ id: ADA }], total_count: 3, next_offset: null });
      const past = await h.call("list_users", { offset: 10 });
      expect(past.isError).toBeFalsy();
      expect(past.structuredContent).toMatchObject({ users: [], total_count: 3 });
      expect(textOf(past)).toMatch(/Offset 10 is past the end: 3 users matched/);
    });

    it("an empty result says no users matched, naming the filter", async () => {
      const result = await h.call("list_users", { query: "zzz" });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual({ users: [], total_count: 0, next_offset: null });
      expect(textOf(result)).toMatch(/No users matched \(query "zzz"\)/);
    });
  });

  describe("get_user", () => {
    it("returns every email address, primary first, and all three metadata kinds whole", async () => {
      const result = await h.call("get_user", { user_id: ADA });
      expect(result.isError).toBeFalsy();
      const view = result.structuredContent as Record<string, unknown>;
      expect(Object.keys(view).sort()).toEqual(
        [
          ...LIST_KEYS,
          "email_addresses",
          "updated_at",
          "private_metadata",
          "unsafe_metadata",
        ].sort(),
      );
      expect(view).toMatchObject({
        id: ADA,
        email_address: "ada@example.com",
        email_addresses: [
          { email_address: "ada@example.com", verified: true },
          { email_address: "ada@work.example", verified: true },
        ],
        public_metadata: { plan: "pro", billing: { seats: 3 } },
        private_metadata: { crm_id: "c-1" },
        unsafe_metadata: { theme: "dark" },
      });
      expect(view.updated_at).toMatch(ISO);
      expect(paths(h)).toEqual([`GET /v1/users/${ADA}`]);
    });

    it("returns large public_metadata whole (only lists compact it)", async () => {
      const result = await h.call("get_user", { user_id: BOB });
      expect(
        (result.structuredContent as { public_metadata: { big: string } }).public_metadata.big,
      ).toHaveLength(600);
    });

    it("an unknown user is an error naming the ID and list_users", async () => {
      const result = await h.call("get_user", { user_id: NOBODY });
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      expect(textOf(result)).toMatch(`Clerk has no user ${NOBODY}. list_users finds IDs`);
      expect(textOf(result)).not.toMatch(/Nothing changed/);
      expect(paths(h)).toEqual([`GET /v1/users/${NOBODY}`]);
    });
  });

  describe("update_user_metadata", () => {
    it("deep-merges each kind given and returns all three; one PATCH with only those kinds", async () => {
      const result = await h.call("update_user_metadata", {
        user_id: ADA,
        public_metadata: { plan: null, billing: { tier: "gold" } },
        unsafe_metadata: { lang: "en" },
      });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual({
        user_id: ADA,
        public_metadata: { billing: { seats: 3, tier: "gold" } },
        private_metadata: { crm_id: "c-1" },
        unsafe_metadata: { theme: "dark", lang: "en" },
      });
      expect(textOf(result)).toMatch(
        /Merged public_metadata and unsafe_metadata into the metadata of ada@example.com \(Ada Lovelace, user_ada0000001\)/,
      );
      expect(h.emu.writes()).toEqual([
        expect.objectContaining({
          method: "PATCH",
          path: `/v1/users/${ADA}/metadata`,
          body: {
            public_metadata: { plan: null, billing: { tier: "gold" } },
            unsafe_metadata: { lang: "en" },
          },
          status: 200,
        }),
      ]);
      expect(h.emu.getUser(ADA)?.public_metadata).toEqual({ billing: { seats: 3, tier: "gold" } });
    });

    it("keys reach Clerk unchanged (camelCase inside metadata is not snake_cased)", async () => {
      await h.call("update_user_metadata", {
        user_id: BOB,
        private_metadata: { stripeCustomerId: "cus_1", nested: { someKey: 1 } },
      });
      expect(h.emu.writes()[0]?.body).toEqual({
        private_metadata: { stripeCustomerId: "cus_1", nested: { someKey: 1 } },
      });
    });

    it("a second identical call gives the same metadata", async () => {
      const args = { user_id: ADA, public_metadata: { plan: "team", flags: ["a"] } };
      const once = await h.call("update_user_metadata", args);
      const twice = await h.call("update_user_metadata", args);
      expect(twice.structuredContent).toEqual(once.structuredContent);
    });

    it("a merge whose answer is lost is retried, and the metadata is as after one merge", async () => {
      h.emu.inject({ method: "PATCH", path: `/v1/users/${ADA}/metadata`, applyThenFail: 503 });
      const result = await h.call("update_user_metadata", {
        user_id: ADA,
        public_metadata: { plan: null, tags: ["a"] },
      });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({
        public_metadata: { billing: { seats: 3 }, tags: ["a"] },
      });
      expect(h.emu.writes().map((w) => w.status)).toEqual([503, 200]);
    });

    it.each([
      ["no kind at all", {}],
      ["only empty objects", { public_metadata: {}, private_metadata: {} }],
    ])("refuses %s before any request", async (_label, patch) => {
      const result = await h.call("update_user_metadata", { user_id: ADA, ...patch });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(
        /needs at least one of public_metadata, private_metadata or unsafe_metadata.*Nothing was sent to Clerk; nothing changed/,
      );
      expect(h.emu.requests).toEqual([]);
    });

    it("an unknown user is an error that says nothing changed", async () => {
      const result = await h.call("update_user_metadata", {
        user_id: NOBODY,
        public_metadata: { a: 1 },
      });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(
        new RegExp(`Clerk has no user ${NOBODY}.*Nothing changed.*HTTP 404 resource_not_found`),
      );
      expect(paths(h)).toEqual([`PATCH /v1/users/${NOBODY}/metadata`]);
    });
  });

  describe("ban_user and unban_user", () => {
    it("bans after a lookup, then a second ban sends no write and says nothing changed", async () => {
      const first = await h.call("ban_user", { user_id: ADA });
      expect(first.isError).toBeFalsy();
      expect(first.structuredContent).toMatchObject({ id: ADA, banned: true });
      expect(Object.keys(first.structuredContent ?? {}).sort()).toEqual(LIST_KEYS);
      expect(textOf(first)).toMatch(/Banned ada@example.com \(Ada Lovelace, user_ada0000001\)/);
      expect(paths(h)).toEqual([`GET /v1/users/${ADA}`, `POST /v1/users/${ADA}/ban`]);
      expect(h.emu.getUser(ADA)?.banned).toBe(true);

      h.emu.clearRequests();
      const second = await h.call("ban_user", { user_id: ADA });
      expect(second.isError).toBeFalsy();
      expect(second.structuredContent).toEqual(first.structuredContent);
      expect(textOf(second)).toMatch(/was already banned; nothing changed/);
      expect(paths(h)).toEqual([`GET /v1/users/${ADA}`]);
    });

    it("unbans, and says when the user is still locked out", async () => {
      const result = await h.call("unban_user", { user_id: CY });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ id: CY, banned: false, locked: true });
      expect(textOf(result)).toMatch(/Unbanned cy@example.org .*still locked out/);
      expect(paths(h)).toEqual([`GET /v1/users/${CY}`, `POST /v1/users/${CY}/unban`]);
      expect(h.emu.getUser(CY)?.banned).toBe(false);
    });

    it("unbanning a user who is not banned sends no write", async () => {
      const result = await h.call("unban_user", { user_id: BOB });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ id: BOB, banned: false });
      expect(textOf(result)).toMatch(
        /bob@example.com \(Bob, user_bob0000001\) was not banned; nothing changed/,
      );
      expect(h.emu.writes()).toEqual([]);
    });

    it.each(["ban_user", "unban_user"])(
      "%s on an unknown user: an error, no write",
      async (tool) => {
        const result = await h.call(tool, { user_id: NOBODY });
        expect(result.isError).toBe(true);
        expect(textOf(result)).toMatch(`Clerk has no user ${NOBODY}. list_users finds IDs`);
        expect(textOf(result)).toMatch(/Nothing changed/);
        expect(h.emu.writes()).toEqual([]);
      },
    );

    it("a ban whose answer is lost is retried, and the retry finds nothing more to do", async () => {
      h.emu.inject({ method: "POST", path: `/v1/users/${BOB}/ban`, applyThenFail: 503 });
      const result = await h.call("ban_user", { user_id: BOB });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ banned: true });
      expect(h.emu.writes().map((w) => w.status)).toEqual([503, 200]);
    });
  });
});

describe("users tools under the operator's modes", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("--read-only serves list_users, get_user and find_person only", async () => {
    h = await startHarness({ config: { readOnly: true, toolsets: ["users"] } });
    const names = (await h.client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(["list_users", "get_user", "find_person"]);
    const result = await h.call("ban_user", { user_id: ADA });
    expect(result.isError).toBe(true);
    expect(h.emu.requests).toEqual([]);
  });

  it("with an sk_live_ key, writes are refused before any request; reads work", async () => {
    h = await startHarness({
      secretKey: "sk_live_productionKey0123456789abcdef",
      seed: { users: [{ id: ADA, email_address: "ada@example.com" }] },
    });
    for (const [tool, args] of [
      ["ban_user", { user_id: ADA }],
      ["unban_user", { user_id: ADA }],
      ["update_user_metadata", { user_id: ADA, public_metadata: { a: 1 } }],
    ] as const) {
      const refused = await h.call(tool, args);
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toMatch(/production Clerk instance.*Nothing was sent to Clerk/);
    }
    expect(h.emu.requests).toEqual([]);
    const read = await h.call("get_user", { user_id: ADA });
    expect(read.isError).toBeFalsy();
    expect(h.emu.getUser(ADA)?.banned).toBe(false);
  });
});
