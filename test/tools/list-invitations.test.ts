import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Harness, jsonBlock, startHarness, textOf } from "../helpers/harness.js";

interface Page {
  invitations: Array<{
    id: string;
    email_address: string;
    status: string;
    public_metadata: unknown;
  }>;
  total_count: number;
  next_offset: number | null;
}

describe("list_invitations", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    const base = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 25; i++) {
      h.emu.addInvitation({
        email_address: `user${String(i).padStart(2, "0")}@example.com`,
        created_at: base + i * 1000,
        updated_at: base + i * 1000,
        expires_at: Date.now() + 30 * 86_400_000,
      });
    }
    h.emu.addInvitation({ email_address: "gone@example.com", status: "revoked", revoked: true });
    h.emu.addInvitation({ email_address: "joined@example.com", status: "accepted" });
    h.emu.addInvitation({
      email_address: "big@example.com",
      public_metadata: { notes: "x".repeat(5_000), plan: "pro" },
    });
  });
  beforeEach(() => h.emu.clearRequests());
  afterAll(() => h.close());

  it("returns the first page of 20 with total_count and next_offset", async () => {
    const result = await h.call("list_invitations", {});
    expect(result.isError).toBeFalsy();
    const page = result.structuredContent as unknown as Page;
    expect(page.invitations).toHaveLength(20);
    expect(page.total_count).toBe(27); // revoked ones are left out without a status
    expect(page.next_offset).toBe(20);
    expect(jsonBlock(result)).toEqual(page);
    const [req] = h.emu.requests;
    expect(req?.method).toBe("GET");
    expect(req?.query).toMatchObject({ limit: "20", paginated: "true" });
  });

  it("an offset past the end says so, rather than pointing elsewhere", async () => {
    const result = await h.call("list_invitations", { offset: 500 });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toMatch(/Offset 500 is past the end: 27 application invitations/);
    expect(textOf(result)).not.toMatch(/list_organization_invitations/);
  });

  it("next_offset is null on the last page", async () => {
    const page = (await h.call("list_invitations", { offset: 20 }))
      .structuredContent as unknown as Page;
    expect(page.invitations).toHaveLength(7);
    expect(page.next_offset).toBeNull();
  });

  it("passes status, query and order_by to Clerk", async () => {
    const result = await h.call("list_invitations", {
      status: "pending",
      query: "user0",
      order_by: "email_address",
      limit: 5,
    });
    const page = result.structuredContent as unknown as Page;
    expect(page.invitations.map((i) => i.email_address)).toEqual([
      "user00@example.com",
      "user01@example.com",
      "user02@example.com",
      "user03@example.com",
      "user04@example.com",
    ]);
    expect(h.emu.requests[0]?.query).toMatchObject({
      status: "pending",
      query: "user0",
      order_by: "email_address",
      limit: "5",
    });
  });

  it("lists revoked invitations when asked", async () => {
    const page = (await h.call("list_invitations", { status: "revoked" }))
      .structuredContent as unknown as Page;
    expect(page.invitations.map((i) => i.email_address)).toEqual(["gone@example.com"]);
  });

  it("keeps answers small: large metadata is replaced by its size", async () => {
    const page = (await h.call("list_invitations", { query: "big@" }))
      .structuredContent as unknown as Page;
    expect(page.invitations[0]?.public_metadata).toEqual({ _omitted_bytes: expect.any(Number) });
  });

  it("a full page of 100 with 8 KB of metadata each stays well under 25k tokens", async () => {
    const big = await startHarness();
    try {
      for (let i = 0; i < 100; i++) {
        big.emu.addInvitation({
          email_address: `m${i}@example.com`,
          public_metadata: { blob: "y".repeat(8_000) },
        });
      }
      const result = await big.call("list_invitations", { limit: 100 });
      // About 4 characters a token: 40 KB is ~10k tokens for the text block.
      expect(textOf(result).length).toBeLessThan(40_000);
    } finally {
      await big.close();
    }
  });

  it("says where organization invitations are when nothing matches", async () => {
    const result = await h.call("list_invitations", { query: "nobody-here" });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toMatch(/list_organization_invitations/);
    expect(result.structuredContent).toEqual({
      invitations: [],
      total_count: 0,
      next_offset: null,
    });
  });

  it.each([
    [{ limit: 0 }, /limit/],
    [{ limit: 101 }, /limit/],
    [{ limit: 2.5 }, /limit/],
    [{ offset: -1 }, /offset/],
    [{ status: "active" }, /status/],
    [{ order_by: "name" }, /order_by/],
    [{ query: "" }, /query/],
    [{ query: "x".repeat(257) }, /query/],
    [{ page: 2 }, /page/],
  ])("refuses %j before any request", async (args, message) => {
    const result = await h.call("list_invitations", args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
    expect(h.emu.requests).toEqual([]);
  });

  it("retries a 503 on a read and then answers", async () => {
    h.emu.inject({ method: "GET", status: 503 });
    const result = await h.call("list_invitations", { limit: 1 });
    expect(result.isError).toBeFalsy();
    expect(h.emu.requests.map((r) => r.status)).toEqual([503, 200]);
  });

  it("gives up after a few attempts on a persistent 502, with a clear error", async () => {
    h.emu.inject({ method: "GET", status: 502, times: Number.POSITIVE_INFINITY });
    try {
      const result = await h.call("list_invitations", {});
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      expect(textOf(result)).toMatch(/HTTP 502/);
      expect(h.emu.requests.length).toBeGreaterThan(1);
      expect(h.emu.requests.length).toBeLessThanOrEqual(5);
    } finally {
      h.emu.clearFaults();
    }
  });
});
