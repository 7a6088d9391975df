/**
 * The one schema of a stack's config (the `mlops-platform:` keys of stacks/Pulumi.<stack>.yaml).
 * Strict everywhere: an unknown key is an error naming it. Field-local rules live here; rules that need
 * several fields or the environment tier live in semantic.ts, tier defaults in defaults.ts.
 */
import { z } from "zod";
import { awsRegion, cidr, dnsLabel, iamPrincipalArn, labelKey, labelValue, quantity, retentionDays } from "./primitives";
import { teamSchema } from "./teams";
import { storageSchema } from "./storage";
import { servicesSchema } from "./services";
import { guardrailsSchema } from "./guardrails";
import { queuesSchema } from "./queues";
import { accessSchema } from "./access";
import { costsSchema } from "./costs";
import { observabilitySchema } from "./observability";
import { alertingSchema } from "./alerting";
import { loggingSchema } from "./logging";
import { ENVIRONMENTS, type Environment } from "../domain/environments";

export { cidr, dnsLabel, iamPrincipalArn, labelKey, labelValue, quantity } from "./primitives";
export { ENVIRONMENTS, type Environment };

/** Log types EKS can ship to CloudWatch. */
export const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

export { LOG_RETENTION_DAYS } from "./primitives";

export const awsSchema = z.strictObject({
  /** Region every AWS resource of the stack goes to. */
  region: awsRegion,
  /** Accounts the provider may act on; a guard against deploying prod config into the wrong account. */
  allowedAccountIds: z
    .array(z.string().regex(/^\d{12}$/, { message: "is not a 12-digit AWS account id" }))
    .min(1)
    .optional(),
});

export const networkSchema = z.strictObject({
  vpcCidr: cidr,
  /** Explicit AZ names, so a plan is reproducible and AZs can be checked against the region. */
  availabilityZones: z.array(z.string()),
  /** `single` saves cost outside prod; `perAz` keeps egress up when an AZ fails. */
  natGateways: z.enum(["single", "perAz"]).optional(),
  flowLogs: z.strictObject({ enabled: z.boolean().optional(), retentionDays: retentionDays.optional() }).optional(),
});

const eksClusterSchema = z.strictObject({
  kind: z.literal("eks"),
  // 30 leaves room in AWS's 64-character IAM role names for component suffixes and autonaming.
  name: dnsLabel(30),
  version: z.string().regex(/^1\.\d+$/, { message: 'is not a Kubernetes minor version such as "1.34"' }),
  serviceCidr: cidr.optional(),
  endpoint: z
    .strictObject({
      publicAccess: z.boolean(),
      publicAccessCidrs: z.array(cidr).optional(),
    })
    .optional(),
  logging: z
    .strictObject({
      types: z.array(z.enum(EKS_LOG_TYPES)).optional(),
      retentionDays: retentionDays.optional(),
    })
    .optional(),
  /** IAM principals that get cluster-admin through an EKS access entry. */
  admins: z.array(iamPrincipalArn).min(1, { message: "needs at least one platform-admin principal" }),
  /** protect and retain-on-delete for stateful resources (cluster, keys, log groups); forced on in prod. */
  protect: z.boolean().optional(),
});

const existingClusterSchema = z.strictObject({
  kind: z.literal("existing"),
  // 30 leaves room in AWS's 64-character IAM role names for component suffixes and autonaming.
  name: dnsLabel(30),
  version: z.string().regex(/^1\.\d+$/, { message: 'is not a Kubernetes minor version such as "1.34"' }),
  /** Path to a kubeconfig file; omitted means the ambient KUBECONFIG. */
  kubeconfig: z.string().min(1).optional(),
  context: z.string().min(1),
  /**
   * The cluster's pod and service ranges (kind: 10.244.0.0/16 and 10.96.0.0/12), which team egress allowlists
   * may then never name. @default unknown: only whole private ranges and over-broad entries are refused.
   */
  podCidr: cidr.optional(),
  serviceCidr: cidr.optional(),
});

export const clusterSchema = z.discriminatedUnion("kind", [eksClusterSchema, existingClusterSchema]);

export const gpuSharingSchema = z.discriminatedUnion("mode", [
  z.strictObject({ mode: z.literal("exclusive") }),
  z.strictObject({ mode: z.literal("time-slicing"), replicas: z.number().int().min(2).max(64) }),
  z.strictObject({
    mode: z.literal("mig"),
    /** A profile of the GPU operator's default mig-parted config, e.g. all-1g.10gb or all-balanced. */
    // 1 to 7 compute slices: a GPU has 7, and 0 would divide capacity by zero.
    profile: z
      .string()
      .regex(/^all-(balanced|[1-7]g\.\d+gb)$/, { message: "is not a MIG profile such as all-1g.10gb or all-balanced (1 to 7 compute slices)" }),
  }),
]);

export const taintSchema = z.strictObject({
  key: labelKey,
  value: labelValue.optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
});

export const nodePoolSchema = z.strictObject({
  name: dnsLabel(30),
  role: z.enum(["system", "cpu", "gpu"]),
  instanceTypes: z.array(z.string()).min(1, { message: "needs at least one instance type" }),
  capacityType: z.enum(["on-demand", "spot"]).optional(),
  minSize: z.number().int().min(0),
  desiredSize: z.number().int().min(0).optional(),
  maxSize: z.number().int().min(1),
  /** Root volume size as a Kubernetes quantity in whole Gi. */
  diskSize: quantity.optional(),
  labels: z.record(labelKey, labelValue).optional(),
  taints: z.array(taintSchema).optional(),
  gpuSharing: gpuSharingSchema.optional(),
});

export const gpuSchema = z.strictObject({
  enabled: z.boolean().optional(),
  /** `preinstalled`: the node image ships the NVIDIA driver (EKS AL2023 NVIDIA AMI); `operator`: the operator installs it. */
  driver: z.enum(["preinstalled", "operator"]).optional(),
  toolkit: z.enum(["preinstalled", "operator"]).optional(),
  migStrategy: z.enum(["none", "single", "mixed"]).optional(),
  /** Sharing for GPU nodes that belong to no configured pool (all nodes on an existing cluster). */
  defaultSharing: gpuSharingSchema.optional(),
  dcgmExporter: z.boolean().optional(),
});

export const stackConfigSchema = z.strictObject({
  environment: z.enum(ENVIRONMENTS),
  /** Cost attribution, stamped on every taggable resource and namespace. */
  costCenter: labelValue.pipe(z.string().min(1)),
  owner: labelValue.pipe(z.string().min(1)),
  aws: awsSchema.optional(),
  network: networkSchema.optional(),
  cluster: clusterSchema,
  nodePools: z.array(nodePoolSchema).optional(),
  gpu: gpuSchema.optional(),
  /** ML teams, one namespace each; a team is added by a pull request to this list. */
  teams: z.array(teamSchema).optional(),
  storage: storageSchema.optional(),
  /** MLOps services (MLflow, Feast, Kubeflow Pipelines, KServe, Evidently) and their data stores. */
  services: servicesSchema.optional(),
  /** Runtime rules the API server enforces on what teams create (image registries). */
  guardrails: guardrailsSchema.optional(),
  /** How teams share the GPU pools through Kueue: cohort, priority classes, preemption. */
  queues: queuesSchema.optional(),
  /** Sign-in (the company's identity provider, or a local Dex), the gateway's domain, TLS and exposure. @default none: no gateway, no routes */
  access: accessSchema.optional(),
  /** Cost allocation (OpenCost), budgets per cost center, AWS cost allocation tags and the CUR 2.0 export. @default allocation on, no budgets */
  costs: costsSchema.optional(),
  /**
   * Prometheus and Alertmanager storage, retention and replicas, and an optional remote write (Amazon Managed Service
   * for Prometheus on EKS, or any HTTPS endpoint). @default persistent volumes sized per tier, no remote write
   */
  observability: observabilitySchema.optional(),
  /**
   * Where Alertmanager sends alerts: receivers (credentials in the secret key alertingSecrets), the platform's route
   * and grouping; teams name theirs in teams[].alerts. Required in prod. @default none: every alert is dropped
   */
  alerting: alertingSchema.optional(),
  /** Container logs through Fluent Bit: CloudWatch Logs on EKS, the site's destination on an existing cluster. @default on with EKS, off elsewhere until a destination is given */
  logging: loggingSchema.optional(),
});

export type StackConfigInput = z.infer<typeof stackConfigSchema>;
export type NodePoolInput = z.infer<typeof nodePoolSchema>;
export type GpuSharing = z.infer<typeof gpuSharingSchema>;
export type Taint = z.infer<typeof taintSchema>;
export type EksClusterInput = z.infer<typeof eksClusterSchema>;
export type ExistingClusterInput = z.infer<typeof existingClusterSchema>;

/** Top-level keys the schema knows, for the loader's unknown-key check and secret detection. */
export const TOP_LEVEL_KEYS = Object.keys(stackConfigSchema.shape);
