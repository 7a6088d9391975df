/**
 * Builds or reuses the control plane's binaries and Kueue's, and starts one control plane for the whole run; the
 * test files get its connection through `inject("kube")` and the Kueue build through `inject("kueue")` (the
 * queue tests start Kueue themselves: its webhooks fail closed, so it runs only while they need it). Hooks time
 * out at 180 s, so cold builds (minutes) happen here, before any hook, with no timeout. The Envoy Gateway module
 * (its CRDs) comes through `inject("gateway")`; the access tests install them.
 */
import type { TestProject } from "vitest/node" with { "resolution-mode": "import" };
import { ensureControlPlaneBinaries } from "../../scripts/cluster/binaries";
import { startControlPlane } from "../../scripts/cluster/control-plane";
import { ensureGatewayModule, type GatewayModule } from "../../scripts/cluster/gateway-crds";
import type { KubeConnection } from "../../scripts/cluster/kube-client";
import { ensureKueueBinary, type KueueBuild } from "../../scripts/cluster/kueue-binary";

declare module "vitest" {
  export interface ProvidedContext {
    kube: KubeConnection;
    kueue: KueueBuild;
    gateway: GatewayModule;
  }
}

const built = (seconds: number): string => (seconds > 0 ? `built in ${seconds.toFixed(0)} s` : "cached");

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const binaries = ensureControlPlaneBinaries();
  const kueue = ensureKueueBinary();
  const gateway = ensureGatewayModule();
  const plane = await startControlPlane(binaries.paths);
  process.stderr.write(
    `Control plane up in ${plane.startSeconds.toFixed(1)} s (binaries: ${built(binaries.buildSeconds)}; Kueue ${kueue.version}: ${built(kueue.buildSeconds)}) at ${plane.connection.server}\n`,
  );
  project.provide("kube", plane.connection);
  project.provide("kueue", kueue);
  project.provide("gateway", gateway);
  return () => plane.stop();
}
