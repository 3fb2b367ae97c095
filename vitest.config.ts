import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Most test time is spent waiting on the emulator, child processes and timers, not on the
    // CPU, so files run in more workers than vitest's default (one less than the cores: a
    // single worker on a 2-core machine). On 2 cores the suite took 70-78 s with 1 worker,
    // 40-64 s with 2, 31-41 s with 3, and no less with 4.
    maxWorkers: Math.max(3, availableParallelism()),
  },
});
