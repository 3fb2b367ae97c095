import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import module from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { assertBuilt, BIN, INIT } from "../helpers/spawn.js";

/**
 * The bin's start-up cache on a Node without a compile cache (Node 20): V8's code cache for
 * dist/server.cjs, written in the user's cache folder as the first session ends, used by the
 * next, replaced when V8 rejects it. Node 22.1+ uses Node's own compile cache instead.
 */
const LIST = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" });

function session(cacheHome: string) {
  return spawnSync(process.execPath, [BIN], {
    input: `${JSON.stringify(INIT)}\n${LIST}\n`,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: cacheHome,
      XDG_CACHE_HOME: cacheHome,
      CLERK_SECRET_KEY: "sk_test_codeCacheTest000000000",
    },
    encoding: "utf8",
  });
}

describe.skipIf("enableCompileCache" in module)("V8 code cache on Node 20", () => {
  let home: string;
  beforeAll(assertBuilt);
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), "clerk-admin-mcp-cache-"));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it("is written by the first session, for the owner only, and kept by the next", () => {
    expect(session(home).stdout).toContain('"name":"list_invitations"');
    const dir = join(home, "clerk-admin-mcp");
    const [file, ...others] = readdirSync(dir);
    expect(others).toEqual([]);
    expect(file).toMatch(new RegExp(`^server-\\d+-${process.version}-${process.arch}\\.cache$`));
    const path = join(dir, file as string);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const first = readFileSync(path);
    expect(first.length).toBeGreaterThan(100_000);

    // Accepted: the next session answers and leaves the file as it was.
    expect(session(home).stdout).toContain('"name":"list_invitations"');
    expect(readFileSync(path).equals(first)).toBe(true);
  });

  it("a cache V8 rejects is no harm: the session answers and the file is replaced", () => {
    expect(session(home).stdout).toContain('"name":"list_invitations"');
    const dir = join(home, "clerk-admin-mcp");
    const path = join(dir, readdirSync(dir)[0] as string);
    writeFileSync(path, Buffer.alloc(4096, 7));
    expect(session(home).stdout).toContain('"name":"list_invitations"');
    expect(statSync(path).size).toBeGreaterThan(100_000);
  });
});
