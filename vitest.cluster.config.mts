import { defineConfig } from "vitest/config";

/**
 * `npm run test:cluster`: the tests that need a real API server or a real upstream tool. The global setup builds or
 * reuses the control plane's binaries (and promtool and amtool, for the alert tests), starts etcd, kube-apiserver and
 * kube-controller-manager on 127.0.0.1 once for the run, and stops them afterwards. Files run one after another against that one server: each test namespaces what it makes.
 */
export default defineConfig({
  test: {
    include: ["test/cluster/**/*.test.ts"],
    globalSetup: ["test/cluster/global-setup.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
