import { resourcePolicy } from "../lib/define";

export const eksSecretsEncryption = resourcePolicy(
  {
    name: "eks-secrets-encryption",
    description: "EKS envelope-encrypts Kubernetes Secrets with a customer-managed KMS key.",
    severity: "high",
    controls: ["EKS-03"],
  },
  ["aws:eks/cluster:Cluster"],
  (props, _args, report) => {
    const enc = props.encryptionConfig;
    if (!enc || !(enc.resources ?? []).includes("secrets")) report('encryptionConfig.resources must include "secrets"');
    // The key ARN is computed in the same run: require the reference, not a value.
    else if (!enc.provider?.keyArn) report("encryptionConfig.provider.keyArn must name a customer-managed key");
  },
);
