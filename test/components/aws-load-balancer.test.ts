/**
 * The AWS Load Balancer Controller: its chart values (pure) and the component under runtime mocks — a Pod Identity
 * role with the NLB policy, the association on the chart's service account, the catalogue chart in kube-system.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { NLB_CLASS } from "../../charts/access/gateway";
import {
  AwsLoadBalancerController,
  LOAD_BALANCER_CONTROLLER_NAMESPACE,
  LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT,
  loadBalancerControllerPolicy,
  loadBalancerControllerValues,
} from "../../components/aws-load-balancer";
import { podIdentityTrustPolicy } from "../../components/aws/iam";
import type { Environment } from "../../domain/environments";
import { CHARTS } from "../../domain/versions";
import { planMocks } from "../../scripts/plan/mocks";
import { Recorder, type PlannedResource } from "../../scripts/plan/recorder";

type AnyObj = Record<string, any>;
const valuesFor = (environment: Environment): AnyObj => loadBalancerControllerValues({ clusterName: "c", region: "us-east-1", vpcId: "vpc-1", environment });

describe("loadBalancerControllerValues (pure)", () => {
  const prod = valuesFor("prod");

  it("names the cluster, region and VPC, so the controller needs no instance metadata", () => {
    expect(prod).toMatchObject({ clusterName: "c", region: "us-east-1", vpcId: "vpc-1", fullnameOverride: "aws-load-balancer-controller" });
  });

  it("serves the gateway's class (its own default) and no plain LoadBalancer Service: the Service mutator webhook is off", () => {
    expect(NLB_CLASS).toBe("service.k8s.aws/nlb");
    expect(prod.loadBalancerClass).toBe(NLB_CLASS);
    expect(prod.enableServiceMutatorWebhook).toBe(false);
  });

  it("leaves the Gateway API to Envoy Gateway, makes no IngressClass and calls no WAF or Shield", () => {
    expect(prod.controllerConfig).toEqual({ featureGates: { ALBGatewayAPI: false, NLBGatewayAPI: false } });
    expect(prod).toMatchObject({ createIngressClassResource: false, ingressClassParams: { create: false } });
    expect(prod).toMatchObject({ enableShield: false, enableWaf: false, enableWafv2: false });
  });

  it("keeps the webhook certificates it generated at install instead of cert-manager", () => {
    expect(prod.keepTLSSecret).toBe(true);
    expect(prod.enableCertManager).toBeUndefined();
    expect(prod.webhookTLS).toBeUndefined();
  });

  it("uses a Pod Identity service account: created by the chart, named, without an IRSA annotation", () => {
    expect(prod.serviceAccount).toEqual({ create: true, name: LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT, annotations: {} });
    expect(LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT).toBe("aws-load-balancer-controller");
    expect(JSON.stringify(prod)).not.toContain("eks.amazonaws.com/role-arn");
  });

  it("runs two replicas with a disruption budget in staging and prod, one without in dev", () => {
    for (const env of ["staging", "prod"] as const) {
      expect(valuesFor(env), env).toMatchObject({ replicaCount: 2, podDisruptionBudget: { maxUnavailable: 1 } });
    }
    expect(valuesFor("dev")).toMatchObject({ replicaCount: 1, podDisruptionBudget: {} });
  });

  it("runs restricted: non-root, seccomp RuntimeDefault, read-only, no privilege escalation, no capabilities", () => {
    expect(prod.podSecurityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      fsGroup: 65534,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(prod.securityContext).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
  });

  it("is sized, memory limit at the request, and placed on the system pool", () => {
    expect(prod.resources).toEqual({ requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "256Mi" } });
    expect(prod.nodeSelector).toEqual({ "mlops.platform/role": "system" });
    expect(prod.tolerations).toEqual([{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }]);
  });
});

/** A resource the platform would have made before (the node groups). */
class Stub extends pulumi.CustomResource {
  constructor(type: string, name: string) {
    super(type, name, {});
  }
}

const resources: PlannedResource[] = [];
let nodes: Stub;
let provider: k8s.Provider;
const urnOf = (r: pulumi.Resource): Promise<string> => (r.urn as unknown as { promise(): Promise<string> }).promise();

beforeAll(async () => {
  await pulumi.runtime.setMocks({ newResource: (args) => planMocks.newResource(args), call: (args) => planMocks.call(args) }, "mlops-platform", "test", false);
  const recorder = new Recorder();
  recorder.attach();
  nodes = new Stub("test:index:NodeGroup", "nodes");
  provider = new k8s.Provider("mlops-test", { kubeconfig: "{}" });
  new AwsLoadBalancerController(
    "aws-load-balancer-controller",
    { clusterName: "mlops-test", eksClusterName: "mlops-test", region: "us-east-1", vpcId: "vpc-0abc", environment: "prod", kubernetesProvider: provider },
    { dependsOn: [nodes] },
  );
  await Recorder.settle();
  resources.push(...recorder.resources);
});

const one = (type: string, name: string): PlannedResource => {
  const hits = resources.filter((r) => r.type === type && r.name === name);
  if (hits.length !== 1) throw new Error(`expected one ${type} ${name}, found ${hits.length}`);
  return hits[0];
};
const NAME = "aws-load-balancer-controller";
const component = () => one("mlops:aws-load-balancer:AwsLoadBalancerController", NAME);
const chart = () => one("kubernetes:helm.sh/v4:Chart", NAME);
const association = () => one("aws:eks/podIdentityAssociation:PodIdentityAssociation", NAME);

describe("AwsLoadBalancerController component (mocks)", () => {
  it("holds a role, its inline policy, the Pod Identity association and the chart", () => {
    const children = resources.filter((r) => r.parent === component().urn);
    expect(children.map((r) => `${r.type} ${r.name}`).sort()).toEqual(
      [
        `aws:iam/role:Role ${NAME}`,
        `aws:iam/rolePolicy:RolePolicy ${NAME}`,
        `aws:eks/podIdentityAssociation:PodIdentityAssociation ${NAME}`,
        `kubernetes:helm.sh/v4:Chart ${NAME}`,
      ].sort(),
    );
  });

  it("deploys the catalogue's chart into kube-system through the cluster's provider, after the association and what it waits for", async () => {
    const ref = CHARTS.awsLoadBalancerController;
    expect(ref).toMatchObject({ repo: "https://aws.github.io/eks-charts", chart: "aws-load-balancer-controller", version: "3.5.0" });
    expect(chart().inputs).toMatchObject({ chart: ref.chart, version: ref.version, repositoryOpts: { repo: ref.repo }, namespace: "kube-system" });
    expect(LOAD_BALANCER_CONTROLLER_NAMESPACE).toBe("kube-system");
    expect(chart().provider).toContain(`pulumi:providers:kubernetes::mlops-test`);
    expect(chart().dependsOn).toContain(association().urn);
    expect(chart().dependsOn).toContain(await urnOf(nodes));
  });

  it("passes the values the pure builder makes for its inputs", () => {
    expect(chart().inputs.values).toEqual(
      loadBalancerControllerValues({ clusterName: "mlops-test", region: "us-east-1", vpcId: "vpc-0abc", environment: "prod" }),
    );
  });

  it("binds the role to kube-system/aws-load-balancer-controller, the chart's service account", () => {
    expect(association().inputs).toEqual({
      clusterName: "mlops-test",
      namespace: "kube-system",
      serviceAccount: "aws-load-balancer-controller",
      roleArn: `<computed:${NAME}.arn>`,
    });
    expect((chart().inputs.values as AnyObj).serviceAccount.name).toBe(association().inputs.serviceAccount);
  });

  it("trusts only Pod Identity and attaches the NLB policy of this cluster", () => {
    expect(JSON.parse(one("aws:iam/role:Role", NAME).inputs.assumeRolePolicy as string)).toEqual(podIdentityTrustPolicy());
    const policy = JSON.parse(one("aws:iam/rolePolicy:RolePolicy", NAME).inputs.policy as string);
    expect(policy).toEqual(loadBalancerControllerPolicy("mlops-test"));
    expect(JSON.stringify(policy)).toContain('"aws:ResourceTag/elbv2.k8s.aws/cluster":"mlops-test"');
  });
});
