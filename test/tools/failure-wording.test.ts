import { ClerkAPIResponseError } from "@clerk/backend/errors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toClerkFailure } from "../../src/clerk/errors.js";
import { silentLogger } from "../../src/log.js";
import { toErrorResult } from "../../src/results.js";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";

/**
 * Say what really happened: an answer that could not be read is not "could not reach Clerk",
 * and a 4xx without a message says what to change.
 */
describe("failures say what happened", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    h.emu.clearRequests();
  });
  afterEach(() => h.close());

  it("a 200 whose JSON body is not JSON: Clerk answered, the answer could not be read", async () => {
    h.emu.inject({
      method: "GET",
      status: 200,
      headers: { "Content-Type": "application/json" },
      body: "<html>oops</html>",
      times: Number.POSITIVE_INFINITY,
    });
    const result = await h.call("list_users", {});
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).not.toMatch(/Could not reach|try again shortly/);
    expect(text).toMatch(/Clerk answered HTTP 200, but its answer could not be read/);
  });

  it("a write answered 200 with an unreadable body may have been applied, and says so", async () => {
    h.emu.inject({
      method: "POST",
      status: 200,
      headers: { "Content-Type": "application/json" },
      body: "not json",
      times: Number.POSITIVE_INFINITY,
    });
    h.emu.seed({ users: [{ id: "user_ban0000001", email_address: "ban@example.com" }] });
    const result = await h.call("ban_user", { user_id: "user_ban0000001" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).not.toMatch(/Could not reach/);
    expect(textOf(result)).toMatch(/outcome is unknown.*may or may not have applied it/);
  });

  it.each([
    [
      "GET",
      "list_invitations",
      {},
      431,
      /HTTP 431.*request's headers or URL.*too large.*fewer or shorter filter values/s,
    ],
    [
      "POST",
      "create_invitation",
      { email_address: "a@example.com" },
      413,
      /HTTP 413.*body.*too large/s,
    ],
  ])(
    "%s answered %s with an empty body: a plain explanation",
    async (method, tool, args, status, message) => {
      h.emu.inject({ method, status, body: "" });
      const result = await h.call(tool, args);
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(message);
      expect(textOf(result)).not.toMatch(/as the message says/);
    },
  );
});

describe("a failure inside the server before the request left", () => {
  it("is an internal failure that sent nothing, not a network one", () => {
    // What @clerk/backend throws when its own code fails before fetch (e.g. serialising a body).
    const err = new ClerkAPIResponseError("Maximum call stack size exceeded", {
      data: [{ code: "unexpected_error", message: "Maximum call stack size exceeded" }],
      status: 0,
    });
    const failure = toClerkFailure(err, { timeoutMs: 1000, signal: undefined });
    expect(failure.kind).not.toBe("network");
    expect(failure.notSent).toBe(true);
    expect(failure.outcomeUnknown).toBe(false);
    const text = textOf(toErrorResult(failure, silentLogger, "update_user_metadata"));
    expect(text).not.toMatch(/Could not reach|try again shortly/);
    expect(text).toMatch(
      /inside clerk-admin-mcp.*before the request was sent.*Nothing was sent to Clerk/s,
    );
  });
});
