import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, expectSeededEmulator } from "../helpers/emulator-mode.js";
import { assertBuilt } from "../helpers/spawn.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * What `npx -y clerk-admin-mcp --emulator` does on a machine with only Node: the packed
 * tarball, installed into an empty folder (no network: the package has no dependencies), its
 * bin run by a real MCP client.
 */
describe("the packed package", () => {
  let dir: string;
  let files: string[];
  beforeAll(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), "clerk-admin-mcp-pack-"));
    // --ignore-scripts: prepack would rebuild dist/ under the other tests' feet.
    const packed = JSON.parse(
      execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], {
        cwd: ROOT,
        encoding: "utf8",
      }),
    ) as Array<{ filename: string; files: Array<{ path: string }> }>;
    files = packed[0]?.files.map((f) => f.path) ?? [];
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "try-it", private: true }));
    execFileSync(
      "npm",
      ["install", "--offline", "--no-audit", "--no-fund", join(dir, packed[0]?.filename ?? "")],
      { cwd: dir, stdio: "pipe" },
    );
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("ships the emulator and init chunks, and no code cache", () => {
    expect(files).toEqual(
      expect.arrayContaining(["dist/index.js", "dist/emulator.cjs", "dist/init.cjs"]),
    );
    expect(files.filter((f) => f.endsWith(".cache"))).toEqual([]);
  });

  it("serves a seeded instance to a real MCP client from its installed bin", async () => {
    const bin = join(dir, "node_modules", ".bin", "clerk-admin-mcp");
    const { client, stderr } = await connect(bin, ["--emulator"]);
    try {
      await expectSeededEmulator(client, stderr);
    } finally {
      await client.close();
    }
  });
});
