/**
 * The team chart for a team's own Kubeflow Pipelines: the runs' account and its Role, what the team roles may do
 * with the runs' Kubernetes objects, and the control plane's share of the quota. Pure: synthesized objects only.
 */
import { describe, expect, it } from "vitest";
import { kfpControlPlaneFootprint, KFP_CONTROL_PLANE_BUDGET, KFP_RUNNER_RULES } from "../../charts/team/pipelines";
import { resourceQuotaHard, teamObjects } from "../../charts/team";
import { resolveTeam, teamSchema, TEAM_ROLES, type TeamConfig } from "../../config/teams";
import { KFP_POD_LABELS } from "../../domain/pipelines";
import { PLATFORM_OWNED_LABELS } from "../../domain/ownership";
import { get, synth, type Obj } from "./chart-fixtures";
import { teamEntry } from "./fixtures";

const make = (name: string, services: string[]): TeamConfig => resolveTeam(teamSchema.parse(teamEntry(name, { services })), ["experiments"]);
const withKfp = make("vision", ["mlflow", "pipelines"]);
const without = make("nlp", ["mlflow"]);
const triples = (rules: { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }[]) =>
  rules
    .flatMap((r) =>
      r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}|${res}|${v}${r.resourceNames ? `|${r.resourceNames.join(",")}` : ""}`))),
    )
    .sort();

describe("team chart with pipelines: the runs' account", () => {
  const objs = synth(withKfp, "dev");

  it("binds Role kfp-runner to team-workload of the team's namespace only", () => {
    const binding = get(objs, "RoleBinding", "kfp-runner");
    expect(binding.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "kfp-runner" });
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "team-workload", namespace: "vision" }]);
  });

  it("grants exactly what KFP's driver and launcher and Argo's executor call: no list, no watch, no Secrets", () => {
    expect(triples(get(objs, "Role", "kfp-runner").rules ?? [])).toEqual(
      [
        "|configmaps|get|kfp-launcher",
        "|pods|get",
        "|persistentvolumeclaims|create",
        "|persistentvolumeclaims|get",
        "|persistentvolumeclaims|delete",
        "argoproj.io|workflowtaskresults|create",
        "argoproj.io|workflowtaskresults|patch",
        "argoproj.io|workflows|get",
      ].sort(),
    );
    expect(triples([...KFP_RUNNER_RULES])).toEqual(triples(get(objs, "Role", "kfp-runner").rules ?? []));
  });

  it("on the in-cluster object store, also gets the team's own key Secret by name (the launcher and Argo's executor read it), and no other Secret", () => {
    const local = teamObjects({ team: withKfp, environment: "dev", objectStore: { namespace: "object-store", port: 8333 } }) as Obj[];
    const rules = get(local, "Role", "kfp-runner").rules ?? [];
    expect(triples(rules).filter((t) => t.startsWith("|secrets|"))).toEqual(["|secrets|get|object-store-credentials"]);
    expect(triples(rules)).toEqual([...triples([...KFP_RUNNER_RULES]), "|secrets|get|object-store-credentials"].sort());
    expect(triples(get(objs, "Role", "kfp-runner").rules ?? []).filter((t) => t.includes("secrets"))).toEqual([]);
  });

  it("keeps the Role, its binding and the account the platform's (read-only to the team)", () => {
    for (const [kind, name] of [
      ["Role", "kfp-runner"],
      ["RoleBinding", "kfp-runner"],
      ["ServiceAccount", "team-workload"],
    ])
      expect(get(objs, kind, name).metadata.labels).toMatchObject(PLATFORM_OWNED_LABELS);
  });

  it("mounts team-workload's token (KFP and Argo call the API with it) and still not default's", () => {
    expect(get(objs, "ServiceAccount", "team-workload").automountServiceAccountToken).toBe(true);
    expect(get(objs, "ServiceAccount", "default").automountServiceAccountToken).toBe(false);
  });
});

describe("team chart without pipelines", () => {
  const objs = synth(without, "dev");

  it("has no runner Role or binding, no pipelines policies, and team-workload mounts no token", () => {
    expect(objs.filter((o: Obj) => o.metadata.name === "kfp-runner")).toEqual([]);
    expect(objs.filter((o: Obj) => o.kind === "NetworkPolicy" && o.metadata.name.includes("kfp"))).toEqual([]);
    expect(get(objs, "ServiceAccount", "team-workload").automountServiceAccountToken).toBe(false);
  });

  it("gives its roles nothing of Argo or KFP", () => {
    for (const role of TEAM_ROLES) {
      const groups = (get(objs, "Role", `team-${role}`).rules ?? []).flatMap((r) => r.apiGroups);
      expect(groups).not.toContain("argoproj.io");
      expect(groups).not.toContain("kubeflow.org");
    }
  });
});

describe("team roles with pipelines: the runs' Workflows and ScheduledWorkflows", () => {
  const objs = synth(withKfp, "dev");
  const kfpTriples = (role: string) =>
    triples((get(objs, "Role", `team-${role}`).rules ?? []).filter((r) => r.apiGroups.some((g) => g === "argoproj.io" || g === "kubeflow.org")));

  it.each(TEAM_ROLES)("%s reads them and changes none (the team's KFP API starts, stops and deletes runs)", (role) => {
    expect(kfpTriples(role)).toEqual(
      ["workflows", "workflowtaskresults"]
        .flatMap((r) => ["get", "list", "watch"].map((v) => `argoproj.io|${r}|${v}`))
        .concat(["get", "list", "watch"].map((v) => `kubeflow.org|scheduledworkflows|${v}`))
        .sort(),
    );
  });
});

describe("team quota with pipelines", () => {
  it("the control plane's budget: one Deployment per upstream pod label, 590m and 1794Mi requested, 3328Mi memory limit, 7 pods", () => {
    expect(Object.keys(KFP_CONTROL_PLANE_BUDGET).sort()).toEqual(Object.keys(KFP_POD_LABELS).sort());
    const footprint = kfpControlPlaneFootprint();
    expect(footprint.cpu).toBeCloseTo(0.59, 9);
    expect(footprint).toMatchObject({ memory: 1794 * 2 ** 20, memoryLimit: 3328 * 2 ** 20, pods: 7 });
  });

  it("grows the team's quota by exactly that, so the config's numbers stay the team's own budget", () => {
    const team = make("vision", ["pipelines"]);
    expect(team.quota).toMatchObject({ cpu: "4", memory: "16Gi", pods: 20 });
    expect(resourceQuotaHard(team)).toMatchObject({ "requests.cpu": "4590m", "requests.memory": "18178Mi", "limits.memory": "19712Mi", pods: "27" });
  });

  it("leaves a team without pipelines at its config's numbers", () => {
    expect(resourceQuotaHard(make("nlp", ["mlflow"]))).toMatchObject({ "requests.cpu": "4", "requests.memory": "16Gi", "limits.memory": "16Gi", pods: "20" });
  });
});
