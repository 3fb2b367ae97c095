import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SeedData } from "../../emulator/index.js";
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
});
