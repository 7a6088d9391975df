/**
 * Composition: validated config in, components out. No resource logic lives here; each component gets only
 * its slice of the config and an explicit provider.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { isEksPlatform, type EksPlatformConfig, type ExistingPlatformConfig, type PlatformConfig } from "./config";
import { ClusterAutoscaler } from "./components/autoscaler";
import { createAwsLoadBalancerController } from "./components/aws-load-balancer";
import { KmsKeys } from "./components/aws/kms";
import { Cluster, WorkloadAddons, eksOidcSignIn } from "./components/cluster";
import { createKubernetesProvider } from "./components/kubernetes/provider";
import { Network } from "./components/network";
import { NodePools, poolTaints } from "./components/nodes";
import { ObjectStore, Storage } from "./components/storage";
import { Observability, stackAlerting } from "./components/observability";
import { observabilityMetrics } from "./components/observability/metrics-args";
import { Teams } from "./components/teams";
import { createLogging } from "./components/logging/wiring";
import { MlopsServices, objectStoreConsumers } from "./components/services";
import { eksApiServer } from "./components/queues";
import { OBJECT_STORE_NAMESPACE, OBJECT_STORE_S3_PORT } from "./components/storage";
import { EKS_VERSIONS } from "./domain/versions";
import { createAwsBilling } from "./components/costs/aws-billing";
import {
  createCertManager,
  createGpuOperator,
  createOpenCost,
  createQueues,
  observabilityCosts,
  platformLabels,
  servicesArgs,
  stackEstimate,
  stackGpuPools,
  stackTeamCosts,
  createRecoveryKeys,
} from "./components/platform-wiring";
import { accessOutputs, createStackAccess, createStackIdentity, createStackRoutes, grafanaOAuth, type AccessOutputs } from "./components/access/wiring";

/** The stack outputs (index.ts); access adds the UIs' URLs and, with Dex, its test users (AccessOutputs). */
export interface PlatformOutputs extends AccessOutputs {
  readonly clusterName: pulumi.Input<string>;
  readonly kubeconfig?: pulumi.Output<string>;
  readonly vpcId?: pulumi.Output<string>;
  readonly nodePools: string[];
  readonly gpuOperatorNamespace?: string;
  readonly teamNamespaces: string[];
}

export function createPlatform(cfg: PlatformConfig): PlatformOutputs {
  return isEksPlatform(cfg) ? createEksPlatform(cfg) : createExistingClusterPlatform(cfg);
}

function createExistingClusterPlatform(cfg: ExistingPlatformConfig): PlatformOutputs {
  const { cluster } = cfg;
  const provider = createKubernetesProvider(cluster.name, { kubeconfig: cluster.kubeconfig, context: cluster.context });
  // Before Grafana and the gateway: both sign people in as the identity provider's client.
  const identity = createStackIdentity(cfg, platformLabels(cfg), { providers: [provider] });
  const estimate = stackEstimate(cfg);
  const observability = new Observability(
    "monitoring",
    {
      labels: platformLabels(cfg),
      oauth: grafanaOAuth(cfg, identity),
      costs: observabilityCosts(cfg, estimate),
      metrics: observabilityMetrics(cfg),
      alerting: stackAlerting(cfg),
    },
    { providers: [provider] },
  );
  const gpu = createGpuOperator(cfg, provider, false, [observability]);
  const objectStore = cfg.storage.objectStore.enabled
    ? new ObjectStore("object-store", { labels: platformLabels(cfg), consumers: objectStoreConsumers(cfg.services, cfg.teams) }, { providers: [provider] })
    : undefined;
  const teams = new Teams(
    "teams",
    {
      teams: cfg.teams,
      environment: cfg.environment,
      kserveMode: cfg.services.kserve.mode,
      access: cfg.access,
      objectStore: objectStore && { namespace: OBJECT_STORE_NAMESPACE, port: OBJECT_STORE_S3_PORT },
      guardrails: cfg.guardrails,
      gpuPools: stackGpuPools(cfg),
      costs: stackTeamCosts(cfg, estimate),
    },
    { providers: [provider] },
  );
  const certManager = createCertManager(cfg, false, { providers: [provider], dependsOn: [observability] });
  // The gateway before the services (KServe's controller waits for its CRDs), its routes after them; cert-manager
  // signs its certificate.
  const gateway = createStackAccess(
    { cfg, identity, labels: platformLabels(cfg), onEks: false, certManager: certManager ? [certManager] : [] },
    { providers: [provider], dependsOn: [observability] },
  );
  const services = new MlopsServices(
    "services",
    {
      ...servicesArgs(cfg, teams, certManager, gateway),
      objectStore: objectStore && { endpoint: objectStore.endpoint, credentials: objectStore.credentials, ready: objectStore.ready },
    },
    { providers: [provider], dependsOn: [observability] },
  );
  createQueues(cfg, provider, teams, {}, [observability]);
  createOpenCost(cfg, provider, false, {}, [observability]);
  createLogging(cfg, provider, {}, [observability]);
  if (gateway && identity) createStackRoutes(gateway, { cfg, identity, labels: platformLabels(cfg), namespaces: [teams, services, observability] });
  return {
    clusterName: cluster.name,
    nodePools: [],
    gpuOperatorNamespace: gpu?.namespace,
    teamNamespaces: teams.namespaces,
    ...accessOutputs(cfg, identity),
  };
}

/** The AWS side of an EKS platform and its Kubernetes provider: everything workloads run on. */
interface EksFoundation {
  readonly awsProvider: aws.Provider;
  readonly k8sProvider: k8s.Provider;
  readonly identity: pulumi.Output<aws.GetCallerIdentityResult>;
  readonly keys: KmsKeys;
  readonly net: Network;
  readonly eks: Cluster;
  readonly nodes: NodePools;
  readonly workloadAddons: WorkloadAddons;
}

/** KMS keys, VPC, EKS, node groups, workload add-ons, and a Kubernetes provider on the new cluster. */
function createEksFoundation(cfg: EksPlatformConfig): EksFoundation {
  const { cluster, network } = cfg;
  const { region } = cfg.aws;
  const versions = EKS_VERSIONS[cluster.version];
  const awsProvider = new aws.Provider("aws", {
    region,
    allowedAccountIds: cfg.aws.allowedAccountIds ? [...cfg.aws.allowedAccountIds] : undefined,
    // OPS-01: every taggable AWS resource carries cost and ownership tags.
    defaultTags: { tags: { ...cfg.tags } },
  });
  const withAws = { providers: [awsProvider] };
  const identity = aws.getCallerIdentityOutput({}, { provider: awsProvider });

  const keys = new KmsKeys(
    cluster.name,
    {
      accountId: identity.accountId,
      region,
      deletionWindowInDays: cfg.environment === "prod" ? 30 : 7,
      protect: cluster.protect,
    },
    withAws,
  );

  const net = new Network(
    cluster.name,
    {
      vpcCidr: network.vpcCidr,
      availabilityZones: network.availabilityZones,
      natGateways: network.natGateways,
      flowLogs: network.flowLogs,
      logsKeyArn: keys.keys.logs.arn,
      clusterName: cluster.name,
      protect: cluster.protect,
    },
    withAws,
  );

  const eks = new Cluster(
    cluster.name,
    {
      version: cluster.version,
      subnetIds: net.privateSubnetIds,
      endpointPublicAccess: cluster.endpointPublicAccess,
      publicAccessCidrs: cluster.publicAccessCidrs,
      serviceCidr: cluster.serviceCidr,
      logTypes: cluster.logTypes,
      logRetentionDays: cluster.logRetentionDays,
      secretsKeyArn: keys.keys["eks-secrets"].arn,
      logsKeyArn: keys.keys.logs.arn,
      admins: cluster.admins,
      addonVersions: versions.addons,
      region,
      protect: cluster.protect,
      oidc: eksOidcSignIn(cfg.access),
    },
    withAws,
  );

  const nodes = new NodePools(
    `${cluster.name}-nodes`,
    {
      clusterName: eks.clusterName,
      version: cluster.version,
      subnetIds: net.privateSubnetIds,
      pools: cfg.nodePools,
      ebsKeyArn: keys.keys.ebs.arn,
      tags: cfg.tags,
    },
    { ...withAws, dependsOn: eks.bootstrapAddons },
  );
  const nodeGroups = Object.values(nodes.nodeGroups);

  const storageDrivers = [
    ...(cfg.storage.sharedFiles.enabled ? (["aws-efs-csi-driver"] as const) : []),
    ...(cfg.storage.scratch.enabled ? (["aws-fsx-csi-driver"] as const) : []),
  ];
  const workloadAddons = new WorkloadAddons(
    `${cluster.name}-addons`,
    {
      clusterName: eks.clusterName,
      versions: versions.addons,
      kubernetesVersion: cluster.version,
      storageDrivers,
      ebsKmsKeyArn: keys.keys.ebs.arn,
      gpuPoolTaints: cfg.nodePools.filter((pool) => pool.role === "gpu").flatMap((pool) => poolTaints(pool)),
    },
    { ...withAws, dependsOn: nodeGroups },
  );

  // The deployer's Kubernetes rights come from the admin access entries (no implicit creator admin).
  const k8sProvider = createKubernetesProvider(cluster.name, { kubeconfig: eks.kubeconfig }, { dependsOn: [...eks.bootstrapAddons, ...eks.adminAccess] });
  return { awsProvider, k8sProvider, identity, keys, net, eks, nodes, workloadAddons };
}

/** The platform on EKS: the foundation, then the autoscaler, monitoring, GPU operator, teams, storage, services and queues. */
function createEksPlatform(cfg: EksPlatformConfig): PlatformOutputs {
  const { cluster, network } = cfg;
  const { region } = cfg.aws;
  const { awsProvider, k8sProvider, identity, keys, net, eks, nodes, workloadAddons } = createEksFoundation(cfg);
  const versions = EKS_VERSIONS[cluster.version];
  const nodeGroups = Object.values(nodes.nodeGroups);
  const both = { providers: [awsProvider, k8sProvider] };
  new ClusterAutoscaler(
    "cluster-autoscaler",
    {
      clusterName: cluster.name,
      eksClusterName: eks.clusterName,
      region,
      imageTag: versions.clusterAutoscalerImageTag,
      kubernetesProvider: k8sProvider,
    },
    { ...both, dependsOn: nodeGroups },
  );
  // The gateway's NLB: only a stack with access has a LoadBalancer Service for it to serve.
  const loadBalancers = cfg.access
    ? [
        createAwsLoadBalancerController(
          {
            clusterName: cluster.name,
            eksClusterName: eks.clusterName,
            region,
            vpcId: net.vpcId,
            environment: cfg.environment,
            kubernetesProvider: k8sProvider,
          },
          { ...both, dependsOn: nodeGroups },
        ),
      ]
    : [];
  // Before Grafana and the gateway: both sign people in as the identity provider's client.
  const signIn = createStackIdentity(cfg, platformLabels(cfg), { providers: [k8sProvider], dependsOn: nodeGroups });
  const estimate = stackEstimate(cfg);
  const observability = new Observability(
    "monitoring",
    {
      labels: platformLabels(cfg),
      oauth: grafanaOAuth(cfg, signIn),
      costs: observabilityCosts(cfg, estimate),
      metrics: observabilityMetrics(cfg, { eksClusterName: eks.clusterName, accountId: identity.accountId }),
      alerting: stackAlerting(cfg),
    },
    // AWS for an Amazon Managed Service for Prometheus workspace and Prometheus's Pod Identity role.
    { ...both, dependsOn: nodeGroups },
  );
  const gpu = createGpuOperator(cfg, k8sProvider, true, [...nodeGroups, observability]);
  // Queues on the system pool like the other controllers, whose webhooks the control plane calls from its interfaces in
  // the VPC; the teams' own Kubeflow Pipelines reach the API server there, and their MySQL inside the VPC.
  const placement = { systemPool: true, apiServer: eksApiServer(network.vpcCidr, cluster.serviceCidr) };
  const teams = new Teams(
    "teams",
    {
      teams: cfg.teams,
      environment: cfg.environment,
      kserveMode: cfg.services.kserve.mode,
      access: cfg.access,
      guardrails: cfg.guardrails,
      gpuPools: stackGpuPools(cfg),
      costs: stackTeamCosts(cfg, estimate),
      apiServer: placement.apiServer,
      aws: {
        eksClusterName: eks.clusterName,
        clusterName: cluster.name,
        accountId: identity.accountId,
        bucketKeyArn: keys.keys.s3.arn,
        region,
        vpcCidr: network.vpcCidr,
      },
    },
    both,
  );
  // The recovery region's keys (AWS Backup copy, RDS backups' replica, models replica), beside the stack's own.
  const recovery = createRecoveryKeys(cfg, identity.accountId, { providers: [awsProvider] });
  const storage = new Storage(
    "storage",
    {
      storage: cfg.storage,
      clusterName: cluster.name,
      accountId: identity.accountId,
      region,
      vpcId: net.vpcId,
      privateSubnetIds: net.privateSubnetIds,
      clusterSecurityGroupId: eks.clusterSecurityGroupId,
      keys: {
        s3: keys.keys.s3.arn,
        files: keys.keys.files.arn,
        ebs: keys.keys.ebs.arn,
        backup: keys.keys.backup.arn,
        recoveryBackup: recovery?.keys.backup?.arn,
        recoveryS3: recovery?.keys.s3?.arn,
      },
      teams: cfg.teams.map((t) => t.name),
      teamCostCenters: Object.fromEntries(cfg.teams.map((t) => [t.name, t.costCenter])),
      protect: cluster.protect,
      teamNamespaces: [teams],
      // The VolumeSnapshotClass needs the snapshot controller's CRDs; the CSI drivers should exist before classes.
    },
    { ...both, dependsOn: [workloadAddons] },
  );
  // Cost allocation tags, budgets per cost center and the CUR 2.0 export (its bucket logs to the storage's log bucket).
  createAwsBilling(cfg, identity.accountId, { providers: [awsProvider], dependsOn: [storage] });
  const certManager = createCertManager(cfg, true, { providers: [k8sProvider], dependsOn: [...nodeGroups, observability] });
  // The gateway before the services (KServe's controller waits for its CRDs), its routes after them.
  const gateway = createStackAccess(
    { cfg, identity: signIn, labels: platformLabels(cfg), onEks: true, ...placement },
    // After the controller, and destroyed before it: the controller deletes the NLB and frees the proxy Service.
    { providers: [k8sProvider], dependsOn: [...nodeGroups, observability, ...loadBalancers] },
  );
  const services = new MlopsServices(
    "services",
    {
      ...servicesArgs(cfg, teams, certManager, gateway),
      apiServer: placement.apiServer,
      aws: {
        clusterName: cluster.name,
        eksClusterName: eks.clusterName,
        accountId: identity.accountId,
        region,
        vpcId: net.vpcId,
        vpcCidr: network.vpcCidr,
        privateSubnetIds: net.privateSubnetIds,
        clusterSecurityGroupId: eks.clusterSecurityGroupId,
        keys: { s3: keys.keys.s3.arn, databases: keys.keys.databases.arn, recoveryDatabases: recovery?.keys.databases?.arn },
        protect: cluster.protect,
        backup: cfg.storage.backup.enabled,
      },
      // Workloads need nodes and storage classes; ServiceMonitors need the Prometheus operator's CRDs.
    },
    { ...both, dependsOn: [...nodeGroups, workloadAddons, observability, storage] },
  );
  createQueues(cfg, k8sProvider, teams, placement, [...nodeGroups, observability]);
  createOpenCost(cfg, k8sProvider, true, placement, [...nodeGroups, observability]);
  createLogging(
    cfg,
    k8sProvider,
    {
      awsProvider,
      apiServer: placement.apiServer,
      eks: { eksClusterName: eks.clusterName, accountId: identity.accountId, region, logsKeyArn: keys.keys.logs.arn, teamRoleNames: teams.roleNames },
    },
    [...nodeGroups, observability],
  );
  if (gateway && signIn) {
    const namespaces = [teams, services, observability];
    createStackRoutes(gateway, { cfg, identity: signIn, labels: platformLabels(cfg), namespaces, eksIssuer: eks.oidcIssuer });
  }

  return {
    clusterName: eks.clusterName,
    kubeconfig: eks.kubeconfig,
    vpcId: net.vpcId,
    nodePools: cfg.nodePools.map((p) => p.name),
    gpuOperatorNamespace: gpu?.namespace,
    teamNamespaces: teams.namespaces,
    ...accessOutputs(cfg, signIn),
  };
}
