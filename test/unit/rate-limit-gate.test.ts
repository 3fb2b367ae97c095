import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type ClerkGateway,
  createClerkGateway,
  DEFAULT_RETRY,
  type RetryPolicy,
} from "../../src/clerk/client.js";
import { ClerkFailure } from "../../src/clerk/errors.js";

/**
 * The gateway's shared rate-limit gate, with fake timers so that "not before Retry-After" is
 * checked by the clock the gateway reads, not by wall time. The operations never reach the
 * network: they throw the `ClerkFailure` a 429 would become.
 */

const rateLimited = (seconds: number) =>
  new ClerkFailure({ kind: "http", status: 429, retryAfterSeconds: seconds });

describe("shared rate-limit gate", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance", "Date"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A gateway whose lazy load of @clerk/backend (real I/O, no timers) is already done. */
  const gateway = async (retry: Partial<RetryPolicy> = {}) => {
    const clerk = createClerkGateway(
      { secretKey: "sk_test_gate00000000", apiUrl: "http://127.0.0.1:9", timeoutMs: 1_000 },
      { ...DEFAULT_RETRY, baseDelayMs: 5, ...retry },
    );
    await clerk.call(async () => "loaded", { idempotent: true });
    return clerk;
  };

  /** A call whose request succeeds, calling `onSend` when it is sent. */
  const createCall = (clerk: ClerkGateway, onSend: () => void) =>
    clerk.call(
      async () => {
        onSend();
        return "sent";
      },
      { idempotent: true },
    );

  it("after one call's 429, no call sends a request until Retry-After has passed", async () => {
    const clerk = await gateway();
    const sentAt: Record<string, number[]> = { a: [], b: [] };
    let first = true;
    const a = clerk.call(
      async () => {
        sentAt.a?.push(performance.now());
        if (first) {
          first = false;
          throw rateLimited(2);
        }
        return "a";
      },
      { idempotent: false },
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(sentAt.a).toHaveLength(1);
    const t429 = sentAt.a?.[0] ?? 0;

    // A call started after the 429 waits at the gate instead of sending.
    const b = clerk.call(
      async () => {
        sentAt.b?.push(performance.now());
        return "b";
      },
      { idempotent: true },
    );
    await vi.advanceTimersByTimeAsync(1_999);
    expect(sentAt.b).toEqual([]);
    expect(sentAt.a).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(1);
    await expect(a).resolves.toBe("a");
    await expect(b).resolves.toBe("b");
    expect(sentAt.a?.[1]).toBeGreaterThanOrEqual(t429 + 2_000);
    expect(sentAt.b?.[0]).toBeGreaterThanOrEqual(t429 + 2_000);
  });

  it("a Retry-After beyond the policy's limit is not waited for, but closes the gate for the limit", async () => {
    const clerk = await gateway();
    const max = DEFAULT_RETRY.maxRetryAfterSeconds * 1_000;
    let tries = 0;
    const a = clerk.call(
      async () => {
        tries += 1;
        throw rateLimited(DEFAULT_RETRY.maxRetryAfterSeconds + 50);
      },
      { idempotent: true },
    );
    await expect(a).rejects.toMatchObject({ status: 429 });
    expect(tries).toBe(1);
    const t429 = performance.now();
    let sentAt: number | undefined;
    const b = clerk.call(
      async () => {
        sentAt = performance.now();
        return "b";
      },
      { idempotent: true },
    );
    await vi.advanceTimersByTimeAsync(max - 1);
    expect(sentAt).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await expect(b).resolves.toBe("b");
    expect(sentAt).toBeGreaterThanOrEqual(t429 + max);
  });

  it("a call that gives up on a 429 near the end of its budget still closes the gate", async () => {
    const clerk = await gateway({ budgetMs: 3_000 });
    let tries = 0;
    const a = clerk.call(
      async () => {
        tries += 1;
        throw rateLimited(5);
      },
      { idempotent: false },
    );
    await expect(a).rejects.toMatchObject({ status: 429, retryAfterSeconds: 5 });
    expect(tries).toBe(1);
    // The gate is closed for the full 5 s: a later call, whose 3 s budget the gate outlasts,
    // gives up at once without sending.
    let sentAt: number | undefined;
    const t429 = performance.now();
    const b = createCall(clerk, () => {
      sentAt = performance.now();
    });
    await expect(b).rejects.toMatchObject({ status: 429, retryAfterSeconds: 5 });
    expect(sentAt).toBeUndefined();
    // Once only 2 s of the pause are left, a call waits them out and then sends.
    await vi.advanceTimersByTimeAsync(3_000);
    const c = createCall(clerk, () => {
      sentAt = performance.now();
    });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(sentAt).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await expect(c).resolves.toBe("sent");
    expect(sentAt).toBeGreaterThanOrEqual(t429 + 5_000);
  });

  it("429s are waited out a bounded number of times per call, then the 429 is thrown", async () => {
    const clerk = await gateway();
    let tries = 0;
    const a = clerk.call(
      async () => {
        tries += 1;
        throw rateLimited(1);
      },
      { idempotent: true },
    );
    const settled = expect(a).rejects.toMatchObject({ status: 429 });
    await vi.advanceTimersByTimeAsync(DEFAULT_RETRY.budgetMs);
    await settled;
    expect(tries).toBe(1 + DEFAULT_RETRY.rateLimitWaits);
  });

  it("429 waits and transient retries are counted apart", async () => {
    const clerk = await gateway();
    const unavailable = new ClerkFailure({ kind: "http", status: 503 });
    // Every transient retry spent first, then a 429: still waited out.
    const script = [unavailable, unavailable, unavailable, rateLimited(1)];
    let tries = 0;
    const a = clerk.call(
      async () => {
        const failure = script[tries++];
        if (failure) throw failure;
        return "a";
      },
      { idempotent: true },
    );
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(a).resolves.toBe("a");
    expect(tries).toBe(5);

    // Every 429 wait spent first, then transient faults: still retried, and no more than that.
    const waits = Array.from({ length: DEFAULT_RETRY.rateLimitWaits }, () => rateLimited(1));
    const script2 = [...waits, unavailable, unavailable, unavailable, unavailable];
    let tries2 = 0;
    const b = clerk.call(
      async () => {
        const failure = script2[tries2++];
        if (failure) throw failure;
        return "b";
      },
      { idempotent: true },
    );
    const settled = expect(b).rejects.toMatchObject({ status: 503 });
    await vi.advanceTimersByTimeAsync(DEFAULT_RETRY.budgetMs);
    await settled;
    expect(tries2).toBe(DEFAULT_RETRY.rateLimitWaits + 1 + DEFAULT_RETRY.retries);
  });

  it("a write is waited out on 429 but never retried on a transient fault", async () => {
    const clerk = await gateway();
    const script = [rateLimited(1), rateLimited(1), new ClerkFailure({ kind: "timeout" })];
    let tries = 0;
    const a = clerk.call(
      async () => {
        const failure = script[tries++];
        if (failure) throw failure;
        return "a";
      },
      { idempotent: false },
    );
    const settled = expect(a).rejects.toMatchObject({ kind: "timeout" });
    await vi.advanceTimersByTimeAsync(5_000);
    await settled;
    expect(tries).toBe(3);
  });

  it("cancellation stops a call waiting at the gate", async () => {
    const clerk = await gateway();
    let first = true;
    const a = clerk.call(
      async () => {
        if (first) {
          first = false;
          throw rateLimited(5);
        }
        return "a";
      },
      { idempotent: true },
    );
    await vi.advanceTimersByTimeAsync(0);
    const controller = new AbortController();
    let sent = false;
    const b = clerk.call(
      async () => {
        sent = true;
        return "b";
      },
      { idempotent: true, signal: controller.signal },
    );
    const settled = expect(b).rejects.toMatchObject({ kind: "cancelled" });
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    await settled;
    expect(sent).toBe(false);
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(a).resolves.toBe("a");
  });
});
