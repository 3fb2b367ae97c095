import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, jsonBlock, startHarness, textOf } from "../helpers/harness.js";

const HOUR = 3_600_000;

/** The IDs of every pending invitation for `email`, read through list_invitations. */
async function pendingIds(h: Harness, email: string): Promise<string[]> {
  const list = await h.call("list_invitations", { query: email, status: "pending" });
  const { invitations } = list.structuredContent as { invitations: Array<{ id: string }> };
  return invitations.map((i) => i.id);
}

describe("create_invitation", () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness({ seed: { users: [{ email_address: "member@example.com" }] } });
  });
  afterEach(() => h.close());

  it("creates an invitation and returns it with its url; public_metadata keys reach Clerk unchanged", async () => {
    const result = await h.call("create_invitation", {
      email_address: "ada@example.com",
      public_metadata: { planTier: "pro", nested: { seatCount: 3 } },
      redirect_url: "https://app.example.com/welcome",
      notify: false,
      expires_in_days: 7,
      template_slug: "invitation",
    });
    expect(result.isError).toBeFalsy();
    const view = result.structuredContent as Record<string, unknown>;
    expect(view).toMatchObject({
      email_address: "ada@example.com",
      status: "pending",
      revoked: false,
      public_metadata: { planTier: "pro", nested: { seatCount: 3 } },
    });
    expect(view.id).toMatch(/^inv_/);
    expect(view.url).toMatch(/^https:\/\/app\.example\.com\/welcome\?__clerk_ticket=/);
    expect(view.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(jsonBlock(result)).toEqual(view);
    expect(textOf(result)).toMatch(/No email was sent: share the url/);

    const writes = h.emu.writes();
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual(["POST /v1/invitations"]);
    // Top-level keys are snake_cased by @clerk/backend; the metadata keys are not.
    expect(writes[0]?.body).toEqual({
      email_address: "ada@example.com",
      public_metadata: { planTier: "pro", nested: { seatCount: 3 } },
      redirect_url: "https://app.example.com/welcome",
      notify: false,
      expires_in_days: 7,
      template_slug: "invitation",
    });
    const stored = h.emu.getInvitation(view.id as string);
    expect(stored?.expires_at).toBe((stored?.created_at ?? 0) + 7 * 86_400_000);
  });

  it("sends notify: true by default", async () => {
    const result = await h.call("create_invitation", { email_address: "bo@example.com" });
    expect(result.isError).toBeFalsy();
    expect(h.emu.writes()[0]?.body).toEqual({ email_address: "bo@example.com", notify: true });
    expect(textOf(result)).toMatch(/Clerk emailed the link/);
  });

  it("a duplicate pending invitation is an error that mentions ignore_existing", async () => {
    const existing = h.emu.addInvitation({ email_address: "dup@example.com" });
    const result = await h.call("create_invitation", { email_address: "dup@example.com" });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(textOf(result)).toMatch(/already has a pending invitation/);
    expect(textOf(result)).toMatch(/ignore_existing/);
    expect(h.emu.writes().map((w) => `${w.method} ${w.path} ${w.status}`)).toEqual([
      "POST /v1/invitations 400",
    ]);
    expect(await pendingIds(h, "dup@example.com")).toEqual([existing.id]);
  });

  it("ignore_existing: true creates a second invitation for the same address", async () => {
    h.emu.addInvitation({ email_address: "dup@example.com" });
    const result = await h.call("create_invitation", {
      email_address: "dup@example.com",
      ignore_existing: true,
    });
    expect(result.isError).toBeFalsy();
    expect(h.emu.writes()[0]?.body).toMatchObject({ ignore_existing: true });
  });

  it("an address that belongs to a user is an error that says so", async () => {
    const result = await h.call("create_invitation", { email_address: "member@example.com" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/already belongs to a user/);
    expect(h.emu.writes().map((w) => `${w.method} ${w.path} ${w.status}`)).toEqual([
      "POST /v1/invitations 422",
    ]);
    expect(await pendingIds(h, "member@example.com")).toEqual([]);
  });

  it("a 429 is retried after Retry-After, and the write is sent again", async () => {
    h.emu.inject({
      method: "POST",
      path: "/v1/invitations",
      status: 429,
      headers: { "Retry-After": "1" },
    });
    const result = await h.call("create_invitation", { email_address: "rl@example.com" });
    expect(result.isError).toBeFalsy();
    expect(h.emu.writes().map((w) => w.status)).toEqual([429, 200]);
  });

  it("a 503 is not retried blindly: lookups by email find nothing, and the outcome is unknown (never 'not created')", async () => {
    h.emu.inject({ method: "POST", path: "/v1/invitations", status: 503 });
    const result = await h.call("create_invitation", { email_address: "lost@example.com" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /outcome is unknown.*may still appear.*3 lookups .* found nothing yet.*Check with list_invitations \(query lost@example.com\)/,
    );
    expect(textOf(result)).not.toMatch(/nothing was created|Try again/);
    expect(h.emu.writes()).toHaveLength(1);
    // Looked up more than once: Clerk may apply a request it has not answered a moment later.
    const lookup = h.emu.requests.filter((r) => r.method === "GET");
    expect(lookup).toHaveLength(3);
    expect(lookup[0]?.query).toMatchObject({ query: "lost@example.com", status: "pending" });
  });

  it("an applied-then-failed create (answer lost) is found by the lookup and reported as created", async () => {
    h.emu.inject({ method: "POST", path: "/v1/invitations", applyThenFail: 502 });
    const result = await h.call("create_invitation", { email_address: "ghost@example.com" });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      email_address: "ghost@example.com",
      status: "pending",
    });
    expect(textOf(result)).toMatch(/answer was lost.*a lookup finds a pending invitation/);
    expect(h.emu.writes()).toHaveLength(1);
  });

  it("when the lookup after an ambiguous failure also fails, it says the outcome is unknown", async () => {
    h.emu.inject({ method: "POST", path: "/v1/invitations", status: 500 });
    h.emu.inject({ method: "GET", path: "/v1/invitations", status: 500, times: 10 });
    const result = await h.call("create_invitation", { email_address: "who@example.com" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/outcome is unknown/);
    expect(textOf(result)).toMatch(/list_invitations/);
    expect(h.emu.writes()).toHaveLength(1);
  });

  it("an older pending invitation is not taken for this request's: a lost 503 that was not applied is unknown, not created", async () => {
    const old = h.emu.addInvitation({
      email_address: "again@example.com",
      created_at: Date.now() - HOUR,
    });
    h.emu.clearRequests();
    h.emu.inject({ method: "POST", path: "/v1/invitations", status: 503 });
    const result = await h.call("create_invitation", {
      email_address: "again@example.com",
      ignore_existing: true,
    });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(textOf(result)).toMatch(/outcome is unknown/);
    expect(textOf(result)).not.toContain(old.id);
    expect(textOf(result)).not.toMatch(/^Invited/);
    expect(h.emu.writes()).toHaveLength(1);
    expect(await pendingIds(h, "again@example.com")).toEqual([old.id]);
  });

  it("with an older pending invitation, a lost answer that was applied reports the new invitation, not the old", async () => {
    const old = h.emu.addInvitation({
      email_address: "again@example.com",
      created_at: Date.now() - HOUR,
    });
    h.emu.inject({ method: "POST", path: "/v1/invitations", applyThenFail: 503 });
    const result = await h.call("create_invitation", {
      email_address: "again@example.com",
      ignore_existing: true,
    });
    expect(result.isError).toBeFalsy();
    const view = result.structuredContent as { id: string };
    expect(view.id).not.toBe(old.id);
    expect((await pendingIds(h, "again@example.com")).sort()).toEqual([old.id, view.id].sort());
    expect(textOf(result)).toMatch(
      /answer was lost.*finds a pending invitation .*\(inv_\w+\) created/,
    );
  });
});
