import { describe, expect, it } from "vitest";
import { ClerkFailure, ToolError, toClerkFailure } from "../../src/clerk/errors.js";
import type { Logger } from "../../src/log.js";
import { redact } from "../../src/log.js";
import { toErrorResult } from "../../src/results.js";

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), error: (m, e) => lines.push(`${m} ${String(e)}`) };
}

const http = (
  status: number,
  extra: Partial<{ codes: string[]; trace: string; retry: number; snippet: string }> = {},
) =>
  new ClerkFailure({
    kind: "http",
    status,
    errors: (extra.codes ?? []).map((code) => ({
      code,
      message: `${code} message`,
      long_message: `${code} long.`,
    })),
    traceId: extra.trace,
    retryAfterSeconds: extra.retry,
    bodySnippet: extra.snippet,
  });

const text = (r: ReturnType<typeof toErrorResult>) =>
  r.content.map((c) => (c.type === "text" ? c.text : "")).join("");

describe("toErrorResult", () => {
  const cases: Array<[string, unknown, RegExp[]]> = [
    [
      "401",
      http(401, { codes: ["authentication_invalid"], trace: "t-1" }),
      [
        /HTTP 401/,
        /authentication_invalid/,
        /authentication_invalid long\./,
        /clerk_trace_id t-1/,
        /secret key/,
      ],
    ],
    ["403", http(403, { codes: ["authorization_invalid"] }), [/HTTP 403/, /secret key/]],
    ["404", http(404, { codes: ["resource_not_found"] }), [/HTTP 404/, /resource_not_found/]],
    [
      "422",
      http(422, { codes: ["form_param_format_invalid", "form_param_missing"] }),
      [/form_param_format_invalid, form_param_missing/, /nothing was changed/],
    ],
    ["429", http(429, { retry: 42 }), [/Rate limited/, /retry after 42 s/]],
    ["503", http(503), [/HTTP 503/, /temporary/]],
    [
      "HTML body",
      http(502, { snippet: "<html>Bad gateway</html>" }),
      [/non-JSON body: "<html>Bad gateway<\/html>"/],
    ],
    ["timeout", new ClerkFailure({ kind: "timeout" }), [/did not answer in time/]],
    [
      "network",
      new ClerkFailure({
        kind: "network",
        errors: [{ code: "unexpected_error", message: "ECONNREFUSED" }],
      }),
      [/Could not reach/, /ECONNREFUSED/],
    ],
    [
      "ToolError",
      new ToolError("Invitation inv_1 cannot be revoked."),
      [/^Invitation inv_1 cannot be revoked\.$/],
    ],
  ];

  it.each(cases)("%s: an isError result without structuredContent", (_name, err, patterns) => {
    const log = recorder();
    const result = toErrorResult(err, log, "revoke_invitation");
    expect(result.isError).toBe(true);
    expect(result).not.toHaveProperty("structuredContent");
    for (const p of patterns) expect(text(result)).toMatch(p);
    expect(log.lines).toEqual([]);
  });

  describe("network failures", () => {
    const SETUP =
      /CLERK_API_URL and that the API is reachable from this machine; retrying will not help until then/;
    /** What the fetch wrapper records for a fetch that failed below HTTP, as toClerkFailure reads it. */
    const network = (networkError: string, notSent: boolean) =>
      toClerkFailure(new TypeError("fetch failed"), {
        timeoutMs: 1000,
        signal: undefined,
        failure: "network",
        networkError,
        notSent,
        host: "127.0.0.1:1",
      });

    it.each([
      ["a refused connection", "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1", "ECONNREFUSED"],
      ["an unknown host", "ENOTFOUND: getaddrinfo ENOTFOUND clerk.invalid", "ENOTFOUND"],
      ["a port fetch will not use", "bad port", "bad port"],
    ])(
      "%s is a setup mistake: names the API host and CLERK_API_URL, not retrying",
      (_n, reason, shown) => {
        const t = text(toErrorResult(network(reason, true), recorder(), "list_users"));
        expect(t).toContain(`Could not connect to Clerk's Backend API at 127.0.0.1:1 (${shown}).`);
        expect(t).toMatch(SETUP);
        expect(t).not.toMatch(/try again shortly/);
      },
    );

    it.each([
      ["a reset", network("ECONNRESET: read ECONNRESET", false)],
      ["a DNS hiccup", network("EAI_AGAIN: getaddrinfo EAI_AGAIN api.clerk.com", true)],
      ["a timeout", new ClerkFailure({ kind: "timeout" })],
      ["a 502", http(502)],
    ])("%s may pass: try again shortly, no setup advice", (_n, failure) => {
      const t = text(toErrorResult(failure, recorder(), "list_users"));
      expect(t).toMatch(/This is likely temporary: try again shortly\./);
      expect(t).not.toMatch(/CLERK_API_URL/);
    });
  });

  it("an unexpected exception: a generic message, the details on the log", () => {
    const log = recorder();
    const result = toErrorResult(new TypeError("x is undefined"), log, "list_invitations");
    expect(text(result)).toMatch(/unexpected internal error in list_invitations/);
    expect(text(result)).not.toMatch(/x is undefined/);
    expect(log.lines.join("\n")).toMatch(/x is undefined/);
  });

  it("never lets a secret key through", () => {
    const key = "sk_live_abcdefghijklmnopqrstuvwxyz012345";
    const result = toErrorResult(new ToolError(`bad ${key}`), recorder(), "t");
    expect(text(result)).not.toContain(key);
    expect(text(result)).toContain("sk_live_…");
    expect(redact(`Bearer ${key} and sk_test_${"z".repeat(40)}`)).toBe(
      "Bearer sk_live_… and sk_test_…",
    );
    // Echoes that glue the key to what precedes it: URL-encoded, JSON-escaped, or in a query.
    for (const glued of [
      `Bearer%20${key}`,
      `Bearer\\u0020${key}`,
      `auth=Bearer+${key}`,
      `x${key}`,
    ]) {
      expect(redact(glued)).not.toContain(key.slice("sk_live_".length));
    }
  });
});
