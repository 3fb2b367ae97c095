import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { type ElicitRequest, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SeedData } from "../../emulator/index.js";
import { sessionStatus } from "../helpers/emulator-api.js";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";

const DAY = 86_400_000;
const ADA = "user_ada0000001";
const BOB = "user_bob0000001";
const NEW = "sess_adaNewest0001";
const OLD = "sess_adaOldest0001";
const ENDED = "sess_adaEnded00001";
const BOBS = "sess_bob000000001";

type SessionPage = {
  sessions: Array<Record<string, unknown> & { id: string }>;
  total_count: number;
  next_offset: number | null;
};

/** Every request as `METHOD path-without-query`, in order. */
const paths = (h: Harness) => h.emu.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`);

function seed(now: number): SeedData {
  return {
    users: [
      { id: ADA, email_address: "ada@example.com", first_name: "Ada", last_name: "Lovelace" },
      { id: BOB, email_address: "bob@example.com" },
    ],
    sessions: [
      {
        id: OLD,
        user_id: ADA,
        client_id: "client_adaLaptop01",
        created_at: now - 3 * DAY,
        last_active_at: now - DAY,
        latest_activity: {
          browser_name: "Firefox",
          browser_version: "126",
          device_type: "Macintosh",
          ip_address: "203.0.113.7",
          city: "Berlin",
          country: "DE",
        },
      },
      { id: ENDED, user_id: ADA, status: "ended", created_at: now - 2 * DAY },
      { id: NEW, user_id: ADA, created_at: now - DAY, last_active_at: now - 1000 },
      { id: BOBS, user_id: BOB, created_at: now },
    ],
  };
}

describe("sessions tools", () => {
  let h: Harness;
  const now = Date.now();

  beforeEach(async () => {
    h = await startHarness({ seed: seed(now) });
    h.emu.clearRequests();
  });
  afterEach(() => h.close());

  describe("get_session", () => {
    it("returns one session, whose it is and where it was last active, with one GET and no token", async () => {
      const result = await h.call("get_session", { session_id: NEW });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ id: NEW, user_id: ADA, status: "active" });
      expect(textOf(result)).toMatch(new RegExp(`^${NEW}.*: active, of ${ADA}\\.`));
      expect(JSON.stringify(result)).not.toMatch(/token/i);
      expect(paths(h)).toEqual([`GET /v1/sessions/${NEW}`]);
    });

    it("an unknown session: an error naming list_sessions, without saying anything changed", async () => {
      const result = await h.call("get_session", { session_id: "sess_nobody000001" });
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      expect(textOf(result)).toMatch(/Clerk has no session sess_nobody000001\. list_sessions/);
      expect(textOf(result)).not.toMatch(/Nothing changed/);
    });
  });

  describe("list_sessions", () => {
    it("lists one user's sessions newest first, with client, times and device, and no token", async () => {
      const result = await h.call("list_sessions", { user_id: ADA });
      expect(result.isError, textOf(result)).toBeFalsy();
      const page = result.structuredContent as SessionPage;
      expect(page.sessions.map((s) => s.id)).toEqual([NEW, ENDED, OLD]);
      expect(page).toMatchObject({ total_count: 3, next_offset: null });
      expect(page.sessions[2]).toEqual({
        id: OLD,
        user_id: ADA,
        client_id: "client_adaLaptop01",
        status: "active",
        last_active_at: new Date(now - DAY).toISOString(),
        expire_at: new Date(now - 3 * DAY + 7 * DAY).toISOString(),
        created_at: new Date(now - 3 * DAY).toISOString(),
        device: "Firefox 126, Macintosh, 203.0.113.7, Berlin, DE",
      });
      expect(page.sessions[0]?.device).toBeNull();
      expect(JSON.stringify(result)).not.toMatch(/token|jwt/i);
      expect(paths(h)).toEqual(["GET /v1/sessions"]);
      expect(h.emu.requests[0]?.query).toMatchObject({ user_id: ADA, limit: "20" });
    });

    it("filters by status and pages, as Clerk's query says", async () => {
      const result = await h.call("list_sessions", { user_id: ADA, status: "active", limit: 1 });
      const page = result.structuredContent as SessionPage;
      expect(page.sessions.map((s) => s.id)).toEqual([NEW]);
      expect(page).toMatchObject({ total_count: 2, next_offset: 1 });
      expect(h.emu.requests[0]?.query).toMatchObject({ status: "active", limit: "1" });
      const next = await h.call("list_sessions", { user_id: ADA, status: "active", offset: 1 });
      expect((next.structuredContent as SessionPage).sessions.map((s) => s.id)).toEqual([OLD]);
    });

    it("an empty page says the user has none, or may not exist; past the end says so", async () => {
      const none = await h.call("list_sessions", { user_id: ADA, status: "revoked" });
      expect(none.isError).toBeFalsy();
      expect(textOf(none)).toMatch(/user_ada0000001 has no sessions \(revoked\), or no such user/);
      const past = await h.call("list_sessions", { user_id: ADA, offset: 5 });
      expect(textOf(past)).toMatch(/Offset 5 is past the end: 3 sessions matched/);
    });
  });
  describe("revoke_session", () => {
    it("revokes an active session after a lookup; a second call sends no write and says nothing changed", async () => {
      const first = await h.call("revoke_session", { session_id: OLD });
      expect(first.isError, textOf(first)).toBeFalsy();
      expect(first.structuredContent).toMatchObject({ id: OLD, user_id: ADA, status: "revoked" });
      expect(textOf(first)).toMatch(
        /^Revoked session sess_adaOldest0001 of user_ada0000001: that client is signed out\./,
      );
      expect(paths(h)).toEqual([`GET /v1/sessions/${OLD}`, `POST /v1/sessions/${OLD}/revoke`]);
      expect(await sessionStatus(h.emu, OLD)).toBe("revoked");
      expect(await sessionStatus(h.emu, NEW)).toBe("active");

      h.emu.clearRequests();
      const second = await h.call("revoke_session", { session_id: OLD });
      expect(second.isError).toBeFalsy();
      expect(second.structuredContent).toEqual(first.structuredContent);
      expect(textOf(second)).toMatch(/is already revoked, not signed in; nothing changed/);
      expect(paths(h)).toEqual([`GET /v1/sessions/${OLD}`]);
    });

    it("an ended session is returned unchanged, with no write", async () => {
      const result = await h.call("revoke_session", { session_id: ENDED });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ id: ENDED, status: "ended" });
      expect(textOf(result)).toMatch(/already ended, not signed in; nothing changed/);
      expect(h.emu.writes()).toEqual([]);
    });

    it("an unknown session: an error naming list_sessions that says nothing changed, no write", async () => {
      const result = await h.call("revoke_session", { session_id: "sess_nobody000001" });
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      expect(textOf(result)).toMatch(
        /Clerk has no session sess_nobody000001\. list_sessions lists a user's sessions\. Nothing changed\./,
      );
      expect(h.emu.writes()).toEqual([]);
    });
  });

  describe("revoke_user_sessions", () => {
    type Bulk = {
      user_id: string;
      results: Array<{ session_id: string; outcome: string; error?: string }>;
      counts: Record<string, number>;
    };

    it("revokes every active session of the user, and no one else's; a second call changes nothing", async () => {
      const progress: Array<{ progress: number; total?: number }> = [];
      const result = (await h.client.callTool(
        { name: "revoke_user_sessions", arguments: { user_id: ADA } },
        undefined,
        { onprogress: (p) => progress.push(p) },
      )) as CallToolResult;
      expect(result.isError, textOf(result)).toBeFalsy();
      const bulk = result.structuredContent as Bulk;
      expect(bulk.user_id).toBe(ADA);
      expect(bulk.results.map((r) => [r.session_id, r.outcome])).toEqual([
        [NEW, "revoked"],
        [OLD, "revoked"],
      ]);
      expect(bulk.counts).toEqual({ revoked: 2 });
      expect(textOf(result)).toMatch(
        /^ada@example.com \(Ada Lovelace, user_ada0000001\): 2 revoked of 2 active sessions\./,
      );
      expect(progress.at(-1)).toEqual({ progress: 2, total: 2 });
      expect(await sessionStatus(h.emu, NEW)).toBe("revoked");
      expect(await sessionStatus(h.emu, OLD)).toBe("revoked");
      expect(await sessionStatus(h.emu, ENDED)).toBe("ended");
      expect(await sessionStatus(h.emu, BOBS)).toBe("active");
      expect(
        h.emu
          .writes()
          .map((w) => w.path)
          .sort(),
      ).toEqual([`/v1/sessions/${NEW}/revoke`, `/v1/sessions/${OLD}/revoke`]);
      expect(h.emu.requests.find((r) => r.path.startsWith("/v1/sessions?"))?.query).toMatchObject({
        user_id: ADA,
        status: "active",
      });

      h.emu.clearRequests();
      const again = await h.call("revoke_user_sessions", { user_id: ADA });
      expect(again.isError).toBeFalsy();
      expect(again.structuredContent).toEqual({ user_id: ADA, results: [], counts: {} });
      expect(textOf(again)).toMatch(/has no active session; nothing changed/);
      expect(h.emu.writes()).toEqual([]);
    });

    it("reports each session's outcome: one refused is failed, one unanswered is outcome_unknown", async () => {
      h.emu.inject({ method: "POST", path: `/v1/sessions/${NEW}/revoke`, status: 403 });
      h.emu.inject({ method: "POST", path: `/v1/sessions/${OLD}/revoke`, status: 503, times: 10 });
      const result = await h.call("revoke_user_sessions", { user_id: ADA });
      expect(result.isError, textOf(result)).toBeFalsy();
      const bulk = result.structuredContent as Bulk;
      expect(bulk.results.map((r) => [r.session_id, r.outcome])).toEqual([
        [NEW, "failed"],
        [OLD, "outcome_unknown"],
      ]);
      expect(bulk.counts).toEqual({ failed: 1, outcome_unknown: 1 });
      expect(textOf(result)).toMatch(
        /^Warning: 1 may or may not have been applied \(outcome_unknown\); check them with list_sessions/,
      );
      expect(bulk.results[0]?.error).toMatch(/403/);
    });

    it("when every revoke fails, the call is an error giving the count and the first failure", async () => {
      h.emu.inject({ method: "POST", path: /\/v1\/sessions\/.*\/revoke$/, status: 403, times: 2 });
      const result = await h.call("revoke_user_sessions", { user_id: ADA });
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      expect(textOf(result)).toMatch(/^All 2 session revokes failed; the first failure:/);
    });

    it("an unknown user: an error that says nothing changed, no write", async () => {
      const result = await h.call("revoke_user_sessions", { user_id: "user_nobody00001" });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/Clerk has no user user_nobody00001.*Nothing changed/);
      expect(h.emu.writes()).toEqual([]);
    });
  });
});

describe("sessions tools ask the human", () => {
  let h: Harness;
  let asked: ElicitRequest["params"][];
  const now = Date.now();

  beforeEach(async () => {
    h = await startHarness({ seed: seed(now), capabilities: { elicitation: { form: {} } } });
    asked = [];
    h.client.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked.push(req.params);
      return { action: "decline" };
    });
    h.emu.clearRequests();
  });
  afterEach(() => h.close());

  it("revoke_session names the user's email and the session's last activity; declined, nothing is sent", async () => {
    const result = await h.call("revoke_session", { session_id: OLD });
    expect(asked.map((a) => a.message)).toEqual([
      `Sign ada@example.com (Ada Lovelace, user_ada0000001) out of session ${OLD} (last active ${new Date(now - DAY).toISOString()}, Firefox 126, Macintosh, 203.0.113.7, Berlin, DE)? Their other sessions stay signed in.`,
    ]);
    expect(result.isError).toBe(true);
    expect(h.emu.writes()).toEqual([]);
    expect(await sessionStatus(h.emu, OLD)).toBe("active");
  });

  it("revoke_session does not ask about a session already signed out", async () => {
    const result = await h.call("revoke_session", { session_id: ENDED });
    expect(asked).toEqual([]);
    expect(result.isError).toBeFalsy();
  });

  it("revoke_user_sessions names the user's email and name and the number of active sessions", async () => {
    const result = await h.call("revoke_user_sessions", { user_id: ADA });
    expect(asked.map((a) => a.message)).toEqual([
      "Sign ada@example.com (Ada Lovelace, user_ada0000001) out everywhere: revoke 2 active sessions? They can sign in again unless banned or locked.",
    ]);
    expect(result.isError).toBe(true);
    expect(h.emu.writes()).toEqual([]);
  });
});
