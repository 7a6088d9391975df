/** Chart values for the AWS Load Balancer Controller on EKS: it makes the gateway's NLB, nothing else. */
import type * as pulumi from "@pulumi/pulumi";
import { NLB_CLASS } from "../../charts/access/gateway";
import { SYSTEM_POOL_PLACEMENT } from "../../charts/kube";
import { loadValuesFile, mergeValues, type Values } from "../../charts/values";
import { highlyAvailable, type Environment } from "../../domain/environments";
import { KUBE_SYSTEM_NAMESPACE } from "../../domain/platform-namespaces";

/** Beside the other cluster add-ons and the autoscaler, where upstream installs it. */
export const LOAD_BALANCER_CONTROLLER_NAMESPACE = KUBE_SYSTEM_NAMESPACE;
export const LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT = "aws-load-balancer-controller";

export interface LoadBalancerControllerValuesArgs {
  /** The EKS cluster's name: the controller tags what it makes with it, and its IAM policy is scoped to that tag. */
  readonly clusterName: string;
  readonly region: string;
  /** Given, so the controller never needs the instance metadata service to find its VPC. */
  readonly vpcId: pulumi.Input<string>;
  readonly environment: Environment;
}

export function loadBalancerControllerValues(args: LoadBalancerControllerValuesArgs): Values {
  const ha = highlyAvailable(args.environment);
  return mergeValues(loadValuesFile("aws-load-balancer-controller"), {
    fullnameOverride: "aws-load-balancer-controller",
    clusterName: args.clusterName,
    region: args.region,
    vpcId: args.vpcId,
    // Its default class, said here so it stays the one the gateway's EnvoyProxy asks for.
    loadBalancerClass: NLB_CLASS,
    // Credentials come from EKS Pod Identity (association on this name), so no IRSA role annotation.
    serviceAccount: { create: true, name: LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT, annotations: {} },
    // Upstream runs 2; one leader reconciles, the second takes over. The budget keeps one through node drains.
    replicaCount: ha ? 2 : 1,
    podDisruptionBudget: ha ? { maxUnavailable: 1 } : {},
    ...SYSTEM_POOL_PLACEMENT,
  });
}
