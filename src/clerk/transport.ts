/**
 * The HTTP layer under `@clerk/backend`. The SDK has no timeout and no AbortSignal, and it
 * binds `globalThis.fetch` when it is imported. So, once, before the SDK is loaded, we put a
 * thin wrapper in `globalThis.fetch`. The wrapper acts only on the requests of a Clerk call
 * started by `ClerkGateway.call`; every other fetch in the process passes through untouched.
 *
 * How the wrapper finds its call: the SDK calls fetch synchronously, before its first
 * `await`, when one of its methods is invoked. So `withAttempt` sets the attempt as current
 * while it invokes the operation, and the wrapper reads it then. This is a synchronous
 * handoff rather than AsyncLocalStorage, whose promise hooks on Node 20 tax every promise in
 * the process (about 50 µs a tool call). Each operation is therefore one SDK method call, or
 * several started together (`getUserList` sends two requests), never a request started after
 * an `await`: test/tools/timeouts.test.ts proves, tool by tool, that every request is covered.
 *
 * Inside a call it:
 * - aborts the request on the per-attempt timeout or on MCP cancellation;
 * - records what went wrong in a way the SDK would otherwise lose: a timeout or network error
 *   (the SDK folds both into `unexpected_error`), and a snippet of a non-JSON error body
 *   (an HTML page from a gateway, which the SDK drops).
 */

export interface AttemptContext {
  timeoutMs: number;
  signal: AbortSignal | undefined;
  /** Set by the wrapper when the attempt failed below HTTP. */
  failure?: "timeout" | "network" | "cancelled";
  /** Set by the wrapper for a non-JSON error response. */
  bodySnippet?: string;
  /** Set by the wrapper when fetch failed below HTTP: the system error, e.g. `ECONNREFUSED`. */
  networkError?: string;
  /** Set by the wrapper when the failure proves the request never left: no connection was made. */
  notSent?: boolean;
  /** Set by the wrapper when fetch failed below HTTP: the request's `host[:port]`, for messages. */
  host?: string;
  /** Set by the wrapper when the operation called fetch: unset, no request can have left. */
  sent?: boolean;
  /** Set by the wrapper when an answer arrived: its HTTP status, whatever the SDK made of it. */
  answerStatus?: number;
  /**
   * Set by the wrapper: stops the attempt's timers and listeners once `withAttempt` is done,
   * and with `failed`, aborts its requests still in flight.
   */
  release?: (failed: boolean) => void;
}

/** The attempt whose operation is being invoked right now; see the module's comment. */
let invoking: AttemptContext | undefined;
const INSTALLED = Symbol.for("clerk-admin-mcp.fetch");
const SNIPPET_CHARS = 200;

type Fetch = typeof globalThis.fetch;

/**
 * Runs `fn` with `ctx` visible to the fetch wrapper while `fn` is invoked. The timeout and the
 * cancellation listener stay armed until `fn` settles: the SDK reads the body after fetch has
 * returned.
 */
export async function withAttempt<T>(ctx: AttemptContext, fn: () => Promise<T>): Promise<T> {
  const outer = invoking;
  invoking = ctx;
  let pending: Promise<T>;
  try {
    pending = fn();
  } catch (err) {
    pending = Promise.reject(err);
  } finally {
    invoking = outer;
  }
  let failed = true;
  try {
    const value = await pending;
    failed = false;
    return value;
  } finally {
    ctx.release?.(failed);
  }
}

/**
 * The reason given when an attempt that failed ends with a request still in flight. One object
 * for all: `abort()` without a reason builds a DOMException, stack and all, every time.
 */
const ATTEMPT_FAILED = Object.freeze(new Error("the attempt this request belonged to failed"));

/** Installs the wrapper into `globalThis.fetch`. Idempotent. Must run before the SDK loads. */
export function installFetchWrapper(): void {
  const current = globalThis.fetch as Fetch & { [INSTALLED]?: true };
  if (current[INSTALLED]) return;
  const inner: Fetch = current.bind(globalThis);
  const wrapped = async (input: Parameters<Fetch>[0], init?: Parameters<Fetch>[1]) => {
    const ctx = invoking;
    if (!ctx) return inner(input, init);
    return attempt(inner, ctx, input, init);
  };
  Object.defineProperty(wrapped, INSTALLED, { value: true });
  globalThis.fetch = wrapped as Fetch;
}

async function attempt(
  inner: Fetch,
  ctx: AttemptContext,
  input: Parameters<Fetch>[0],
  init: Parameters<Fetch>[1],
): Promise<Response> {
  // One controller, a timer and a listener, released when the attempt ends: cheaper than
  // AbortSignal.timeout + AbortSignal.any per request, and it leaves nothing registered on
  // the call's signal (AbortSignal.any keeps its sources' listeners on Node 20).
  const controller = new AbortController();
  const timer = setTimeout(() => {
    ctx.failure ??= "timeout";
    controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
  }, ctx.timeoutMs);
  timer.unref();
  const cancel = () => {
    ctx.failure ??= "cancelled";
    controller.abort(ctx.signal?.reason);
  };
  if (ctx.signal?.aborted) cancel();
  else ctx.signal?.addEventListener("abort", cancel, { once: true });
  const previous = ctx.release;
  ctx.release = (failed) => {
    previous?.(failed);
    clearTimeout(timer);
    ctx.signal?.removeEventListener("abort", cancel);
    // An operation that started two requests fails as soon as one does; the other is of no use
    // any more and must not outlive the attempt. After a success every request has finished.
    if (failed) controller.abort(ATTEMPT_FAILED);
  };
  const { signal } = controller;
  ctx.sent = true;
  let res: Response;
  try {
    res = await inner(input, { ...init, signal });
  } catch (err) {
    ctx.failure ??= "network";
    // The SDK keeps only fetch's own message ("fetch failed"); the reason is in its cause.
    ctx.networkError ??= networkReason(err);
    ctx.notSent ??= neverConnected(err);
    ctx.host ??= hostOf(input);
    throw err;
  }
  ctx.answerStatus = res.status;
  const type = res.headers.get("content-type") ?? "";
  if (!res.ok && !type.startsWith("application/json")) {
    const text = await res.clone().text();
    ctx.bodySnippet = text.replace(/\s+/g, " ").trim().slice(0, SNIPPET_CHARS);
  }
  return res;
}

/** undici's messages for URLs fetch refuses before opening anything (the fetch spec's port block list). */
const REFUSED_BY_FETCH: ReadonlySet<string> = new Set(["bad port", "unknown scheme"]);

/**
 * True for fetch's refusals of a URL before touching the network: they give the same answer
 * every time, so they are never retried, and they mean the configured API URL is wrong.
 */
export function refusedByFetch(reason: string): boolean {
  return REFUSED_BY_FETCH.has(reason);
}

/**
 * True only when fetch failed while resolving the host or opening the connection, so the
 * request cannot have reached Clerk. The same codes (EHOSTUNREACH…) can also end a live
 * keep-alive socket after the request went out, so the failing system call decides, not the
 * code; with several addresses tried (an AggregateError), every attempt must have failed so.
 */
function neverConnected(err: unknown): boolean {
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof Error && refusedByFetch(cause.message)) return true;
  const attempts: unknown[] = cause instanceof AggregateError ? cause.errors : [cause];
  return (
    attempts.length > 0 &&
    attempts.every((a) => {
      const syscall = (a as { syscall?: unknown } | undefined)?.syscall;
      return syscall === "connect" || syscall === "getaddrinfo";
    })
  );
}

/** The request's `host[:port]` (never its user info or path), or undefined when unparsable. */
function hostOf(input: Parameters<Fetch>[0]): string | undefined {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  return URL.canParse(url) ? new URL(url).host : undefined;
}

function networkReason(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof AggregateError && cause.errors[0] instanceof Error) {
    return networkReason(new Error(cause.message, { cause: cause.errors[0] }));
  }
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === "string" ? `${code}: ${cause.message}` : cause.message;
  }
  return err instanceof Error ? err.message : String(err);
}
