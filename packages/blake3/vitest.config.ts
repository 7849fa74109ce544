import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // Writes and hashes a few hundred MiB on a shared, loaded 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    globalSetup: ["./src/test-utils/build-native.ts"],
  },
});
