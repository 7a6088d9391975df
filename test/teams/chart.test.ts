/**
 * The team chart as synthesized by cdk8s (teamObjects): namespace, quota, limits, network policies, RBAC and
 * service accounts, checked against NS-01..NS-06 and RBAC-01..03, and against the Kubernetes 1.35 schema.
 */
import { describe, it, expect } from "vitest";
import { parseQuantity } from "../../config/quantity";
import { TEAM_ROLES, type TeamRole } from "../../config/teams";
import { PLATFORM_SERVICES, PLATFORM_SERVICE_NAMES, teamServiceTargets, type PlatformService, type PlatformServiceName } from "../../domain/team-services";
import { POD_SECURITY_VERSION } from "../../domain/versions";
import { validateObjects } from "../../scripts/plan/validate";
import { synth, get, policies, CASES, metadataLeaks } from "./chart-fixtures";

describe.each(CASES)("team chart %s", (_label, team, environment) => {
  const objs = synth(team, environment);

  it("namespace: team and cost-center labels, PSA restricted with pinned versions, no metadata.namespace", () => {
    const ns = get(objs, "Namespace", team.name);
    expect(ns.metadata.namespace).toBeUndefined();
    expect(ns.metadata.labels).toMatchObject({
      team: team.name,
      "cost-center": team.costCenter,
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": POD_SECURITY_VERSION,
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/warn-version": POD_SECURITY_VERSION,
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/audit-version": POD_SECURITY_VERSION,
      "mlops.platform/queue": team.name,
    });
    expect((ns.metadata as { annotations?: Record<string, string> }).annotations).toMatchObject({
      "mlops.platform/gpu-pools": team.quota.gpu.map((s) => s.pool).join(","),
      "mlops.platform/queue-priorities": team.priorities.join(","),
    });
  });

  it("every other object lives in the team namespace", () => {
    const others = objs.filter((o) => o.kind !== "Namespace");
    expect(others.length).toBeGreaterThan(10);
    for (const o of others) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(team.name);
  });

  it("ResourceQuota covers exactly the NS-02 keys, no LoadBalancers or NodePorts", () => {
    const hard = get(objs, "ResourceQuota", "team-quota").spec.hard as Record<string, string>;
    expect(Object.keys(hard).sort()).toEqual(
      [
        "limits.memory",
        "persistentvolumeclaims",
        "pods",
        "requests.cpu",
        "requests.memory",
        "requests.storage",
        "services.loadbalancers",
        "services.nodeports",
        "count/volumesnapshots.snapshot.storage.k8s.io",
      ].sort(),
    );
    expect(hard["count/volumesnapshots.snapshot.storage.k8s.io"]).toBe(String(team.quota.persistentVolumeClaims));
    // A team with pipelines gets its own KFP control plane's share on top (test/teams/pipelines.test.ts).
    const budget = team.services.includes("pipelines") ? { cpu: 0.59, memory: 1794 * 2 ** 20, memoryLimit: 3328 * 2 ** 20, pods: 7 } : undefined;
    const grown = (key: string, base: string, extra = 0) => expect(parseQuantity(hard[key]), key).toBeCloseTo((parseQuantity(base) ?? NaN) + extra, 6);
    grown("requests.cpu", team.quota.cpu, budget?.cpu);
    grown("requests.memory", team.quota.memory, budget?.memory);
    grown("limits.memory", team.quota.memory, budget?.memoryLimit);
    expect(hard).toMatchObject({
      "requests.storage": team.quota.storage,
      persistentvolumeclaims: String(team.quota.persistentVolumeClaims),
      pods: String(team.quota.pods + (budget?.pods ?? 0)),
      "services.loadbalancers": "0",
      "services.nodeports": "0",
    });
    // GPUs are Kueue's quota (charts/queues): no extended-resource line at all.
    expect(hard["requests.nvidia.com/gpu"]).toBeUndefined();
    expect(hard["limits.nvidia.com/gpu"]).toBeUndefined();
  });

  it("LimitRange: min ≤ defaultRequest ≤ default ≤ max for cpu and memory", () => {
    const [limit] = get(objs, "LimitRange", "team-limits").spec.limits as Record<string, Record<string, string>>[];
    expect(limit.type).toBe("Container");
    for (const r of ["cpu", "memory"]) {
      const chain = ["min", "defaultRequest", "default", "max"].map((k) => parseQuantity(limit[k][r])!);
      chain.forEach((v) => expect(v).toBeGreaterThan(0));
      for (let i = 1; i < chain.length; i++) expect(chain[i - 1], `${r} step ${i}`).toBeLessThanOrEqual(chain[i]);
    }
  });

  it("default deny and DNS to kube-dns on UDP and TCP 53", () => {
    expect(get(objs, "NetworkPolicy", "default-deny").spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const dns = get(objs, "NetworkPolicy", "allow-dns").spec;
    expect(dns.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
        ports: [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 53 },
        ],
      },
    ]);
  });

  it("no ipBlock reaches 169.254.169.254", () => {
    expect(metadataLeaks(objs)).toEqual([]);
  });

  it("one allow-<service> policy per opted-in service, with its namespace and ports", () => {
    for (const name of PLATFORM_SERVICE_NAMES) {
      const present = policies(objs).filter((p) => p.metadata.name === `allow-${name}`);
      if (!team.services.includes(name)) {
        expect(present, name).toEqual([]);
        continue;
      }
      const svc: PlatformService = PLATFORM_SERVICES[name as PlatformServiceName];
      // The team's own targets: its own instance or store where the service runs one per team (Evidently, Feast),
      // written out here, not taken from the function under test.
      const own: Partial<Record<string, Record<string, string>>> = {
        evidently: { "app.kubernetes.io/name": "evidently", "mlops.platform/team": team.name },
        feast: { "feast.dev/name": team.name },
      };
      const targets = own[name] ? [{ podSelector: own[name], ports: teamServiceTargets(name as PlatformServiceName, team.name)[0]?.ports ?? [] }] : svc.targets;
      if (targets.length === 0) {
        expect(present, `${name} has no egress target`).toEqual([]);
        continue;
      }
      expect(present[0].spec.egress).toEqual(
        targets.map((t) => ({
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": svc.namespace } }, podSelector: { matchLabels: t.podSelector } }],
          ports: t.ports.map((port) => ({ protocol: "TCP", port })),
        })),
      );
    }
    expect(policies(objs).some((p) => p.metadata.name === "allow-inference-ingress")).toBe(team.services.includes("kserve"));
  });

  it("internet HTTPS only when asked, excepting private ranges and link-local", () => {
    const https = policies(objs).filter((p) => p.metadata.name === "allow-internet-https");
    expect(https.length).toBe(team.egress.internetHttps ? 1 : 0);
    if (team.egress.internetHttps) {
      const [rule] = https[0].spec.egress;
      expect(rule.ports).toEqual([{ protocol: "TCP", port: 443 }]);
      expect(rule.to[0].ipBlock.cidr).toBe("0.0.0.0/0");
      expect(rule.to[0].ipBlock.except).toEqual(expect.arrayContaining(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"]));
    }
  });

  describe("Roles", () => {
    const rules = (role: TeamRole) => get(objs, "Role", `team-${role}`).rules!;
    const triples = (role: TeamRole) =>
      new Set(rules(role).flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}|${res}|${v}`)))));
    const CLUSTER = [
      "nodes",
      "nodes/proxy",
      "namespaces",
      "persistentvolumes",
      "clusterroles",
      "clusterrolebindings",
      "customresourcedefinitions",
      "storageclasses",
      "validatingwebhookconfigurations",
      "mutatingwebhookconfigurations",
      "priorityclasses",
      "certificatesigningrequests",
    ];
    const PLATFORM_OWNED = ["resourcequotas", "limitranges", "networkpolicies", "roles", "rolebindings"];
    const WRITE = ["create", "update", "patch", "delete", "deletecollection"];

    it.each(TEAM_ROLES)("%s: no wildcard, nothing cluster-scoped, no escalation, no token minting, no writes to platform objects", (role) => {
      for (const [k, g, res, v] of [...triples(role)].map((t) => [t, ...t.split("|")])) {
        expect(k).not.toContain("*");
        expect(CLUSTER, k).not.toContain(res);
        expect(["escalate", "bind", "impersonate"], k).not.toContain(v);
        expect(res, k).not.toBe("serviceaccounts/token");
        if (PLATFORM_OWNED.includes(res)) expect(WRITE, k).not.toContain(v);
        void g;
      }
    });

    it("pods/exec, attach and ephemeral containers (kubectl debug) for edit and admin outside prod only; view never", () => {
      const exec = (role: TeamRole) => [...triples(role)].filter((t) => /\|pods\/(exec|attach|ephemeralcontainers)\|/.test(t));
      expect(exec("view")).toEqual([]);
      for (const role of ["edit", "admin"] as const) {
        expect(exec(role)).toEqual(
          environment === "prod" ? [] : ["|pods/exec|create", "|pods/attach|create", "|pods/ephemeralcontainers|patch", "|pods/ephemeralcontainers|update"],
        );
      }
    });

    it("view has no secrets; admin ⊇ edit ⊇ view", () => {
      expect([...triples("view")].filter((t) => t.includes("|secrets|"))).toEqual([]);
      const [view, edit, admin] = [triples("view"), triples("edit"), triples("admin")];
      expect([...view].filter((t) => !edit.has(t))).toEqual([]);
      expect([...edit].filter((t) => !admin.has(t))).toEqual([]);
      expect(edit.size).toBeGreaterThan(view.size);
      expect(admin.size).toBeGreaterThan(edit.size);
    });
  });

  it("RoleBindings: team-<role> to its groups plus mlops:team:<team>:<role> for IAM principals; none without owners", () => {
    for (const role of TEAM_ROLES) {
      const o = team.owners[role];
      const expected = [...o.groups, ...(o.iamPrincipals.length > 0 ? [`mlops:team:${team.name}:${role}`] : [])];
      const bindings = objs.filter((x) => x.kind === "RoleBinding" && x.metadata.name === `team-${role}`);
      if (expected.length === 0) {
        expect(bindings, role).toEqual([]);
        continue;
      }
      expect(bindings).toHaveLength(1);
      expect(bindings[0].roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: `team-${role}` });
      expect(bindings[0].subjects).toEqual(expected.map((name) => ({ kind: "Group", name, apiGroup: "rbac.authorization.k8s.io" })));
    }
    expect(objs.filter((o) => o.kind === "ClusterRoleBinding" || o.kind === "ClusterRole")).toEqual([]);
  });

  it("ServiceAccounts default and team-workload mount no API token (team-workload does with pipelines: its runs call the API)", () => {
    expect(get(objs, "ServiceAccount", "default").automountServiceAccountToken).toBe(false);
    expect(get(objs, "ServiceAccount", "team-workload").automountServiceAccountToken).toBe(team.services.includes("pipelines"));
  });

  it("validates against the Kubernetes 1.35 schema", async () => {
    expect(await validateObjects(objs, "1.35")).toEqual([]);
  });
});
