/**
 * Shared by the queue model suites (capacity, derivation, rules, report, plan): resolved fixture configs through
 * the real loader, GPU pools of every kind, and platforms built from them.
 */
import { join } from "node:path";
import { validateConfig } from "../../config/loader";
import type { PlatformConfig } from "../../config/defaults";
import type { Problem } from "../../config/problems";
import type { QueuePlatform, QueuePool } from "../../domain/queues";
import { readStackConfig } from "../../scripts/plan/stack-file";
import { clone, fixtureStack, plainConfig, rawConfig, TODAY } from "../helpers/stack";

// Plain YAML objects: tests break arbitrary fields, so `any` is the honest type here.
export type Cfg = Record<string, any>;

/** The real-server suites' fixture stacks (test/cluster/stacks), read here without their harness. */
export const CLUSTER_STACKS_DIR = join(__dirname, "..", "cluster", "stacks");

/** A deep copy of a fixture stack (test/fixtures/stacks) as a plain object, to break one field of. */
export const fixture = (stack: "dev" | "prod" | "local" | "staging"): Cfg => clone(fixtureStack(stack)) as Cfg;

/** A stack of test/cluster/stacks (e.g. "queues") as a plain object. */
export const clusterFixture = (stack: string): Cfg => plainConfig(readStackConfig(stack, CLUSTER_STACKS_DIR)) as Cfg;

/** Every problem the loader reports (empty when the config is valid). */
export function problemsOf(cfg: Cfg): Problem[] {
  const r = validateConfig(rawConfig(cfg), new Set(), { today: TODAY });
  return r.ok ? [] : r.problems;
}

/** The config as the charts receive it; throws with the problems otherwise. */
export function resolved(cfg: Cfg): PlatformConfig {
  const r = validateConfig(rawConfig(cfg), new Set(), { today: TODAY });
  if (!r.ok) throw new Error(`fixture invalid: ${JSON.stringify(r.problems)}`);
  return r.config;
}

/** The problems at exactly `path`. */
export const problemsAt = (cfg: Cfg, path: string): Problem[] => problemsOf(cfg).filter((p) => p.path === path);

const gpu = (name: string, instanceTypes: string[], maxSize: number, gpuSharing?: QueuePool["gpuSharing"]): QueuePool => ({
  name,
  role: "gpu",
  instanceTypes,
  maxSize,
  ...(gpuSharing ? { gpuSharing } : {}),
});

/** GPU pools of every kind, with what each offers at maxSize under the mixed strategy. */
export const POOLS = {
  /** 2 × g6.xlarge × 4 slices: 8 nvidia.com/gpu time slices. */
  shared: gpu("shared", ["g6.xlarge"], 2, { mode: "time-slicing", replicas: 4 }),
  /** 1 × g6e.12xlarge: 4 whole nvidia.com/gpu. */
  whole: gpu("whole", ["g6e.12xlarge"], 1),
  /** 2 × p5.48xlarge × 7: 112 nvidia.com/mig-1g.10gb. */
  train: gpu("train", ["p5.48xlarge"], 2, { mode: "mig", profile: "all-1g.10gb" }),
  /** 1 × p4de.24xlarge, all-balanced: 16 mig-1g.10gb, 8 mig-2g.20gb, 8 mig-3g.40gb. */
  balanced: gpu("balanced", ["p4de.24xlarge"], 1, { mode: "mig", profile: "all-balanced" }),
  /** 1 × p5.48xlarge × 2: 16 nvidia.com/mig-3g.40gb. */
  large: gpu("large", ["p5.48xlarge"], 1, { mode: "mig", profile: "all-3g.40gb" }),
} as const satisfies Record<string, QueuePool>;

export const SYSTEM_POOL: QueuePool = { name: "system", role: "system", instanceTypes: ["m6i.large"], maxSize: 3 };

export const eksPlatform = (nodePools: readonly QueuePool[], migStrategy: QueuePlatform["migStrategy"] = "mixed"): QueuePlatform => ({
  clusterKind: "eks",
  nodePools,
  migStrategy,
  defaultSharing: { mode: "exclusive" },
});

export const existingPlatform = (
  defaultSharing: QueuePlatform["defaultSharing"] = { mode: "exclusive" },
  migStrategy: QueuePlatform["migStrategy"] = "none",
): QueuePlatform => ({ clusterKind: "existing", nodePools: [], migStrategy, defaultSharing });
