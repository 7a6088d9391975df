/**
 * What a team's Feast store needs of the access section (config/access-rules.ts feastProblems): the identity
 * provider its servers check tokens against, and groups in the claim Feast reads. Fixtures: dev (EKS, OIDC), local.
 */
import { describe, it } from "vitest";
import { expectProblem, expectValid, fixture, teamsOf } from "./fixtures";

describe("Feast teams and the access section", () => {
  it("refuses a team with feast on a stack without access, and says what to do", () => {
    const cfg = fixture("local");
    delete cfg.access;
    for (const team of teamsOf(cfg)) delete team.modelEndpoints;
    teamsOf(cfg)[0].services = ["feast"];
    expectProblem(cfg, "teams[0].services", 'lists "feast", which needs the access section');
    expectProblem(cfg, "teams[0].services", "add access, or drop feast from the team");
  });

  it("accepts the same stack when the team drops feast", () => {
    const cfg = fixture("local");
    delete cfg.access;
    for (const team of teamsOf(cfg)) {
      delete team.modelEndpoints;
      team.services = (team.services ?? []).filter((s: string) => s !== "feast");
    }
    expectValid(cfg);
  });

  it("refuses a groups claim other than groups when a team uses feast", () => {
    const cfg = fixture("dev");
    cfg.access.claims = { groups: "roles" };
    expectProblem(cfg, "access.claims.groups", "is roles, but Feast reads people's groups from the claim named groups only");
  });

  it("accepts the groups claim named groups", () => {
    const cfg = fixture("dev");
    cfg.access.claims = { groups: "groups" };
    expectValid(cfg);
  });

  it("refuses feast for a team named redis, whose store would take the names of the feast namespace's Redis", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].name = "redis";
    teamsOf(cfg)[0].services = ["feast"];
    delete teamsOf(cfg)[0].modelEndpoints;
    expectProblem(cfg, "teams[0].services", "a team named redis cannot have a Feast store: its objects would be named feast-redis");
  });
});
