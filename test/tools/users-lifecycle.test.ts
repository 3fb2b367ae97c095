import { type ElicitRequest, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SeedData } from "../../emulator/index.js";
import { sessionStatus } from "../helpers/emulator-api.js";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";

/** The users toolset's lifecycle tools: lock and unlock, update, delete. */

const ADA = "user_ada0000001";
const CY = "user_cy00000001";
const NOBODY = "user_nobody00001";

/** Every request as `METHOD path-without-query`, in order. */
const paths = (h: Harness) => h.emu.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`);

const BOB = "user_bob0000001";
const ORG = "org_acme000001";
const CREATED = Date.UTC(2026, 0, 15);

const SEED: SeedData = {
  users: [
    {
      id: ADA,
      email_address: "ada@example.com",
      first_name: "Ada",
      last_name: "Lovelace",
      username: "ada",
      created_at: CREATED,
    },
    { id: BOB, email_address: "bob@example.com", username: "bob", locked: true },
    { id: CY, email_address: "cy@example.org", banned: true, locked: true },
  ],
  organizations: [
    { id: ORG, name: "Acme", slug: "acme", members: [{ user_id: ADA, role: "org:admin" }] },
    {
      id: "org_globex00001",
      name: "Globex",
      slug: "globex",
      members: [{ user_id: ADA, role: "org:member" }],
    },
  ],
  sessions: [{ id: "sess_ada000000001", user_id: ADA }],
};

describe("users lifecycle tools", () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness({ seed: SEED });
    h.emu.clearRequests();
  });
  afterEach(() => h.close());

  describe("lock_user", () => {
    it("locks after a lookup, says sessions stay; a second lock sends no write and says nothing changed", async () => {
      const first = await h.call("lock_user", { user_id: ADA });
      expect(first.isError, textOf(first)).toBeFalsy();
      expect(first.structuredContent).toMatchObject({ id: ADA, locked: true, banned: false });
      expect(textOf(first)).toMatch(
        /^Locked ada@example.com \(Ada Lovelace, user_ada0000001\): they cannot sign in for 60 more min \(unlock_user lifts it\)\. Sessions they already have stay signed in: revoke_user_sessions ends them\./,
      );
      expect(paths(h)).toEqual([`GET /v1/users/${ADA}`, `POST /v1/users/${ADA}/lock`]);
      expect(h.emu.getUser(ADA)?.locked).toBe(true);
      // Clerk's lock leaves sessions as they are.
      expect(await sessionStatus(h.emu, "sess_ada000000001")).toBe("active");

      h.emu.clearRequests();
      const second = await h.call("lock_user", { user_id: ADA });
      expect(second.isError).toBeFalsy();
      expect(second.structuredContent).toEqual(first.structuredContent);
      expect(textOf(second)).toMatch(/was already locked \(for 60 more min\); nothing changed/);
      expect(paths(h)).toEqual([`GET /v1/users/${ADA}`]);
    });

    it("an unknown user: an error that says nothing changed, no write", async () => {
      const result = await h.call("lock_user", { user_id: NOBODY });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(`Clerk has no user ${NOBODY}. list_users finds IDs`);
      expect(textOf(result)).toMatch(/Nothing changed/);
      expect(h.emu.writes()).toEqual([]);
    });

    it("a lock whose answer is lost is repeated, and the result says so", async () => {
      h.emu.inject({ method: "POST", path: `/v1/users/${ADA}/lock`, applyThenFail: 503 });
      const result = await h.call("lock_user", { user_id: ADA });
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(textOf(result)).toMatch(/first answer was lost.*the repeat applied it/);
      expect(h.emu.writes().map((w) => w.status)).toEqual([503, 200]);
      expect(h.emu.getUser(ADA)?.locked).toBe(true);
    });
  });
  describe("unlock_user", () => {
    it("unlocks after a lookup; a second unlock sends no write and says nothing changed", async () => {
      const first = await h.call("unlock_user", { user_id: BOB });
      expect(first.isError, textOf(first)).toBeFalsy();
      expect(first.structuredContent).toMatchObject({ id: BOB, locked: false });
      expect(textOf(first)).toMatch(
        /^Unlocked bob@example.com \(user_bob0000001\)\. They can sign in again\./,
      );
      expect(paths(h)).toEqual([`GET /v1/users/${BOB}`, `POST /v1/users/${BOB}/unlock`]);
      expect(h.emu.getUser(BOB)?.locked).toBe(false);

      h.emu.clearRequests();
      const second = await h.call("unlock_user", { user_id: BOB });
      expect(textOf(second)).toMatch(/was not locked; nothing changed\.$/m);
      expect(paths(h)).toEqual([`GET /v1/users/${BOB}`]);
    });

    it("unlocking a banned user says the ban remains", async () => {
      const result = await h.call("unlock_user", { user_id: CY });
      expect(result.structuredContent).toMatchObject({ locked: false, banned: true });
      expect(textOf(result)).toMatch(
        /^Unlocked cy@example.org \(user_cy00000001\)\. They are still banned, so they still cannot sign in until unban_user\./,
      );
      h.emu.clearRequests();
      const again = await h.call("unlock_user", { user_id: CY });
      expect(textOf(again)).toMatch(/was not locked; nothing changed\. They are still banned/);
      expect(h.emu.writes()).toEqual([]);
    });
  });

  describe("update_user", () => {
    it("sets only the fields given, in one PATCH, and returns the user with external_id", async () => {
      const result = await h.call("update_user", {
        user_id: ADA,
        first_name: "Augusta",
        external_id: "crm-7",
      });
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(result.structuredContent).toMatchObject({
        id: ADA,
        first_name: "Augusta",
        last_name: "Lovelace",
        username: "ada",
        external_id: "crm-7",
      });
      expect(textOf(result)).toMatch(
        /^Updated first_name, external_id of ada@example.com \(Augusta Lovelace/,
      );
      expect(h.emu.writes().map((w) => [w.method, w.path, w.body])).toEqual([
        ["PATCH", `/v1/users/${ADA}`, { first_name: "Augusta", external_id: "crm-7" }],
      ]);
    });

    it("a taken username (Clerk's 422 form_identifier_exists) is a plain error; nothing changed", async () => {
      const result = await h.call("update_user", { user_id: ADA, username: "BOB" });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(
        /the username BOB is already taken by another user .*Nothing changed\..*422.*form_identifier_exists/,
      );
      expect(h.emu.getUser(ADA)?.username).toBe("ada");
    });

    it("an unknown user: an error that says nothing changed", async () => {
      const result = await h.call("update_user", { user_id: NOBODY, last_name: "X" });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(`Clerk has no user ${NOBODY}.`);
      expect(textOf(result)).toMatch(/Nothing changed/);
    });
  });

  describe("delete_user", () => {
    it("deletes when confirm_identifier is the primary email (any case); a second call says the user does not exist", async () => {
      const result = await h.call("delete_user", {
        user_id: ADA,
        confirm_identifier: "ADA@Example.com",
      });
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(result.structuredContent).toEqual({ id: ADA, deleted: true });
      expect(textOf(result)).toMatch(
        /^Deleted user ada@example.com \(Ada Lovelace, user_ada0000001\)/,
      );
      expect(paths(h)).toEqual([`GET /v1/users/${ADA}`, `DELETE /v1/users/${ADA}`]);
      expect(h.emu.getUser(ADA)).toBeUndefined();
      expect(await sessionStatus(h.emu, "sess_ada000000001")).toBeUndefined();

      h.emu.clearRequests();
      const again = await h.call("delete_user", { user_id: ADA, confirm_identifier: "ada" });
      expect(again.isError).toBe(true);
      expect(textOf(again)).toMatch(`Clerk has no user ${ADA}.`);
      expect(textOf(again)).toMatch(/Nothing changed/);
      expect(h.emu.writes()).toEqual([]);
    });

    it("the username also confirms", async () => {
      const result = await h.call("delete_user", { user_id: BOB, confirm_identifier: "Bob" });
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(h.emu.getUser(BOB)).toBeUndefined();
    });

    it("a confirm_identifier of another user sends no DELETE and names whom the ID belongs to", async () => {
      const result = await h.call("delete_user", {
        user_id: ADA,
        confirm_identifier: "bob@example.com",
      });
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      expect(textOf(result)).toBe(
        'Not deleted: confirm_identifier "bob@example.com" is not the primary email address or username of user_ada0000001, which belongs to ada@example.com (Ada Lovelace, user_ada0000001), username ada. Check that this is the user you mean. Nothing was sent.',
      );
      expect(h.emu.writes()).toEqual([]);
      expect(h.emu.getUser(ADA)).toBeDefined();
    });

    it("a delete whose answer is lost is repeated; a 404 then means deleted", async () => {
      h.emu.inject({ method: "DELETE", path: `/v1/users/${ADA}`, applyThenFail: 503 });
      const result = await h.call("delete_user", { user_id: ADA, confirm_identifier: "ada" });
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(textOf(result)).toMatch(
        /first answer was lost .*found user_ada0000001 gone \(Clerk answered 404\)/,
      );
      expect(h.emu.writes().map((w) => w.status)).toEqual([503, 404]);
    });
  });
});

describe("delete_user asks the human", () => {
  let h: Harness;
  let asked: ElicitRequest["params"][];

  beforeEach(async () => {
    h = await startHarness({ seed: SEED, capabilities: { elicitation: { form: {} } } });
    asked = [];
    h.client.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked.push(req.params);
      return { action: "decline" };
    });
    h.emu.clearRequests();
  });
  afterEach(() => h.close());

  it("naming the email, name, creation date and number of organization memberships; declined, nothing is sent", async () => {
    const result = await h.call("delete_user", { user_id: ADA, confirm_identifier: "ada" });
    expect(asked.map((a) => a.message)).toEqual([
      "Delete user ada@example.com (Ada Lovelace, user_ada0000001), created 2026-01-15, member of 2 organizations? Their sessions and memberships go too. This cannot be undone.",
    ]);
    expect(result.isError).toBe(true);
    expect(h.emu.writes()).toEqual([]);
    expect(paths(h)).toContain(`GET /v1/users/${ADA}/organization_memberships`);
  });

  it("does not ask when confirm_identifier does not match: the call is refused, nothing sent", async () => {
    const result = await h.call("delete_user", { user_id: ADA, confirm_identifier: "bob" });
    expect(asked).toEqual([]);
    expect(textOf(result)).toMatch(/^Not deleted/);
    expect(h.emu.writes()).toEqual([]);
  });
});
