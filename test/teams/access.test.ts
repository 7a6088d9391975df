/**
 * IdP sign-in in the team RBAC: with `access`, owner groups are bound as the API server names them (groupsPrefix +
 * group), IAM principals' groups stay unprefixed, the namespace tells the admission rules the same names, and the
 * platform admins' groups get the one cluster-admin binding (chart, and the Teams component under mocks).
 */
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { PLATFORM_ADMINS_BINDING, platformAdminObjects, roleSubjects, teamGroup, teamObjects } from "../../charts/team";
import { Teams } from "../../components/teams";
import { resolveAccess, type AccessConfig } from "../../config/access";
import { TEAM_ROLES, type TeamConfig } from "../../config/teams";
import { MANAGED_BY_LABEL, TEAM_GROUP_ANNOTATION_PREFIX } from "../../domain/ownership";
import { parseYamlStream } from "../../scripts/plan/extract";
import { planMocks } from "../../scripts/plan/mocks";
import { Recorder, type PlannedResource } from "../../scripts/plan/recorder";
import type { KubeObject } from "../../scripts/plan/extract";
import { fixture, resolved } from "./fixtures";

const ENDPOINTS = {
  authorization: "https://idp.example.com/authorize",
  token: "https://idp.example.com/token",
  userInfo: "https://idp.example.com/userinfo",
  jwks: "https://idp.example.com/keys",
};
const ACCESS = resolveAccess({
  identityProvider: { kind: "oidc", issuer: "https://idp.example.com", clientId: "mlops", kubectlClientId: "mlops-kubectl", endpoints: ENDPOINTS },
  adminGroups: ["ml-platform-admins", "sre"],
  groupsPrefix: "corp:",
  domain: "mlops.example.com",
}) as AccessConfig;
const IAM = "arn:aws:iam::111122223333:role/vision-ci";

type Obj = KubeObject & { metadata: { name: string; annotations?: Record<string, string> }; subjects?: { name: string }[] };
const get = (objs: Obj[], kind: string, name: string): Obj => {
  const hits = objs.filter((o) => o.kind === kind && o.metadata.name === name);
  expect(hits, `${kind} ${name}`).toHaveLength(1);
  return hits[0];
};

/** A team with groups in every role and an IAM principal in one: the local stack's first team, re-owned. */
const vision: TeamConfig = {
  ...resolved(fixture("local")).teams[0],
  name: "vision",
  owners: {
    admin: { groups: ["vision-leads"], iamPrincipals: [] },
    edit: { groups: ["vision-eng"], iamPrincipals: [IAM] },
    view: { groups: ["all staff"], iamPrincipals: [] },
  },
};

describe("roleSubjects with access", () => {
  it("prefixes IdP groups and leaves the IAM principals' group as the access entry names it", () => {
    expect(roleSubjects(vision, "edit", ACCESS).map((s) => s.name)).toEqual(["corp:vision-eng", teamGroup("vision", "edit")]);
    expect(roleSubjects(vision, "view", ACCESS).map((s) => s.name)).toEqual(["corp:all staff"]);
    expect(roleSubjects(vision, "edit").map((s) => s.name)).toEqual(["vision-eng", teamGroup("vision", "edit")]);
  });

  it("property: every IdP subject is prefix + group, in order, for any prefix", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (groupsPrefix) => {
        for (const role of TEAM_ROLES) {
          const names = roleSubjects(vision, role, { groupsPrefix }).map((s) => s.name);
          const idp = vision.owners[role].groups.map((g) => `${groupsPrefix}${g}`);
          expect(names.slice(0, idp.length)).toEqual(idp);
          expect(names.slice(idp.length)).toEqual(vision.owners[role].iamPrincipals.length > 0 ? [teamGroup("vision", role)] : []);
        }
      }),
    );
  });
});

describe("team chart with access", () => {
  const objs = teamObjects({ team: vision, environment: "dev", podIdentity: true, access: ACCESS }) as Obj[];

  it("binds each role to its prefixed groups", () => {
    expect(get(objs, "RoleBinding", "team-admin").subjects?.map((s) => s.name)).toEqual(["corp:vision-leads"]);
    expect(get(objs, "RoleBinding", "team-edit").subjects?.map((s) => s.name)).toEqual(["corp:vision-eng", "mlops:team:vision:edit"]);
    expect(get(objs, "RoleBinding", "team-view").subjects?.map((s) => s.name)).toEqual(["corp:all staff"]);
  });

  it("names the same groups in the namespace's team-group annotations (the admission rules compare the request's groups)", () => {
    const annotations = get(objs, "Namespace", "vision").metadata.annotations ?? {};
    const groups = Object.entries(annotations)
      .filter(([k]) => k.startsWith(TEAM_GROUP_ANNOTATION_PREFIX))
      .map(([, v]) => v);
    expect(groups.sort()).toEqual(["corp:all staff", "corp:vision-eng", "corp:vision-leads", "mlops:team:vision:edit"]);
  });
});

describe("platformAdminObjects", () => {
  const [binding] = platformAdminObjects(ACCESS) as Obj[];

  it("is one platform-owned ClusterRoleBinding of cluster-admin to the admins' prefixed groups", () => {
    expect(platformAdminObjects(ACCESS)).toHaveLength(1);
    expect(binding).toEqual({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: PLATFORM_ADMINS_BINDING, labels: { [MANAGED_BY_LABEL]: "mlops-platform" } },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      subjects: [
        { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "corp:ml-platform-admins" },
        { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "corp:sre" },
      ],
    });
  });
});

describe("Teams component with and without access (mocks)", () => {
  const resources: PlannedResource[] = [];
  const team = vision;

  beforeAll(async () => {
    await pulumi.runtime.setMocks(planMocks, "mlops-platform", "test", false);
    const recorder = new Recorder();
    recorder.attach();
    new Teams("teams", { teams: [team], environment: "dev", access: ACCESS });
    new Teams("plain", { teams: [team], environment: "dev" });
    await Recorder.settle();
    resources.push(...recorder.resources);
  });

  const group = (name: string) => resources.filter((r) => r.type === "kubernetes:yaml/v2:ConfigGroup" && r.name === name);
  const yaml = (name: string) => parseYamlStream(group(name)[0].inputs.yaml as string) as Obj[];

  it("with access: the admins' binding in its own group under the component, and the team bound with the prefix", () => {
    expect(group("teams-platform-admins")).toHaveLength(1);
    const component = resources.find((r) => r.type === "mlops:teams:Teams" && r.name === "teams");
    expect(group("teams-platform-admins")[0].parent).toBe(component?.urn);
    expect(yaml("teams-platform-admins")).toEqual(JSON.parse(JSON.stringify(platformAdminObjects(ACCESS))));
    expect(get(yaml("teams-vision"), "RoleBinding", "team-admin").subjects?.map((s) => s.name)).toEqual(["corp:vision-leads"]);
  });

  it("without access: no admin binding, groups bound as configured", () => {
    expect(group("plain-platform-admins")).toEqual([]);
    expect(get(yaml("plain-vision"), "RoleBinding", "team-admin").subjects?.map((s) => s.name)).toEqual(["vision-leads"]);
    expect(resources.filter((r) => JSON.stringify(r.inputs).includes("cluster-admin")).map((r) => r.name)).toEqual(["teams-platform-admins"]);
  });
});
