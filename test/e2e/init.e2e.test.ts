import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { assertBuilt, BIN } from "../helpers/spawn.js";

/** `clerk-admin-mcp init` from the built bin: its own file (dist/init.cjs), loaded on demand. */
describe("init from the built bin", () => {
  let home: string;
  beforeAll(assertBuilt);
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), "clerk-admin-mcp-init-e2e-"));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it("--print shows the entry on the terminal (stderr) and writes nothing", () => {
    const run = spawnSync(process.execPath, [BIN, "init", "--client", "vscode", "--print"], {
      env: { PATH: process.env.PATH ?? "", HOME: home },
      encoding: "utf8",
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(join(home, ".config/Code/User/mcp.json"));
    expect(run.stderr).toContain('"password": true');
    expect(run.stderr).toContain("Nothing was written");
  });

  it("writes Claude Code's user-scope entry with the key from CLERK_SECRET_KEY, never printing it", () => {
    const key = "sk_test_initE2eKey00000000000000";
    const run = spawnSync(
      process.execPath,
      [BIN, "init", "--client", "claude-code", "--read-only"],
      {
        env: { PATH: process.env.PATH ?? "", HOME: home, CLERK_SECRET_KEY: key },
        encoding: "utf8",
      },
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain('Added "clerk-admin"');
    expect(run.stderr).not.toContain(key);
    const written = JSON.parse(readFileSync(join(home, ".claude.json"), "utf8"));
    expect(written.mcpServers["clerk-admin"]).toEqual({
      type: "stdio",
      command: "npx",
      args: ["-y", "clerk-admin-mcp", "--read-only"],
      env: { CLERK_SECRET_KEY: key },
    });
  });

  it("refuses a missing --client with the usage, exit 2", () => {
    const run = spawnSync(process.execPath, [BIN, "init"], {
      env: { PATH: process.env.PATH ?? "", HOME: home },
      encoding: "utf8",
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Usage: clerk-admin-mcp init --client NAME");
  });
});
