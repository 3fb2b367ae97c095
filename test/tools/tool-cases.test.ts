import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";
import { missingToolCases, TOOL_NAMES, TOOL_SEED, toolCase } from "../helpers/tool-cases.js";

/**
 * The every-tool tables take their tools from ALL_TOOLS and their arguments from
 * test/helpers/tool-cases.ts. This checks that table: one case per tool, and each case's
 * arguments are a valid call that reaches Clerk and succeeds, so a refusal seen elsewhere is
 * the bad input's doing, not a broken case.
 */
describe("test/helpers/tool-cases.ts", () => {
  it("has a case for every tool in ALL_TOOLS, and none for a tool that is gone", () => {
    expect(missingToolCases()).toEqual({ withoutCase: [], withoutTool: [] });
  });

  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it.each(TOOL_NAMES)("%s: the case's arguments succeed against TOOL_SEED", async (tool) => {
    const { args } = toolCase(tool);
    h = await startHarness({ seed: TOOL_SEED });
    h.emu.clearRequests();
    const result = await h.call(tool, args);
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(h.emu.requests.length).toBeGreaterThan(0);
    expect(h.emu.requests.filter((r) => r.status >= 400)).toEqual([]);
  });
});
