/** Shared by the team chart tests: synthesis, lookups, the vision team and the metadata-address probe. */
import { expect } from "vitest";
import { teamObjects } from "../../charts/team";
import { contains, parseCidr, type Cidr } from "../../domain/cidr";
import { type TeamConfig } from "../../config/teams";
import type { KubeObject } from "../../scripts/plan/extract";
import { fixture, resolved, fixtureTeams, teamEntry, teamsOf } from "./fixtures";

export type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
export type Obj = KubeObject & {
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: any;
  rules?: Rule[];
  subjects?: { kind: string; name: string; apiGroup: string }[];
  roleRef?: { apiGroup: string; kind: string; name: string };
  automountServiceAccountToken?: boolean;
};

export const synth = (team: TeamConfig, environment: string, podIdentity = true) => teamObjects({ team, environment, podIdentity }) as Obj[];
export const get = (objs: Obj[], kind: string, name: string): Obj => {
  const hits = objs.filter((o) => o.kind === kind && o.metadata.name === name);
  expect(hits, `${kind} ${name}`).toHaveLength(1);
  return hits[0];
};
export const policies = (objs: Obj[]) => objs.filter((o) => o.kind === "NetworkPolicy");
export const policyNames = (objs: Obj[]) =>
  policies(objs)
    .map((p) => p.metadata.name)
    .sort();

/** A team with every feature switched on, accepted by the dev stack's config checks. */
export const VISION = teamEntry("vision", {
  owners: {
    admin: { groups: ["vision-leads"], iamPrincipals: ["arn:aws:iam::111122223333:role/vision-admin"] },
    edit: { iamPrincipals: ["arn:aws:iam::111122223333:role/vision-ci"] },
    view: { groups: ["vision-analysts"] },
  },
  egress: {
    internetHttps: true,
    allow: [
      { cidr: "10.40.0.0/16", ports: [5432] },
      { cidr: "203.0.113.0/24", ports: [8443], description: "partner APIs" },
    ],
  },
  services: ["kserve", "mlflow", "feast", "pipelines"],
  rbac: { extraRules: [{ role: "view", apiGroups: ["metrics.k8s.io"], resources: ["pods"], verbs: ["get", "list"] }] },
});
export const full = (): TeamConfig => {
  const cfg = fixture("dev");
  teamsOf(cfg).push(VISION);
  return resolved(cfg).teams[2];
};

export const CASES: [string, TeamConfig, string][] = [
  ...fixtureTeams("dev").map((t): [string, TeamConfig, string] => [`dev/${t.name}`, t, "dev"]),
  ...fixtureTeams("prod").map((t): [string, TeamConfig, string] => [`prod/${t.name}`, t, "prod"]),
  ["dev/vision (everything on)", full(), "dev"],
];

export const METADATA = (parseCidr("169.254.169.254/32") as { ok: true; cidr: Cidr }).cidr;
export const cidr = (text: string) => {
  const p = parseCidr(text);
  if (!p.ok) throw new Error(p.reason);
  return p.cidr;
};

/** Every ipBlock in any object, with the policy that holds it. */
export function ipBlocks(objs: Obj[]): { policy: string; block: { cidr: string; except?: string[] } }[] {
  const out: { policy: string; block: { cidr: string; except?: string[] } }[] = [];
  const walk = (v: unknown, policy: string): void => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, policy));
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k === "ipBlock") out.push({ policy, block: x as { cidr: string; except?: string[] } });
        else walk(x, policy);
      }
    }
  };
  objs.forEach((o) => walk(o, `${o.kind}/${o.metadata.name}`));
  return out;
}

/** ipBlocks that let traffic reach 169.254.169.254. */
export const metadataLeaks = (objs: Obj[]) =>
  ipBlocks(objs).filter(({ block }) => contains(cidr(block.cidr), METADATA) && !(block.except ?? []).some((e) => contains(cidr(e), METADATA)));
