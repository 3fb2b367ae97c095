import type { ItemFailure } from "../clerk/bulk.js";
import { ClerkFailure, OutcomeUnknown, ToolError } from "../clerk/errors.js";
import { itemFailureText } from "../clerk/failure-text.js";
import type { ToolContext } from "./types.js";
import { counted } from "./wording.js";

/**
 * What every bulk tool does around its per-item work: repeats removed, progress reported,
 * outcomes counted and summarised, unknown outcomes warned about, and an all-failed batch
 * turned into an error result.
 */

/**
 * The error a bulk tool throws when every item failed and none may have been applied, so that
 * the call is an isError result and the audit log records it as failed. Items of unknown
 * outcome never collapse into this: their per-item results must reach the human.
 * @param failures every item's failure, in input order (at least one).
 * @returns undefined when any failure is of unknown outcome.
 */
export function allFailed(
  noun: { one: string; many: string },
  failures: ItemFailure[],
): ToolError | undefined {
  if (failures.some((f) => f instanceof OutcomeUnknown)) return undefined;
  const first = failures[0] as ItemFailure;
  const text = `All ${counted(failures.length, noun.one, noun.many)} failed; the first failure: ${itemFailureText(first)}`;
  return new ToolError(text, first instanceof ClerkFailure ? first : first.clerkCause);
}

/** A summary's warning when some items may or may not have been applied. */
export function unknownWarning(counts: Partial<Record<string, number>>, check: string): string {
  const n = counts.outcome_unknown ?? 0;
  return n === 0
    ? ""
    : `Warning: ${n} may or may not have been applied (outcome_unknown); check them with ${check} before retrying. `;
}

/** A failed item whose write may have been applied reports `outcome_unknown`, not `failed`. */
export function itemOutcome<O extends string>(
  outcome: O,
  failure: ItemFailure | undefined,
): O | "outcome_unknown" {
  return failure instanceof OutcomeUnknown ? "outcome_unknown" : outcome;
}

/**
 * Reports progress to the client when it asked for it (a `progressToken` in `_meta`). Progress
 * must increase, so repeats are dropped. Best effort: a lost notification is only logged.
 */
export function progressReporter(
  ctx: ToolContext,
): ((done: number, total: number) => void) | undefined {
  const token = ctx.extra._meta?.progressToken;
  if (token === undefined) return undefined;
  let last = -1;
  return (progress, total) => {
    if (progress <= last) return;
    last = progress;
    ctx.extra
      .sendNotification({
        method: "notifications/progress",
        params: { progressToken: token, progress, total },
      })
      .catch((err: unknown) => ctx.log.error("progress notification failed", err));
  };
}

export function countBy<T extends string>(outcomes: T[]): Partial<Record<T, number>> {
  const counts: Partial<Record<T, number>> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return counts;
}

export function describeCounts(counts: Record<string, number | undefined>): string {
  return Object.entries(counts)
    .map(([outcome, n]) => `${n} ${outcome.replaceAll("_", " ")}`)
    .join(", ");
}

/** Removes repeats (by `key`), keeping the first; returns how many were removed. */
export function dedupe(items: string[], key: (s: string) => string = (s) => s) {
  const seen = new Set<string>();
  const unique = items.filter((s) => {
    const k = key(s);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return { unique, removed: items.length - unique.length };
}

/**
 * A batch's items as a bulk tool returns them: an item that failed in a way Clerk may still
 * have applied is `outcome_unknown`, the failure itself is kept out of the output, and the
 * outcomes are counted.
 * @param noun what one item is, for the all-failed error ("revoke", "invite").
 * @throws the all-failed ToolError (`allFailed`) when every item failed and none may have been
 *   applied, so that the call is an error result, audited as failed.
 */
export function batchResult<O extends string, I extends { outcome: O; failure?: ItemFailure }>(
  items: I[],
  noun: { one: string; many: string },
) {
  const failures = items.flatMap((item) => (item.failure ? [item.failure] : []));
  const everyFailed = failures.length === items.length && allFailed(noun, failures);
  if (everyFailed) throw everyFailed;
  const results = items.map(({ failure, ...item }) => ({
    ...item,
    outcome: itemOutcome(item.outcome, failure),
  }));
  return { results, counts: countBy(results.map((r) => r.outcome)) };
}

/** " 2 repeated IDs were removed." after a summary, or "" when there were none. */
export function repeatsRemoved(removed: number, one: string, many = `${one}s`): string {
  if (removed === 0) return "";
  return ` ${counted(removed, one, many)} ${removed > 1 ? "were" : "was"} removed.`;
}
