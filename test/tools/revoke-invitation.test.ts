import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type Harness, jsonBlock, startHarness, textOf } from "../helpers/harness.js";

const DAY = 86_400_000;

describe("revoke_invitation", () => {
  let h: Harness;
  let pending: string;
  let accepted: string;
  let expired: string;
  let revoked: string;

  beforeEach(async () => {
    h = await startHarness();
    const now = Date.now();
    pending = h.emu.addInvitation({
      email_address: "ada@example.com",
      public_metadata: { planTier: "pro" },
    }).id;
    accepted = h.emu.addInvitation({ email_address: "bob@example.com", status: "accepted" }).id;
    expired = h.emu.addInvitation({ email_address: "cy@example.com", expires_at: now - DAY }).id;
    revoked = h.emu.addInvitation({
      email_address: "di@example.com",
      status: "revoked",
      revoked: true,
    }).id;
    h.emu.clearRequests();
  });
  afterEach(() => h.close());

  it("revokes a pending invitation and returns the view as structured content and JSON text", async () => {
    const result = await h.call("revoke_invitation", { invitation_id: pending });
    expect(result.isError).toBeFalsy();
    const view = result.structuredContent as Record<string, unknown>;
    expect(view).toMatchObject({
      id: pending,
      email_address: "ada@example.com",
      status: "revoked",
      revoked: true,
      public_metadata: { planTier: "pro" },
    });
    expect(Object.keys(view).sort()).toEqual(
      [
        "created_at",
        "email_address",
        "expires_at",
        "id",
        "public_metadata",
        "revoked",
        "status",
        "updated_at",
      ].sort(),
    );
    expect(view).not.toHaveProperty("url");
    for (const field of ["created_at", "updated_at", "expires_at"]) {
      expect(view[field]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    expect(jsonBlock(result)).toEqual(view);
    expect(textOf(result)).toContain("Revoked invitation");
    expect(h.emu.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /v1/invitations/${pending}/revoke`,
    ]);
    expect(h.emu.getInvitation(pending)?.status).toBe("revoked");
  });

  it("is idempotent: an already revoked invitation is returned and the text says nothing changed", async () => {
    const result = await h.call("revoke_invitation", { invitation_id: revoked });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ id: revoked, status: "revoked" });
    expect(textOf(result)).toMatch(/already revoked; nothing changed/);
    expect(h.emu.writes()).toHaveLength(1);
  });

  it("revoking twice: the second call reports already revoked", async () => {
    await h.call("revoke_invitation", { invitation_id: pending });
    const again = await h.call("revoke_invitation", { invitation_id: pending });
    expect(again.isError).toBeFalsy();
    expect(textOf(again)).toMatch(/already revoked/);
    expect(h.emu.writes().map((w) => w.status)).toEqual([200, 400]);
    expect(h.emu.getInvitation(pending)?.status).toBe("revoked");
  });

  it.each([
    ["accepted", () => accepted, /already accepted.*signed up/],
    ["expired", () => expired, /already expired.*no longer works/],
  ])("refuses an %s invitation with an error that says what it means", async (_s, id, message) => {
    const result = await h.call("revoke_invitation", { invitation_id: id() });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(textOf(result)).toMatch(message);
    expect(textOf(result)).toMatch(/Nothing changed/);
  });

  it("reports an unknown ID as not found and points to list_invitations", async () => {
    const result = await h.call("revoke_invitation", { invitation_id: "inv_doesnotexist" });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(textOf(result)).toMatch(/no application invitation inv_doesnotexist/);
    expect(textOf(result)).toMatch(/list_invitations/);
  });

  describe("refuses bad input before any request", () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ["path traversal", { invitation_id: "inv_1/../../users/user_1/ban" }, /inv_/],
      ["fragment", { invitation_id: "inv_1#" }, /inv_/],
      ["query string", { invitation_id: "inv_1?x=1" }, /inv_/],
      ["encoded dots", { invitation_id: "inv_1%2F..%2F" }, /inv_/],
      ["empty string", { invitation_id: "" }, /inv_/],
      ["number", { invitation_id: 42 }, /string/],
      ["object", { invitation_id: { id: "inv_1" } }, /string/],
      ["missing argument", {}, /invitation_id/],
      ["camelCase name", { invitationId: "inv_1" }, /invitation/],
      ["extra argument", { invitation_id: "inv_1", force: true }, /force/],
      [
        "organization invitation ID",
        { invitation_id: "orginv_2abc" },
        /organization invitation.*revoke_organization_invitation/,
      ],
    ];
    it.each(cases)("%s", async (_case, args, message) => {
      const result = await h.call("revoke_invitation", args);
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      expect(textOf(result)).toMatch(message);
      expect(h.emu.requests).toEqual([]);
    });
  });
});

describe("revoke_invitation when Clerk fails", () => {
  let h: Harness;
  let id: string;
  beforeEach(async () => {
    h = await startHarness({ config: { timeoutMs: 300 } });
    id = h.emu.addInvitation({ email_address: "ada@example.com" }).id;
    h.emu.clearRequests();
  });
  afterEach(() => h.close());

  it("applied, then a 503: the repeat finds it revoked, and says the first answer was lost", async () => {
    h.emu.inject({ method: "POST", applyThenFail: 503 });
    const result = await h.call("revoke_invitation", { invitation_id: id });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ id, status: "revoked" });
    expect(textOf(result)).toMatch(/Revoked invitation.*first answer was lost.*found it revoked/);
    expect(textOf(result)).not.toMatch(/already revoked; nothing changed/);
    // The revoke only sets state, so it is repeated; Clerk's 400 is then read from the status.
    expect(h.emu.writes().map((w) => w.status)).toEqual([503, 400]);
  });

  it("a reset connection before Clerk applied it: the repeat revokes it", async () => {
    h.emu.inject({ method: "POST", reset: true });
    const result = await h.call("revoke_invitation", { invitation_id: id });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toMatch(/first answer was lost.*repeat revoked it/);
    expect(h.emu.getInvitation(id)?.status).toBe("revoked");
    expect(h.emu.writes().map((w) => w.status)).toEqual([0, 200]);
  });

  it("no attempt answered in time: says plainly the outcome is unknown and how to check", async () => {
    h.emu.inject({ method: "POST", delayMs: 1_000, status: 503, times: Number.POSITIVE_INFINITY });
    const result = await h.call("revoke_invitation", { invitation_id: id });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(textOf(result)).toMatch(/outcome is unknown.*timed out.*Check with list_invitations/);
    expect(textOf(result)).not.toMatch(/nothing changed|still pending/);
    // The first attempt and the gateway's three repeats, each dropped at its timeout.
    expect(h.emu.writes()).toHaveLength(4);
    expect(h.emu.writes()[0]?.aborted).toBe(true);
  });

  it("waits out a 429 with Retry-After and then succeeds", async () => {
    h.emu.inject({ method: "POST", status: 429, headers: { "Retry-After": "1" } });
    const result = await h.call("revoke_invitation", { invitation_id: id });
    expect(result.isError).toBeFalsy();
    expect(h.emu.writes().map((w) => w.status)).toEqual([429, 200]);
  });

  it("stops on a Retry-After that is too long, saying when to retry", async () => {
    h.emu.inject({ method: "POST", status: 429, headers: { "Retry-After": "120" } });
    const result = await h.call("revoke_invitation", { invitation_id: id });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/rate limited.*retry after 120 s/i);
    expect(h.emu.writes()).toHaveLength(1);
  });

  it("says the secret key was rejected on a 401, without echoing the key", async () => {
    h.emu.inject({
      status: 401,
      body: {
        errors: [
          { code: "authentication_invalid", message: "Unauthorized", long_message: "Bad key" },
        ],
        clerk_trace_id: "trace123",
      },
    });
    const result = await h.call("revoke_invitation", { invitation_id: id });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(/HTTP 401/);
    expect(text).toMatch(/authentication_invalid/);
    expect(text).toMatch(/Bad key/);
    expect(text).toMatch(/trace123/);
    expect(text).toMatch(/secret key/);
    expect(text).not.toContain(h.config.secretKey);
  });

  it("shows a short snippet of a non-JSON gateway error", async () => {
    h.emu.inject({
      method: "POST",
      status: 500,
      body: `<html><body>${"Bad gateway ".repeat(100)}</body></html>`,
      headers: { "Content-Type": "text/html" },
      times: Number.POSITIVE_INFINITY,
    });
    const result = await h.call("revoke_invitation", { invitation_id: id });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(/HTTP 500/);
    expect(text).toMatch(/<html><body>Bad gateway/);
    expect(text.length).toBeLessThan(800);
  });
});

describe("cancellation", () => {
  it("aborts the request in flight, and the call gets no answer", async () => {
    const h = await startHarness({ config: { timeoutMs: 5_000 } });
    let release = () => {};
    try {
      const id = h.emu.addInvitation({ email_address: "ada@example.com" }).id;
      h.emu.clearRequests();
      h.emu.inject({ method: "POST", until: new Promise<void>((r) => (release = r)) });
      const controller = new AbortController();
      const call = h.client.callTool(
        { name: "revoke_invitation", arguments: { invitation_id: id } },
        undefined,
        { signal: controller.signal },
      );
      await vi.waitFor(() => expect(h.emu.writes()).toHaveLength(1));
      controller.abort("user stopped");
      await expect(call).rejects.toThrow(/user stopped|abort/i);
      // The server dropped the HTTP request to Clerk when the client cancelled.
      await vi.waitFor(() => expect(h.emu.writes()[0]?.aborted).toBe(true));
      expect(h.emu.writes()).toHaveLength(1);
    } finally {
      release();
      await h.close();
    }
  });
});

describe("concurrency", () => {
  it("a fast call is answered while a slow one is still waiting on Clerk", async () => {
    const h = await startHarness({ config: { timeoutMs: 5_000 } });
    let release = () => {};
    try {
      const id = h.emu.addInvitation({ email_address: "slow@example.com" }).id;
      h.emu.inject({ method: "POST", until: new Promise<void>((r) => (release = r)) });
      let slowDone = false;
      const slow = h.call("revoke_invitation", { invitation_id: id }).then((r) => {
        slowDone = true;
        return r;
      });
      await vi.waitFor(() => expect(h.emu.writes()).toHaveLength(1));
      const fast = await h.call("list_invitations", {});
      expect(fast.isError).toBeFalsy();
      expect(slowDone).toBe(false);
      release();
      expect((await slow).isError).toBeFalsy();
    } finally {
      release();
      await h.close();
    }
  });
});
