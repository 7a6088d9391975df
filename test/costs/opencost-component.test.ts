/** The OpenCost component in the offline plan: on EKS by default, on an existing cluster with prices, never without. */
import { beforeAll, describe, expect, it } from "vitest";
import { OPENCOST_CLUSTER_RULES } from "../../components/costs/opencost-namespace";
import { OPENCOST_NAMESPACE } from "../../domain/platform-namespaces";
import { CHARTS } from "../../domain/versions";
import { parseYamlStream } from "../../scripts/plan/extract";
import type { PlanResult } from "../../scripts/plan/run";
import { readStackConfig } from "../../scripts/plan/stack-file";
import { CLUSTER_STACKS_DIR } from "../cluster/planned";
import { T, childrenOf, input, one, plan, type Res } from "../components/plan-query";

const OPENCOST = "mlops:costs:OpenCost";
type Obj = { kind: string; metadata: { name: string; namespace?: string }; spec?: any; rules?: any[] };
const objs = (group: Res) => parseYamlStream(group.inputs.yaml as string) as Obj[];

const plans: Record<string, PlanResult> = {};
beforeAll(async () => {
  plans.dev = await plan("dev");
  plans.local = await plan("local");
  plans.opencost = await plan("opencost", readStackConfig("opencost", CLUSTER_STACKS_DIR));
});

const chart = (stack: string) => one(plans[stack], T.chart, "opencost");
const values = (stack: string) => input<Record<string, any>>(chart(stack), "values");
const namespaceObjects = (stack: string) => objs(one(plans[stack], T.configGroup, "opencost-namespace"));
const policies = (stack: string) => namespaceObjects(stack).filter((o) => o.kind === "NetworkPolicy");

describe("OpenCost in the plan", () => {
  it.each(["dev", "opencost"])("%s: a top-level component with its namespace group and the catalogue's chart in opencost", (stack) => {
    const component = one(plans[stack], OPENCOST, "opencost");
    expect(component.parent).toBeNull();
    const children = childrenOf(plans[stack], component).map((c) => `${c.type} ${c.name}`);
    expect(children.length).toBeGreaterThan(0);
    expect(children.sort()).toEqual([`${T.chart} opencost`, `${T.configGroup} opencost-namespace`]);
    expect(chart(stack).inputs).toMatchObject({ chart: CHARTS.opencost.chart, version: CHARTS.opencost.version, namespace: OPENCOST_NAMESPACE });
    expect(chart(stack).inputs.repositoryOpts).toEqual({ repo: CHARTS.opencost.repo });
  });

  it("is absent from an existing cluster without costs.allocation", () => {
    expect(plans.local.resources.filter((r) => r.type === OPENCOST)).toEqual([]);
  });

  it("EKS: AWS pricing (no custom ConfigMap), the system pool, HTTPS egress to public addresses for the price list", () => {
    expect(values("dev").opencost.customPricing).toBeUndefined();
    expect(values("dev").opencost.nodeSelector).toEqual({ "mlops.platform/role": "system" });
    expect(policies("dev").map((p) => p.metadata.name)).toContain("allow-aws-price-list");
  });

  it("existing cluster: the fixture's prices as monthly figures, the cluster name as id, no internet egress", () => {
    expect(values("opencost").opencost.customPricing.costModel).toMatchObject({ CPU: "22.63", RAM: "3.066", GPU: "1533", storage: "0.1" });
    expect(values("opencost").opencost.exporter.defaultClusterId).toBe("mlops-opencost");
    expect(policies("opencost").map((p) => p.metadata.name)).not.toContain("allow-aws-price-list");
  });

  it.each(["dev", "opencost"])("%s: a restricted namespace, default-deny, Prometheus alone may scrape port 9003", (stack) => {
    const objects = namespaceObjects(stack);
    expect(objects.length).toBeGreaterThan(0);
    const ns = objects.find((o) => o.kind === "Namespace") as Obj & { metadata: { labels: Record<string, string> } };
    expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    const names = policies(stack).map((p) => p.metadata.name);
    expect(names).toEqual(expect.arrayContaining(["default-deny", "allow-dns", "allow-prometheus-scrape", "allow-prometheus-queries", "allow-api-server"]));
    const scrape = policies(stack).find((p) => p.metadata.name === "allow-prometheus-scrape");
    expect(scrape?.spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
            podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus", "operator.prometheus.io/name": "monitoring-kube-prometheus-prometheus" } },
          },
        ],
        ports: [{ protocol: "TCP", port: 9003 }],
      },
    ]);
  });

  it.each(["dev", "opencost"])("%s: our RBAC reads nothing of ConfigMaps or Secrets cluster-wide and writes nothing", (stack) => {
    const objects = namespaceObjects(stack);
    const clusterRole = objects.find((o) => o.kind === "ClusterRole");
    expect(clusterRole?.rules).toEqual(OPENCOST_CLUSTER_RULES);
    for (const rule of clusterRole?.rules ?? []) {
      expect(rule.resources).not.toContain("configmaps");
      expect(rule.resources).not.toContain("secrets");
      expect(rule.verbs.every((verb: string) => ["get", "list", "watch"].includes(verb))).toBe(true);
    }
    const role = objects.find((o) => o.kind === "Role");
    expect(role?.metadata.namespace).toBe(OPENCOST_NAMESPACE);
    expect(role?.rules).toEqual([{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] }]);
  });

  it.each(["dev", "opencost"])("%s: the chart's objects for these values are in the committed inventory", (stack) => {
    const renders = plans[stack].upstream.filter((r) => r.chart.release === "opencost");
    expect(renders.length).toBe(1);
    const kinds = (renders[0].inventory?.objects ?? []).map((o) => o.kind).sort();
    expect(kinds.length).toBeGreaterThan(0);
    expect(kinds).toEqual(
      stack === "dev"
        ? ["Deployment", "Service", "ServiceAccount", "ServiceMonitor"]
        : ["ConfigMap", "Deployment", "Service", "ServiceAccount", "ServiceMonitor"],
    );
  });
});
