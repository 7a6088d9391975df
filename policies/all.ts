/** Every policy of the pack, in one list: index.ts builds the PolicyPack from it, the offline runner runs it. */
import { chartsPinned } from "./aws/charts-pinned";
import { costTags } from "./aws/cost-tags";
import { dataStores } from "./aws/data-stores";
import { eksAccessEntries } from "./aws/eks-access-entries";
import { eksControlPlaneLogging } from "./aws/eks-control-plane-logging";
import { eksEndpointAccess } from "./aws/eks-endpoint-access";
import { eksSecretsEncryption } from "./aws/eks-secrets-encryption";
import { eksVersionsPinned } from "./aws/eks-versions-pinned";
import { vpcFlowLogs } from "./aws/flow-logs";
import { iamLeastPrivilege } from "./aws/iam-least-privilege";
import { iamWorkloadIdentity } from "./aws/iam-workload-identity";
import { kmsKeys } from "./aws/kms-keys";
import { networkExposure } from "./aws/network-exposure";
import { nodeLaunchTemplate } from "./aws/node-launch-template";
import { nodePools } from "./aws/node-pools";
import { s3BucketHardening } from "./aws/s3-bucket-hardening";
import { s3Encryption, s3PublicAccessBlock } from "./aws/s3-buckets";
import { statefulProtection } from "./aws/stateful-protection";
import { vpcCniNetworkPolicy } from "./aws/vpc-cni-network-policy";
import { exceptionsRegistry } from "./exceptions-registry";
import { exposure } from "./kubernetes/exposure";
import { gatewayAuth } from "./kubernetes/gateway-auth";
import { gatewayListeners } from "./kubernetes/gateway-listeners";
import { namespacePodSecurity } from "./kubernetes/namespace-pod-security";
import { podSecurity } from "./kubernetes/pod-security";
import { rbac } from "./kubernetes/rbac";
import { teamBudget } from "./kubernetes/team-budget";
import { teamGuardrails } from "./kubernetes/team-guardrails";
import { teamVolumes } from "./kubernetes/team-volumes";
import { workloadHygiene } from "./kubernetes/workload-hygiene";

export const RESOURCE_POLICIES = [
  eksEndpointAccess,
  eksControlPlaneLogging,
  eksSecretsEncryption,
  eksVersionsPinned,
  eksAccessEntries,
  vpcCniNetworkPolicy,
  nodeLaunchTemplate,
  nodePools,
  networkExposure,
  kmsKeys,
  iamLeastPrivilege,
  iamWorkloadIdentity,
  s3Encryption,
  dataStores,
  statefulProtection,
  costTags,
  chartsPinned,
  podSecurity,
  workloadHygiene,
  namespacePodSecurity,
  teamBudget,
  rbac,
  exposure,
];

export const STACK_POLICIES = [
  s3PublicAccessBlock,
  s3BucketHardening,
  vpcFlowLogs,
  teamGuardrails,
  teamVolumes,
  gatewayListeners,
  gatewayAuth,
  exceptionsRegistry,
];

export const ALL_POLICIES = [...RESOURCE_POLICIES, ...STACK_POLICIES];
