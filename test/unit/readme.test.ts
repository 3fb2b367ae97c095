import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ALL_TOOLS } from "../../src/tools/registry.js";

/** The README's tool table is what users read first; it must list exactly the tools served. */
describe("README tool table", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const rows = new Map(
    [
      ...readme.matchAll(
        /^\| `([a-z_]+)` \| ([^|]+) \| ([a-z_]+) \| (yes|no) \| (yes|no) \| (yes|no) \| (yes|no) \|$/gm,
      ),
    ].map((m) => [m[1], m.slice(2).map((c) => c?.trim())]),
  );
  const yn = (b: boolean) => (b ? "yes" : "no");

  it("lists every tool once, with its title, toolset and annotations", () => {
    expect([...rows.keys()].sort()).toEqual(ALL_TOOLS.map((t) => t.name).sort());
    for (const t of ALL_TOOLS) {
      const a = t.annotations;
      expect(rows.get(t.name), t.name).toEqual([
        t.title,
        t.toolset,
        yn(a.readOnlyHint),
        yn(a.destructiveHint),
        yn(a.idempotentHint),
        yn(a.openWorldHint),
      ]);
    }
  });
});
