/**
 * The platform's cert-manager (components/cert-manager): a top-level component before KServe and the gateway, and
 * the aliases that keep the install it was as a child of KServe's ModelServing.
 */
import type * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { loadValuesFile } from "../../charts/values";
import { aliasChildren, CERT_MANAGER_RELEASE, formerUrns } from "../../components/cert-manager";
import { CHARTS } from "../../domain/versions";
import { parseYamlStream } from "../../scripts/plan/extract";
import type { PlanResult } from "../../scripts/plan/run";
import { T, childrenOf, one, plan } from "./plan-query";

const COMPONENT = "mlops:cert-manager:CertManager";
type Obj = { kind: string; metadata: { name: string; labels?: Record<string, string> } };

const plans: Record<string, PlanResult> = {};
beforeAll(async () => {
  for (const stack of ["local", "dev"]) plans[stack] = await plan(stack);
});

describe.each(["local", "dev"])("cert-manager in the %s plan", (stack) => {
  const p = () => plans[stack];
  const chart = () => one(p(), T.chart, CERT_MANAGER_RELEASE);
  const group = (name: string) => one(p(), T.configGroup, name);

  it("is a top-level component with its namespace and the catalogue's chart, released under its old name", () => {
    const component = one(p(), COMPONENT, "cert-manager");
    expect(component.parent).toBeNull();
    expect(
      childrenOf(p(), component)
        .map((c) => `${c.type} ${c.name}`)
        .sort(),
    ).toEqual([`${T.chart} ${CERT_MANAGER_RELEASE}`, `${T.configGroup} cert-manager-namespace`].sort());
    const ref = CHARTS.certManager;
    expect(chart().inputs).toMatchObject({ chart: ref.chart, version: ref.version, namespace: "cert-manager", values: loadValuesFile("cert-manager") });
    const [ns] = parseYamlStream(group("cert-manager-namespace").inputs.yaml as string) as Obj[];
    expect(ns).toMatchObject({ kind: "Namespace", metadata: { name: "cert-manager", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } });
  });

  it("comes after its namespace and monitoring (its ServiceMonitors), and KServe's controller after it", () => {
    expect(chart().dependsOn).toContain(group("cert-manager-namespace").urn);
    expect(chart().dependsOn).toContain(one(p(), T.chart, "monitoring").urn);
    expect(one(p(), T.chart, "services-kserve-controller").dependsOn).toContain(chart().urn);
  });

  it("is no longer KServe's: no cert-manager chart under ModelServing, no cert-manager in the services' namespaces", () => {
    expect(p().resources.filter((r) => r.type === T.chart && r.name.endsWith("cert-manager"))).toHaveLength(1);
    const names = (parseYamlStream(group("services-namespaces").inputs.yaml as string) as Obj[]).map((o) => o.metadata.name);
    expect(names).toContain("kserve");
    expect(names).not.toContain("cert-manager");
  });
});

describe("keeping the running install", () => {
  it("names the URNs the chart, its objects and the Namespace had (full parent type chains, as the engine builds them)", () => {
    const former = formerUrns("prod", "mlops-platform");
    expect(former.chart).toBe(
      "urn:pulumi:prod::mlops-platform::mlops:services:MlopsServices$mlops:services:ModelServing$kubernetes:helm.sh/v4:Chart::services-kserve-cert-manager",
    );
    expect(former.chartObject("kubernetes:apps/v1:Deployment", "services-kserve-cert-manager:cert-manager/services-kserve-cert-manager")).toBe(
      "urn:pulumi:prod::mlops-platform::mlops:services:MlopsServices$mlops:services:ModelServing$kubernetes:helm.sh/v4:Chart$kubernetes:apps/v1:Deployment::services-kserve-cert-manager:cert-manager/services-kserve-cert-manager",
    );
    expect(former.namespace).toBe(
      "urn:pulumi:prod::mlops-platform::mlops:services:MlopsServices$kubernetes:yaml/v2:ConfigGroup$kubernetes:core/v1:Namespace::services-namespaces:cert-manager",
    );
  });

  it("aliases each child the provider registers, never the component resource itself", () => {
    const transform = aliasChildren(T.chart, (type, name) => `old:${type}:${name}`);
    const args = (type: string) => ({ type, name: "x", custom: true, props: {}, opts: {} }) as unknown as pulumi.ResourceTransformArgs;
    expect(transform(args(T.chart))).toBeUndefined();
    const result = transform(args("kubernetes:core/v1:Service")) as pulumi.ResourceTransformResult;
    expect(result.opts.aliases).toEqual(["old:kubernetes:core/v1:Service:x"]);
  });
});
