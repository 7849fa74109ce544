import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // Tests spawn real interpreters and create venvs on a shared, loaded machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
