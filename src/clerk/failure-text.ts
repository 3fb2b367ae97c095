import { ClerkFailure, type ToolError } from "./errors.js";

/**
 * The one renderer of failure text: what a failed Clerk call says to the model and the human,
 * in one place, so that a failure reads the same in a tool's error, a bulk item and the audit
 * trail. Error results are built from it in src/results.ts.
 */

/** One line naming the HTTP status, Clerk's codes, long message and trace ID. */
export function describeFailure(f: ClerkFailure): string {
  switch (f.kind) {
    case "timeout":
      return "Clerk did not answer in time (the request timed out).";
    case "network":
      if (f.setupFailure) {
        // The code alone ("ECONNREFUSED"): the rest repeats the host and port named before it.
        const reason = f.networkReason.split(":")[0];
        return `Could not connect to Clerk's Backend API${f.host ? ` at ${f.host}` : ""} (${reason}).`;
      }
      return `Could not reach Clerk's Backend API (${f.networkReason}).`;
    case "cancelled":
      return "The request was cancelled.";
    case "unreadable":
      return `Clerk answered HTTP ${f.status}, but its answer could not be read (${f.message})${f.traceId ? ` (clerk_trace_id ${f.traceId})` : ""}.`;
    case "internal":
      return `The call failed inside clerk-admin-mcp, before the request was sent (${f.message}). Nothing was sent to Clerk.`;
    case "http":
      break;
  }
  const parts = [`HTTP ${f.status}`];
  const codes = f.errors.map((e) => e.code).filter(Boolean);
  if (codes.length) parts.push(codes.join(", "));
  const messages = f.errors.map((e) => e.long_message ?? e.message).filter(Boolean);
  let text = `Clerk answered ${parts.join(" ")}`;
  if (messages.length) text += `: ${messages.join(" ")}`;
  else if (f.bodySnippet) text += `, with a non-JSON body: "${f.bodySnippet}"`;
  if (!text.endsWith(".")) text += ".";
  if (f.traceId) text += ` (clerk_trace_id ${f.traceId})`;
  return text;
}

/** What the model should do next, by status. A 429 is worded by `rateLimited`. */
function advice(f: ClerkFailure): string {
  if (f.setupFailure) {
    return "Check CLERK_API_URL and that the API is reachable from this machine; retrying will not help until then.";
  }
  if (f.kind === "internal") {
    return "This is a fault in clerk-admin-mcp or in what it was given, not in Clerk; the same call will fail the same way (details in the server's stderr log).";
  }
  if (f.kind === "unreadable") {
    return f.outcomeUnknown
      ? "A change it asked for may have been applied: check with a get or list tool before retrying."
      : "Nothing was changed; if it persists, a proxy between this server and Clerk may be rewriting answers.";
  }
  if (f.kind === "timeout" || f.kind === "network" || (f.status ?? 0) >= 500) {
    return "This is likely temporary: try again shortly.";
  }
  switch (f.status) {
    case 401:
    case 403:
      return "Clerk rejected the secret key: CLERK_SECRET_KEY must be a current secret key of this Clerk instance.";
    case 404:
      return "Nothing exists at that ID; check it with a list tool.";
    case 431:
      return "The request's headers or URL were too large for Clerk: use fewer or shorter filter values (or a shorter query). Nothing was changed.";
    case 413:
      return "The request's body was too large for Clerk: send less (smaller metadata, fewer items per call). Nothing was changed.";
    default:
      return f.errors.some((e) => e.long_message || e.message) || f.bodySnippet
        ? "Fix the request as the message says; nothing was changed."
        : "Clerk gave no reason; check the arguments against the tool's description. Nothing was changed.";
  }
}

/** The one wording of a rate limit: Clerk did not apply the request, and when to retry. */
function rateLimited(f: ClerkFailure): string {
  return `Rate limited by Clerk: retry after ${f.retryAfterSeconds ?? 1} s.`;
}

/**
 * A failure in full: what happened (`describeFailure`) and what to do next.
 * @returns for a 429, the rate-limit wording first; otherwise the description and the advice.
 */
export function explainFailure(f: ClerkFailure): string {
  if (f.status === 429) return `${rateLimited(f)} ${describeFailure(f)}`;
  return `${describeFailure(f)} ${advice(f)}`;
}

/**
 * The text of one item of a bulk result: a ToolError's own message; in full (`explainFailure`)
 * when the whole batch is affected (a 429, a rejected key); else the description alone, since
 * the summary already says what to do with failed items.
 */
export function itemFailureText(f: ClerkFailure | ToolError): string {
  if (!(f instanceof ClerkFailure)) return f.message;
  return f.status === 429 || f.status === 401 ? explainFailure(f) : describeFailure(f);
}
