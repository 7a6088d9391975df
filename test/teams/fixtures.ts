/** Shared fixtures for the team suites: the fixture stacks (test/fixtures/stacks) as plain objects, validated through the real loader. */
import { expect } from "vitest";
import { validateConfig } from "../../config/loader";
import type { PlatformConfig } from "../../config/defaults";
import type { Problem } from "../../config/problems";
import type { TeamConfig } from "../../config/teams";
import { clone, fixtureStack, rawConfig, TODAY } from "../helpers/stack";

// Plain YAML objects: tests poke at arbitrary fields, so `any` is the honest type here.
export type Cfg = Record<string, any>;
export type TeamEntry = Record<string, any>;

/** A deep copy of a fixture stack's config, to break one field of. */
export const fixture = (stack: "dev" | "prod" | "local" | "staging"): Cfg => clone(fixtureStack(stack)) as Cfg;
export const teamsOf = (cfg: Cfg): TeamEntry[] => cfg.teams as TeamEntry[];

export function check(cfg: Cfg) {
  return validateConfig(rawConfig(cfg), new Set(), { today: TODAY });
}

/** Every problem the loader reports (empty when the config is valid). */
export function problemsOf(cfg: Cfg): Problem[] {
  const r = check(cfg);
  return r.ok ? [] : r.problems;
}

/** The config as components receive it; fails the test with the problems otherwise. */
export function resolved(cfg: Cfg): PlatformConfig {
  const r = check(cfg);
  if (!r.ok) throw new Error(`fixture invalid: ${JSON.stringify(r.problems)}`);
  return r.config;
}

export function fixtureTeams(stack: "dev" | "prod" | "local" | "staging"): readonly TeamConfig[] {
  return resolved(fixture(stack)).teams;
}

/** Asserts a problem at exactly `path` whose message contains `fragment`, and returns all problems. */
export function expectProblem(cfg: Cfg, path: string, fragment: string | RegExp): Problem[] {
  const problems = problemsOf(cfg);
  const hit = problems.filter((p) => p.path === path && (typeof fragment === "string" ? p.message.includes(fragment) : fragment.test(p.message)));
  expect(hit, `no problem at ${path} matching ${String(fragment)}; got ${JSON.stringify(problems, null, 1)}`).toHaveLength(1);
  return problems;
}

/** A minimal compliant team entry. */
export function teamEntry(name: string, overrides: TeamEntry = {}): TeamEntry {
  return {
    name,
    costCenter: "cc-1000",
    owners: { admin: { groups: [`${name}-leads`] } },
    quota: { cpu: "4", memory: "16Gi", gpu: 0, storage: "50Gi", persistentVolumeClaims: 5, pods: 20 },
    ...overrides,
  };
}
