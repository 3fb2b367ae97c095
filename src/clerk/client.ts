import type { ClerkClient } from "@clerk/backend";
import pRetry, { AbortError } from "p-retry";
import type { Config } from "../config.js";
import { ClerkFailure, toClerkFailure } from "./errors.js";
import { type AttemptContext, installFetchWrapper, withAttempt } from "./transport.js";

export type { ClerkClient };

/** How a call may be retried. */
export interface CallOptions {
  /**
   * True when repeating the request cannot change the outcome (reads). Such calls are
   * retried on 502/503/504, timeouts and network errors. Every call, writes too, waits
   * out a 429 (up to `RetryPolicy.rateLimitWaits` times), since Clerk did not apply it.
   */
  idempotent: boolean;
  /** MCP cancellation: aborts the request in flight and any wait between attempts. */
  signal?: AbortSignal;
  /**
   * Told of every attempt whose answer was lost (`ClerkFailure.outcomeUnknown`: a timeout, a
   * reset, a 5xx) before the next attempt is made, so that a write repeated after one can
   * say so (src/clerk/outcomes.ts).
   */
  onLost?: (failure: ClerkFailure) => void;
}

export interface RetryPolicy {
  /** Retries after the first attempt for transient faults (idempotent calls only). */
  retries: number;
  /**
   * Waits for a 429's Retry-After per call, counted apart from `retries`: a 429 means Clerk
   * did not apply the request, so it is retried even for writes and even once the transient
   * retries are spent, but only this many times, so a call never keeps knocking on a limit.
   */
  rateLimitWaits: number;
  /** First backoff, in ms; doubles each transient retry, with jitter. */
  baseDelayMs: number;
  /**
   * A 429 whose Retry-After (seconds) exceeds this is not waited for; the shared gate still
   * closes for this many seconds.
   */
  maxRetryAfterSeconds: number;
  /**
   * Wall-clock budget for one call, in ms: every attempt, backoff and wait at the rate-limit
   * gate fits in it, and the last attempt's timeout is cut to what is left.
   */
  budgetMs: number;
  /**
   * After a create's answer was lost: how long to wait (ms) before each lookup for what it may
   * have created. Clerk may still be working on the request, so one lookup at once proves
   * nothing; several over a few seconds catch a create that lands late.
   */
  settleDelaysMs: readonly number[];
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 3,
  // A bulk revoke of 100 IDs under Clerk's 100 requests per 10 s sees one or two 429s per
  // ID at most, since the gate holds every worker back together; 8 leaves room for a busy
  // instance while keeping a hopeless call from spending its whole budget on 429s.
  rateLimitWaits: 8,
  baseDelayMs: 250,
  maxRetryAfterSeconds: 10,
  budgetMs: 30_000,
  settleDelaysMs: [0, 1_000, 2_000],
};

/**
 * One door to Clerk. Every Backend API call goes through `call`, which loads `@clerk/backend`
 * on first use (it is heavy, and a client that only lists tools never needs it), applies the
 * per-attempt timeout, retries as `RetryPolicy` says, and turns every failure into a
 * `ClerkFailure` for the error mapper.
 */
export interface ClerkGateway {
  /**
   * Runs `op` against the Backend API with the gateway's timeout and retry policy.
   *
   * Attempts: the first, plus up to `retries` more on a transient fault (timeout, network
   * error, 502/503/504) when `idempotent`, plus up to `rateLimitWaits` more after a 429 whose
   * Retry-After is at most `maxRetryAfterSeconds`; every call waits at the shared rate-limit
   * gate before each attempt. All of it fits in `budgetMs` (ms): each attempt's timeout is
   * min(`timeoutMs`, budget left), and no attempt starts once the budget is spent.
   *
   * @returns what `op` resolved to.
   * @throws ClerkFailure of the last attempt: kind "http" (Clerk's status, errors, trace ID,
   *   and `retryAfterSeconds` on a 429), "timeout" (an attempt outlived its timeout, or the
   *   budget was spent before one could start), "network" (no HTTP answer), or "cancelled"
   *   (`signal` aborted). A 429 is also thrown, without a request being sent, when the shared
   *   gate stays closed past the end of the budget.
   * @throws whatever `op` threw that is not a Clerk or fetch failure (a bug), unchanged.
   */
  call<T>(op: (clerk: ClerkClient) => Promise<T>, options: CallOptions): Promise<T>;
  /** The policy this gateway retries by; settling lost answers reads `settleDelaysMs`. */
  readonly retry: RetryPolicy;
}

/**
 * Builds the gateway. Nothing is loaded or sent until the first `call`.
 * @param config the secret key, the Backend API's base URL, and the per-attempt timeout (ms).
 * @param retry the retry policy; `DEFAULT_RETRY` in production (3 transient retries, 8 rate
 *   limit waits, Retry-After up to 10 s, 30 s budget per call).
 * @throws nothing itself; `call` throws `ClerkFailure` as `ClerkGateway.call` says, or the
 *   import error if `@clerk/backend` cannot be loaded (tried again on the next call).
 */
export function createClerkGateway(
  config: Pick<Config, "secretKey" | "apiUrl" | "timeoutMs">,
  retry: RetryPolicy = DEFAULT_RETRY,
): ClerkGateway {
  let client: Promise<ClerkClient> | undefined;
  const load = () => {
    client ??= (async () => {
      installFetchWrapper();
      const { createClerkClient } = await import("@clerk/backend");
      // No telemetry: it would send usage from an admin tool to Clerk for development
      // instances, and its notice goes through the console, whose log is stdout (JSON-RPC).
      return createClerkClient({
        secretKey: config.secretKey,
        apiUrl: config.apiUrl,
        telemetry: { disabled: true },
      });
    })().catch((err: unknown) => {
      // A cached rejection would fail every later call for the life of the process.
      client = undefined;
      throw err;
    });
    return client;
  };

  // The shared rate-limit gate: after any call sees a 429, no call of this gateway sends a
  // request until Retry-After has passed (performance.now() ms). Clerk's limit is per
  // instance, so one caller's 429 means every caller would get one: a bulk tool's workers
  // pause together instead of each spending requests (and the window) on more 429s.
  let pausedUntil = 0;
  // The 429 that last closed the gate, for a call that gives up at the gate without sending.
  let gateCause: ClerkFailure | undefined;
  const closeGate = (failure: ClerkFailure) => {
    // Any 429 closes the gate, also one this call will not wait out: the other callers would
    // get the same answer. Capped at maxRetryAfterSeconds because Clerk also has per-endpoint
    // limits with long windows, and one of those should not stall every other endpoint.
    const seconds = Math.min(failure.retryAfterSeconds ?? 1, retry.maxRetryAfterSeconds);
    const until = performance.now() + seconds * 1000;
    if (until > pausedUntil) {
      pausedUntil = until;
      gateCause = failure;
    }
  };
  /** Waits until the gate opens; throws instead when it would open after `deadline`. */
  const waitForGate = async (deadline: number, signal: AbortSignal | undefined) => {
    for (let wait = pausedUntil - performance.now(); wait > 0; ) {
      if (pausedUntil >= deadline) {
        throw new ClerkFailure({
          kind: "http",
          status: 429,
          errors: gateCause?.errors ?? [],
          retryAfterSeconds: Math.ceil(wait / 1000),
          detail: "rate limited: the gateway is holding requests back until Retry-After passes",
        });
      }
      await sleep(wait, signal);
      wait = pausedUntil - performance.now();
    }
  };

  return {
    retry,
    async call(op, { idempotent, signal, onLost }) {
      const clerk = await load();
      const deadline = performance.now() + retry.budgetMs;
      let last: ClerkFailure | undefined;
      let rateLimited = 0;
      const runAttempt = async () => {
        // Giving up before sending is wrapped in AbortError so that p-retry rethrows it as it is,
        // without counting it as another failed attempt (nor closing the gate again).
        try {
          await waitForGate(deadline, signal);
        } catch (err) {
          if (signal?.aborted || !(err instanceof ClerkFailure)) throw err;
          // What this call last heard from Clerk says more than the gate does.
          throw new AbortError(last ?? err);
        }
        const left = deadline - performance.now();
        if (left <= 0) {
          throw new AbortError(
            last ?? new ClerkFailure({ kind: "timeout", detail: "the call's budget is spent" }),
          );
        }
        const ctx: AttemptContext = { timeoutMs: Math.min(config.timeoutMs, left), signal };
        try {
          return await withAttempt(ctx, () => op(clerk));
        } catch (err) {
          throw toClerkFailure(err, ctx);
        }
      };
      return pRetry(runAttempt, {
        // Both bounds are ours (shouldRetry): p-retry would stop 429 waits once the transient
        // retries are spent, since it checks its count before asking shouldRetry.
        retries: Number.POSITIVE_INFINITY,
        minTimeout: retry.baseDelayMs,
        factor: 2,
        randomize: true,
        maxRetryTime: retry.budgetMs,
        signal,
        onFailedAttempt: ({ error }) => {
          if (!(error instanceof ClerkFailure)) return;
          last = error;
          if (error.outcomeUnknown) onLost?.(error);
          if (error.status === 429) {
            rateLimited += 1;
            closeGate(error);
          }
        },
        // A wait for Retry-After replaces the backoff (p-retry adds none when no retry is
        // consumed): the next attempt waits at the gate instead.
        shouldConsumeRetry: ({ error }) => !(error instanceof ClerkFailure && error.status === 429),
        shouldRetry: ({ error, retriesConsumed }) => {
          if (!(error instanceof ClerkFailure)) return false;
          if (error.status === 429) {
            const waitMs = (error.retryAfterSeconds ?? 1) * 1000;
            return (
              rateLimited <= retry.rateLimitWaits &&
              waitMs <= retry.maxRetryAfterSeconds * 1000 &&
              performance.now() + waitMs < deadline
            );
          }
          // A write is retried only when it provably never left (no connection was made).
          return (
            (idempotent || error.notSent) && error.transient && retriesConsumed < retry.retries
          );
        },
      }).catch((err: unknown) => {
        if (err instanceof ClerkFailure) throw err;
        // p-retry rejects with the abort reason, which MCP lets a client set to anything.
        if (signal?.aborted) {
          throw ClerkFailure.cancelled();
        }
        throw toClerkFailure(err, undefined);
      });
    },
  };
}

/**
 * Waits `ms`, or rejects with the signal's reason as soon as `signal` aborts.
 * @throws `signal.reason` when aborted.
 */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener("abort", abort, { once: true });
  });
}
