import { type ClerkClient, type ClerkGateway, sleep } from "./client.js";
import { ClerkFailure, OutcomeUnknown } from "./errors.js";
import { describeFailure } from "./failure-text.js";

/**
 * The rule for writes whose answer was lost, written once for every tool.
 *
 * Only two things prove a write was not applied: Clerk's own answer (a 4xx with its error
 * body, or a 429), and a failure that proves the request never left this machine (connection
 * refused, unknown host). A timeout, a reset, a 5xx or a gateway's error page prove nothing:
 * Clerk may still be working on the request, and apply it a moment later.
 *
 * - A write that only sets state (revoke, delete, ban, role change, metadata merge) is
 *   repeated (`setState`): the repeat is the honest lookup. Clerk applies it, or answers that
 *   it is already so (already revoked, not found after a delete), and the caller reports that.
 * - A create, which a repeat would duplicate, is never repeated blindly (`settleCreate`):
 *   what it may have made is looked up several times over a few seconds. Found: created. Not
 *   found: the outcome is unknown, never "nothing was created".
 * - When nothing settles it, the error is `OutcomeUnknown`, which the audit log records as
 *   `outcome_unknown`, with the tool to check with before retrying.
 */

/**
 * Lets a `ClerkFailure` through to be settled; rethrows cancellation and anything else
 * (programming errors), which no caller should turn into an outcome.
 */
export function rethrowUnlessClerkFailure(err: unknown): asserts err is ClerkFailure {
  if (!(err instanceof ClerkFailure) || err.kind === "cancelled") throw err;
}

/**
 * How far Clerk's clock may run behind ours when a lookup compares a resource's `created_at`
 * (Clerk's clock) with the moment the request was sent (ours). Too small, and a create that
 * worked on a host whose clock runs ahead is missed; too large, and one someone else made just
 * before is taken for ours. Ten seconds covers ordinary drift of a host without NTP.
 */
export const CLOCK_SKEW_MS = 10_000;

/** True when `created_at` (Clerk's Unix ms) is no earlier than `startedAt` (ours) allows. */
export function createdSince(created_at: number, startedAt: number): boolean {
  return created_at >= startedAt - CLOCK_SKEW_MS;
}

/** What a state-setting write ended in; see `setState`. */
export type StateAnswer<T> =
  /** Clerk applied it. `lost`: an earlier attempt's answer was lost (the repeat applied it). */
  | { ok: true; value: T; lost?: ClerkFailure }
  /**
   * Clerk refused the last attempt (a 4xx that says why: already so, not found, invalid), or
   * no attempt got an answer (`failure.outcomeUnknown`). `lost`: an earlier attempt's answer
   * was lost, so a refusal such as "already revoked" or "not found" may be the first
   * attempt's doing.
   */
  | { ok: false; failure: ClerkFailure; lost?: ClerkFailure };

/**
 * Sends a write that only sets state, repeating it after a lost answer within the gateway's
 * budget, and reports the last answer together with any lost one before it.
 * @param op one SDK method call (see src/clerk/transport.ts for why one).
 * @returns the answer; never throws for a Clerk failure.
 * @throws ClerkFailure (cancelled) when the call is cancelled; programming errors unchanged.
 */
export async function setState<T>(
  clerk: ClerkGateway,
  op: (c: ClerkClient) => Promise<T>,
  signal: AbortSignal | undefined,
): Promise<StateAnswer<T>> {
  let lost: ClerkFailure | undefined;
  const onLost = (f: ClerkFailure) => {
    lost ??= f;
  };
  try {
    const value = await clerk.call(op, { idempotent: true, signal, onLost });
    return lost ? { ok: true, value, lost } : { ok: true, value };
  } catch (err) {
    rethrowUnlessClerkFailure(err);
    // The last failure itself may be the lost one; only an earlier one says a repeat was made.
    const earlier = lost && lost !== err ? lost : undefined;
    return earlier ? { ok: false, failure: err, lost: earlier } : { ok: false, failure: err };
  }
}

/**
 * The note for a result reached by a repeat: what was lost, and that the repeat settled it.
 * @param found what the repeat found, e.g. "revoked it" or "found it already revoked".
 */
export function repeatNote(lost: ClerkFailure, found: string): string {
  return `Clerk's first answer was lost (${describeFailure(lost)}); the repeat ${found}.`;
}

/**
 * The error for a write no attempt of which got an answer: Clerk may or may not have applied
 * it. Names the request, why it is unknown, and how to check before retrying.
 * @param request the request in words, e.g. "the revoke of inv_…".
 * @param checkWith the tool (with its arguments) that shows the result.
 */
export function outcomeUnknown(
  request: string,
  cause: ClerkFailure,
  checkWith: string,
  extra = "",
): OutcomeUnknown {
  return new OutcomeUnknown(
    `The outcome is unknown: ${request} got no answer from Clerk (${describeFailure(cause)}). Clerk may or may not have applied it${extra}. Check with ${checkWith} before retrying.`,
    cause,
  );
}

/**
 * Settles a create whose answer was lost, by looking up what it may have made: at once, then
 * after each of the gateway's `settleDelaysMs`, since Clerk may apply a request it has not
 * answered a moment later. A lookup that fails is tried again at the next delay.
 * @param lookup finds what this request made (the caller filters by `createdSince`), or
 *   undefined when nothing is there yet.
 * @param what the request in words, e.g. "the create of an invitation for ada@example.com".
 * @param checkWith the tool (with its arguments) that shows what exists.
 * @returns what the lookup found, with a note saying the answer was lost.
 * @throws OutcomeUnknown when no lookup finds it: Clerk may still apply it, and a blind retry
 *   could duplicate it; ClerkFailure (cancelled) when the call is cancelled.
 */
export async function settleCreate<T>(p: {
  clerk: ClerkGateway;
  signal: AbortSignal | undefined;
  cause: ClerkFailure;
  what: string;
  checkWith: string;
  lookup: () => Promise<T | undefined>;
  /** Describes what was found, for the note, e.g. "a pending invitation created …". */
  describe: (found: T) => string;
}): Promise<{ found: T; note: string }> {
  const delays = p.clerk.retry.settleDelaysMs;
  let looked = 0;
  let lookupFailed: ClerkFailure | undefined;
  for (const delay of delays.length > 0 ? delays : [0]) {
    if (delay > 0) {
      try {
        await sleep(delay, p.signal);
      } catch {
        throw ClerkFailure.cancelled();
      }
    }
    try {
      const found = await p.lookup();
      looked += 1;
      if (found !== undefined) {
        return {
          found,
          note: `Clerk's answer was lost (${describeFailure(p.cause)}), but a lookup finds ${p.describe(found)}.`,
        };
      }
    } catch (err) {
      rethrowUnlessClerkFailure(err);
      lookupFailed = err;
    }
  }
  const seconds = Math.round(delays.reduce((a, b) => a + b, 0) / 1000);
  const lookups =
    looked === 0
      ? ` The lookups afterwards failed too (${lookupFailed ? describeFailure(lookupFailed) : "no answer"}).`
      : ` ${looked} lookup${looked > 1 ? "s" : ""} over ${seconds} s found nothing yet, which does not rule it out.`;
  return Promise.reject(
    outcomeUnknown(
      p.what,
      p.cause,
      p.checkWith,
      `: it may still appear.${lookups} A retry now could create a second one`,
    ),
  );
}

/**
 * The value of a state-setting write, or the error to throw: `refused` first (the caller's
 * plain words for Clerk's refusals), then `OutcomeUnknown` when no attempt got an answer, else
 * Clerk's failure as it is.
 * @param request the request in words, e.g. "the ban of user_…".
 * @param checkWith the tool (with its arguments) that shows the result.
 * @returns the value, with a note when an earlier attempt's answer was lost.
 */
export function stateOrThrow<T>(
  answer: StateAnswer<T>,
  p: { request: string; checkWith: string; refused?: (f: ClerkFailure) => Error | undefined },
): Settled<T> {
  if (answer.ok) {
    return answer.lost
      ? { value: answer.value, note: repeatNote(answer.lost, "applied it") }
      : { value: answer.value };
  }
  const { failure } = answer;
  const refused = p.refused?.(failure);
  if (refused) throw refused;
  if (failure.outcomeUnknown) throw outcomeUnknown(p.request, failure, p.checkWith);
  throw failure;
}

/** A write's value, with a note when an earlier attempt's answer was lost. */
export interface Settled<T> {
  value: T;
  note?: string;
}

/**
 * Sends a write that only sets state under the rule (`setState`) and returns its value, or
 * throws as `stateOrThrow` says. The one call a state-setting operation needs.
 * @param op one SDK method call returning the resource's JSON.
 */
export async function sendState<T>(
  clerk: ClerkGateway,
  op: (c: ClerkClient) => Promise<T>,
  signal: AbortSignal | undefined,
  p: { request: string; checkWith: string; refused?: (f: ClerkFailure) => Error | undefined },
): Promise<Settled<T>> {
  return stateOrThrow(await setState(clerk, op, signal), p);
}
