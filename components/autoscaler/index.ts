import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { withTypeAliases } from "../aliases";
import { podIdentityTrustPolicy } from "../aws/iam";
import { inheritedDependsOn } from "../dependencies";
import { createUpstreamChart } from "../kubernetes/upstream-chart";
import { CHARTS } from "../../domain/versions";
import { AUTOSCALER_NAMESPACE, AUTOSCALER_SERVICE_ACCOUNT, autoscalerPolicy, autoscalerValues, type AutoscalerValuesArgs } from "./values";

export * from "./values";

export interface ClusterAutoscalerArgs extends AutoscalerValuesArgs {
  /** The EKS cluster (an Output), for the Pod Identity association. */
  readonly eksClusterName: pulumi.Input<string>;
  /** The Kubernetes provider of that cluster. */
  readonly kubernetesProvider: k8s.Provider;
}

/**
 * cluster-autoscaler from its upstream chart with its own Pod Identity role. It grows a pool from zero when
 * a pod asks for what only that pool offers (GPUs) and removes nodes idle for scale-down-unneeded-time.
 */
export class ClusterAutoscaler extends pulumi.ComponentResource {
  constructor(name: string, args: ClusterAutoscalerArgs, opts?: pulumi.ComponentResourceOptions) {
    // Typed mlops:nodes:ClusterAutoscaler until it moved out of components/nodes; the alias keeps deployed URNs.
    super("mlops:autoscaler:ClusterAutoscaler", name, {}, withTypeAliases(opts, "mlops:nodes:ClusterAutoscaler"));
    const child = { parent: this };
    const role = new aws.iam.Role(`${name}`, { assumeRolePolicy: JSON.stringify(podIdentityTrustPolicy()) }, child);
    new aws.iam.RolePolicy(`${name}`, { role: role.id, policy: JSON.stringify(autoscalerPolicy(args.clusterName)) }, child);
    const association = new aws.eks.PodIdentityAssociation(
      `${name}`,
      {
        clusterName: args.eksClusterName,
        namespace: AUTOSCALER_NAMESPACE,
        serviceAccount: AUTOSCALER_SERVICE_ACCOUNT,
        roleArn: role.arn,
      },
      child,
    );
    createUpstreamChart(name, CHARTS.clusterAutoscaler, AUTOSCALER_NAMESPACE, autoscalerValues(args), {
      parent: this,
      provider: args.kubernetesProvider,
      dependsOn: [association, ...inheritedDependsOn(opts)],
    });
    this.registerOutputs({});
  }
}
