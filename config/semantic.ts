/**
 * Rules that need more than one field, the environment tier, or a catalogue. Each returns problems with
 * paths; none throws. They run on a config that passed the schema.
 */
import { broadAllowlistReason, contains, formatCidr, overlaps, parseCidr, PRIVATE_NETWORK_TEXTS, PRIVATE_NETWORKS, RFC1918, type Cidr } from "../domain/cidr";
import { DEFAULT_SERVICE_CIDR, TIER_DEFAULTS, usesMig } from "./defaults";
import type { Problem } from "./problems";
import { EKS_LOG_TYPES, type StackConfigInput, type NodePoolInput, type EksClusterInput, type ExistingClusterInput } from "./schema";
import { EKS_VERSIONS, EXISTING_CLUSTER_VERSIONS } from "../domain/versions";
import { subnetBits } from "../domain/subnets";
import { EXCEPTIONS } from "../policies/exceptions";
import { teamProblems, type TeamDraft } from "./teams";
import { arnPartition, partitionMessage, regionPartition } from "./partition";
import { storageProblems } from "./storage";
import { recoveryProblems } from "./recovery";
import { clusterCapacity, completePools, gpuProblems, nodePoolProblems } from "./pool-rules";

import { resolveServices, serviceEnabled, serviceProblems } from "./services";
import { guardrailProblems } from "./guardrails";
import { queueProblems } from "./queue-rules";
import { teamPosixId } from "../domain/posix";
import { accessProblems } from "./access-rules";
import { costProblems } from "./costs";
import { observabilityProblems } from "./observability-rules";
import { alertingProblems } from "./alerting";
import { containerLoggingProblems } from "./logging";
import type { MissingSecrets } from "./access-secret";

export interface CheckOptions {
  /** The day support windows are judged against; tests pin it. */
  readonly today: Date;
  /**
   * What a missing secret (accessClientSecret) means: "refuse" where the engine holds the stack's secrets, "plan"
   * (a masked stand-in) in the offline plan. @default "plan": pure validation never sees secrets
   */
  readonly missingSecrets?: MissingSecrets;
}

/**
 * The config as far as it parsed, which is what the rules run on. Lists are judged item by item: a team or
 * pool that failed its schema is a draft (teams) or a hole (pools), so every other item still gets every rule.
 */
export type SemanticInput = Omit<StackConfigInput, "teams" | "nodePools" | "cluster"> & {
  /** Absent when the cluster section failed its schema: then only the rules about teams themselves run. */
  readonly cluster?: StackConfigInput["cluster"];
  readonly teams?: readonly (TeamDraft | undefined)[];
  readonly nodePools?: readonly (NodePoolInput | undefined)[];
  /** Sections that failed their schema: rules that would read them as "not configured" stay silent. */
  readonly unparsed?: ReadonlySet<string>;
};

const problem = (path: string, message: string): Problem => ({ path, message });

/** The ranges an existing cluster's config names; those it leaves out are unknown here. */
function existingClusterRanges(cluster: ExistingClusterInput): { what: string; cidr: string }[] {
  return [
    ...(cluster.podCidr ? [{ what: "the pod range (cluster.podCidr)", cidr: cluster.podCidr }] : []),
    ...(cluster.serviceCidr ? [{ what: "the service range (cluster.serviceCidr)", cidr: cluster.serviceCidr }] : []),
  ];
}

/** The config once its cluster section parsed: what every rule but the team rules needs. */
type WithCluster = SemanticInput & { readonly cluster: StackConfigInput["cluster"] };

const exceptionScopes = () => new Map(EXCEPTIONS.map((e) => [e.id, e.scope.namespace]));

export function semanticProblems(input: SemanticInput, opts: CheckOptions): Problem[] {
  if (!input.cluster) {
    // Without a cluster, the kind, admins, ranges and pools are unknown: judge what each team asks for itself.
    return teamProblems(input.teams ?? [], { environment: input.environment, clusterAdmins: [], exceptionScopes: exceptionScopes() });
  }
  const cfg = input as WithCluster;
  const skipped = (section: string) => cfg.unparsed?.has(section) ?? false;
  // GPU capacity depends on the MIG strategy: with a broken gpu section it is unknown.
  const pools = skipped("gpu") ? undefined : completePools(cfg);
  const eks = cfg.cluster.kind === "eks" ? cfg.cluster : undefined;
  return [
    ...topologyProblems(cfg),
    ...networkProblems(cfg),
    ...clusterProblems(cfg, opts),
    ...nodePoolProblems(cfg),
    ...gpuProblems(cfg),
    ...storageProblems(cfg.storage, cfg.environment, cfg.cluster.kind === "eks", (cfg.teams ?? []).length),
    ...(skipped("storage") ? [] : posixProblems(cfg)),
    ...serviceProblems(cfg.services, cfg.environment, cfg.cluster.kind === "eks"),
    ...recoveryProblems({
      environment: cfg.environment,
      onEks: cfg.cluster.kind === "eks",
      region: cfg.aws?.region,
      backup: cfg.storage?.backup,
      modelsReplication: cfg.storage?.buckets?.models?.replication,
      databaseReplication: cfg.services?.database?.backupReplication,
    }),
    ...(skipped("guardrails") ? [] : guardrailProblems(cfg.guardrails, cfg.environment)),
    ...(skipped("services") ? [] : teamServiceProblems(cfg)),
    ...(skipped("queues")
      ? []
      : queueProblems({
          // GPU shares are judged against pools only when the pools and the gpu section parsed.
          platform:
            (eks && !pools) || skipped("gpu")
              ? undefined
              : {
                  clusterKind: cfg.cluster.kind,
                  nodePools: pools ?? [],
                  migStrategy: cfg.gpu?.migStrategy ?? (usesMig(cfg) ? "mixed" : "none"),
                  defaultSharing: cfg.gpu?.defaultSharing ?? { mode: "exclusive" },
                },
          teams: cfg.teams ?? [],
          queues: cfg.queues,
        })),
    ...(skipped("services") ? [] : serviceStorageProblems(cfg)),
    ...accessProblems({
      environment: cfg.environment,
      clusterKind: cfg.cluster.kind,
      aws: skipped("aws") ? undefined : cfg.aws,
      access: cfg.access,
      teams: cfg.teams ?? [],
      services: skipped("services") ? undefined : { input: cfg.services },
      accessUnparsed: skipped("access"),
    }),
    ...costProblems(cfg.costs, {
      onEks: cfg.cluster.kind === "eks",
      costCenters: [cfg.costCenter, ...(cfg.teams ?? []).flatMap((t) => (t?.costCenter === undefined ? [] : [t.costCenter]))],
      // A team whose cost center failed its schema may be the one a budget names: then no budget is called unknown.
      costCentersKnown: !skipped("costCenter") && (cfg.teams ?? []).every((t) => t !== undefined && !(t.invalid?.has("costCenter") ?? false)),
    }),
    ...observabilityProblems(cfg.observability, {
      environment: cfg.environment,
      onEks: eks !== undefined,
      region: skipped("aws") ? undefined : cfg.aws?.region,
      // The block classes the platform creates on EKS; unknown when the storage section failed.
      eksClasses: skipped("storage") ? undefined : ["gp3", ...(cfg.storage?.block?.io2?.enabled === false ? [] : ["io2"])],
    }),
    ...alertingProblems(cfg.alerting, { environment: cfg.environment, teams: cfg.teams ?? [], unparsed: skipped("alerting") }),
    ...containerLoggingProblems(cfg.logging, { onEks: cfg.cluster.kind === "eks", environment: cfg.environment }),
    ...teamProblems(cfg.teams ?? [], {
      environment: cfg.environment,
      clusterKind: cfg.cluster.kind,
      clusterAdmins: eks ? eks.admins : [],
      clusterCapacity: eks && pools ? clusterCapacity(pools) : undefined,
      exceptionScopes: exceptionScopes(),
      partition: eks && cfg.aws ? regionPartition(cfg.aws.region) : undefined,
      clusterRanges: eks
        ? [
            ...(cfg.network ? [{ what: "the VPC (network.vpcCidr)", cidr: cfg.network.vpcCidr }] : []),
            { what: "the service range (cluster.serviceCidr)", cidr: eks.serviceCidr ?? DEFAULT_SERVICE_CIDR },
          ]
        : existingClusterRanges(cfg.cluster as ExistingClusterInput),
    }),
  ];
}

/** Which sections belong together for each cluster kind. */
function topologyProblems(cfg: WithCluster): Problem[] {
  const out: Problem[] = [];
  if (cfg.environment === "local" && cfg.cluster.kind !== "existing") {
    out.push(problem("cluster.kind", 'the local environment runs on an existing cluster: use kind "existing"'));
  }
  if (cfg.cluster.kind === "existing") {
    for (const key of ["aws", "network", "nodePools"] as const) {
      if (cfg[key] !== undefined) out.push(problem(key, 'is not used with cluster kind "existing": that cluster brings its own network and nodes'));
    }
    if (!EXISTING_CLUSTER_VERSIONS.includes(cfg.cluster.version)) {
      out.push(problem("cluster.version", `${cfg.cluster.version} is not a version we test existing clusters on (${EXISTING_CLUSTER_VERSIONS.join(", ")})`));
    }
  } else {
    if (cfg.aws === undefined) out.push(problem("aws", 'is required with cluster kind "eks" (at least aws.region)'));
    if (cfg.network === undefined) out.push(problem("network", 'is required with cluster kind "eks"'));
    if (cfg.nodePools === undefined) out.push(problem("nodePools", 'is required with cluster kind "eks" (at least the system pool)'));
  }
  return out;
}

function cidrOf(text: string | undefined): Cidr | undefined {
  if (text === undefined) return undefined;
  const parsed = parseCidr(text);
  return parsed.ok ? parsed.cidr : undefined;
}

function networkProblems(cfg: WithCluster): Problem[] {
  const net = cfg.network;
  if (!net || cfg.cluster.kind !== "eks") return [];
  const out: Problem[] = [];
  const tier = TIER_DEFAULTS[cfg.environment];
  const azs = net.availabilityZones;
  const needed = Math.max(2, tier.minAvailabilityZones);
  if (azs.length < needed) {
    out.push(
      problem(
        "network.availabilityZones",
        `${azs.length} AZ${azs.length === 1 ? "" : "s"} given; ${cfg.environment} needs at least ${needed}${needed === 2 ? " (EKS requires subnets in 2 AZs)" : ""}`,
      ),
    );
  }
  if (azs.length > 6) out.push(problem("network.availabilityZones", `${azs.length} AZs given; at most 6 are supported`));
  azs.forEach((az, i) => {
    if (azs.indexOf(az) !== i) out.push(problem(`network.availabilityZones[${i}]`, `"${az}" is listed twice`));
    if (cfg.aws && !new RegExp(`^${cfg.aws.region}[a-z]$`).test(az)) {
      out.push(problem(`network.availabilityZones[${i}]`, `"${az}" is not an availability zone of region ${cfg.aws.region}`));
    }
  });
  const vpc = cidrOf(net.vpcCidr);
  if (vpc && !PRIVATE_NETWORKS.some((r) => contains(r, vpc))) {
    out.push(
      problem(
        "network.vpcCidr",
        `${net.vpcCidr} is not private address space; team HTTPS egress to public addresses would reach the VPC (nodes, other teams' pods): use a range inside ${PRIVATE_NETWORK_TEXTS.join(", ")}`,
      ),
    );
  }
  if (vpc) {
    const smallest = 28 - 2 * subnetBits(Math.max(azs.length, 2));
    if (vpc.prefix < 16) out.push(problem("network.vpcCidr", `/${vpc.prefix} is larger than AWS allows for a VPC (/16 at most)`));
    else if (vpc.prefix > smallest) {
      out.push(
        problem("network.vpcCidr", `/${vpc.prefix} is too small for ${azs.length} AZs: public subnets would be smaller than /28; use /${smallest} or larger`),
      );
    }
  }
  if (cfg.environment === "prod") {
    if (net.natGateways === "single") out.push(problem("network.natGateways", "prod keeps one NAT gateway per AZ: use perAz"));
    if (net.flowLogs?.enabled === false) out.push(problem("network.flowLogs.enabled", "prod keeps VPC flow logs on"));
    const days = net.flowLogs?.retentionDays;
    if (days !== undefined && days < 365) out.push(problem("network.flowLogs.retentionDays", `${days} days is below the 365 days prod keeps flow logs`));
  }
  return out;
}

function clusterProblems(cfg: WithCluster, opts: CheckOptions): Problem[] {
  const c = cfg.cluster;
  if (c.kind !== "eks") return [];
  return [
    ...adminPartitionProblems(cfg, c),
    ...eksVersionProblems(c, opts),
    ...endpointProblems(cfg, c),
    ...serviceCidrProblems(cfg, c),
    ...loggingProblems(cfg, c),
    ...protectProblems(cfg, c),
  ];
}

function eksVersionProblems(cluster: EksClusterInput, opts: CheckOptions): Problem[] {
  const entry = EKS_VERSIONS[cluster.version];
  const known = Object.keys(EKS_VERSIONS).join(", ");
  if (!entry) return [problem("cluster.version", `${cluster.version} is not an EKS version this blueprint pins add-ons for (${known})`)];
  const today = opts.today.toISOString().slice(0, 10);
  if (entry.endOfStandardSupport < today) {
    return [
      problem("cluster.version", `${cluster.version} left EKS standard support on ${entry.endOfStandardSupport}; upgrade to a supported version (${known})`),
    ];
  }
  return [];
}

function endpointProblems(cfg: WithCluster, cluster: EksClusterInput): Problem[] {
  const out: Problem[] = [];
  const ep = cluster.endpoint;
  if (!ep) return out;
  if (ep.publicAccess && cfg.environment === "prod") {
    out.push(problem("cluster.endpoint.publicAccess", "prod clusters have a private API endpoint only"));
  }
  const cidrs = ep.publicAccessCidrs ?? [];
  if (ep.publicAccess && cidrs.length === 0) {
    out.push(problem("cluster.endpoint.publicAccessCidrs", "a public API endpoint needs at least one allowed CIDR"));
  }
  if (!ep.publicAccess && cidrs.length > 0) {
    out.push(problem("cluster.endpoint.publicAccessCidrs", "has no effect while publicAccess is false; remove it"));
  }
  cidrs.forEach((text, i) => {
    const parsed = cidrOf(text);
    const broad = parsed && broadAllowlistReason(parsed);
    if (parsed && parsed.prefix === 0) out.push(problem(`cluster.endpoint.publicAccessCidrs[${i}]`, `${text} opens the API endpoint to the whole internet`));
    else if (broad) {
      out.push(
        problem(
          `cluster.endpoint.publicAccessCidrs[${i}]`,
          `${broad}; a public endpoint is for a few offices and CI runners, everything else reaches the private endpoint through the VPC`,
        ),
      );
    }
  });
  return out;
}

function serviceCidrProblems(cfg: WithCluster, cluster: EksClusterInput): Problem[] {
  const svc = cidrOf(cluster.serviceCidr ?? DEFAULT_SERVICE_CIDR);
  if (!svc) return [];
  const out: Problem[] = [];
  if (!RFC1918.some((r) => contains(r, svc))) {
    out.push(problem("cluster.serviceCidr", `${formatCidr(svc)} is outside the private ranges EKS accepts (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)`));
  }
  if (svc.prefix < 12 || svc.prefix > 24) out.push(problem("cluster.serviceCidr", `/${svc.prefix} is outside the /12 to /24 range EKS accepts`));
  const vpc = cidrOf(cfg.network?.vpcCidr);
  if (vpc && overlaps(vpc, svc)) {
    const hint = cluster.serviceCidr === undefined ? " (the default service CIDR; set cluster.serviceCidr to a free range)" : "";
    out.push(problem("cluster.serviceCidr", `${formatCidr(svc)} overlaps network.vpcCidr ${formatCidr(vpc)}${hint}`));
  }
  return out;
}

function loggingProblems(cfg: WithCluster, cluster: EksClusterInput): Problem[] {
  const out: Problem[] = [];
  const types = cluster.logging?.types;
  const required = cfg.environment === "prod" ? EKS_LOG_TYPES : (["api", "audit", "authenticator"] as const);
  const missing = types ? required.filter((t) => !types.includes(t)) : [];
  if (missing.length > 0) out.push(problem("cluster.logging.types", `${cfg.environment} needs control-plane logs ${missing.join(", ")}`));
  const days = cluster.logging?.retentionDays;
  if (cfg.environment === "prod" && days !== undefined && days < 365) {
    out.push(problem("cluster.logging.retentionDays", `${days} days is below the 365 days prod keeps control-plane logs`));
  }
  return out;
}

/** Principals of another partition than the region's can never be mapped into the cluster. */
function adminPartitionProblems(cfg: WithCluster, cluster: EksClusterInput): Problem[] {
  if (!cfg.aws) return [];
  const partition = regionPartition(cfg.aws.region);
  return cluster.admins.flatMap((arn, i) => (arnPartition(arn) === partition ? [] : [problem(`cluster.admins[${i}]`, partitionMessage(arn, partition))]));
}

function protectProblems(cfg: WithCluster, cluster: EksClusterInput): Problem[] {
  if (cfg.environment === "prod" && cluster.protect === false) {
    return [problem("cluster.protect", "prod protects stateful resources (cluster, keys, logs) from deletion; remove protect: false")];
  }
  return [];
}

/**
 * Team access points on shared files and team scratch directories need distinct POSIX ids (the id owns the team's
 * files there); ids derive from names, so report a clash.
 */
function posixProblems(cfg: WithCluster): Problem[] {
  const owned = cfg.storage?.sharedFiles?.enabled !== false || cfg.storage?.scratch?.enabled === true;
  if (cfg.cluster.kind !== "eks" || !owned) return [];
  const seen = new Map<number, number>();
  const out: Problem[] = [];
  const teams = cfg.teams ?? [];
  teams.forEach((t, i) => {
    if (t?.name === undefined) return;
    const id = teamPosixId(t.name);
    const other = seen.get(id);
    if (other !== undefined && teams[other]?.name !== t.name)
      out.push(
        problem(`teams[${i}].name`, `its POSIX id ${id} (owner of its shared files and scratch directory) collides with teams[${other}]; choose another name`),
      );
    seen.set(id, i);
  });
  return out;
}

/** A team opts only into services its stack runs; a model monitor needs Evidently. */
function teamServiceProblems(cfg: WithCluster): Problem[] {
  const services = resolveServices(cfg.services, cfg.environment, cfg.cluster.kind === "eks");
  const out: Problem[] = [];
  (cfg.teams ?? []).forEach((t, i) => {
    if (t === undefined) return;
    (t.services ?? []).forEach((name, j) => {
      if (!serviceEnabled(services, name)) out.push(problem(`teams[${i}].services[${j}]`, `"${name}" is not enabled in this stack (services.${name}.enabled)`));
    });
    // Judged only when the services list parsed: a broken list says nothing about evidently.
    if (!t.invalid?.has("services") && (t.modelMonitors ?? []).length > 0 && !(t.services ?? []).includes("evidently")) {
      out.push(problem(`teams[${i}].modelMonitors`, 'needs the team to opt into "evidently" (teams[].services)'));
    }
  });
  return out;
}

/** On an existing cluster, MLflow's artifacts, Feast's data and the drift jobs' datasets live in the in-cluster S3 store. */
function serviceStorageProblems(cfg: WithCluster): Problem[] {
  if (cfg.cluster.kind === "eks" || cfg.storage?.objectStore?.enabled !== false) return [];
  const services = resolveServices(cfg.services, cfg.environment, false);
  const users = (["mlflow", "feast", "pipelines", "evidently"] as const).filter((n) => services[n].enabled);
  return users.length === 0
    ? []
    : [
        problem(
          "storage.objectStore.enabled",
          `is false, but ${users.join(", ")} keep their data in the in-cluster object store; enable it or disable them under services`,
        ),
      ];
}
