import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../helpers/harness.js";

/**
 * Schema snapshots of `tools/list` (GitHub's "toolsnaps"): one file per tool under
 * test/__toolsnaps__. A change to a tool's name, description, schemas or annotations fails
 * here until the snapshot is updated on purpose with `npx vitest run -u`; in CI a missing
 * snapshot fails too.
 */
describe("tools/list snapshots", () => {
  let h: Harness;
  let tools: Tool[];
  beforeAll(async () => {
    h = await startHarness();
    tools = (await h.client.listTools()).tools;
  });
  afterAll(() => h.close());

  it("lists tools", () => {
    expect(tools.length).toBeGreaterThan(0);
  });

  it("matches each tool's snapshot", async () => {
    for (const tool of tools) {
      await expect(`${JSON.stringify(tool, null, 2)}\n`).toMatchFileSnapshot(
        `../__toolsnaps__/${tool.name}.json`,
      );
    }
  });
});
