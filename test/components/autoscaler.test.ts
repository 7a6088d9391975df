import { describe, it, expect, beforeAll } from "vitest";
import { AUTOSCALER_NAMESPACE, AUTOSCALER_SERVICE_ACCOUNT, autoscalerPolicy, autoscalerValues } from "../../components/autoscaler";
import { CHARTS, EKS_VERSIONS } from "../../domain/versions";
import type { PolicyStatement } from "../../components/aws/iam";
import type { PlanResult } from "../../scripts/plan/run";
import { AWS_PROVIDER, T, childrenOf, input, one, ofType, plan } from "./plan-query";

const asList = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const READ_ONLY = /^(autoscaling|ec2|eks):(Describe|Get|List)/;

let prod: PlanResult;
let dev: PlanResult;

beforeAll(async () => {
  prod = await plan("prod");
  dev = await plan("dev");
});

describe("autoscalerPolicy (pure)", () => {
  const statements = autoscalerPolicy("mlops-prod").Statement;

  it("has no wildcard action anywhere", () => {
    for (const s of statements) for (const a of asList(s.Action)) expect(a).not.toContain("*");
  });

  it("allows write actions only on groups tagged as owned by this cluster", () => {
    const writers = statements.filter((s) => asList(s.Action).some((a) => !READ_ONLY.test(a)));
    expect(writers).toHaveLength(1);
    expect(asList(writers[0].Action).sort()).toEqual(["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]);
    expect(writers[0].Condition).toEqual({ StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/mlops-prod": "owned" } });
    expect(writers.every((s: PolicyStatement) => s.Effect === "Allow")).toBe(true);
  });

  it("keeps every unconditioned statement read-only", () => {
    for (const s of statements.filter((x) => x.Condition === undefined)) {
      for (const a of asList(s.Action)) expect(a, a).toMatch(READ_ONLY);
    }
  });

  it("scopes the tag condition to the cluster it is given", () => {
    const other = autoscalerPolicy("other").Statement.find((s) => s.Condition);
    expect(Object.keys(other!.Condition!.StringEquals)).toEqual(["aws:ResourceTag/k8s.io/cluster-autoscaler/other"]);
  });
});

describe("autoscalerValues (pure)", () => {
  const values = autoscalerValues({ clusterName: "c", region: "us-east-2", imageTag: "v9.9.9" });

  it("sets discovery, region, image and service account, over the checked-in overrides", () => {
    expect(values).toMatchObject({
      fullnameOverride: "cluster-autoscaler",
      autoDiscovery: { clusterName: "c" },
      awsRegion: "us-east-2",
      image: { tag: "v9.9.9" },
      rbac: { serviceAccount: { create: true, name: "cluster-autoscaler" } },
      extraArgs: { "balance-similar-node-groups": true, "skip-nodes-with-system-pods": false, "skip-nodes-with-local-storage": false },
    });
  });

  it("runs non-root, read-only and without privileges", () => {
    expect(values.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(values.containerSecurityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
  });
});

describe("ClusterAutoscaler component (prod)", () => {
  const component = () => one(prod, T.autoscaler, "cluster-autoscaler");
  const chart = () => one(prod, T.chart, "cluster-autoscaler");

  it("is a top-level component holding role, role policy, Pod Identity association and chart", () => {
    expect(component().parent).toBeNull();
    expect(
      childrenOf(prod, component())
        .map((c) => `${c.type} ${c.name}`)
        .sort(),
    ).toEqual(
      [`${T.role} cluster-autoscaler`, `${T.podIdentity} cluster-autoscaler`, `${T.rolePolicy} cluster-autoscaler`, `${T.chart} cluster-autoscaler`].sort(),
    );
  });

  it("deploys the catalogue's chart as a helm v4 Chart into kube-system through the cluster's provider", () => {
    const ref = CHARTS.clusterAutoscaler;
    expect(chart().type).toBe("kubernetes:helm.sh/v4:Chart");
    expect(chart().inputs).toMatchObject({ chart: ref.chart, version: ref.version, repositoryOpts: { repo: ref.repo }, namespace: "kube-system" });
    expect(AUTOSCALER_NAMESPACE).toBe("kube-system");
    expect(chart().provider).toBe("urn:pulumi:prod::mlops-platform::pulumi:providers:kubernetes::mlops-prod");
    expect(chart().dependsOn).toContain(one(prod, T.podIdentity, "cluster-autoscaler").urn);
  });

  it("discovers this cluster's groups in its region with the image for 1.35", () => {
    expect(input(chart(), "values.autoDiscovery.clusterName")).toBe("mlops-prod");
    expect(input(chart(), "values.awsRegion")).toBe("us-east-1");
    expect(input(chart(), "values.image.tag")).toBe(EKS_VERSIONS["1.35"].clusterAutoscalerImageTag);
    expect(input(chart(), "values.image.tag")).toBe("v1.35.2");
  });

  it("runs on the system pool, tolerating CriticalAddonsOnly", () => {
    expect(input(chart(), "values.tolerations")).toEqual([{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }]);
    expect(input(chart(), "values.nodeSelector")).toEqual({ "mlops.platform/role": "system" });
  });

  it("binds its role to kube-system/cluster-autoscaler through Pod Identity on the aws provider", () => {
    const assoc = one(prod, T.podIdentity, "cluster-autoscaler");
    expect(assoc.inputs).toEqual({
      clusterName: "mlops-prod",
      namespace: "kube-system",
      serviceAccount: "cluster-autoscaler",
      roleArn: "<computed:cluster-autoscaler.arn>",
    });
    expect(AUTOSCALER_SERVICE_ACCOUNT).toBe(input(chart(), "values.rbac.serviceAccount.name"));
    for (const r of [assoc, one(prod, T.role, "cluster-autoscaler"), one(prod, T.rolePolicy, "cluster-autoscaler")]) {
      expect(r.provider).toContain(AWS_PROVIDER);
      expect(r.parent).toBe(component().urn);
    }
  });

  it("attaches the least-privilege policy for this cluster to a Pod Identity role", () => {
    const trust = JSON.parse(one(prod, T.role, "cluster-autoscaler").inputs.assumeRolePolicy as string);
    expect(trust.Statement[0]).toMatchObject({ Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] });
    const policy = JSON.parse(one(prod, T.rolePolicy, "cluster-autoscaler").inputs.policy as string);
    expect(policy).toEqual(autoscalerPolicy("mlops-prod"));
  });

  it("uses the dev cluster's name on dev", () => {
    expect(input(one(dev, T.chart, "cluster-autoscaler"), "values.autoDiscovery.clusterName")).toBe("mlops-dev");
    const policy = JSON.parse(one(dev, T.rolePolicy, "cluster-autoscaler").inputs.policy as string);
    expect(JSON.stringify(policy)).toContain("k8s.io/cluster-autoscaler/mlops-dev");
    expect(
      ofType(dev, T.chart)
        .map((c) => c.name)
        .filter((n) => !n.startsWith("services-"))
        .sort(),
    ).toEqual(["aws-load-balancer-controller", "cluster-autoscaler", "envoy-gateway", "fluent-bit", "gpu-operator", "kueue", "monitoring", "opencost"]);
  });
});
