import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/**
 * Tests that build or install the package (npm pack and install, the desktop bundle): they
 * spend seconds of CPU in npm and mcpb, which on a 2-core machine would slow the timing-bound
 * tests running beside them past their timeouts, so they run as a second group, after the rest.
 */
const PACKAGING = ["test/e2e/packed.e2e.test.ts", "test/e2e/bundle.e2e.test.ts"];

/**
 * Third-party MCP clients against the built server (the MCP Inspector's CLI, the MCP
 * conformance suite), on Node 22: they spawn several processes each, so for the same reason
 * they run as a third group, last. `npm run test:interop` runs them alone.
 */
const INTEROP = ["test/interop/**/*.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Most test time is spent waiting on the emulator, child processes and timers, not on the
    // CPU, so files run in more workers than vitest's default (one less than the cores: a
    // single worker on a 2-core machine). On 2 cores the suite took 70-78 s with 1 worker,
    // 40-64 s with 2, 31-41 s with 3, and no less with 4.
    maxWorkers: Math.max(3, availableParallelism()),
    projects: [
      {
        extends: true,
        test: {
          name: "main",
          include: ["test/**/*.test.ts"],
          exclude: [...PACKAGING, ...INTEROP],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: "packaging", include: PACKAGING, sequence: { groupOrder: 1 } },
      },
      {
        extends: true,
        test: {
          name: "interop",
          include: INTEROP,
          globalSetup: ["test/interop/setup.ts"],
          // Installing Node 22 on a clean clone downloads about 30 MB.
          hookTimeout: 180_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
