import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";
import { TOOL_NAMES, TOOL_SEED, toolCase } from "../helpers/tool-cases.js";

/**
 * The per-attempt timeout reaches a request only when the request starts while its operation
 * is invoked (src/clerk/transport.ts hands the attempt over synchronously). This proves it for
 * every tool: with Clerk answering nothing in time, each call ends in a timeout and every
 * request it sent was aborted by the server. A request started outside the handoff would
 * instead wait for Clerk's late answer, and stay unaborted. Every tool in ALL_TOOLS is called,
 * with its case from test/helpers/tool-cases.ts.
 */

const BULK = new Set(["create_invitations", "revoke_invitations", "invite_waitlist_entries"]);

describe("every tool's requests are covered by the per-attempt timeout", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      seed: TOOL_SEED,
      config: { timeoutMs: 150 },
      retry: { retries: 0 },
    });
    for (const method of ["GET", "POST", "PATCH", "DELETE"]) {
      h.emu.inject({ method, delayMs: 3_000, times: Number.POSITIVE_INFINITY });
    }
  });
  afterAll(() => h.close());

  it.each(TOOL_NAMES)("%s", async (tool) => {
    h.emu.clearRequests();
    const result = await h.call(tool, toolCase(tool).args);
    if (BULK.has(tool)) {
      // Bulk tools answer per item: a timed-out write is an item of unknown outcome.
      expect(textOf(result)).toMatch(/outcome unknown/);
    } else {
      expect(result.isError, textOf(result)).toBe(true);
      expect(textOf(result)).toMatch(/time|outcome is unknown/i);
    }
    expect(h.emu.requests.length).toBeGreaterThan(0);
    await vi.waitFor(() => {
      expect(h.emu.requests.filter((r) => !r.aborted).map((r) => `${r.method} ${r.path}`)).toEqual(
        [],
      );
    });
  });
});
