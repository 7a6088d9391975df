/**
 * k8s-rbac's one RBAC-01 allowance: cluster-admin for the platform admins' IdP groups, in exactly the binding
 * charts/team/admins.ts makes. Anything else binding cluster-admin cluster-wide is still reported.
 */
import { describe, expect, it } from "vitest";
import { PLATFORM_ADMINS_BINDING, platformAdminObjects, teamGroup } from "../../charts/team";
import { MANAGED_BY, MANAGED_BY_LABEL } from "../../domain/ownership";
import { rbac } from "../../policies/kubernetes/rbac";
import * as pack from "../../policies/kubernetes/rbac";
import { mutate, packViolations, violations } from "./harness";

const CRB_T = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";
/** The binding as the program makes it for two admin groups with the default prefix. */
const [ADMINS] = platformAdminObjects({ adminGroups: ["platform-admins", "sre"], groupsPrefix: "oidc:" }) as Record<string, any>[];
const check = (obj: object) => violations(rbac, CRB_T, obj as Record<string, unknown>, { environment: "prod" });
const REFUSED = `RBAC-01: ClusterRoleBinding ${PLATFORM_ADMINS_BINDING} grants cluster-admin, which only the platform admins' IdP groups hold through it: `;

describe("k8s-rbac: the platform admins' ClusterRoleBinding (RBAC-01)", () => {
  it("the pack's copies are the program's: the binding's name, the platform's label, the IAM principals' group prefix", () => {
    expect(pack.PLATFORM_ADMINS_BINDING).toBe(PLATFORM_ADMINS_BINDING);
    expect(pack.MANAGED_BY_LABEL).toBe(MANAGED_BY_LABEL);
    expect(pack.MANAGED_BY).toBe(MANAGED_BY);
    expect(teamGroup("recsys", "admin").startsWith(pack.IAM_GROUP_PREFIX)).toBe(true);
  });

  it("the binding the program makes passes every policy of the pack", () => {
    expect(ADMINS.subjects.map((s: { name: string }) => s.name)).toEqual(["oidc:platform-admins", "oidc:sre"]);
    expect(check(ADMINS)).toEqual([]);
    expect(packViolations(CRB_T, ADMINS)).toEqual([]);
  });

  it("under another name it is any other cluster-wide cluster-admin binding", () => {
    expect(check(mutate(ADMINS, (b) => (b.metadata.name = "platform-admins")))).toEqual(["RBAC-01: ClusterRoleBinding platform-admins grants cluster-admin"]);
  });

  it("binding another role cluster-wide is reported as ever", () => {
    expect(check(mutate(ADMINS, (b) => (b.roleRef.name = "admin")))).toEqual([`RBAC-01: ClusterRoleBinding ${PLATFORM_ADMINS_BINDING} grants admin`]);
  });

  it("without the platform's label it is not the platform's binding", () => {
    expect(check(mutate(ADMINS, (b) => delete b.metadata.labels[MANAGED_BY_LABEL]))).toEqual([
      `${REFUSED}it lacks the label app.kubernetes.io/managed-by: mlops-platform`,
    ]);
    expect(check(mutate(ADMINS, (b) => (b.metadata.labels[MANAGED_BY_LABEL] = "helm")))).toEqual([
      `${REFUSED}it lacks the label app.kubernetes.io/managed-by: mlops-platform`,
    ]);
  });

  it("a user or service account among the subjects is reported", () => {
    expect(check(mutate(ADMINS, (b) => b.subjects.push({ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "alice" })))).toEqual([
      `${REFUSED}User alice is not a group`,
    ]);
    expect(check(mutate(ADMINS, (b) => b.subjects.push({ kind: "ServiceAccount", name: "deployer", namespace: "ci" })))).toEqual([
      `${REFUSED}ServiceAccount deployer is not a group`,
    ]);
  });

  it("a system: group (every authenticated caller, every service account, ...) is reported", () => {
    expect(check(mutate(ADMINS, (b) => (b.subjects[1].name = "system:authenticated")))).toEqual([`${REFUSED}Group system:authenticated is a system group`]);
  });

  it("an IAM principals' team group (mlops:team:...) is reported: team members never become cluster admins", () => {
    const group = teamGroup("recsys", "admin");
    expect(check(mutate(ADMINS, (b) => (b.subjects[0].name = group)))).toEqual([`${REFUSED}Group ${group} is an IAM principals' team group`]);
  });

  it("no subject, or a roleRef of another kind, is reported", () => {
    expect(check(mutate(ADMINS, (b) => (b.subjects = [])))).toEqual([`${REFUSED}it names no subject`]);
    expect(check(mutate(ADMINS, (b) => (b.roleRef.kind = "Role")))).toEqual([`${REFUSED}its roleRef is not the ClusterRole cluster-admin`]);
  });
});
