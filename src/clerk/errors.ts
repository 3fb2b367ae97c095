import { isClerkAPIResponseError } from "@clerk/backend/errors";
import { redact } from "../log.js";
import { type AttemptContext, refusedByFetch } from "./transport.js";

/**
 * What a failed Backend API call is, normalised from whatever `@clerk/backend` or fetch threw
 * (`ClerkFailure`), and the deliberate refusals and outcomes handlers throw (`ToolError`,
 * `OutcomeUnknown`). How a failure reads is src/clerk/failure-text.ts; how it becomes an MCP
 * result is src/results.ts.
 */

export interface ClerkErrorItem {
  code: string;
  message: string;
  long_message?: string;
  meta?: Record<string, unknown>;
}

/**
 * `unreadable`: an answer arrived (`status`) but could not be read (a body that is not JSON);
 * `internal`: the operation failed inside this process before any request left (`notSent`).
 */
export type FailureKind = "http" | "timeout" | "network" | "cancelled" | "unreadable" | "internal";

/** What is known about a failed Backend API call. */
export interface ClerkFailureFacts {
  kind: FailureKind;
  status?: number | undefined;
  errors?: ClerkErrorItem[];
  traceId?: string | undefined;
  retryAfterSeconds?: number | undefined;
  /** The start of a non-JSON error body (an HTML page from a gateway). */
  bodySnippet?: string | undefined;
  detail?: string;
  /** The request provably never reached Clerk (no connection could be made). */
  notSent?: boolean;
  /** The API's `host[:port]` the request was sent to, for network failures. */
  host?: string | undefined;
}

/**
 * fetch failures that mean the configured API URL leads nowhere (refused, unknown host, a port
 * fetch will not use), as the fetch wrapper words them: a setup mistake, not a passing fault.
 * EAI_AGAIN (a DNS server not answering) and resets may pass, so they are not listed.
 */
const SETUP_FAILURE = /^(ECONNREFUSED|ENOTFOUND)\b/;
/**
 * Statuses that say the request was not applied even from a proxy's error page: the request
 * was too large to be read (413, 431), or was held back by a rate limit (429).
 */
const DEFINITE_STATUS: ReadonlySet<number> = new Set([413, 429, 431]);

/** A failed Backend API call, normalised from whatever `@clerk/backend` or fetch threw. */
export class ClerkFailure extends Error {
  override name = "ClerkFailure";
  readonly kind: FailureKind;
  readonly status: number | undefined;
  readonly errors: ClerkErrorItem[];
  readonly traceId: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly bodySnippet: string | undefined;
  readonly notSent: boolean;
  readonly host: string | undefined;

  // Everything here came from the network, and a misbehaving proxy or gateway may echo the
  // request's Authorization header back: redacted once, here, so that no text built from a
  // failure (error results, per-item errors of bulk results, logs) can carry the key.
  constructor(facts: ClerkFailureFacts) {
    super(redact(facts.detail ?? facts.kind));
    this.kind = facts.kind;
    this.status = facts.status;
    this.errors = (facts.errors ?? []).map((e) => ({
      ...e,
      message: redact(e.message),
      ...(e.long_message !== undefined ? { long_message: redact(e.long_message) } : {}),
    }));
    this.traceId = facts.traceId === undefined ? undefined : redact(facts.traceId);
    this.retryAfterSeconds = facts.retryAfterSeconds;
    this.bodySnippet = facts.bodySnippet === undefined ? undefined : redact(facts.bodySnippet);
    this.notSent = facts.notSent ?? false;
    this.host = facts.host;
  }

  /** The call was cancelled (MCP `notifications/cancelled`). */
  static cancelled(): ClerkFailure {
    return new ClerkFailure({ kind: "cancelled", detail: "cancelled" });
  }

  /**
   * Worth retrying if the request is idempotent. Not what fetch refused without touching the
   * network (a bad port, an unknown scheme): that gives the same answer every time.
   */
  get transient(): boolean {
    return (
      this.kind === "timeout" ||
      this.kind === "unreadable" ||
      (this.kind === "network" && !refusedByFetch(this.networkReason)) ||
      (this.status ?? 0) >= 500
    );
  }

  /**
   * No connection to the API could be made for a reason that will not go away by itself: the
   * configured API URL is wrong, or the API is not reachable from this machine.
   */
  get setupFailure(): boolean {
    return (
      this.kind === "network" &&
      this.notSent &&
      (SETUP_FAILURE.test(this.networkReason) || refusedByFetch(this.networkReason))
    );
  }

  /** The fetch wrapper's reason for a network failure (e.g. `ECONNREFUSED: connect …`). */
  get networkReason(): string {
    return this.errors[0]?.message || this.message || "no detail";
  }

  /**
   * Clerk may or may not have applied a write that failed this way. Only Clerk's own answer (a
   * 4xx with Clerk's error body, or a 429) and a failure that proves the request never left
   * say it was not: a timeout, a reset, a 5xx and an error page from
   * something in between (a non-JSON body) prove nothing.
   */
  get outcomeUnknown(): boolean {
    // A cancellation is told apart by its kind: the audit log records it as unknown anyway.
    if (this.notSent || this.kind === "cancelled" || this.kind === "internal") return false;
    const status = this.status ?? 0;
    // An unreadable success may well have been applied; an unreadable 4xx was refused.
    if (this.kind === "unreadable") return status < 400 || status >= 500;
    if (this.kind !== "http") return true;
    if (status >= 500) return true;
    return (
      this.errors.length === 0 && this.bodySnippet !== undefined && !DEFINITE_STATUS.has(status)
    );
  }

  /** True when Clerk's error list has an error with this `code` (e.g. "resource_not_found"). */
  hasCode(code: string): boolean {
    return this.errors.some((e) => e.code === code);
  }
}

/**
 * A deliberate, user-facing refusal or outcome: its message is shown as it is. `cause`, when
 * given, is the Clerk failure behind it, so the audit log can record its status and trace ID.
 */
export class ToolError extends Error {
  override name = "ToolError";
  constructor(
    message: string,
    readonly clerkCause?: ClerkFailure,
  ) {
    super(message);
  }
}

/**
 * A write whose outcome cannot be known: Clerk's answer was lost (timeout, reset, 5xx) and the
 * lookup that would have settled it failed too. Clerk may or may not have applied it.
 */
export class OutcomeUnknown extends ToolError {
  override name = "OutcomeUnknown";
  constructor(message: string, cause: ClerkFailure) {
    super(message, cause);
  }
}

/**
 * What a get by ID found: the resource, or Clerk's 404 saying there is none. The 404 is kept,
 * not folded into undefined, so that the not-found error can name its status and trace ID
 * and carry it as `clerkCause` for the audit log.
 */
export type Found<T> =
  | { found: T; missing?: undefined }
  | { found?: undefined; missing: ClerkFailure };

/**
 * Runs a get by ID (one `ClerkGateway.call`), returning Clerk's 404 as `{ missing }`.
 * @throws the failure unchanged when it is not a 404 (or not a Clerk failure).
 */
export async function getById<T>(get: () => Promise<T>): Promise<Found<T>> {
  try {
    return { found: await get() };
  } catch (err) {
    if (err instanceof ClerkFailure && err.status === 404) return { missing: err };
    throw err;
  }
}

/**
 * Normalises what one attempt of a Clerk call threw.
 * @param err what `@clerk/backend` (or the fetch under it) threw.
 * @param ctx the attempt's context: a timeout, network error or cancellation recorded there by
 *   the fetch wrapper wins over what the SDK made of it; a non-JSON body snippet is kept.
 * @returns `err` itself if it is already a `ClerkFailure`; kind "timeout"/"network"/"cancelled"
 *   from `ctx`; kind "http" for a Clerk API error with a status (errors, trace ID,
 *   Retry-After seconds). The SDK's status-less `unexpected_error` is "unreadable" when an
 *   answer arrived (`ctx.answerStatus`: its body could not be read), "internal" (not sent) when
 *   the operation never called fetch, and "network" otherwise.
 * @throws `err` unchanged when it is none of these (a bug in the operation, not a Clerk
 *   failure), so that it reaches the registry's unexpected-error path instead of being
 *   passed off as Clerk's answer.
 */
export function toClerkFailure(err: unknown, ctx: AttemptContext | undefined): ClerkFailure {
  if (err instanceof ClerkFailure) return err;
  if (ctx?.failure) {
    const detail = ctx.networkError ?? (err instanceof Error ? err.message : String(err));
    return new ClerkFailure({
      kind: ctx.failure,
      detail,
      notSent: ctx.notSent ?? false,
      host: ctx.host,
    });
  }
  if (isClerkAPIResponseError(err)) {
    const errors: ClerkErrorItem[] = err.errors.map((e) => ({
      code: e.code,
      message: e.message,
      ...(e.longMessage ? { long_message: e.longMessage } : {}),
      ...(e.meta ? { meta: { ...e.meta } } : {}),
    }));
    if (!err.status && ctx?.answerStatus !== undefined) {
      return new ClerkFailure({
        kind: "unreadable",
        status: ctx.answerStatus,
        errors,
        traceId: err.clerkTraceId || undefined,
        bodySnippet: ctx.bodySnippet,
        detail: err.errors[0]?.message || err.message,
      });
    }
    if (!err.status && ctx && !ctx.sent) {
      return new ClerkFailure({
        kind: "internal",
        errors,
        notSent: true,
        detail: err.errors[0]?.message || err.message,
      });
    }
    // Without a status the SDK caught a fetch error itself (`unexpected_error`).
    return new ClerkFailure({
      kind: err.status ? "http" : "network",
      status: err.status || undefined,
      errors,
      traceId: err.clerkTraceId || undefined,
      retryAfterSeconds: err.retryAfter,
      bodySnippet: ctx?.bodySnippet,
      detail: err.message,
    });
  }
  throw err;
}
