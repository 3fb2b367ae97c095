import { ClerkFailure, ToolError } from "./errors.js";
import { describeFailure } from "./failure-text.js";
import { rethrowUnlessClerkFailure } from "./outcomes.js";

/**
 * Running one Clerk operation per item of a batch: bounded concurrency, per-item failures kept
 * beside their text, and a halt once Clerk rejects the key. Each item's write follows the
 * lost-answer rule of its own operation (src/clerk/outcomes.ts).
 */

/**
 * Why an item failed, kept beside its text for the tool's all-failed summary (the audit log
 * takes its status from it). Not part of any tool output.
 */
export type ItemFailure = ClerkFailure | ToolError;

/** Narrows a per-item error to a reportable failure; rethrows cancellation and programming errors. */
export function asItemFailure(err: unknown): ItemFailure {
  if (err instanceof ToolError) return err;
  rethrowUnlessClerkFailure(err);
  return err;
}

/**
 * Stops a batch once Clerk rejects the secret key (401): every later item would fail the same
 * way, so it is not sent. Items already in flight finish and keep their results: some may have
 * gone through, and their outcomes (with create's sign-up links) must not be lost.
 */
export class KeyRejectedHalt {
  private by: ClerkFailure | undefined;

  /** Records an item's failure; a 401 halts the batch. */
  note(failure: ItemFailure): void {
    if (failure instanceof ClerkFailure && failure.status === 401) this.by ??= failure;
  }

  /** The failure to report for an item not sent because of the halt, or undefined to go on. */
  notSent(): ToolError | undefined {
    if (!this.by) return undefined;
    return new ToolError(
      `Not sent: Clerk rejected the secret key on an earlier request of this batch (${describeFailure(this.by)}). CLERK_SECRET_KEY must be a current secret key of this instance.`,
      this.by,
    );
  }
}

/**
 * Maps `items` through `fn` with at most `concurrency` running at once; results keep the
 * input order. Stops taking new items when `signal` aborts; the first error thrown by `fn`
 * stops the others and is rethrown, so a returned array always has every result.
 * @throws the first error from `fn`; ClerkFailure (cancelled) when `signal` aborts.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal | undefined,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure && !signal?.aborted) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failure) throw failure.error;
  if (signal?.aborted) throw ClerkFailure.cancelled();
  return results;
}
