import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sessionStatus } from "../helpers/emulator-api.js";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";

/** The users toolset's lifecycle tools: lock and unlock, update, delete. */

const ADA = "user_ada0000001";
const CY = "user_cy00000001";
const NOBODY = "user_nobody00001";

/** Every request as `METHOD path-without-query`, in order. */
const paths = (h: Harness) => h.emu.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`);

describe("users lifecycle tools", () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness({
      seed: {
        users: [
          {
            id: ADA,
            email_address: "ada@example.com",
            first_name: "Ada",
            last_name: "Lovelace",
            username: "ada",
          },
          { id: CY, email_address: "cy@example.org", banned: true, locked: true },
        ],
        sessions: [{ id: "sess_ada000000001", user_id: ADA }],
      },
    });
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
});
