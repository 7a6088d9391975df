import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface KubernetesProviderArgs {
  /** Kubeconfig contents or a path to a kubeconfig file; omitted means the ambient KUBECONFIG. */
  readonly kubeconfig?: pulumi.Input<string>;
  /** Context in that kubeconfig. @default the kubeconfig's current context */
  readonly context?: string;
}

/**
 * The explicit Kubernetes provider every Kubernetes object of the platform goes through. Server-side apply
 * (the v4 provider's default) keeps field ownership explicit when operators also write to our objects.
 */
export function createKubernetesProvider(name: string, args: KubernetesProviderArgs, opts?: pulumi.CustomResourceOptions): k8s.Provider {
  return new k8s.Provider(name, { kubeconfig: args.kubeconfig, context: args.context, enableServerSideApply: true }, opts);
}
