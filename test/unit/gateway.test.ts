import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type Emulator, startEmulator } from "../../emulator/index.js";
import {
  type ClerkGateway,
  createClerkGateway,
  DEFAULT_RETRY,
  type RetryPolicy,
} from "../../src/clerk/client.js";
import { ClerkFailure } from "../../src/clerk/errors.js";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";

/**
 * The gateway's budget and retry policy, through the real `@clerk/backend` against the
 * emulator over HTTP. What is asserted is what Clerk would see (the emulator's request log)
 * and how the call ends; never how long it took.
 */

const FOREVER = Number.POSITIVE_INFINITY;

describe("ClerkGateway against the emulator", () => {
  let emu: Emulator;
  let invitationId: string;
  beforeEach(async () => {
    emu = await startEmulator();
    invitationId = emu.addInvitation({ email_address: "gw@example.com" }).id;
  });
  afterEach(() => emu.close());

  const gateway = (retry: Partial<RetryPolicy> = {}, timeoutMs = 2_000): ClerkGateway =>
    createClerkGateway(
      { secretKey: emu.secretKey, apiUrl: emu.url, timeoutMs },
      { ...DEFAULT_RETRY, baseDelayMs: 5, ...retry },
    );
  const list = (clerk: ClerkGateway) =>
    clerk.call((c) => c.invitations.getInvitationList({ limit: 1 }), { idempotent: true });
  const revoke = (clerk: ClerkGateway) =>
    clerk.call((c) => c.invitations.revokeInvitation(invitationId), { idempotent: false });

  describe("the synchronous handoff to the fetch wrapper", () => {
    it("times out a request started when the operation is invoked", async () => {
      emu.inject({ method: "GET", delayMs: 5_000 });
      const clerk = gateway({ retries: 0 }, 200);
      await expect(list(clerk)).rejects.toMatchObject({ kind: "timeout" });
      await vi.waitFor(() => expect(emu.requests[0]?.aborted).toBe(true));
    });

    it("covers both requests of an operation that starts two together", async () => {
      emu.inject({ method: "GET", path: "/v1/users/count", delayMs: 5_000 });
      const clerk = gateway({ retries: 0 }, 200);
      const both = clerk.call((c) => c.users.getUserList({ limit: 1 }), { idempotent: true });
      await expect(both).rejects.toMatchObject({ kind: "timeout" });
      await vi.waitFor(() =>
        expect(emu.requests.find((r) => r.path.startsWith("/v1/users/count"))?.aborted).toBe(true),
      );
    });
  });

  describe("the budget", () => {
    it("cuts the last attempt's timeout to what is left of the budget", async () => {
      // The first answer never comes in time; the second would, within the 1 s timeout, but
      // not within what is left of the 1.5 s budget after the first attempt's 1 s.
      emu.inject({ method: "GET", delayMs: 5_000 });
      emu.inject({ method: "GET", delayMs: 900, times: FOREVER });
      const clerk = gateway({ retries: 10, budgetMs: 1_500 }, 1_000);
      await expect(list(clerk)).rejects.toMatchObject({ kind: "timeout" });
      expect(emu.requests).toHaveLength(2);
    });

    it("a call gives up at the gate, sending nothing, when the gate outlasts its budget", async () => {
      emu.inject({ method: "POST", status: 429, headers: { "Retry-After": "5" } });
      const clerk = gateway({ budgetMs: 2_000 });
      // Retry-After 5 s does not fit in the 2 s budget: not waited out...
      await expect(revoke(clerk)).rejects.toMatchObject({ status: 429, retryAfterSeconds: 5 });
      // ...but the gate is closed all the same, and the next call does not knock.
      await expect(list(clerk)).rejects.toMatchObject({ status: 429 });
      expect(emu.requests.map((r) => [r.method, r.status])).toEqual([["POST", 429]]);
      expect(emu.getInvitation(invitationId)?.status).toBe("pending");
    });
  });

  describe("429s", () => {
    it("a Retry-After beyond the limit is not waited out, but closes the gate", async () => {
      emu.inject({ method: "POST", status: 429, headers: { "Retry-After": "120" } });
      const clerk = gateway({ maxRetryAfterSeconds: 1, budgetMs: 800 });
      await expect(revoke(clerk)).rejects.toMatchObject({ status: 429, retryAfterSeconds: 120 });
      // The gate is closed for maxRetryAfterSeconds (1 s), beyond the next call's 0.8 s budget.
      await expect(list(clerk)).rejects.toMatchObject({ status: 429 });
      expect(emu.requests).toHaveLength(1);
    });

    it("are waited out at most rateLimitWaits times per call, even for a write", async () => {
      emu.inject({
        method: "POST",
        status: 429,
        headers: { "Retry-After": "0" },
        times: FOREVER,
      });
      await expect(revoke(gateway())).rejects.toMatchObject({ status: 429 });
      expect(emu.writes()).toHaveLength(1 + DEFAULT_RETRY.rateLimitWaits);
      expect(emu.getInvitation(invitationId)?.status).toBe("pending");
    });

    it("are waited out after the transient retries are spent", async () => {
      emu.inject({ method: "GET", status: 503, times: DEFAULT_RETRY.retries });
      emu.inject({ method: "GET", status: 429, headers: { "Retry-After": "0" } });
      await expect(list(gateway())).resolves.toMatchObject({ totalCount: 1 });
      expect(emu.requests.map((r) => r.status)).toEqual([
        ...Array<number>(DEFAULT_RETRY.retries).fill(503),
        429,
        200,
      ]);
    });

    it("do not use up the transient retries", async () => {
      const waits = DEFAULT_RETRY.rateLimitWaits;
      emu.inject({ method: "GET", status: 429, headers: { "Retry-After": "0" }, times: waits });
      emu.inject({ method: "GET", status: 503, times: DEFAULT_RETRY.retries });
      await expect(list(gateway())).resolves.toMatchObject({ totalCount: 1 });
      expect(emu.requests.map((r) => r.status)).toEqual([
        ...Array<number>(waits).fill(429),
        ...Array<number>(DEFAULT_RETRY.retries).fill(503),
        200,
      ]);
    });
  });
});

describe("the budget through an MCP tool", () => {
  let h: Harness;
  afterEach(() => h.close());

  it("list_invitations ends in a timeout error result after a bounded number of requests", async () => {
    h = await startHarness({ config: { timeoutMs: 300 }, retry: { retries: 10, budgetMs: 700 } });
    h.emu.inject({ method: "GET", delayMs: 5_000, times: FOREVER });
    const result = await h.call("list_invitations", {});
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(textOf(result)).toMatch(/did not answer in time/);
    expect(h.emu.requests.length).toBeLessThanOrEqual(3);
  });
});

describe("an unreachable Backend API (connection refused)", () => {
  const attemptsOf = async (idempotent: boolean, url?: string) => {
    const apiUrl = url ?? (await closedPortUrl());
    const gw = createClerkGateway(
      { secretKey: "sk_test_unreachable0000", apiUrl, timeoutMs: 2_000 },
      { ...DEFAULT_RETRY, baseDelayMs: 5 },
    );
    let attempts = 0;
    const failure = await gw
      .call(
        (c) => {
          attempts++;
          return c.invitations.revokeInvitation("inv_neverleft");
        },
        { idempotent },
      )
      .catch((err: unknown) => err);
    return { attempts, failure: failure as ClerkFailure };
  };

  it("retries even a write, since it provably never left, and knows nothing was applied", async () => {
    const { attempts, failure } = await attemptsOf(false);
    expect(attempts).toBe(1 + DEFAULT_RETRY.retries);
    expect(failure).toBeInstanceOf(ClerkFailure);
    expect(failure.kind).toBe("network");
    expect(failure.notSent).toBe(true);
    expect(failure.outcomeUnknown).toBe(false);
  });

  it("does not retry what fetch refuses without touching the network (a bad port)", async () => {
    const { attempts, failure } = await attemptsOf(true, "http://127.0.0.1:1");
    expect(attempts).toBe(1);
    expect(failure.setupFailure).toBe(true);
    expect(failure.transient).toBe(false);
  });

  it("through a tool: a setup mistake naming the API host and CLERK_API_URL, outcome known", async () => {
    const apiUrl = await closedPortUrl();
    const h = await startHarness({ config: { apiUrl } });
    try {
      const result = await h.call("revoke_invitation", { invitation_id: "inv_neverleft" });
      expect(result.isError).toBe(true);
      const text = textOf(result);
      expect(text).toContain(
        `Could not connect to Clerk's Backend API at ${new URL(apiUrl).host} (ECONNREFUSED).`,
      );
      expect(text).toMatch(
        /Check CLERK_API_URL and that the API is reachable from this machine; retrying will not help until then\./,
      );
      expect(text).not.toMatch(/try again shortly/);
      expect(text).not.toContain(h.config.secretKey);
      expect(text).not.toMatch(/outcome is unknown/);
      // The emulator the harness started is not where the server was pointed.
      expect(h.emu.requests).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe("a write that failed after it was sent", () => {
  it("is not retried, and its outcome is unknown", async () => {
    const emu = await startEmulator();
    try {
      const id = emu.addInvitation({ email_address: "sent@example.com" }).id;
      emu.inject({ method: "POST", reset: true });
      const gw = createClerkGateway(
        { secretKey: emu.secretKey, apiUrl: emu.url, timeoutMs: 2_000 },
        { ...DEFAULT_RETRY, baseDelayMs: 5 },
      );
      const failure = (await gw
        .call((c) => c.invitations.revokeInvitation(id), { idempotent: false })
        .catch((err: unknown) => err)) as ClerkFailure;
      expect(failure.notSent).toBe(false);
      expect(failure.outcomeUnknown).toBe(true);
      expect(emu.writes()).toHaveLength(1);
    } finally {
      await emu.close();
    }
  });
});

/** A loopback URL on a port that was just free: connecting to it is refused. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
