/**
 * The Teams component in the offline plan (dev, prod, local and variants), its pure IAM documents, the
 * access-entry merge, principalSlug, and the GPU capacity sums the config checks rely on.
 */
import { describe, it, expect, beforeAll } from "vitest";
import fc from "fast-check";
import { platformAdminObjects, teamObjects } from "../../charts/team";
import { teamsPipelinesNetwork } from "../../components/teams";
import { stackTeamCosts } from "../../components/platform-wiring";
import { eksApiServer } from "../../components/queues";
import { teamGroup } from "../../charts/team/rbac";
import { principalSlug, teamAccessEntries, teamBoundaryPolicy, teamDataPolicy } from "../../components/teams";
import type { PolicyDocument, PolicyStatement } from "../../components/aws/iam";
import type { TeamConfig } from "../../config/teams";
import { parseYamlStream } from "../../scripts/plan/extract";
import type { PlanResult } from "../../scripts/plan/run";
import { stackConfig } from "../helpers/stack";
import { T, childrenOf, one, ofType, plan, type Res } from "../components/plan-query";
import { fixture, fixtureTeams, teamsOf } from "./fixtures";

const TEAMS = "mlops:teams:Teams";
const POLICY = "aws:iam/policy:Policy";
const ACCOUNT = "<computed:account-id>";
const arr = <V>(v: V | V[] | undefined): V[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const doc = (r: Res, key: string) => JSON.parse(r.inputs[key] as string) as PolicyDocument;

let dev: PlanResult;
let prod: PlanResult;
let local: PlanResult;
let shared: PlanResult;
const SHARED_ARN = "arn:aws:iam::111122223333:role/ml-lead";

beforeAll(async () => {
  dev = await plan("dev");
  prod = await plan("prod");
  local = await plan("local");
  // One principal: admin of recsys, edit and view of nlp.
  const cfg = fixture("dev");
  const [recsys, nlp] = teamsOf(cfg);
  recsys.owners.admin.iamPrincipals.push(SHARED_ARN);
  nlp.owners.edit.iamPrincipals = [SHARED_ARN];
  nlp.owners.view = { iamPrincipals: [SHARED_ARN] };
  shared = await plan("dev", stackConfig(cfg));
});

const STACKS = [
  ["dev", () => dev, true],
  ["prod", () => prod, true],
  ["local", () => local, false],
] as const;

describe.each(STACKS)("Teams component on %s", (stack, result, onAws) => {
  const teams = () => result().config!.teams;
  const component = () => one(result(), TEAMS, "teams");

  it("plans cleanly: no schema problems, no duplicate URNs", () => {
    expect(result().ok).toBe(true);
    expect(result().duplicateUrns).toEqual([]);
  });

  it("one ConfigGroup per team, parented to the component, whose YAML is the team chart", () => {
    const shared = ["teams-guardrails", "teams-platform-admins"];
    const groups = ofType(result(), T.configGroup).filter((g) => g.parent === component().urn && !shared.includes(g.name));
    expect(groups.map((g) => g.name).sort()).toEqual(
      teams()
        .map((t) => `teams-${t.name}`)
        .sort(),
    );
    for (const team of teams()) {
      const group = one(result(), T.configGroup, `teams-${team.name}`);
      expect(group.parent).toBe(component().urn);
      const expected = teamObjects({
        team,
        environment: stack,
        podIdentity: onAws,
        kserveMode: result().config!.services.kserve.mode,
        objectStore: onAws ? undefined : { namespace: "object-store", port: 8333 },
        access: result().config!.access,
        // On EKS the platform passes the VPC (RDS) and the API server's addresses for the teams' own Kubeflow Pipelines.
        pipelines: teamsPipelinesNetwork(
          onAws
            ? {
                apiServer: eksApiServer(result().config!.network!.vpcCidr, (result().config!.cluster as any).serviceCidr),
                aws: { vpcCidr: result().config!.network!.vpcCidr } as any,
              }
            : {},
        ),
        // The team's quota ceiling and budget, from the same estimate `npm run check` prints.
        cost: stackTeamCosts(result().config!)[team.name],
      });
      expect(parseYamlStream(group.inputs.yaml as string)).toEqual(JSON.parse(JSON.stringify(expected)));
    }
  });

  it("binds the stack's access: the admins' groups get cluster-admin (prefixed as the API server names them)", () => {
    const access = result().config!.access;
    expect(access).toBeDefined();
    const admins = one(result(), T.configGroup, "teams-platform-admins");
    expect(admins.parent).toBe(component().urn);
    expect(parseYamlStream(admins.inputs.yaml as string)).toEqual(JSON.parse(JSON.stringify(platformAdminObjects(access!))));
  });

  if (!onAws) {
    it("creates no AWS resources for teams", () => {
      expect(childrenOf(result(), component()).filter((r) => r.type.startsWith("aws:"))).toEqual([]);
      expect(result().resources.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
    });
    return;
  }

  it("per team: an IAM role with the boundary, Pod Identity trust and cost tags", () => {
    const boundary = one(result(), POLICY, "teams-boundary");
    for (const team of teams()) {
      const role = one(result(), T.role, `teams-${team.name}`);
      expect(role.parent).toBe(component().urn);
      expect(role.inputs.permissionsBoundary).toBe(`<computed:${boundary.name}.arn>`);
      expect(role.inputs.tags).toEqual({ team: team.name, "cost-center": team.costCenter });
      expect(doc(role, "assumeRolePolicy").Statement).toEqual([
        {
          Effect: "Allow",
          Principal: { Service: "pods.eks.amazonaws.com" },
          Action: ["sts:AssumeRole", "sts:TagSession"],
          // With pipelines, the team's own KFP API server and UI too (their associations: test/teams/pipelines-iam.test.ts).
          Condition: {
            StringEquals: {
              "aws:RequestTag/kubernetes-namespace": team.name,
              "aws:RequestTag/kubernetes-service-account": team.services.includes("pipelines")
                ? ["team-workload", "ml-pipeline", "ml-pipeline-ui"]
                : "team-workload",
            },
          },
        },
      ]);
    }
  });

  it("per team: an inline policy that only touches teams/<team>/", () => {
    for (const team of teams()) {
      const policy = one(result(), T.rolePolicy, `teams-${team.name}`);
      expect(policy.inputs.role).toBe(`<computed:teams-${team.name}.id>`);
      assertOwnPrefixOnly(doc(policy, "policy"), team.name);
      // The account id is the caller identity, resolved at deploy time.
      expect(doc(policy, "policy").Statement[0].Resource).toContain(`arn:aws:s3:::${result().config!.cluster.name}-datasets-${ACCOUNT}/teams/${team.name}/*`);
    }
  });

  it("per team: a Pod Identity association for <team>/team-workload", () => {
    for (const team of teams()) {
      const pia = one(result(), T.podIdentity, `teams-${team.name}`);
      expect(pia.inputs).toMatchObject({ namespace: team.name, serviceAccount: "team-workload", roleArn: `<computed:teams-${team.name}.arn>` });
      expect(pia.inputs.clusterName).toBe(result().config!.cluster.name);
    }
  });

  it("one access entry per team IAM principal, mapped to team groups, with no access policy", () => {
    const principals = teams().flatMap((t) =>
      (["admin", "edit", "view"] as const).flatMap((r) => t.owners[r].iamPrincipals.map((p) => [p, teamGroup(t.name, r)] as const)),
    );
    expect(principals.length).toBeGreaterThan(0);
    const entries = ofType(result(), T.accessEntry).filter((e) => e.parent === component().urn);
    expect(entries).toHaveLength(new Set(principals.map(([p]) => p)).size);
    for (const [p, group] of principals) {
      const entry = one(result(), T.accessEntry, `teams-${principalSlug(p)}`);
      expect(entry.inputs).toMatchObject({ principalArn: p, type: "STANDARD" });
      expect(entry.inputs.kubernetesGroups).toContain(group);
    }
    const withPolicy = ofType(result(), T.accessPolicy).map((a) => a.inputs.principalArn);
    for (const [p] of principals) expect(withPolicy).not.toContain(p);
  });

  it("a single boundary policy: no wildcards, object access under teams/* only", () => {
    const boundaries = ofType(result(), POLICY).filter((p) => p.parent === component().urn);
    expect(boundaries.map((b) => b.name)).toEqual(["teams-boundary"]);
    assertTeamObjectsOnly(doc(boundaries[0], "policy"));
  });

  // Regression (components/teams/iam.ts, teamBoundaryPolicy): ListTeamPrefixes had no s3:prefix condition.
  it("the boundary lists only under teams/ (s3:prefix condition on ListBucket)", () => {
    assertTeamListingOnly(doc(one(result(), POLICY, "teams-boundary"), "policy"));
  });
});

/** Object ARNs end with /teams/<team>/*; bucket-level actions carry an s3:prefix condition inside it. */
/** The only KMS use a team gets: the buckets' key, through S3 in the stack's region. */
function isBucketKeyStatement(s: PolicyStatement): boolean {
  if (!arr(s.Action).some((a) => a.startsWith("kms:"))) return false;
  expect(arr(s.Action)).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
  expect(arr(s.Resource)).toHaveLength(1);
  expect(arr(s.Resource)[0]).not.toBe("*");
  expect(s.Condition).toEqual({ StringEquals: { "kms:ViaService": expect.stringMatching(/^s3\.[a-z0-9-]+\.amazonaws\.com$/) } });
  return true;
}

function assertOwnPrefixOnly(policy: PolicyDocument, team: string): void {
  for (const s of policy.Statement) {
    expect(s.Effect).toBe("Allow");
    if (isBucketKeyStatement(s)) continue;
    if (arr(s.Action).includes("s3:ListBucket")) {
      expect(arr(s.Action)).toEqual(["s3:ListBucket"]);
      expect(s.Condition).toEqual({ StringLike: { "s3:prefix": [`teams/${team}/`, `teams/${team}/*`] } });
      for (const r of arr(s.Resource)) expect(r).toMatch(/^arn:aws:s3:::[a-z0-9.-]+-(datasets|artifacts|models)-[^/]+$/);
    } else {
      expect(arr(s.Action)).toEqual(["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]);
      for (const r of arr(s.Resource)) expect(r.endsWith(`/teams/${team}/*`), r).toBe(true);
    }
  }
}

/** The ceiling: no wildcard actions, no Resource "*", object ARNs only under /teams/*. */
function assertTeamObjectsOnly(policy: PolicyDocument): void {
  const statements = policy.Statement as PolicyStatement[];
  expect(statements.length).toBeGreaterThan(0);
  for (const s of statements) {
    expect(s.Effect).toBe("Allow");
    expect(arr(s.Action).some((a) => a.includes("*"))).toBe(false);
    expect(arr(s.Resource)).not.toContain("*");
    if (isBucketKeyStatement(s)) continue;
    if (!arr(s.Action).includes("s3:ListBucket")) for (const r of arr(s.Resource)) expect(r.endsWith("/teams/*"), r).toBe(true);
  }
}

/** The ceiling's bucket-level statements: listing only with an s3:prefix under teams/. */
function assertTeamListingOnly(policy: PolicyDocument): void {
  const listing = (policy.Statement as PolicyStatement[]).filter((s) => arr(s.Action).includes("s3:ListBucket"));
  expect(listing.length).toBeGreaterThan(0);
  for (const s of listing) {
    // Without this condition the boundary lets a team role list every key of the data buckets.
    const prefixes = arr(s.Condition?.StringLike?.["s3:prefix"]);
    expect(prefixes.length, `${s.Sid} lists the whole bucket: no s3:prefix condition`).toBeGreaterThan(0);
    for (const p of prefixes) expect(p.startsWith("teams/"), p).toBe(true);
  }
}

describe("a principal shared by two teams (dev variant)", () => {
  it("gets one access entry carrying every team group", () => {
    const entry = one(shared, T.accessEntry, `teams-${principalSlug(SHARED_ARN)}`);
    expect(entry.inputs.kubernetesGroups).toEqual(["mlops:team:recsys:admin", "mlops:team:nlp:edit", "mlops:team:nlp:view"]);
    expect(ofType(shared, T.accessEntry).filter((e) => e.inputs.principalArn === SHARED_ARN)).toHaveLength(1);
    expect(shared.duplicateUrns).toEqual([]);
  });
});

describe("IAM documents (pure)", () => {
  const [recsys, nlp] = fixtureTeams("dev");
  const KEY = { arn: "arn:aws:kms:us-east-1:123456789012:key/abc", region: "us-east-1" };

  it("teamDataPolicy reaches teams/<team>/ of the three data buckets only", () => {
    const p = teamDataPolicy(nlp, "mlops-dev", "123456789012", KEY);
    assertOwnPrefixOnly(p, "nlp");
    expect(arr(p.Statement[0].Resource)).toEqual(["datasets", "artifacts", "models"].map((k) => `arn:aws:s3:::mlops-dev-${k}-123456789012/teams/nlp/*`));
    expect(JSON.stringify(p)).not.toContain("recsys");
  });

  it("teamBoundaryPolicy: no wildcard action, no Resource *", () => {
    const p = teamBoundaryPolicy("mlops-prod", "444455556666", KEY);
    for (const s of p.Statement) {
      expect(arr(s.Action).filter((a) => a === "*" || a.endsWith(":*"))).toEqual([]);
      expect(arr(s.Resource)).not.toContain("*");
      expect(s.Effect).toBe("Allow");
    }
  });

  it("teamBoundaryPolicy keeps object access under teams/* of the three data buckets", () => {
    const p = teamBoundaryPolicy("mlops-prod", "444455556666", KEY);
    assertTeamObjectsOnly(p);
    const buckets = ["datasets", "artifacts", "models"].map((k) => `arn:aws:s3:::mlops-prod-${k}-444455556666`);
    const teamLogs = `arn:aws:logs:${KEY.region}:444455556666:log-group:/mlops/mlops-prod/teams/*`;
    expect(p.Statement.flatMap((s) => arr(s.Resource)).sort()).toEqual([...buckets, ...buckets.map((b) => `${b}/teams/*`), KEY.arn, teamLogs].sort());
  });

  it("teamAccessEntries merges a principal used by two teams into one entry with both groups", () => {
    const principal = "arn:aws:iam::111122223333:role/shared";
    const withShared = (t: TeamConfig, role: "admin" | "view"): TeamConfig => ({
      ...t,
      owners: { ...t.owners, [role]: { ...t.owners[role], iamPrincipals: [...t.owners[role].iamPrincipals, principal] } },
    });
    const entries = teamAccessEntries([withShared(recsys, "admin"), withShared(nlp, "view")], teamGroup);
    expect([...entries.keys()].sort()).toEqual(["arn:aws:iam::111122223333:role/recsys-admin", principal].sort());
    expect(entries.get(principal)).toEqual(["mlops:team:recsys:admin", "mlops:team:nlp:view"]);
    expect(entries.get("arn:aws:iam::111122223333:role/recsys-admin")).toEqual(["mlops:team:recsys:admin"]);
  });
});

describe("principalSlug", () => {
  it("is stable and URN-safe", () => {
    expect(principalSlug("arn:aws:iam::111122223333:role/recsys-admin")).toMatch(/^111122223333-role-recsys-admin-[0-9a-f]{8}$/);
    expect(principalSlug("arn:aws:iam::444455556666:user/ops/alice@example.com")).toMatch(/^444455556666-user-ops-alice-example-com-[0-9a-f]{8}$/);
    const arn = fc.stringMatching(/^arn:aws:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,40}$/);
    fc.assert(
      fc.property(arn, (a) => {
        expect(principalSlug(a)).toBe(principalSlug(a));
        expect(principalSlug(a)).toMatch(/^[A-Za-z0-9-]+$/);
      }),
    );
  });

  // Regression: the slug mapped every character outside [A-Za-z0-9-] to '-', so distinct, valid IAM names collide.
  it("gives distinct principals distinct slugs (role/ml_admin vs role/ml-admin)", () => {
    const a = "arn:aws:iam::111122223333:role/ml_admin";
    const b = "arn:aws:iam::111122223333:role/ml-admin";
    expect(principalSlug(a)).not.toBe(principalSlug(b));
  });

  it("two teams with such principals plan without duplicate URNs", async () => {
    const cfg = fixture("dev");
    const [recsys, nlp] = teamsOf(cfg);
    recsys.owners.admin.iamPrincipals = ["arn:aws:iam::111122223333:role/ml_admin"];
    nlp.owners.admin.iamPrincipals = ["arn:aws:iam::111122223333:role/ml-admin"];
    const result = await plan("dev", stackConfig(cfg));
    expect(result.duplicateUrns).toEqual([]);
    expect(ofType(result, T.accessEntry).filter((e) => /ml.admin$/.test(e.inputs.principalArn as string))).toHaveLength(2);
  });
});
