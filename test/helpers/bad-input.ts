import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Harness, type HarnessOptions, startHarness, textOf } from "./harness.js";

/**
 * One bad call: a label for the test name, the tool, its arguments, and the message that proves
 * the error is clear (the field and what it expects).
 */
export type BadInputCase = [
  label: string,
  tool: string,
  args: Record<string, unknown>,
  message: RegExp,
];

/**
 * A valid call that must reach the emulator, so that a refusal above is the input's doing and
 * not a tool that never calls Clerk. `requests` pins the exact number of requests when given;
 * otherwise at least one is enough.
 */
export type ControlCall = [tool: string, args: Record<string, unknown>, requests?: number];

/**
 * A `describe` block, on one harness, with a test per case: the call is an error result with no
 * structured content, its text matches the case's message, and the emulator logged no request.
 * Then a test per control call.
 */
export function describeBadInput(
  title: string,
  spec: { harness?: HarnessOptions; cases: BadInputCase[]; controls: ControlCall[] },
): void {
  describe(title, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(spec.harness);
    });
    afterAll(() => h.close());
    beforeEach(() => h.emu.clearRequests());

    it.each(spec.cases)("%s (%s)", async (_label, tool, args, message) => {
      const result = await h.call(tool, args);
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      expect(textOf(result)).toMatch(message);
      expect(h.emu.requests).toEqual([]);
    });

    it.each(spec.controls)(
      "a valid call does reach the emulator (control: %s)",
      async (tool, args, requests) => {
        const result = await h.call(tool, args);
        expect(result.isError).toBeFalsy();
        if (requests === undefined) expect(h.emu.requests.length).toBeGreaterThan(0);
        else expect(h.emu.requests).toHaveLength(requests);
      },
    );
  });
}

/** Crafted values for a `*_id` argument: path, fragment and query tricks, and wrong types. */
export const craftedIds = (prefix: string): unknown[] => [
  `${prefix}1/../../users/user_1/ban`,
  `${prefix}1#`,
  `${prefix}1?x=1`,
  `${prefix}1%2F..`,
  "",
  7,
  { id: `${prefix}1` },
];

/**
 * A case per crafted value of `field` on `tool`, the other arguments from `base`. A string is
 * checked against the prefix pattern; anything else is refused by type. With `inArray`, the
 * field is a list of IDs (`invitation_ids`) and each crafted value is sent as its only item.
 */
export const craftedIdCases = (
  tool: string,
  base: Record<string, unknown>,
  field: string,
  prefix: string,
  { inArray = false, shown = prefix }: { inArray?: boolean; shown?: string } = {},
): BadInputCase[] => {
  const at = inArray ? `${field}\\[0\\]` : field;
  return craftedIds(prefix).map(
    (v): BadInputCase => [
      `${field} ${JSON.stringify(v)}`,
      tool,
      { ...base, [field]: inArray ? [v] : v },
      new RegExp(
        typeof v === "string"
          ? `expected ${shown} followed by letters, digits or underscores.* at ${at}$`
          : `ID string \\(${shown}…\\) at ${at}$`,
      ),
    ],
  );
};
