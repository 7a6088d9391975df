/** The README's "Team roles" table is the role catalogue the code builds, row for row and verb for verb. */
import { describe, expect, it } from "vitest";
import { roleCatalogue } from "../../charts/team/rbac";
import { TEAM_ROLES, type TeamConfig } from "../../config/teams";
import { readmeRoleTable, readmeRoleTriples } from "../helpers/readme";
import { PLATFORM_SERVICE_NAMES } from "../../domain/team-services";

const team = (services: string[]) => ({ name: "vision", services, extraRules: [] }) as unknown as TeamConfig;
const triples = (t: TeamConfig, env: string, role: (typeof TEAM_ROLES)[number]) =>
  roleCatalogue(t, env)
    .flatMap((e) => e.verbs[role].map((v) => `${e.apiGroup}|${e.resource}|${v}`))
    .sort();

describe("the README's role table", () => {
  it("has a row per resource", () => {
    expect(readmeRoleTable().length).toBeGreaterThan(25);
  });

  it.each(TEAM_ROLES)("equals what the code grants %s, with every service, outside and in prod, with and without kserve", (role) => {
    const all = [...PLATFORM_SERVICE_NAMES];
    expect(triples(team(all), "dev", role)).toEqual(readmeRoleTriples(role, { prod: false, kserve: true }));
    expect(triples(team(all), "prod", role)).toEqual(readmeRoleTriples(role, { prod: true, kserve: true }));
    expect(triples(team(["mlflow"]), "staging", role)).toEqual(readmeRoleTriples(role, { prod: false, kserve: false }));
  });
});
