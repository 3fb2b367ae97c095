import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countToolTokens, type ToolTokens } from "../../bench/tokens.js";
import { type Harness, startHarness } from "../helpers/harness.js";

/**
 * Tool definitions are paid for in context tokens in every conversation, so their size is
 * budgeted in bench/token-budget.json: the average tool (name, title, description, input
 * schema) over every tool, opt-in toolsets included, which measures how well each tool is
 * written whatever their number; and the total of the default selection, which is what a
 * conversation pays. The average has the limit and a committed ratchet below it that
 * the measure may not exceed; the total has its limit only, so that adding a tool as good as
 * the others touches no budget. Counted from the real `tools/list`, with the same o200k
 * counter as `npm run bench`.
 */

interface Budget {
  averagePerTool: { limit: number; committed: number };
  defaultSelectionTotal: { limit: number };
  agentToolkitToolCount: number;
}

const BUDGET_FILE = "bench/token-budget.json";
const budget = JSON.parse(
  readFileSync(new URL("../../bench/token-budget.json", import.meta.url), "utf8"),
) as Budget;

let every: Harness;
let byDefault: Harness;
/** Every tool, opt-in toolsets included. */
let tokens: ToolTokens;
/** The default selection. */
let defaults: ToolTokens;
/** The average as committed: rounded up to a tenth. */
let average: number;

beforeAll(async () => {
  // The harness serves every toolset unless told otherwise; `toolsets: undefined` is the default.
  [every, byDefault] = await Promise.all([
    startHarness(),
    startHarness({ config: { toolsets: undefined } }),
  ]);
  tokens = countToolTokens((await every.client.listTools()).tools);
  defaults = countToolTokens((await byDefault.client.listTools()).tools);
  average = Math.ceil(tokens.average * 10) / 10;
});
afterAll(() => Promise.all([every.close(), byDefault.close()]));

/** Largest first, so a failure names the tools to trim. */
function breakdown(t: ToolTokens): string {
  return [...t.perTool]
    .sort((a, b) => b.tokens - a.tokens)
    .map((p) => `${p.name}: ${p.tokens}`)
    .join(", ");
}

/** Fails when `measured` exceeds the committed figure; says how to lower it when below. */
function holdsRatchet(key: "averagePerTool", measured: number) {
  const { committed } = budget[key];
  expect(
    measured,
    `${key} is ${measured}, above the committed ${committed}: trim the definitions (per tool: ${breakdown(tokens)}), or raise ${key}.committed in ${BUDGET_FILE} and say why in the commit`,
  ).toBeLessThanOrEqual(committed);
  if (measured < committed) {
    console.warn(
      `[token budget] ${key} is ${measured}, below the committed ${committed}: lower ${key}.committed to ${measured} in ${BUDGET_FILE} to keep the gain`,
    );
  }
}

describe(`tool-definition token budget (${BUDGET_FILE})`, () => {
  it("keeps the issue's limits: 90 tokens per tool on average, 3,400 for the default selection", () => {
    expect(budget.averagePerTool.limit).toBe(90);
    expect(budget.defaultSelectionTotal.limit).toBe(3400);
  });

  it("counts every listed tool", () => {
    expect(tokens.count).toBeGreaterThan(budget.agentToolkitToolCount);
    expect(tokens.perTool.every((p) => p.tokens > 0)).toBe(true);
  });

  it("the average tool stays within the committed figure", () => {
    holdsRatchet("averagePerTool", average);
  });

  it("the default selection's list stays within 3,400 tokens", () => {
    expect(
      defaults.total,
      `the default selection's tools/list is ${defaults.total} tokens (per tool: ${breakdown(defaults)}): trim the definitions, or make a toolset opt-in (src/toolsets.ts)`,
    ).toBeLessThanOrEqual(budget.defaultSelectionTotal.limit);
  });

  it("the average tool is within the issue's limit of 90", () => {
    expect(average).toBeLessThanOrEqual(budget.averagePerTool.limit);
    expect(budget.averagePerTool.committed).toBeLessThanOrEqual(budget.averagePerTool.limit);
  });
});
