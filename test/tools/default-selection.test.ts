import { describe, expect, it } from "vitest";
import { ALL_TOOLS } from "../../src/tools/registry.js";
import { DEFAULT_TOOLSETS, TOOLSET_NAMES } from "../../src/toolsets.js";
import { useHarness } from "../helpers/harness.js";

/**
 * The default selection (no --toolsets): Cursor serves at most 40 tools, so the toolsets on by
 * default stay within that, and the rest are opt-in (`default: false` in
 * src/toolsets.ts), named in the server's instructions as off.
 */

/** Cursor's limit on the tools it offers the model from all its servers together. */
const CURSOR_TOOL_LIMIT = 40;

const harness = useHarness();

describe("default selection", () => {
  it(`serves at most ${CURSOR_TOOL_LIMIT} tools without --toolsets`, async () => {
    const hh = await harness({ config: { toolsets: undefined } });
    const { tools } = await hh.client.listTools();
    expect(tools.length).toBeLessThanOrEqual(CURSOR_TOOL_LIMIT);
    expect(tools.map((t) => t.name)).toEqual(
      ALL_TOOLS.filter((t) => DEFAULT_TOOLSETS.includes(t.toolset)).map((t) => t.name),
    );
  });

  it("names the toolsets that are off in the instructions, and how to switch them on", async () => {
    const hh = await harness({ config: { toolsets: ["invitations", "users"] } });
    const off = TOOLSET_NAMES.filter((t) => t !== "invitations" && t !== "users");
    expect(off).toContain("organizations");
    expect(hh.client.getInstructions()).toContain(
      `Toolsets off: ${off.join(", ")} (the operator can enable them with --toolsets).`,
    );
  });

  it("names the opt-in toolsets as off by default, and says nothing is off when all are on", async () => {
    const optIn = TOOLSET_NAMES.filter((t) => !DEFAULT_TOOLSETS.includes(t));
    const byDefault = await harness({ config: { toolsets: undefined } });
    const text = byDefault.client.getInstructions() ?? "";
    if (optIn.length > 0) expect(text).toContain(`Toolsets off: ${optIn.join(", ")} (`);
    else expect(text).not.toContain("Toolsets off");
    const all = await harness({ config: { toolsets: [...TOOLSET_NAMES] } });
    expect(all.client.getInstructions()).not.toContain("Toolsets off");
  });
});
