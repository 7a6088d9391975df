/**
 * The team role and a team's own Kubeflow Pipelines: the KFP API server and UI (service accounts ml-pipeline,
 * ml-pipeline-ui in the team namespace) act with the team role through Pod Identity associations, only for teams
 * that opted into pipelines, only in their own namespace and on their own role; no team role reaches pipelines/
 * outside its own teams/<team>/ prefix.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { teamServiceAccounts, teamTrustPolicy } from "../../components/teams";
import type { PolicyDocument } from "../../components/aws/iam";
import { KFP_OBJECT_STORE_SERVICE_ACCOUNTS, kfpTeamPrefix } from "../../domain/pipelines";
import type { PlanResult } from "../../scripts/plan/run";
import { T, ofType, plan } from "../components/plan-query";

let dev: PlanResult;
let prod: PlanResult;
beforeAll(async () => {
  dev = await plan("dev");
  prod = await plan("prod");
});

const arr = <V>(v: V | V[] | undefined): V[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe("team role and the team's own Kubeflow Pipelines: Pod Identity associations and trust", () => {
  describe.each([
    ["dev", () => dev],
    ["prod", () => prod],
  ] as const)("on %s", (_stack, result) => {
    const teams = () => result().config?.teams ?? [];

    it("has teams with and without pipelines to judge", () => {
      expect(teams().some((t) => t.services.includes("pipelines"))).toBe(true);
      expect(teams().some((t) => !t.services.includes("pipelines"))).toBe(true);
    });

    it("associates ml-pipeline and ml-pipeline-ui only for teams with pipelines, in the team's own namespace, on its own role", () => {
      const associations = ofType(result(), T.podIdentity).filter((a) => a.name.startsWith("teams-"));
      expect(associations.length).toBeGreaterThan(0);
      for (const team of teams()) {
        const own = associations.filter((a) => a.name === `teams-${team.name}` || a.name.startsWith(`teams-${team.name}-`));
        const expected = team.services.includes("pipelines") ? ["team-workload", "ml-pipeline", "ml-pipeline-ui"] : ["team-workload"];
        expect(own.map((a) => a.inputs.serviceAccount).sort()).toEqual([...expected].sort());
        for (const a of own) expect(a.inputs).toMatchObject({ namespace: team.name, roleArn: `<computed:teams-${team.name}.arn>` });
      }
      // Nowhere else: every KFP account association of the Teams component is one of the above.
      const kfp = associations.filter((a) => (KFP_OBJECT_STORE_SERVICE_ACCOUNTS as readonly string[]).includes(a.inputs.serviceAccount as string));
      expect(kfp).toHaveLength(teams().filter((t) => t.services.includes("pipelines")).length * 2);
    });

    it("trusts exactly the namespace's associated accounts in each team role", () => {
      for (const team of teams()) {
        const role = ofType(result(), T.role).find((r) => r.name === `teams-${team.name}`);
        const trust = JSON.parse(role?.inputs.assumeRolePolicy as string) as PolicyDocument;
        const condition = trust.Statement[0].Condition as Record<string, Record<string, string | string[]>>;
        expect(condition.StringEquals["aws:RequestTag/kubernetes-namespace"]).toBe(team.name);
        expect(arr(condition.StringEquals["aws:RequestTag/kubernetes-service-account"]).sort()).toEqual(teamServiceAccounts(team).sort());
      }
    });

    it("no team role reaches a pipelines/ key outside its own teams/<team>/ prefix", () => {
      for (const team of teams()) {
        const policy = ofType(result(), T.rolePolicy).find((p) => p.name === `teams-${team.name}`);
        const resources = (JSON.parse(policy?.inputs.policy as string) as PolicyDocument).Statement.flatMap((s) => arr(s.Resource as string | string[]));
        const objects = resources.filter((r) => r.startsWith("arn:aws:s3:::") && r.includes("/"));
        expect(objects.length).toBeGreaterThan(0);
        for (const r of objects) expect(r.endsWith(`/teams/${team.name}/*`), r).toBe(true);
        // The team's KFP keys (specs, artifacts, logs) sit inside that prefix.
        expect(kfpTeamPrefix(team.name).startsWith(`teams/${team.name}/`)).toBe(true);
      }
    });
  });
});

describe("teamServiceAccounts and teamTrustPolicy (pure)", () => {
  it("lists team-workload alone without pipelines, and the KFP API server and UI with it", () => {
    expect(teamServiceAccounts({ services: ["mlflow"] })).toEqual(["team-workload"]);
    expect(teamServiceAccounts({ services: ["mlflow", "pipelines"] })).toEqual(["team-workload", "ml-pipeline", "ml-pipeline-ui"]);
  });

  it("pins the namespace and lists the accounts, a single account as a plain string", () => {
    const cond = (doc: PolicyDocument) => (doc.Statement[0].Condition as Record<string, Record<string, unknown>>).StringEquals;
    expect(cond(teamTrustPolicy("nlp", "team-workload"))).toEqual({
      "aws:RequestTag/kubernetes-namespace": "nlp",
      "aws:RequestTag/kubernetes-service-account": "team-workload",
    });
    expect(cond(teamTrustPolicy("nlp", ["team-workload", "ml-pipeline"]))).toEqual({
      "aws:RequestTag/kubernetes-namespace": "nlp",
      "aws:RequestTag/kubernetes-service-account": ["team-workload", "ml-pipeline"],
    });
  });
});
