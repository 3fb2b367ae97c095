import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";

/**
 * A fresh `--audit-log` file for each test of the calling `describe` (or file), in a temporary
 * folder removed after the test. `lines()` parses what the server wrote; none when no file.
 */
export function useAuditFile(prefix = "clerk-audit-") {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const path = () => join(dir, "audit.jsonl");
  return {
    /** The temporary folder, for a test that needs another path in it. */
    dir: () => dir,
    path,
    lines(): Array<Record<string, unknown>> {
      if (!existsSync(path())) return [];
      return readFileSync(path(), "utf8")
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
  };
}
