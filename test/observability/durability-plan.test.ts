/**
 * Metrics that survive a restart, as the offline plan shows them: per tier (the fixture stacks) the volume, replicas
 * and retention of Prometheus and Alertmanager; with remote write, the AMP workspace, its key, Prometheus's role and
 * Pod Identity association (EKS), or the endpoint's basic-auth Secret (an existing cluster).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readInventory } from "../../scripts/inventory/store";
import { runPolicies } from "../../scripts/plan/policy";
import type { PlanResult } from "../../scripts/plan/run";
import { MONITORING_NAMESPACE } from "../../charts/observability";
import { PROMETHEUS_SERVICE_ACCOUNT, REMOTE_WRITE_SECRET } from "../../components/observability";
import { fixtureStack, stackConfig } from "../helpers/stack";
import { AWS_PROVIDER, T, childrenOf, input, one, ofType, plan } from "../components/plan-query";

const WORKSPACE = "aws:amp/workspace:Workspace";
const COMPONENT = "mlops:observability:Observability";
const values = (p: PlanResult) => input<Record<string, any>>(one(p, T.chart, "monitoring"), "values");

/** What each tier plans by default (config/observability.ts, OBSERVABILITY_DEFAULTS), written out. */
const TIERS = {
  local: { size: "10Gi", retention: "7d", retentionSize: "8GiB", replicas: 1, alertmanagerSize: "1Gi", storageClass: undefined },
  dev: { size: "20Gi", retention: "7d", retentionSize: "17GiB", replicas: 1, alertmanagerSize: "1Gi", storageClass: "gp3" },
  staging: { size: "50Gi", retention: "15d", retentionSize: "42GiB", replicas: 2, alertmanagerSize: "1Gi", storageClass: "gp3" },
  prod: { size: "100Gi", retention: "30d", retentionSize: "85GiB", replicas: 2, alertmanagerSize: "2Gi", storageClass: "gp3" },
} as const;

const plans: Record<string, PlanResult> = {};
beforeAll(async () => {
  for (const stack of Object.keys(TIERS)) plans[stack] = await plan(stack);
  const prod = fixtureStack("prod");
  plans.amp = await plan("prod", stackConfig({ ...prod, observability: { prometheus: { remoteWrite: { kind: "amp", workspace: "create" } } } }));
  const local = fixtureStack("local");
  const endpoint = { kind: "endpoint", url: "https://mimir.example.com/api/v1/push", basicAuth: { username: "platform" } };
  plans.endpoint = await plan("local", stackConfig({ ...local, observability: { prometheus: { remoteWrite: endpoint } } }));
}, 240_000);

describe.each(Object.entries(TIERS))("%s: Prometheus and Alertmanager on volumes", (stack, tier) => {
  const claim = (size: string) => ({
    volumeClaimTemplate: {
      spec: {
        ...(tier.storageClass ? { storageClassName: tier.storageClass } : {}),
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: size } },
      },
    },
  });

  it("plans the tier's volume, replicas and retention for Prometheus", () => {
    expect(values(plans[stack]).prometheus.prometheusSpec).toMatchObject({
      replicas: tier.replicas,
      retention: tier.retention,
      retentionSize: tier.retentionSize,
      storageSpec: claim(tier.size),
    });
  });

  it("plans Alertmanager's volume and replicas, beside the routing another builder owns", () => {
    const am = values(plans[stack]).alertmanager;
    expect(am.enabled).toBe(true);
    expect(am.alertmanagerSpec).toMatchObject({ replicas: tier.replicas, retention: "120h", storage: claim(tier.alertmanagerSize) });
  });

  it("never leaves Prometheus or Alertmanager on an emptyDir: a claim template is their only storage", () => {
    expect(Object.keys(values(plans[stack]).prometheus.prometheusSpec.storageSpec)).toEqual(["volumeClaimTemplate"]);
    expect(Object.keys(values(plans[stack]).alertmanager.alertmanagerSpec.storage)).toEqual(["volumeClaimTemplate"]);
  });

  it("writes nowhere else, and creates no AWS for it, without a remote write", () => {
    expect(values(plans[stack]).prometheus.prometheusSpec).not.toHaveProperty("remoteWrite");
    expect(ofType(plans[stack], WORKSPACE)).toEqual([]);
    expect(ofType(plans[stack], T.podIdentity).filter((r) => r.inputs.namespace === MONITORING_NAMESPACE)).toEqual([]);
  });
});

describe("prod with remote write to a workspace of its own (AMP)", () => {
  const p = () => plans.amp;
  const component = () => one(p(), COMPONENT, "monitoring");

  it("creates the workspace under Observability, encrypted with a key of its own, protected in prod", () => {
    const workspace = one(p(), WORKSPACE, "monitoring-amp");
    expect(workspace.parent).toBe(component().urn);
    const key = one(p(), T.kmsKey, "mlops-prod-metrics");
    expect(key.parent).toBe(component().urn);
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    expect(workspace.inputs).toMatchObject({ alias: "mlops-prod", kmsKeyArn: "<computed:mlops-prod-metrics.arn>" });
    expect([workspace.protect, workspace.retainOnDelete, key.protect]).toEqual([true, true, true]);
    expect(workspace.provider).toBe(`urn:pulumi:prod::mlops-platform::${AWS_PROVIDER}`);
  });

  it("lets only Prometheus's service account in monitoring assume a role that may write to that workspace only", () => {
    const role = one(p(), T.role, "monitoring-prometheus");
    const trust = JSON.parse(role.inputs.assumeRolePolicy as string);
    expect(trust.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: "pods.eks.amazonaws.com" },
        Condition: {
          StringEquals: {
            "aws:RequestTag/kubernetes-namespace": MONITORING_NAMESPACE,
            "aws:RequestTag/kubernetes-service-account": [PROMETHEUS_SERVICE_ACCOUNT],
          },
        },
      }),
    ]);
    const policy = JSON.parse(one(p(), T.rolePolicy, "monitoring-prometheus").inputs.policy as string);
    expect(policy.Statement).toEqual([
      { Sid: "RemoteWriteToOneWorkspace", Effect: "Allow", Action: "aps:RemoteWrite", Resource: "<computed:monitoring-amp.arn>" },
    ]);
    const association = one(p(), T.podIdentity, "monitoring-prometheus");
    expect(association.inputs).toMatchObject({
      namespace: MONITORING_NAMESPACE,
      serviceAccount: PROMETHEUS_SERVICE_ACCOUNT,
      roleArn: "<computed:monitoring-prometheus.arn>",
    });
  });

  it("writes to the workspace with sigv4, labelled so the workspace deduplicates the two replicas; the chart waits for the association", () => {
    const spec = values(p()).prometheus.prometheusSpec;
    expect(spec.replicas).toBe(2);
    expect(spec.remoteWrite).toEqual([{ url: "<computed:monitoring-amp.prometheusEndpoint>api/v1/remote_write", sigv4: { region: "us-east-1" } }]);
    expect(spec.externalLabels).toEqual({ cluster: "mlops-prod" });
    expect(spec.replicaExternalLabelName).toBe("__replica__");
    expect(one(p(), T.chart, "monitoring").dependsOn).toContain(one(p(), T.podIdentity, "monitoring-prometheus").urn);
  });

  it("the policy pack reports nothing against the monitoring component and its AWS resources", async () => {
    const ours = [component(), ...childrenOf(p(), component())].map((r) => r.urn);
    expect(ours.length).toBeGreaterThan(5);
    const violations = await runPolicies(p(), "prod");
    expect(violations.filter((v) => ours.some((u) => v.urn.startsWith(u)))).toEqual([]);
  });
});

describe("an existing cluster writing to an HTTPS endpoint with basic auth", () => {
  const p = () => plans.endpoint;

  it("delivers user and (masked) password as a Secret in monitoring, which the chart waits for and the values name", () => {
    const secret = one(p(), "kubernetes:core/v1:Secret", "monitoring-remote-write");
    expect(secret.inputs).toMatchObject({ metadata: { name: REMOTE_WRITE_SECRET, namespace: MONITORING_NAMESPACE } });
    expect(secret.inputs.stringData).toEqual({ username: "[secret]", password: "[secret]" });
    expect(one(p(), T.chart, "monitoring").dependsOn).toContain(secret.urn);
    const [entry] = values(p()).prometheus.prometheusSpec.remoteWrite;
    expect(entry).toEqual({
      url: "https://mimir.example.com/api/v1/push",
      basicAuth: { username: { name: REMOTE_WRITE_SECRET, key: "username" }, password: { name: REMOTE_WRITE_SECRET, key: "password" } },
    });
    expect(JSON.stringify(p().resources)).not.toContain("offline-plan-remote-write-password");
  });

  it("creates nothing on AWS", () => {
    expect(p().resources.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
  });
});

it("the chart names Prometheus's service account as the Pod Identity association says (from the inventory)", () => {
  const accounts = readInventory()
    .filter((f) => f.chart === "kube-prometheus-stack")
    .flatMap((f) =>
      f.objects.filter((o: any) => o.kind === "ServiceAccount" && o.metadata.namespace === MONITORING_NAMESPACE).map((o: any) => o.metadata.name),
    );
  expect(accounts.length).toBeGreaterThan(0);
  expect(accounts).toContain(PROMETHEUS_SERVICE_ACCOUNT);
});
