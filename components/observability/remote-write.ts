/**
 * Prometheus's remote write: on EKS, Amazon Managed Service for Prometheus (a workspace of the stack's own, encrypted
 * with a key of its own, or an existing one) written to with an IAM role bound to Prometheus's service account through
 * EKS Pod Identity, allowed aps:RemoteWrite on that workspace only; elsewhere any HTTPS endpoint, its basic-auth
 * password delivered from the Pulumi secret as a Secret in monitoring.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { RemoteWriteInput } from "../../config/observability";
import { MONITORING_NAMESPACE } from "../../domain/platform-namespaces";
import { createDataKey } from "../aws/kms";
import { policyDocument, type PolicyDocument } from "../aws/iam";
import { serviceTrustPolicy } from "../services/aws/iam";
import { PROMETHEUS_SERVICE_ACCOUNT, REMOTE_WRITE_SECRET, REMOTE_WRITE_SECRET_KEYS, type RemoteWriteTarget } from "./durability-values";

/** What a workspace on AWS needs of the stack. */
export interface RemoteWriteAws {
  /** The EKS cluster (an Output), for the Pod Identity association. */
  readonly eksClusterName: pulumi.Input<string>;
  /** The configured cluster name: the workspace's alias and the key's alias prefix. */
  readonly clusterName: string;
  readonly region: string;
  readonly accountId: pulumi.Input<string>;
  /** protect + retain-on-delete on the workspace and its key (prod). */
  readonly protect: boolean;
  /** The key's deletion waiting period (30 in prod). */
  readonly deletionWindowInDays: number;
}

export interface RemoteWriteContext {
  readonly aws?: RemoteWriteAws;
  /** The basic-auth password (config/remote-write-secret.ts), when the endpoint takes one. */
  readonly password?: pulumi.Input<string>;
  readonly labels?: Readonly<Record<string, string>>;
  /** The monitoring namespace's resource: the Secret goes into it. */
  readonly namespaces: pulumi.Resource;
}

/** The remote write as values see it, and what the chart must wait for (the association, the Secret). */
export interface RemoteWrite {
  readonly target: RemoteWriteTarget;
  readonly dependsOn: pulumi.Resource[];
}

/** The only action Prometheus needs: write samples, to this one workspace. */
export function remoteWritePolicy(workspaceArn: string): PolicyDocument {
  return policyDocument({ Sid: "RemoteWriteToOneWorkspace", Effect: "Allow", Action: "aps:RemoteWrite", Resource: workspaceArn });
}

/** An existing workspace's region and remote-write URL, read from its ARN. */
export function workspaceEndpoint(arn: string): { region: string; url: string } {
  const [, partition, , region, , resource] = arn.split(":");
  const id = resource.replace(/^workspace\//, "");
  const suffix = partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  return { region, url: `https://aps-workspaces.${region}.${suffix}/workspaces/${id}/api/v1/remote_write` };
}

export function createRemoteWrite(
  name: string,
  remote: RemoteWriteInput | undefined,
  ctx: RemoteWriteContext,
  parent: pulumi.Resource,
): RemoteWrite | undefined {
  if (remote === undefined) return undefined;
  if (remote.kind === "endpoint") {
    const secret = remote.basicAuth && basicAuthSecret(name, remote.basicAuth.username, ctx, parent);
    return { target: { kind: "endpoint", url: remote.url, basicAuth: secret !== undefined }, dependsOn: secret ? [secret] : [] };
  }
  // The config rules refuse amp without EKS; reaching here without AWS is a bug, not bad input.
  if (ctx.aws === undefined) throw new Error("createRemoteWrite: remote write to Amazon Managed Service for Prometheus needs the EKS platform's AWS context");
  const a = ctx.aws;
  const child = { parent };
  const workspace = remote.workspace === "create" ? createWorkspace(name, a, parent) : undefined;
  const arn = workspace ? workspace.arn : pulumi.output(remote.workspace);
  const where = workspace
    ? { region: a.region, url: workspace.prometheusEndpoint.apply((endpoint) => `${endpoint}api/v1/remote_write`) }
    : workspaceEndpoint(remote.workspace);
  const role = new aws.iam.Role(
    `${name}-prometheus`,
    {
      description: `${a.clusterName}: Prometheus writes samples to Amazon Managed Service for Prometheus`,
      assumeRolePolicy: JSON.stringify(serviceTrustPolicy(MONITORING_NAMESPACE, [PROMETHEUS_SERVICE_ACCOUNT])),
    },
    child,
  );
  new aws.iam.RolePolicy(`${name}-prometheus`, { role: role.id, policy: arn.apply((workspaceArn) => JSON.stringify(remoteWritePolicy(workspaceArn))) }, child);
  // Pod Identity injects credentials when a pod is created: Prometheus's pods wait for the association.
  const association = new aws.eks.PodIdentityAssociation(
    `${name}-prometheus`,
    { clusterName: a.eksClusterName, namespace: MONITORING_NAMESPACE, serviceAccount: PROMETHEUS_SERVICE_ACCOUNT, roleArn: role.arn },
    child,
  );
  return { target: { kind: "amp", url: where.url, region: where.region }, dependsOn: [association] };
}

/**
 * A workspace of the stack's own, with a customer-managed key of its own (IAM-04): AMP creates its grants on the key
 * as the deployer, whose key use the key policy leaves to IAM. Kept in prod like every store of data.
 */
function createWorkspace(name: string, stack: RemoteWriteAws, parent: pulumi.Resource): aws.amp.Workspace {
  const keep = { protect: stack.protect, retainOnDelete: stack.protect };
  const key = createDataKey(
    stack.clusterName,
    { dataClass: "metrics", accountId: stack.accountId, region: stack.region, deletionWindowInDays: stack.deletionWindowInDays, protect: stack.protect },
    { parent },
  );
  return new aws.amp.Workspace(`${name}-amp`, { alias: stack.clusterName, kmsKeyArn: key.arn }, { parent, ...keep });
}

function basicAuthSecret(name: string, username: string, ctx: RemoteWriteContext, parent: pulumi.Resource): k8s.core.v1.Secret {
  // The loader refuses basicAuth without the password outside the offline plan, which plans a stand-in.
  if (ctx.password === undefined) throw new Error("createRemoteWrite: basicAuth without the remoteWritePassword secret passed validation");
  return new k8s.core.v1.Secret(
    `${name}-remote-write`,
    {
      metadata: { name: REMOTE_WRITE_SECRET, namespace: MONITORING_NAMESPACE, labels: { ...ctx.labels } },
      type: "Opaque",
      stringData: { [REMOTE_WRITE_SECRET_KEYS.username]: username, [REMOTE_WRITE_SECRET_KEYS.password]: pulumi.secret(ctx.password) },
    },
    { parent, dependsOn: [ctx.namespaces], additionalSecretOutputs: ["stringData", "data"] },
  );
}
