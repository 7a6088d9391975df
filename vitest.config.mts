import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The real-server tests have their own command and setup (vitest.cluster.config.mts).
    exclude: ["test/cluster/**", "**/node_modules/**"],
    // Pulumi's runtime keeps global state: isolate each file in its own process.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
