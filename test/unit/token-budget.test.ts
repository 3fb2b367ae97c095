import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countToolTokens, type ToolTokens } from "../../bench/tokens.js";
import { type Harness, startHarness } from "../helpers/harness.js";

/**
 * Tool definitions are paid for in context tokens in every conversation, so their size is
 * budgeted in bench/token-budget.json: the average tool (name, title, description, input
 * schema), which measures how well each tool is written whatever their number, and the total
 * of the default selection, which is what a conversation pays. Each figure has the issue's
 * limit and a committed ratchet below it that the measure may not exceed. Counted from the
 * real `tools/list` of the server with its default selection, with the same o200k counter as
 * `npm run bench`.
 */

interface Figure {
  limit: number;
  committed: number;
}

interface Budget {
  averagePerTool: Figure;
  defaultSelectionTotal: Figure;
  agentToolkitToolCount: number;
}

const BUDGET_FILE = "bench/token-budget.json";
const budget = JSON.parse(
  readFileSync(new URL("../../bench/token-budget.json", import.meta.url), "utf8"),
) as Budget;

let h: Harness;
let tokens: ToolTokens;
/** The average as committed: rounded up to a tenth. */
let average: number;

beforeAll(async () => {
  h = await startHarness({ config: { toolsets: undefined } });
  const { tools } = await h.client.listTools();
  tokens = countToolTokens(tools);
  average = Math.ceil(tokens.average * 10) / 10;
});
afterAll(() => h.close());

/** Largest first, so a failure names the tools to trim. */
function breakdown(t: ToolTokens): string {
  return [...t.perTool]
    .sort((a, b) => b.tokens - a.tokens)
    .map((p) => `${p.name}: ${p.tokens}`)
    .join(", ");
}

/** Fails when `measured` exceeds the committed figure; says how to lower it when below. */
function holdsRatchet(key: keyof Omit<Budget, "agentToolkitToolCount">, measured: number) {
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
    expect(budget.defaultSelectionTotal.committed).toBeLessThanOrEqual(
      budget.defaultSelectionTotal.limit,
    );
  });

  it("counts every listed tool", () => {
    expect(tokens.count).toBeGreaterThan(budget.agentToolkitToolCount);
    expect(tokens.perTool.every((p) => p.tokens > 0)).toBe(true);
  });

  it("the average tool stays within the committed figure", () => {
    holdsRatchet("averagePerTool", average);
  });

  it("the default selection's list stays within the committed total", () => {
    holdsRatchet("defaultSelectionTotal", tokens.total);
  });

  it("the average tool is within the issue's limit of 90", () => {
    expect(average).toBeLessThanOrEqual(budget.averagePerTool.limit);
    expect(budget.averagePerTool.committed).toBeLessThanOrEqual(budget.averagePerTool.limit);
  });
});
