/**
 * Builds or reuses the control plane's binaries and starts one control plane for the whole run; the test files
 * get its connection through `inject("kube")`. Hooks time out at 180 s, so a cold build (minutes) happens here,
 * before any hook, with no timeout.
 */
import type { TestProject } from "vitest/node" with { "resolution-mode": "import" };
import { ensureControlPlaneBinaries } from "../../scripts/cluster/binaries";
import { startControlPlane } from "../../scripts/cluster/control-plane";
import type { KubeConnection } from "../../scripts/cluster/kube-client";

declare module "vitest" {
  export interface ProvidedContext {
    kube: KubeConnection;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const binaries = ensureControlPlaneBinaries();
  const plane = await startControlPlane(binaries.paths);
  process.stderr.write(
    `Control plane up in ${plane.startSeconds.toFixed(1)} s (binaries: ${binaries.buildSeconds > 0 ? `built in ${binaries.buildSeconds.toFixed(0)} s` : "cached"}) at ${plane.connection.server}\n`,
  );
  project.provide("kube", plane.connection);
  return () => plane.stop();
}
