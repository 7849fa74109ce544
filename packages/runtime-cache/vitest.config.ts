import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Real interpreters and real pip on a shared 2-core machine: generous, and one file at a time
    // so install timings don't starve each other's lock updates.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
