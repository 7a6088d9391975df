/**
 * Every owner of every team of every fixture stack has a working path to kubectl and to each UI its team uses,
 * read from the plan: an IdP group through the API server's identity provider and a RoleBinding naming the
 * prefixed group, and through the gateway's SecurityPolicy of each UI; an IAM principal through its access entry.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { clusterGroup, isTeamUiApp, teamIdpGroups, teamUiName, uiHost, type UiApp } from "../../domain/access";
import { TEAM_ROLES } from "../../config/teams";
import { kubernetesObjects } from "../../scripts/plan/extract";
import type { PlanResult } from "../../scripts/plan/run";
import { plan, T } from "../components/plan-query";

const STACKS = ["dev", "staging", "prod", "local"] as const;
const plans: Record<string, PlanResult> = {};
beforeAll(async () => {
  for (const stack of STACKS) plans[stack] = await plan(stack);
});

type Obj = {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: any;
  subjects?: { kind: string; name: string }[];
  roleRef?: { name: string };
};
const objects = (stack: string) => kubernetesObjects(plans[stack].resources).map((o) => o.object as unknown as Obj);

/** The groups the UI's own SecurityPolicy admits (raw IdP names), by the route's host. */
function uiGroups(stack: string, host: string): string[] {
  const objs = objects(stack);
  const route = objs.find((o) => o.kind === "HTTPRoute" && (o.spec?.hostnames ?? []).includes(host));
  expect(route, `${stack}: a route for ${host}`).toBeDefined();
  const policy = objs.find((o) => o.kind === "SecurityPolicy" && (o.spec?.targetRefs ?? []).some((t: { name: string }) => t.name === route?.metadata.name));
  expect(policy?.spec?.oidc, `${stack}: ${host} signs people in`).toBeDefined();
  return (policy?.spec?.authorization?.rules ?? [])
    .filter((r: { action: string }) => r.action === "Allow")
    .flatMap((r: any) => (r.principal?.jwt?.claims ?? []).flatMap((c: { values: string[] }) => c.values));
}

const UI_SERVICES: readonly UiApp[] = ["mlflow", "pipelines", "evidently"];
/** A UI's host for a team: the shared UI's, or the team's own instance's (evidently-<team>). */
const hostFor = (domain: string, app: UiApp, team: string) => uiHost(domain, isTeamUiApp(app) ? teamUiName(app, team) : app);

describe("owner paths", () => {
  describe.each(STACKS)("every owner of the %s fixture stack", (stack) => {
    const cfg = () => plans[stack].config;

    it("has teams with owners to check", () => {
      const config = cfg();
      expect(config?.access, `${stack} has an access section`).toBeDefined();
      expect(config?.teams.length).toBeGreaterThan(0);
    });

    it("IdP group owners: kubectl through the identity provider and a RoleBinding of the prefixed group in the team's namespace", () => {
      const config = cfg();
      if (!config?.access) throw new Error("no access");
      const onEks = config.cluster.kind === "eks";
      const idpConfigs = plans[stack].resources.filter((r) => r.type === "aws:eks/identityProviderConfig:IdentityProviderConfig");
      // Existing clusters: the API server's own OIDC settings (the README's kubectl section); EKS: exactly one config.
      expect(idpConfigs).toHaveLength(onEks ? 1 : 0);
      let checked = 0;
      for (const team of config.teams) {
        for (const role of TEAM_ROLES) {
          for (const group of team.owners[role].groups) {
            const binding = objects(stack).find(
              (o) =>
                o.kind === "RoleBinding" &&
                o.metadata.namespace === team.name &&
                (o.subjects ?? []).some((s) => s.kind === "Group" && s.name === clusterGroup(config.access, group)),
            );
            expect(binding, `${stack}: ${team.name} ${role} ${group}`).toBeDefined();
            checked += 1;
          }
        }
      }
      expect(checked).toBeGreaterThan(0);
    });

    it("IdP group owners: Grafana and each UI service the team opted into admit the group", () => {
      const config = cfg();
      if (!config?.access) throw new Error("no access");
      let checked = 0;
      for (const team of config.teams) {
        const apps: UiApp[] = ["grafana", ...UI_SERVICES.filter((app) => team.services.includes(app))];
        const groups = TEAM_ROLES.flatMap((role) => team.owners[role].groups);
        for (const app of apps) {
          const admitted = uiGroups(stack, hostFor(config.access.domain, app, team.name));
          for (const group of groups) {
            expect(admitted, `${stack}: ${team.name} ${group} on ${app}`).toContain(group);
            checked += 1;
          }
        }
      }
      expect(checked).toBeGreaterThan(0);
    });

    it("a team's own Evidently UI admits its groups and the admins, and no group of another team", () => {
      const config = cfg();
      if (!config?.access) throw new Error("no access");
      const users = config.teams.filter((t) => t.services.includes("evidently"));
      let checked = 0;
      for (const team of users) {
        const admitted = uiGroups(stack, hostFor(config.access.domain, "evidently", team.name));
        const own = new Set([...config.access.adminGroups, ...teamIdpGroups(team)]);
        expect([...new Set(admitted)].sort(), `${stack}: ${team.name}`).toEqual([...own].sort());
        for (const other of config.teams.filter((t) => t !== team))
          for (const group of teamIdpGroups(other).filter((g) => !own.has(g))) {
            expect(admitted, `${stack}: ${other.name}'s ${group} on ${team.name}'s Evidently`).not.toContain(group);
            checked += 1;
          }
      }
      // staging runs no Evidently; dev and prod have a neighbour team with groups of its own, local's other team names none.
      expect(users.length > 0, `${stack}: teams using Evidently`).toBe(stack !== "staging");
      if (stack === "dev" || stack === "prod") expect(checked).toBeGreaterThan(0);
    });

    it("IAM principal owners: an access entry mapped to the team's group for that role", () => {
      const config = cfg();
      const entries = plans[stack].resources.filter((r) => r.type === T.accessEntry);
      const principals = (config?.teams ?? []).flatMap((team) => TEAM_ROLES.flatMap((role) => team.owners[role].iamPrincipals));
      // dev and prod name IAM owners; staging and local name none.
      expect(principals.length > 0).toBe(stack === "dev" || stack === "prod");
      for (const team of config?.teams ?? []) {
        for (const role of TEAM_ROLES) {
          for (const principal of team.owners[role].iamPrincipals) {
            const entry = entries.find((r) => r.inputs.principalArn === principal);
            expect(entry?.inputs.kubernetesGroups, `${stack}: ${team.name} ${role} ${principal}`).toEqual([`mlops:team:${team.name}:${role}`]);
          }
        }
      }
    });
  });
});
