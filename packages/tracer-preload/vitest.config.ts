import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Tests spawn real interpreters, compilers and make on a shared 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    globalSetup: ["./src/test-utils/build-native.ts"],
  },
});
