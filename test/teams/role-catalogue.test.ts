/** The README's "Team roles" table is the role catalogue the code builds, row for row and verb for verb. */
import { describe, expect, it } from "vitest";
import { roleCatalogue } from "../../charts/team/rbac";
import { TEAM_ROLES, type TeamConfig, type TeamRole } from "../../config/teams";
import { readmeRoleTable } from "../helpers/readme";
import { PLATFORM_SERVICE_NAMES } from "../../domain/team-services";

const team = (services: string[]) => ({ name: "vision", services, extraRules: [] }) as unknown as TeamConfig;
const triples = (t: TeamConfig, env: string, role: (typeof TEAM_ROLES)[number]) =>
  roleCatalogue(t, env)
    .flatMap((e) => e.verbs[role].map((v) => `${e.apiGroup}|${e.resource}|${v}`))
    .sort();

/** The table's rows for a team in or outside prod, with the services it has ("with <service>" rows come with the service). */
function readmeTriples(role: TeamRole, opts: { prod: boolean; services: readonly string[] }): string[] {
  const only = (cell: string) => (cell.startsWith("with ") ? opts.services.includes(cell.slice(5)) : !(cell === "outside prod" && opts.prod));
  return readmeRoleTable()
    .filter((r) => only(r.only ?? ""))
    .flatMap((r) => r.verbs[role].map((v) => `${r.apiGroup}|${r.resource}|${v}`))
    .sort();
}

describe("the README's role table", () => {
  it("has a row per resource", () => {
    expect(readmeRoleTable().length).toBeGreaterThan(25);
  });

  it.each(TEAM_ROLES)("equals what the code grants %s, with every service, outside and in prod, with and without kserve and pipelines", (role) => {
    const all = [...PLATFORM_SERVICE_NAMES];
    expect(triples(team(all), "dev", role)).toEqual(readmeTriples(role, { prod: false, services: all }));
    expect(triples(team(all), "prod", role)).toEqual(readmeTriples(role, { prod: true, services: all }));
    expect(triples(team(["mlflow"]), "staging", role)).toEqual(readmeTriples(role, { prod: false, services: ["mlflow"] }));
  });
});
