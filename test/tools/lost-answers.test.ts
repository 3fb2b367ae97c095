import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { isWriteTool } from "../../src/safety/selection.js";
import { ALL_TOOLS } from "../../src/tools/registry.js";
import { ADMIN } from "../helpers/acme.js";
import { api } from "../helpers/emulator-api.js";
import { startHarness, textOf } from "../helpers/harness.js";
import { type LostAnswerCase, TOOL_SEED, toolCase } from "../helpers/tool-cases.js";

/**
 * The lost-answer rule over every write tool. Clerk holds the write's answer past the attempt
 * timeout and then applies it (`applied later`), or never applies it (`never applied`). Only
 * Clerk's final state may decide what the result says: no "nothing changed", "not created",
 * "still pending" unless the state shows it, and the audit log never says `failed` for a write
 * that was applied.
 *
 * Writes that only set state are repeated, so both variants end applied and reported so.
 * Creates are never repeated: they are looked up several times, found when applied later, and
 * reported as of unknown outcome (never "not created") when not.
 */

// Margins wide enough for a loaded 2-core machine: an attempt that outlives its timeout only
// because the machine is busy is one more repeat, which the assertions allow.
const TIMEOUT_MS = 250;
/** Clerk applies the held request this long after it arrived: after the attempt timed out. */
const APPLY_AFTER_MS = 500;

interface Row extends LostAnswerCase {
  tool: string;
  args: Record<string, unknown>;
}

/** Every write tool's case (test/helpers/tool-cases.ts), by tool name. */
const ROWS: Array<[string, Row]> = ALL_TOOLS.filter(isWriteTool).flatMap((tool) => {
  const c = toolCase(tool.name);
  if (!c.lost) return [];
  return [[tool.name, { tool: tool.name, ...c.lost, args: c.lost.args ?? c.args }]];
});

/** A create settled by name, not by a slug or an email address. */
ROWS.push([
  "create_organization with a slug",
  {
    tool: "create_organization",
    args: { name: "Initech", slug: "initech", created_by: ADMIN },
    write: { method: "POST", path: "/v1/organizations" },
    kind: "create",
    applied: async (emu) => (await api(emu, "/v1/organizations/initech")).status === 200,
  },
]);

/** Words no result may say unless Clerk's final state shows nothing was done. */
const DENIES =
  /nothing changed|not created|not deleted|still pending|nothing was (created|deleted)/i;

function lastOutcome(file: string): Record<string, unknown> {
  const lines = readFileSync(file, "utf8").trimEnd().split("\n");
  return JSON.parse(lines.at(-1) ?? "{}");
}

function bulkCounts(result: CallToolResult): Record<string, number> | undefined {
  return (result.structuredContent as { counts?: Record<string, number> } | undefined)?.counts;
}

describe("every write tool has a lost-answer case", () => {
  it("each write tool's case in test/helpers/tool-cases.ts declares `lost`", () => {
    const writes = ALL_TOOLS.filter(isWriteTool).map((t) => t.name);
    expect(writes.filter((name) => !toolCase(name).lost)).toEqual([]);
  });
});

describe.concurrent.each(ROWS)("%s, when Clerk's answer is lost", (_name, c) => {
  const run = async (variant: "applied later" | "never applied") => {
    const dir = mkdtempSync(join(tmpdir(), "clerk-lost-"));
    const audit = join(dir, "audit.jsonl");
    const h = await startHarness({
      seed: TOOL_SEED,
      config: { timeoutMs: TIMEOUT_MS, auditLog: audit },
      retry: { settleDelaysMs: [0, 300, 600] },
    });
    try {
      h.emu.inject({
        ...c.write,
        delayMs: APPLY_AFTER_MS,
        // Answering after the delay without handling the request: Clerk never applies it.
        ...(variant === "never applied" ? { status: 503 } : {}),
      });
      const result = await h.call(c.tool, c.args);
      // Let the held request finish, so the state is Clerk's final one.
      await new Promise((r) => setTimeout(r, APPLY_AFTER_MS + 50));
      const sent = h.emu.requests.filter(
        (r) => r.method === c.write.method && r.path.split("?")[0] === c.write.path,
      ).length;
      return { result, applied: await c.applied(h.emu), outcome: lastOutcome(audit), sent };
    } finally {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("applied later: reported as done, audited as done, never denied", async () => {
    const { result, applied, outcome, sent } = await run("applied later");
    expect(applied).toBe(true);
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(textOf(result)).not.toMatch(DENIES);
    expect(textOf(result)).toMatch(/answer was lost/);
    expect(outcome).toMatchObject({ stage: "outcome", outcome: "succeeded" });
    // A create is sent once and looked up; a state-setting write is repeated.
    if (c.kind === "create") expect(sent).toBe(1);
    else expect(sent).toBeGreaterThanOrEqual(2);
  });

  it("never applied: no result claims it was or was not done unless Clerk's state shows it", async () => {
    const { result, applied, outcome, sent } = await run("never applied");
    const text = textOf(result);
    if (c.kind === "state") {
      // The repeat applied it, and the result says so.
      expect(applied).toBe(true);
      expect(result.isError, text).toBeFalsy();
      expect(text).not.toMatch(DENIES);
      expect(outcome).toMatchObject({ outcome: "succeeded" });
      expect(sent).toBeGreaterThanOrEqual(2);
      return;
    }
    expect(applied).toBe(false);
    expect(text).not.toMatch(DENIES);
    expect(text).toMatch(/outcome is unknown.*Check with/);
    expect(outcome).toMatchObject({ stage: "outcome", outcome: "outcome_unknown" });
    expect(sent).toBe(1);
    const counts = bulkCounts(result);
    if (counts) expect(Object.keys(counts)).toEqual(["outcome_unknown"]);
    else expect(result.isError).toBe(true);
  });
});
