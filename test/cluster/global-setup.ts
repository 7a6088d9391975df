/**
 * Builds or reuses the control plane's binaries and Kueue's, and starts one control plane for the whole run; the
 * test files get its connection through `inject("kube")` and the Kueue build through `inject("kueue")` (the
 * queue tests start Kueue themselves: its webhooks fail closed, so it runs only while they need it). Hooks time
 * out at 180 s, so cold builds (minutes) happen here, before any hook, with no timeout. The Envoy Gateway module
 * (its CRDs) comes through `inject("gateway")`; the access tests install them. The API server also trusts ID tokens
 * of the access fixture's identity provider, as its access section says (a tiny issuer on 127.0.0.1 serves the
 * keys; the sign-in tests mint tokens with `inject("oidc")`): one server for every suite, no second start. promtool
 * and amtool of the releases the monitoring chart runs are built here too (`inject("promtool")`, `inject("amtool")`):
 * the alert rule and route tests run them, with no server.
 */
import { join } from "node:path";
import type { TestProject } from "vitest/node" with { "resolution-mode": "import" };
import type { AccessConfig } from "../../config/access";
import { readStackConfig } from "../../scripts/plan/stack-file";
import { ensureControlPlaneBinaries } from "../../scripts/cluster/binaries";
import { startControlPlane } from "../../scripts/cluster/control-plane";
import { ensureGatewayModule, type GatewayModule } from "../../scripts/cluster/gateway-crds";
import type { KubeConnection } from "../../scripts/cluster/kube-client";
import { ensureKueueBinary, type KueueBuild } from "../../scripts/cluster/kueue-binary";
import { authenticationConfiguration, stackAccess } from "../../scripts/cluster/oidc-config";
import { startOidcIssuer } from "../../scripts/cluster/oidc-issuer";
import type { SigningKey } from "../../scripts/cluster/oidc-token";
import { ensureAmtool, ensurePromtool, type ToolBuild } from "../../scripts/cluster/prometheus-tools";

/** The fixture stack whose access section the API server's authentication follows. */
export const ACCESS_STACK = "access";

/** What the sign-in tests need to mint tokens the API server trusts. */
export interface OidcContext {
  readonly access: AccessConfig;
  readonly signingKey: SigningKey;
}

declare module "vitest" {
  export interface ProvidedContext {
    kube: KubeConnection;
    kueue: KueueBuild;
    gateway: GatewayModule;
    oidc: OidcContext;
    promtool: ToolBuild;
    amtool: ToolBuild;
  }
}

const built = (seconds: number): string => (seconds > 0 ? `built in ${seconds.toFixed(0)} s` : "cached");

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const binaries = ensureControlPlaneBinaries();
  const kueue = ensureKueueBinary();
  const gateway = ensureGatewayModule();
  const promtool = ensurePromtool();
  const amtool = ensureAmtool();
  const access = stackAccess(readStackConfig(ACCESS_STACK, join(__dirname, "stacks")).values, ACCESS_STACK);
  const issuer = await startOidcIssuer(access.identityProvider.issuer);
  const plane = await startControlPlane(binaries.paths, { authenticationConfig: authenticationConfiguration(access, issuer) }).catch(async (error: unknown) => {
    await issuer.stop();
    throw error;
  });
  process.stderr.write(
    `Control plane up in ${plane.startSeconds.toFixed(1)} s (binaries: ${built(binaries.buildSeconds)}; Kueue ${kueue.version}: ${built(kueue.buildSeconds)}; promtool ${promtool.release}: ${built(promtool.buildSeconds)}; amtool ${amtool.release}: ${built(amtool.buildSeconds)}) at ${plane.connection.server}\n`,
  );
  project.provide("kube", plane.connection);
  project.provide("kueue", kueue);
  project.provide("gateway", gateway);
  project.provide("oidc", { access, signingKey: issuer.signingKey });
  project.provide("promtool", promtool);
  project.provide("amtool", amtool);
  return async () => {
    await plane.stop();
    await issuer.stop();
  };
}
