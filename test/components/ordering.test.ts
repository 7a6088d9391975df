/** Creation order and access a real `pulumi up` depends on, which no mock would otherwise notice. */
import { beforeAll, describe, expect, it } from "vitest";
import { prometheusStackValues } from "../../components/observability";
import type { PlanResult } from "../../scripts/plan/run";
import { one, ofType, plan } from "./plan-query";

let prod: PlanResult;
beforeAll(async () => {
  prod = await plan("prod");
});

const urnsUnder = (p: PlanResult, parentSuffix: string) => p.resources.filter((r) => r.parent?.endsWith(parentSuffix)).map((r) => r.urn);

describe("ordering", () => {
  it("the Kubernetes provider waits for the admin access entries and their policy associations", () => {
    const provider = one(prod, "pulumi:providers:kubernetes", "mlops-prod");
    const access = [...ofType(prod, "aws:eks/accessEntry:AccessEntry"), ...ofType(prod, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")]
      .filter((r) => r.name.startsWith("mlops-prod-admin-"))
      .map((r) => r.urn);
    expect(access).toHaveLength(4);
    for (const urn of access) expect(provider.dependsOn).toContain(urn);
  });

  it("storage classes wait for the workload add-ons (snapshot CRDs, CSI drivers)", () => {
    const classes = one(prod, "kubernetes:yaml/v2:ConfigGroup", "storage-classes");
    const snapshot = ofType(prod, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === "snapshot-controller")!;
    expect(classes.dependsOn).toContain(snapshot.urn);
    for (const urn of urnsUnder(prod, "mlops:cluster:WorkloadAddons::mlops-prod-addons")) expect(classes.dependsOn).toContain(urn);
  });
});

describe("children wait for what their component waits for (Pulumi does not pass a component's dependsOn on)", () => {
  const nodeGroups = () => ofType(prod, "aws:eks/nodeGroup:NodeGroup").map((r) => r.urn);
  const chart = (name: string) => one(prod, "kubernetes:helm.sh/v4:Chart", name);

  it("node groups wait for the networking add-ons", () => {
    const bootstrap = ofType(prod, "aws:eks/addon:Addon").filter((a) =>
      ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"].includes(a.inputs.addonName as string),
    );
    for (const g of ofType(prod, "aws:eks/nodeGroup:NodeGroup")) for (const a of bootstrap) expect(g.dependsOn).toContain(a.urn);
  });

  it("add-ons with pods and the charts wait for the node groups", () => {
    const workload = ofType(prod, "aws:eks/addon:Addon").filter((a) =>
      ["coredns", "aws-ebs-csi-driver", "snapshot-controller"].includes(a.inputs.addonName as string),
    );
    for (const r of [...workload, chart("cluster-autoscaler"), chart("monitoring"), chart("gpu-operator")]) {
      for (const g of nodeGroups()) expect(r.dependsOn, r.name).toContain(g);
    }
  });

  it("the GPU operator's chart waits for the monitoring chart (its ServiceMonitor CRD)", () => {
    expect(chart("gpu-operator").dependsOn).toContain(chart("monitoring").urn);
  });
});

describe("Lustre traffic both ways between file servers and cluster nodes", () => {
  it("opens 988 and 1018-1023 from the Lustre group to the cluster group and into the cluster group", () => {
    const egress = ofType(prod, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((r) => r.name.startsWith("storage-scratch-to-clients-"));
    const ingress = ofType(prod, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) =>
      r.name.startsWith("storage-scratch-clients-from-lustre-"),
    );
    for (const rules of [egress, ingress])
      expect(rules.map((r) => [r.inputs.fromPort, r.inputs.toPort]).sort()).toEqual([
        [1018, 1023],
        [988, 988],
      ]);
    for (const r of ingress) expect(r.inputs.securityGroupId).toBe("<computed:mlops-prod.clusterSecurityGroupId>");
    for (const r of egress) expect(r.inputs.referencedSecurityGroupId).toBe("<computed:mlops-prod.clusterSecurityGroupId>");
  });
});

describe("kube-prometheus-stack on EKS", () => {
  it("runs the operator without the hook-made TLS secret and scrapes no unreachable control-plane targets", () => {
    const v = prometheusStackValues() as Record<string, any>;
    expect(v.prometheusOperator).toMatchObject({ tls: { enabled: false }, admissionWebhooks: { enabled: false } });
    for (const k of ["kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy"]) expect(v[k], k).toEqual({ enabled: false });
    // The pool label for capacity panels; the namespaces' team and cost-center labels for the cost rules.
    expect(v["kube-state-metrics"].metricLabelsAllowlist).toEqual(["nodes=[mlops.platform/pool]", "namespaces=[team,cost-center]"]);
  });
});
