import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countToolTokens, type ToolTokens } from "../../bench/tokens.js";
import { type Harness, startHarness } from "../helpers/harness.js";

/**
 * Tool definitions are paid for in context tokens in every conversation, so their size is
 * budgeted in bench/token-budget.json. Counted from the real `tools/list` of the server with
 * every tool enabled, with the same o200k counter as `npm run bench`.
 */

interface Budget {
  maxTotal: number;
  maxAveragePerTool: number;
  targetAveragePerTool: number;
  agentToolkitTotal: number;
  agentToolkitToolCount: number;
}

const budget = JSON.parse(
  readFileSync(new URL("../../bench/token-budget.json", import.meta.url), "utf8"),
) as Budget;

let h: Harness;
let tokens: ToolTokens;

beforeAll(async () => {
  h = await startHarness();
  const { tools } = await h.client.listTools();
  tokens = countToolTokens(tools);
});
afterAll(() => h.close());

/** Largest first, so a failure names the tools to trim. */
function breakdown(t: ToolTokens): string {
  return [...t.perTool]
    .sort((a, b) => b.tokens - a.tokens)
    .map((p) => `${p.name}: ${p.tokens}`)
    .join(", ");
}

describe("tool-definition token budget (bench/token-budget.json)", () => {
  it("the budget never loosens past the issue's targets", () => {
    expect(budget.maxTotal).toBeLessThanOrEqual(Math.floor(0.4 * budget.agentToolkitTotal));
    expect(budget.targetAveragePerTool).toBe(110);
    expect(budget.maxAveragePerTool).toBeLessThanOrEqual(budget.targetAveragePerTool);
  });

  it("counts every listed tool", () => {
    expect(tokens.count).toBeGreaterThan(0);
    expect(tokens.perTool.every((p) => p.tokens > 0)).toBe(true);
  });

  it(`the whole tool list stays within the total budget`, () => {
    expect(
      tokens.total,
      `total ${tokens.total} tokens; per tool: ${breakdown(tokens)}`,
    ).toBeLessThanOrEqual(budget.maxTotal);
  });

  it("offers more tools than agent-toolkit, within that budget", () => {
    expect(tokens.count).toBeGreaterThan(budget.agentToolkitToolCount);
  });

  it("the average tool stays within the per-tool budget", () => {
    expect(
      tokens.average,
      `average ${tokens.average.toFixed(1)} tokens over ${tokens.count} tools; per tool: ${breakdown(tokens)}`,
    ).toBeLessThanOrEqual(budget.maxAveragePerTool);
  });
});
