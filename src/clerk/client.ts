import type { ClerkClient } from "@clerk/backend";
import pRetry from "p-retry";
import type { Config } from "../config.js";
import { ClerkFailure, toClerkFailure } from "./errors.js";
import { type AttemptContext, installFetchWrapper, withAttempt } from "./transport.js";

export type { ClerkClient };

/** How a call may be retried. */
export interface CallOptions {
  /**
   * True when repeating the request cannot change the outcome (reads). Such calls are
   * retried on 502/503/504, timeouts and network errors. Every call is retried on 429,
   * since Clerk did not apply a rate-limited request.
   */
  idempotent: boolean;
  /** MCP cancellation: aborts the request in flight and any wait between attempts. */
  signal?: AbortSignal;
}

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** First backoff, in ms; doubles each retry, with jitter. */
  baseDelayMs: number;
  /** A 429 whose Retry-After (seconds) exceeds this is not waited for. */
  maxRetryAfterSeconds: number;
  /** Wall-clock budget for all attempts of one call, in ms. */
  budgetMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 3,
  baseDelayMs: 250,
  maxRetryAfterSeconds: 10,
  budgetMs: 30_000,
};

/**
 * One door to Clerk. Every Backend API call goes through `call`, which loads `@clerk/backend`
 * on first use (it is heavy, and a client that only lists tools never needs it), applies the
 * per-attempt timeout, retries as `RetryPolicy` says, and turns every failure into a
 * `ClerkFailure` for the error mapper.
 */
export interface ClerkGateway {
  call<T>(op: (clerk: ClerkClient) => Promise<T>, options: CallOptions): Promise<T>;
}

export function createClerkGateway(
  config: Pick<Config, "secretKey" | "apiUrl" | "timeoutMs">,
  retry: RetryPolicy = DEFAULT_RETRY,
): ClerkGateway {
  let client: Promise<ClerkClient> | undefined;
  const load = () => {
    client ??= (async () => {
      installFetchWrapper();
      const { createClerkClient } = await import("@clerk/backend");
      return createClerkClient({ secretKey: config.secretKey, apiUrl: config.apiUrl });
    })();
    return client;
  };

  // The shared rate-limit gate: after any call sees a 429, no call of this gateway sends a
  // request until Retry-After has passed (performance.now() ms). Clerk's limit is per
  // instance, so one caller's 429 means every caller would get one: a bulk tool's workers
  // pause together instead of each spending requests (and the window) on more 429s.
  let pausedUntil = 0;
  const waitForGate = async (signal: AbortSignal | undefined) => {
    for (let wait = pausedUntil - performance.now(); wait > 0; ) {
      await sleep(wait, signal);
      wait = pausedUntil - performance.now();
    }
  };

  return {
    async call(op, { idempotent, signal }) {
      const clerk = await load();
      const started = performance.now();
      // How long to wait before retrying a 429, or undefined when it is not worth waiting.
      const rateLimitWaitMs = (error: ClerkFailure): number | undefined => {
        if (error.status !== 429) return undefined;
        const wait = (error.retryAfterSeconds ?? 1) * 1000;
        const left = retry.budgetMs - (performance.now() - started);
        return wait <= retry.maxRetryAfterSeconds * 1000 && wait < left ? wait : undefined;
      };
      const runAttempt = async () => {
        await waitForGate(signal);
        const ctx: AttemptContext = { timeoutMs: config.timeoutMs, signal };
        try {
          return await withAttempt(ctx, () => op(clerk));
        } catch (err) {
          throw toClerkFailure(err, ctx);
        }
      };
      return pRetry(runAttempt, {
        retries: retry.retries,
        minTimeout: retry.baseDelayMs,
        factor: 2,
        randomize: true,
        maxRetryTime: retry.budgetMs,
        signal,
        // A wait for Retry-After replaces the backoff (p-retry adds none when no retry is
        // consumed); it should not use up the retries meant for transient faults.
        shouldConsumeRetry: ({ error }) => !(error instanceof ClerkFailure && error.status === 429),
        shouldRetry: ({ error }) => {
          if (!(error instanceof ClerkFailure)) return false;
          if (error.status === 429) return rateLimitWaitMs(error) !== undefined;
          return idempotent && error.transient;
        },
        // Closes the gate for the full Retry-After; the next attempt waits at the gate.
        onFailedAttempt: ({ error }) => {
          const wait = error instanceof ClerkFailure ? rateLimitWaitMs(error) : undefined;
          if (wait !== undefined) pausedUntil = Math.max(pausedUntil, performance.now() + wait);
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

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
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
