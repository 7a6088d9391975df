import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { podIdentityTrustPolicy } from "../aws/iam";
import { inheritedDependsOn } from "../dependencies";
import { createUpstreamChart } from "../kubernetes/upstream-chart";
import { CHARTS } from "../../domain/versions";
import { loadBalancerControllerPolicy } from "./iam";
import {
  LOAD_BALANCER_CONTROLLER_NAMESPACE,
  LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT,
  loadBalancerControllerValues,
  type LoadBalancerControllerValuesArgs,
} from "./values";

export * from "./iam";
export * from "./values";

export interface AwsLoadBalancerControllerArgs extends LoadBalancerControllerValuesArgs {
  /** The EKS cluster (an Output), for the Pod Identity association. */
  readonly eksClusterName: pulumi.Input<string>;
  /** The Kubernetes provider of that cluster. */
  readonly kubernetesProvider: k8s.Provider;
}

/**
 * The AWS Load Balancer Controller from its upstream chart with its own Pod Identity role: it makes the NLB of
 * the gateway's proxy Service (class service.k8s.aws/nlb) and admits it to the proxy pods. Anything that makes
 * such a Service should depend on this component, so that on destroy the controller is still there to delete
 * the NLB and release the Service's finalizer.
 */
export class AwsLoadBalancerController extends pulumi.ComponentResource {
  constructor(name: string, args: AwsLoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:aws-load-balancer:AwsLoadBalancerController", name, {}, opts);
    const child = { parent: this };
    const role = new aws.iam.Role(name, { assumeRolePolicy: JSON.stringify(podIdentityTrustPolicy()) }, child);
    new aws.iam.RolePolicy(name, { role: role.id, policy: JSON.stringify(loadBalancerControllerPolicy(args.clusterName)) }, child);
    const association = new aws.eks.PodIdentityAssociation(
      name,
      {
        clusterName: args.eksClusterName,
        namespace: LOAD_BALANCER_CONTROLLER_NAMESPACE,
        serviceAccount: LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT,
        roleArn: role.arn,
      },
      child,
    );
    createUpstreamChart(name, CHARTS.awsLoadBalancerController, LOAD_BALANCER_CONTROLLER_NAMESPACE, loadBalancerControllerValues(args), {
      parent: this,
      provider: args.kubernetesProvider,
      dependsOn: [association, ...inheritedDependsOn(opts)],
    });
    this.registerOutputs({});
  }
}

/** The controller on an EKS cluster, named as the platform plans it. */
export function createAwsLoadBalancerController(args: AwsLoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions): AwsLoadBalancerController {
  return new AwsLoadBalancerController("aws-load-balancer-controller", args, opts);
}
