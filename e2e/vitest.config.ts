import { defineConfig } from "vitest/config";

// End-to-end tests spawn real interpreters, pip and the built CLI on a 2-core machine: one file at a
// time, generous timeouts.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    reporters: ["default"],
  },
});
