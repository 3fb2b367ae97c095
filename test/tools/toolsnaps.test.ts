import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../helpers/harness.js";

/**
 * Schema snapshots of `tools/list` (GitHub's "toolsnaps"): one file per tool under
 * test/__toolsnaps__. A change to a tool's name, description, schemas or annotations fails
 * here, and so do a tool without a snapshot and a snapshot without a tool, until the snapshots
 * are rewritten on purpose with `npm run toolsnaps` (UPDATE_TOOLSNAPS=1), which writes every
 * tool's file and deletes the files of tools that are gone. Snapshots are never edited by hand.
 */

const DIR = new URL("../__toolsnaps__/", import.meta.url);
const UPDATE = process.env.UPDATE_TOOLSNAPS === "1";
const HOW = "if the change is intended, run `npm run toolsnaps` and commit test/__toolsnaps__";

const snapshotOf = (tool: Tool) => `${JSON.stringify(tool, null, 2)}\n`;
const fileOf = (name: string) => new URL(`${name}.json`, DIR);
const snapshotNames = () =>
  existsSync(DIR)
    ? readdirSync(DIR)
        .filter((f) => f.endsWith(".json"))
        .map((f) => f.slice(0, -".json".length))
    : [];

describe("tools/list snapshots", () => {
  let h: Harness;
  let tools: Tool[];
  beforeAll(async () => {
    h = await startHarness();
    tools = (await h.client.listTools()).tools;
    if (UPDATE) {
      mkdirSync(DIR, { recursive: true });
      const names = new Set(tools.map((t) => t.name));
      for (const name of snapshotNames()) if (!names.has(name)) rmSync(fileOf(name));
      for (const tool of tools) writeFileSync(fileOf(tool.name), snapshotOf(tool));
    }
  });
  afterAll(() => h.close());

  it("lists tools", () => {
    expect(tools.length).toBeGreaterThan(0);
  });

  it("every snapshot file has a tool behind it", () => {
    const names = new Set(tools.map((t) => t.name));
    expect(
      snapshotNames().filter((n) => !names.has(n)),
      `snapshots of tools that are gone; ${HOW}`,
    ).toEqual([]);
  });

  it("every tool has a snapshot, and matches it", () => {
    for (const tool of tools) {
      const file = fileOf(tool.name);
      expect(existsSync(file), `${tool.name} has no snapshot; ${HOW}`).toBe(true);
      expect(snapshotOf(tool), `${tool.name} differs from its snapshot; ${HOW}`).toBe(
        readFileSync(file, "utf8"),
      );
    }
  });
});
