import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createClerkGateway, DEFAULT_RETRY } from "../../src/clerk/client.js";
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
  const gateway = async () => {
    const clerk = createClerkGateway(
      { secretKey: "sk_test_gate00000000", apiUrl: "http://127.0.0.1:9", timeoutMs: 1_000 },
      { ...DEFAULT_RETRY, baseDelayMs: 5 },
    );
    await clerk.call(async () => "loaded", { idempotent: true });
    return clerk;
  };

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

  it("a Retry-After beyond the policy's limit is not waited for and does not close the gate", async () => {
    const clerk = await gateway();
    const a = clerk.call(
      async () => {
        throw rateLimited(DEFAULT_RETRY.maxRetryAfterSeconds + 50);
      },
      { idempotent: true },
    );
    await expect(a).rejects.toMatchObject({ status: 429 });
    let sent = false;
    const b = clerk.call(
      async () => {
        sent = true;
        return "b";
      },
      { idempotent: true },
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toBe(true);
    await expect(b).resolves.toBe("b");
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
