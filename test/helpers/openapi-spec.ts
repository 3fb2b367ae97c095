import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Clerk's OpenAPI spec, beside the repository (../shared/clerk-openapi), which the contract
 * test (test/emulator/contract.test.ts) checks the emulator against. It is not in the
 * repository: a user's clone may lack it, CI always has it.
 */
export const SPEC_PATH = path.resolve(
  fileURLToPath(new URL("../../", import.meta.url)),
  "..",
  "shared",
  "clerk-openapi",
  "bapi-2026-05-12.yml",
);

/** Whether `CI` says this is a CI run, as CI services set it (`true`, `1`). */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== "" && value !== "false" && value !== "0";
}

/**
 * What the contract test does: runs when the spec is there; skips, saying so, on a clone
 * without it; fails in CI, where a missing spec means the contract went unchecked.
 */
export function contractDecision(specExists: boolean, ci: boolean): "run" | "skip" | "fail" {
  if (specExists) return "run";
  return ci ? "fail" : "skip";
}
