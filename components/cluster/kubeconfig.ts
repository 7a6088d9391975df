/**
 * Kubeconfig for the Kubernetes provider: short-lived tokens from `aws eks get-token`, so no credential is
 * stored in state. Whoever runs `pulumi up` needs the AWS CLI and, for a private endpoint, a network path
 * into the VPC (VPN, bastion, or a runner inside the VPC).
 */
export function renderKubeconfig(args: { clusterName: string; endpoint: string; certificateAuthority: string; region: string }): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: args.clusterName, cluster: { server: args.endpoint, "certificate-authority-data": args.certificateAuthority } }],
    contexts: [{ name: args.clusterName, context: { cluster: args.clusterName, user: args.clusterName } }],
    "current-context": args.clusterName,
    users: [
      {
        name: args.clusterName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", args.clusterName, "--region", args.region, "--output", "json"],
          },
        },
      },
    ],
  });
}
