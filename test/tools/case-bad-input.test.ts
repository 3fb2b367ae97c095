import { type BadInputCase, describeBadInput } from "../helpers/bad-input.js";
import { TOOL_CASES, TOOL_SEED, type ToolCase } from "../helpers/tool-cases.js";

/**
 * Each tool's own bad input, declared beside its arguments in test/helpers/tool-cases.ts: a
 * clear error, no structured content, and no request. Whether a valid call reaches Clerk is
 * test/tools/tool-cases.test.ts's part.
 */

const cases: BadInputCase[] = (Object.entries(TOOL_CASES) as Array<[string, ToolCase]>).flatMap(
  ([tool, c]) =>
    (c.badInput ?? []).map(([label, args, message]): BadInputCase => [label, tool, args, message]),
);

describeBadInput("every tool's own bad input is refused before any request", {
  harness: { seed: TOOL_SEED },
  cases,
  controls: [],
});
