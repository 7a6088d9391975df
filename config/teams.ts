/**
 * The `teams` list: one entry per ML team, the unit of self-service. The schema is in team-schema.ts, what
 * parses of a broken entry in team-salvage.ts, the rules in team-rules.ts; here the resolved shape with every
 * default filled, and the one import for all of it.
 */
import { DEFAULT_LIMITS, type TeamInput, type TeamRole } from "./team-schema";
import { resolveGpuShares, type GpuShare } from "./queues";
import { TEAM_WORKLOAD_SERVICE_ACCOUNT } from "../domain/ownership";

export * from "./team-schema";
export * from "./team-salvage";
export * from "./team-rules";

/** A team with every default filled, as the teams component and chart receive it. */
export interface TeamConfig {
  readonly name: string;
  readonly costCenter: string;
  /** Groups bound to each role; IAM principals of a role are mapped to that role's group. */
  readonly owners: Readonly<Record<TeamRole, { readonly groups: readonly string[]; readonly iamPrincipals: readonly string[] }>>;
  readonly quota: {
    readonly cpu: string;
    readonly memory: string;
    /** The team's share of each GPU pool it may use, in config order; empty for a team without GPUs. */
    readonly gpu: readonly GpuShare[];
    readonly storage: string;
    readonly persistentVolumeClaims: number;
    readonly pods: number;
  };
  readonly limits: Readonly<Record<"min" | "defaultRequest" | "default" | "max", { readonly cpu: string; readonly memory: string }>>;
  readonly egress: {
    readonly internetHttps: boolean;
    readonly allow: readonly { readonly cidr: string; readonly ports: readonly number[]; readonly description?: string }[];
  };
  readonly services: readonly string[];
  readonly exceptions: readonly string[];
  readonly extraRules: readonly {
    readonly role: TeamRole;
    readonly apiGroups: readonly string[];
    readonly resources: readonly string[];
    readonly verbs: readonly string[];
  }[];
  readonly modelMonitors: readonly ModelMonitor[];
  /** WorkloadPriorityClasses the team's workloads may name. */
  readonly priorities: readonly string[];
  /** Its InferenceServices on the gateway, and the service accounts (namespace/name) that may call them; undefined: not served. */
  readonly modelEndpoints?: { readonly callers: readonly { readonly namespace: string; readonly serviceAccount: string }[] };
  /** The receiver of the team's alerts; undefined: the platform's receiver. */
  readonly alerts?: { readonly receiver: string };
}

export interface ModelMonitor {
  readonly name: string;
  readonly schedule: string;
  readonly reference: string;
  readonly current: string;
  readonly driftShareThreshold: number;
}

/** `priorities`: the names of every class of the queues section, which a team gets unless it lists fewer. */
export function resolveTeam(team: TeamInput, priorities: readonly string[]): TeamConfig {
  const l = team.limits ?? {};
  const role = (r: TeamRole) => ({ groups: team.owners[r]?.groups ?? [], iamPrincipals: team.owners[r]?.iamPrincipals ?? [] });
  return {
    name: team.name,
    costCenter: team.costCenter,
    owners: { admin: role("admin"), edit: role("edit"), view: role("view") },
    // A bare number passed the rules only as 0: no GPUs.
    quota: { ...team.quota, gpu: typeof team.quota.gpu === "number" ? [] : resolveGpuShares(team.quota.gpu) },
    limits: {
      min: l.min ?? DEFAULT_LIMITS.min,
      defaultRequest: l.defaultRequest ?? DEFAULT_LIMITS.defaultRequest,
      default: l.default ?? DEFAULT_LIMITS.default,
      max: l.max ?? { cpu: team.quota.cpu, memory: team.quota.memory },
    },
    egress: { internetHttps: team.egress?.internetHttps ?? false, allow: team.egress?.allow ?? [] },
    services: [...new Set(team.services ?? [])].sort(),
    exceptions: team.exceptions ?? [],
    extraRules: team.rbac?.extraRules ?? [],
    modelMonitors: (team.modelMonitors ?? []).map((m) => ({
      name: m.name,
      schedule: m.schedule ?? "0 * * * *",
      reference: m.reference,
      current: m.current,
      driftShareThreshold: m.driftShareThreshold ?? 0.5,
    })),
    priorities: team.priorities ?? priorities,
    modelEndpoints: team.modelEndpoints && {
      callers: (team.modelEndpoints.callers ?? [`${team.name}/${TEAM_WORKLOAD_SERVICE_ACCOUNT}`]).map((ref) => {
        const [namespace, serviceAccount] = ref.split("/");
        return { namespace, serviceAccount };
      }),
    },
    alerts: team.alerts,
  };
}
